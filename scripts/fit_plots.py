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

With --weights, truncation or censoring (the options of `reformsim fit`, passed through), the
plotting positions are the product-limit (Kaplan-Meier) estimate with delayed entry (left
truncation: a row is at risk from its truncation point a_i to its value or censoring point;
Lynden-Bell's / Tsai, Jewell and Wang's estimator) and the rows' weights: at each distinct
uncensored value t, the position is the mean of the estimated CDF just before and at t, i.e.
(i - 0.5) / n for complete unweighted data without ties. It estimates the distribution given
X > min a_i (and X < b, for one truncation point b from above), so the fitted CDF shown is
conditioned the same way, G(x) = (F(x) - F(min a)) / (F(b) - F(min a)). Censored rows are not
drawn (they enter the risk sets).

With --truncate-above-column (truncation from above that differs by row) no one conditional
distribution describes the data, so each row is put on its own conditional scale: u_i = (F(x_i)
- F(a_i)) / (F(b_i) - F(a_i)) (censored rows at their censoring point), uniform on (0, 1) under
the fit. The plotting positions are the weighted product-limit estimate of the u's CDF
(mid-step, as above; the estimate `reformsim fit`'s KS and AD compare with the uniform, see
docs/fit.md); the PP plot shows u_i against its position, the QQ plot x_i against its own row's
conditional fitted quantile at that position, F^-1(F(a_i) + position (F(b_i) - F(a_i))).
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


class Conditional:
    """`dist` conditioned on a < X < b."""

    def __init__(self, dist, a, b):
        self.dist, self.fa, self.fb = dist, dist.cdf(a), dist.cdf(b)

    def cdf(self, x):
        return (self.dist.cdf(x) - self.fa) / (self.fb - self.fa)

    def ppf(self, u):
        return self.dist.ppf(self.fa + np.asarray(u) * (self.fb - self.fa))


def column(table, name, default):
    if name is None:
        return np.full(len(table), default)
    return table[name].to_numpy(dtype=float)


def product_limit(table, args):
    """The uncensored distinct values, their mid-step product-limit CDF positions, and the
    lowest truncation point and the upper one (see the module's text)."""
    x, w, lo, _, cap = row_bounds(table, args)
    hi = float(args.truncate_above) if args.truncate_above else np.inf
    censored = ~np.isnan(cap) & (x >= cap)
    x = np.where(censored, cap, x)
    times = np.unique(x[~censored])
    surv, positions = 1.0, []
    for t in times:
        at_risk = w[(lo < t) & (x >= t)].sum()
        events = w[(x == t) & ~censored].sum()
        after = surv * (1 - events / at_risk)
        positions.append(1 - 0.5 * (surv + after))
        surv = after
    return times, np.array(positions), lo.min(), hi


def row_bounds(table, args):
    """Each row's value, weight, truncation interval and censoring point (NaN: none), for the
    rows recorded (weight > 0, inside their interval)."""
    x = table[args.column].to_numpy(dtype=float)
    w = column(table, args.weights, 1.0)
    lo = (column(table, args.truncate_below_column, np.nan) if args.truncate_below_column
          else np.full(len(x), float(args.truncate_below) if args.truncate_below else -np.inf))
    hi = (column(table, args.truncate_above_column, np.nan) if args.truncate_above_column
          else np.full(len(x), float(args.truncate_above) if args.truncate_above else np.inf))
    lo, hi = np.where(np.isnan(lo), -np.inf, lo), np.where(np.isnan(hi), np.inf, hi)
    if args.censor_above_column:
        cap = column(table, args.censor_above_column, np.nan)
    elif args.censored_column:
        cap = np.where(column(table, args.censored_column, 0) == 1, x, np.nan)
    else:
        cap = np.full(len(x), float(args.censor_above) if args.censor_above else np.nan)
    keep = (w > 0) & (x > lo) & (x < hi)
    return x[keep], w[keep], lo[keep], hi[keep], cap[keep]


