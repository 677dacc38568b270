#!/usr/bin/python3
"""reformsim against the numpy reference of the workforce injury model, side by side on one core.

Runs build/benches/reformsim_bench_summary (reformsim's engine, --threads 1) and a numpy
reference (numpy with OMP/OPENBLAS/MKL threads = 1: workforce_injury_numpy.py, claim by claim,
or with `--reference thinned` workforce_injury_thinned.py, claims by kind) on the same scenario,
alternately `--repeat` times, and prints each one's paths per second (median over the repeats;
a path is all options of the scenario) and their ratio. Then checks that both agree on the means
of the main outputs, per option and per year: |mean_reformsim - mean_numpy| <= tolerance x
sqrt(se_reformsim^2 + se_numpy^2) (4 combined standard errors by default); a metric with no
spread in either must agree to 1e-9 relative. Exit status 1 when they disagree, 2 on usage
errors, 77 when numpy or yaml is missing (ctest: skipped). Speed is reported, never checked.

    benches/reference/compare.py [SCENARIO] [--paths N] [--repeat R] [--all-metrics]
                                 [--reference numpy|thinned]
"""
import argparse
import atexit
import json
import math
import os
import statistics
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MAIN = ["claims", "total_incurred_usd", "claims_paid_usd"]
ALL = ["claims", "lost_days", "litigated_claims", "fraud_caught_claims", "medical_incurred_usd",
       "indemnity_incurred_usd", "legal_incurred_usd", "fraud_cost_avoided_usd",
       "investigation_cost_usd", "program_cost_usd", "claims_paid_usd", "run_off_paid_usd",
       "total_incurred_usd", "total_paid_usd", "salary_continuation_usd"]
REFERENCES = {"numpy": "workforce_injury_numpy.py", "thinned": "workforce_injury_thinned.py"}
ONE_CORE = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "NUMEXPR_NUM_THREADS": "1"}


