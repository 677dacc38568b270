"""QQ and PP plots of `reformsim fit`'s fits: one PNG per family, two panels.

Usage: /usr/bin/python3 scripts/fit_plots.py DATA.csv --column NAME --out DIR
           [--families A,B,...] [--discrete] [--reformsim build/reformsim]

Runs `reformsim fit DATA.csv --column NAME --json` (so the parameters are reformsim's), reads
the column with pandas, and writes DIR/<column>_<family>.png for every fitted family: the QQ
plot (the sorted data against the fitted quantiles at the plotting positions (i - 0.5) / n)
and the PP plot (the fitted CDF at the sorted data against the same positions); a good fit
lies on the diagonal of both. The fitted distributions are scipy.stats' with reformsim's
parameters mapped to scipy's (lognormal: s = sigma, scale = exp(mu); pareto: b = shape;
negative_binomial: n = dispersion, p = dispersion / (dispersion + mean)). Prints the files.
Debian's python3 with python3-matplotlib, python3-pandas and python3-scipy.
"""

import argparse
import json
import math
import os
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

SCIPY = {
    "normal": lambda p: stats.norm(p["mean"], p["sd"]),
    "lognormal": lambda p: stats.lognorm(p["sigma"], 0, math.exp(p["mu"])),
    "gamma": lambda p: stats.gamma(p["shape"], 0, p["scale"]),
    "beta": lambda p: stats.beta(p["a"], p["b"]),
    "pareto": lambda p: stats.pareto(p["shape"], 0, p["scale"]),
    "uniform": lambda p: stats.uniform(p["min"], p["max"] - p["min"]),
    "poisson": lambda p: stats.poisson(p["mean"]),
    "negative_binomial": lambda p: stats.nbinom(
        p["dispersion"], p["dispersion"] / (p["dispersion"] + p["mean"])),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--column", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--families")
    ap.add_argument("--discrete", action="store_true")
    ap.add_argument("--reformsim", default=os.path.join("build", "reformsim"))
    args = ap.parse_args()

    cmd = [args.reformsim, "fit", args.data, "--column", args.column, "--json"]
    if args.families:
        cmd += ["--families", args.families]
    if args.discrete:
        cmd.append("--discrete")
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return run.returncode
    result = json.loads(run.stdout)
    x = np.sort(pd.read_csv(args.data, skipinitialspace=True)[args.column].to_numpy(dtype=float))
    n = len(x)
    positions = (np.arange(1, n + 1) - 0.5) / n
    os.makedirs(args.out, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", args.column)
    for fit in result["fits"]:
        params = {k: v["value"] for k, v in fit["parameters"].items()}
        dist = SCIPY[fit["family"]](params)
        fig, (qq, pp) = plt.subplots(1, 2, figsize=(9, 4.2))
        q = dist.ppf(positions)
        qq.scatter(q, x, s=8)
        lo, hi = min(q.min(), x.min()), max(q[np.isfinite(q)].max(), x.max())
        qq.plot([lo, hi], [lo, hi], color="grey", lw=1)
        qq.set_xlabel(f"fitted {fit['family']} quantile")
        qq.set_ylabel(f"{args.column} (sorted)")
        qq.set_title("QQ")
        pp.scatter(positions, dist.cdf(x), s=8)
        pp.plot([0, 1], [0, 1], color="grey", lw=1)
        pp.set_xlabel("empirical probability (i - 0.5) / n")
        pp.set_ylabel("fitted CDF at the data")
        pp.set_title("PP")
        fig.suptitle(f"{os.path.basename(args.data)}: {args.column}, {fit['family']} "
                     f"(rank {fit['rank']}, AIC {fit['aic']:.1f})")
        fig.tight_layout()
        path = os.path.join(args.out, f"{stem}_{fit['family']}.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