def per_row_scale(table, args, dist):
    """Per-row conditional scale (see the module's text): the uncensored values, their
    positions, their u's and their own rows' conditional quantiles at the positions."""
    x, w, lo, hi, cap = row_bounds(table, args)
    censored = ~np.isnan(cap) & (x >= cap)
    fa, fb = dist.cdf(lo), dist.cdf(hi)
    u = (dist.cdf(np.where(censored, cap, x)) - fa) / (fb - fa)
    order = np.lexsort((censored, u))  # at a tie, events before censored values
    surv, at_risk, position = 1.0, w.sum(), np.full(len(x), np.nan)
    for i in order:
        if not censored[i]:
            after = surv * (1 - w[i] / at_risk)
            position[i] = 1 - 0.5 * (surv + after)
            surv = after
        at_risk -= w[i]
    e = ~censored
    return x[e], position[e], u[e], dist.ppf(fa[e] + position[e] * (fb[e] - fa[e]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data")
    ap.add_argument("--column", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--families")
    ap.add_argument("--discrete", action="store_true")
    ap.add_argument("--reformsim", default=os.path.join("build", "reformsim"))
    for opt in ("--weights", "--truncate-below", "--truncate-above", "--censor-above",
                "--truncate-below-column", "--truncate-above-column", "--censor-above-column",
                "--censored-column"):
        ap.add_argument(opt)
    args = ap.parse_args()

    cmd = [args.reformsim, "fit", args.data, "--column", args.column, "--json"]
    if args.families:
        cmd += ["--families", args.families]
    if args.discrete:
        cmd.append("--discrete")
    passed = {o: getattr(args, o[2:].replace("-", "_"))
              for o in ("--weights", "--truncate-below", "--truncate-above", "--censor-above",
                        "--truncate-below-column", "--truncate-above-column",
                        "--censor-above-column", "--censored-column")}
    for opt, value in passed.items():
        if value is not None:
            cmd += [opt, value]
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.stderr.write(run.stderr)
        return run.returncode
    result = json.loads(run.stdout)
    table = pd.read_csv(args.data, skipinitialspace=True)
    x = np.sort(table[args.column].to_numpy(dtype=float))
    n = len(x)
    positions = (np.arange(1, n + 1) - 0.5) / n
    incomplete = any(v is not None for k, v in passed.items())
    per_row = args.truncate_above_column is not None
    if incomplete and not per_row:
        x, positions, a0, b0 = product_limit(table, args)
    os.makedirs(args.out, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", args.column)
    for fit in result["fits"]:
        params = {k: v["value"] for k, v in fit["parameters"].items()}
        dist = SCIPY[fit["family"]](params)
        if per_row:
            x, positions, fitted_cdf, q = per_row_scale(table, args, dist)
        else:
            if incomplete:
                dist = Conditional(dist, a0, b0)
            q, fitted_cdf = dist.ppf(positions), dist.cdf(x)
        fig, (qq, pp) = plt.subplots(1, 2, figsize=(9, 4.2))
        qq.scatter(q, x, s=8)
        lo, hi = min(q.min(), x.min()), max(q[np.isfinite(q)].max(), x.max())
        qq.plot([lo, hi], [lo, hi], color="grey", lw=1)
        qq.set_xlabel(f"fitted {fit['family']} quantile" + (" (of the row's conditional)"
                                                            if per_row else ""))
        qq.set_ylabel(args.column if per_row else f"{args.column} (sorted)")
        qq.set_title("QQ")
        pp.scatter(positions, fitted_cdf, s=8)
        pp.plot([0, 1], [0, 1], color="grey", lw=1)
        pp.set_xlabel("product-limit probability (mid-step)" if incomplete
                      else "empirical probability (i - 0.5) / n")
        pp.set_ylabel("row's conditional fitted CDF at the data" if per_row
                      else "fitted CDF at the data")
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