def run_json(cmd):
    env = dict(os.environ, **ONE_CORE)
    out = subprocess.run(cmd, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def agreement(rs, ref, metrics, tol, model="workforce_injury"):
    """(checked, failures, worst z, where): `model`'s metrics, per option and year."""
    checked, failures, worst, where = 0, [], 0.0, ""
    for option, res in ref["results"].items():
        if option not in rs["results"]:
            failures.append(f"option {option} missing from reformsim")
            continue
        for metric in metrics:
            key = f"{model}.{metric}"
            a, b = rs["results"][option][key], res[key]
            for year, (ma, sa, mb, sb) in enumerate(zip(a["mean"], a["se"], b["mean"], b["se"])):
                checked += 1
                se = math.hypot(sa, sb)
                if se == 0.0:
                    ok = abs(ma - mb) <= 1e-9 * max(1.0, abs(ma), abs(mb))
                    z = 0.0 if ok else math.inf
                else:
                    z = abs(ma - mb) / se
                    ok = z <= tol
                if z > worst:
                    worst, where = z, f"{option} {metric} year {year}"
                if not ok:
                    failures.append(f"{option} {metric} year {year}: reformsim {ma:.6g} +- {sa:.3g}"
                                    f", numpy {mb:.6g} +- {sb:.3g} ({z:.2f} SE)")
    return checked, failures, worst, where


# The keys of a reform's implementation risk (sim/implementation.hpp) and the scenario's
# execution correlation: the numpy reference models the workforce claims, not implementation risk
# (the engine's theory tests cover that: tests/test_implementation.cpp).
IMPLEMENTATION_KEYS = ("success_probability", "delay_years", "cost_overrun", "wind_down_years")


def without_implementation_risk(scenario: str, folder: str) -> str:
    """A copy of the scenario in `folder` with every reform's implementation keys and the
    `implementation` section removed: every reform delivers, on time and on budget."""
    import yaml
    with open(scenario) as f:
        doc = yaml.safe_load(f)
    doc.pop("implementation", None)
    for section in (doc.get("models") or {}).values():
        for reform in ((section or {}).get("reforms") or {}).values():
            for key in IMPLEMENTATION_KEYS:
                (reform or {}).pop(key, None)
    out = os.path.join(folder, os.path.basename(scenario))
    with open(out, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return out



def report_agreement(result, tolerance, shape):
    """Prints agreement()'s result (`shape` says what the per-year means are) and returns the
    exit code: 0 when every mean agrees, 1 otherwise."""
    checked, failures, worst, where = result
    print(f"agreement: {checked} per-year means ({shape}); largest difference {worst:.2f} "
          f"combined SE ({where}); tolerance {tolerance:g}")
    if failures:
        print(f"DISAGREE on {len(failures)}:", *failures[:20], sep="\n  ")
        return 1
    print("agree")
    return 0

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenario", nargs="?",
                    default=os.path.join(ROOT, "scenarios", "la_workforce_injury.yaml"))
    ap.add_argument("--paths", type=int, default=200, help="paths for both (default 200)")
    ap.add_argument("--reformsim-paths", type=int, help="paths for reformsim (default --paths)")
    ap.add_argument("--numpy-paths", type=int, help="paths for numpy (default --paths)")
    ap.add_argument("--repeat", type=int, default=1, help="alternate runs of each (default 1)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "benches",
                                                    "reformsim_bench_summary"),
                    help="the reformsim_bench_summary executable")
    ap.add_argument("--all-metrics", action="store_true",
                    help="check every metric, not only claims, incurred and paid")
    ap.add_argument("--tolerance", type=float, default=4.0, help="in combined standard errors")
    ap.add_argument("--seed", type=int, help="numpy's seed (default: the scenario's)")
    ap.add_argument("--reference", choices=sorted(REFERENCES), default="numpy",
                    help="numpy: claim by claim (default); thinned: claims by kind")
    ap.add_argument("--without-implementation-risk", action="store_true",
                    help="run both on a copy of the scenario without the reforms' implementation "
                         "risk keys (the reference does not model them)")
    args = ap.parse_args()
    try:
        subprocess.run([sys.executable, "-c", "import numpy, yaml"], check=True,
                       capture_output=True)
    except subprocess.CalledProcessError:
        print("compare.py: numpy and python3-yaml are needed (Debian: apt-get install "
              "python3-numpy python3-yaml)", file=sys.stderr)
        return 77
    if not os.path.exists(args.bench):
        print(f"compare.py: {args.bench} not found (build the benches first)", file=sys.stderr)
        return 2

    if args.without_implementation_risk:
        folder = tempfile.mkdtemp(prefix="reformsim-compare-")
        atexit.register(shutil.rmtree, folder, True)
        args.scenario = without_implementation_risk(args.scenario, folder)
    rs_paths = args.reformsim_paths or args.paths
    np_paths = args.numpy_paths or args.paths
    rs_cmd = [args.bench, args.scenario, "--paths", str(rs_paths), "--threads", "1"]
    np_cmd = [sys.executable, os.path.join(HERE, REFERENCES[args.reference]), args.scenario,
              "--paths", str(np_paths)] + (["--seed", str(args.seed)] if args.seed else [])
    rs_rates, np_rates, rs, ref = [], [], None, None
    for r in range(args.repeat):  # alternately, so that both see the same machine load
        rs = run_json(rs_cmd)
        ref = run_json(np_cmd)
        rs_rates.append(rs["paths_per_s"])
        np_rates.append(ref["paths_per_s"])
        print(f"run {r + 1}: reformsim {rs['paths_per_s']:10.2f} paths/s   numpy "
              f"{ref['paths_per_s']:8.2f} paths/s   ratio {rs['paths_per_s'] / ref['paths_per_s']:6.1f}")
    rs_rate, np_rate = statistics.median(rs_rates), statistics.median(np_rates)
    print(f"scenario {args.scenario}: {ref['options']} options, {ref['horizon_years']} years; "
          f"one core; a path is every option")
    print(f"reformsim  {rs_paths:6d} paths   {rs_rate:10.2f} paths/s (median of {args.repeat})")
    print(f"numpy      {np_paths:6d} paths   {np_rate:10.2f} paths/s (median of {args.repeat})")
    print(f"ratio      reformsim / numpy = {rs_rate / np_rate:.1f}x")

    metrics = ALL if args.all_metrics else MAIN
    return report_agreement(agreement(rs, ref, metrics, args.tolerance), args.tolerance,
                            f"{len(ref['results'])} options x {len(metrics)} metrics x "
                            f"{ref['horizon_years']} years")


if __name__ == "__main__":
    sys.exit(main())
