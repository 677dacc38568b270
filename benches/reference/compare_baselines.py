#!/usr/bin/python3
"""reformsim against a vectorised numpy reference of one model's baseline, side by side, one core.

For the procurement and real-estate models (procurement_numpy.py, real_estate_numpy.py): writes
a copy of the scenario with only its baseline option, runs build/benches/reformsim_bench_summary
(--threads 1) and the numpy reference (OMP/OPENBLAS/MKL threads = 1) on it, alternately
`--repeat` times, and prints each one's CPU time per 1,000 paths (the simulation only, one
thread each, median over the repeats; CPU rather than wall time, which a shared machine's load
inflates), their ratio, the CPU model and the SIMD clone the loader picks on it
(sim/clones.hpp: x86-64-v4 with AVX-512, else avx2, else default). Then checks that both agree
on every metric the reference computes, per year: |mean_reformsim - mean_numpy| <= tolerance x
sqrt(se_reformsim^2 + se_numpy^2) (4 combined standard errors by default); a metric with no
spread in either must agree to 1e-9 relative. Exit status 1 when they disagree, 2 on usage
errors, 77 when numpy or yaml is missing (ctest: skipped). Speed is reported, never checked.

    benches/reference/compare_baselines.py MODEL [SCENARIO] [--paths N] [--repeat R]
                                           [--before OLD_BENCH_SUMMARY] [--run]
                                           [--before-run OLD_REFORMSIM]

Both times are printed: the simulation's CPU (each program's own `cpu_s`) and the whole
process's (the child's user + system CPU: start-up, reading, numpy's import, output).

reformsim_bench_summary keeps every per-path array (as `run --keep-paths all`). With `--run`,
`reformsim run SCENARIO --threads 1 -q --json` is timed too, whole process: what a user runs,
in the default `--keep-paths headline` (the other metrics' arrays folded into streamed
statistics a chunk at a time and dropped), printing the summary; `--before-run OLD_REFORMSIM`
times another build's beside it. Run it at a few path counts: at the scenario's 4,000 the whole
process is mostly start-up (numpy's import alone is ~0.1 s).

MODEL is procurement or real_estate; SCENARIO defaults to scenarios/la_<MODEL>.yaml.
"""
import argparse
import atexit
import math
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile

from compare import ROOT, HERE, run_json, agreement, report_agreement

REFERENCES = {"procurement": "procurement_numpy.py", "real_estate": "real_estate_numpy.py"}


def baseline_only(scenario: str, folder: str) -> str:
    """A copy of the scenario in `folder` whose only option is its baseline."""
    import yaml
    with open(scenario) as f:
        doc = yaml.safe_load(f)
    name = doc.get("baseline", "baseline")
    doc["options"] = {name: (doc.get("options") or {}).get(name) or {}}
    out = os.path.join(folder, os.path.basename(scenario))
    with open(out, "w") as f:
        yaml.safe_dump(doc, f, sort_keys=False)
    return out


def cpu_and_clone():
    """The CPU model and the clone of sim/clones.hpp its loader picks."""
    model, flags = "unknown CPU", set()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name") and model == "unknown CPU":
                    model = line.split(":", 1)[1].strip()
                elif line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
    except OSError:
        pass
    if {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"} <= flags:
        return model, "x86-64-v4 (AVX-512)"
    return model, "avx2" if "avx2" in flags else "default"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=sorted(REFERENCES))
    ap.add_argument("scenario", nargs="?")
    ap.add_argument("--paths", type=int, default=2000, help="paths for both (default 2000)")
    ap.add_argument("--repeat", type=int, default=1, help="alternate runs of each (default 1)")
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "benches",
                                                    "reformsim_bench_summary"),
                    help="the reformsim_bench_summary executable")
    ap.add_argument("--before", help="a second reformsim_bench_summary (e.g. the build of the "
                    "commit before a change), timed in the same alternation")
    ap.add_argument("--run", action="store_true",
                    help="also time `reformsim run` (the default --keep-paths headline), whole "
                    "process")
    ap.add_argument("--reformsim", default=os.path.join(ROOT, "build", "reformsim"),
                    help="the reformsim executable (for --run)")
    ap.add_argument("--before-run", help="a second reformsim executable, timed with --run")
    ap.add_argument("--tolerance", type=float, default=4.0, help="in combined standard errors")
    ap.add_argument("--seed", type=int, help="numpy's seed (default: the scenario's)")
    args = ap.parse_args()
    scenario = args.scenario or os.path.join(ROOT, "scenarios", f"la_{args.model}.yaml")
    try:
        subprocess.run([sys.executable, "-c", "import numpy, yaml"], check=True,
                       capture_output=True)
    except subprocess.CalledProcessError:
        print("compare_baselines.py: numpy and python3-yaml are needed (Debian: apt-get install "
              "python3-numpy python3-yaml)", file=sys.stderr)
        return 77
    if not os.path.exists(args.bench):
        print(f"compare_baselines.py: {args.bench} not found (build the benches first)",
              file=sys.stderr)
        return 2
    folder = tempfile.mkdtemp(prefix="reformsim-baselines-")
    atexit.register(shutil.rmtree, folder, True)
    scenario = baseline_only(scenario, folder)

    rs_cmd = [args.bench, scenario, "--paths", str(args.paths), "--threads", "1"]
    np_cmd = [sys.executable, os.path.join(HERE, REFERENCES[args.model]), scenario,
              "--paths", str(args.paths)] + (["--seed", str(args.seed)] if args.seed else [])
    # Per run: the simulation's CPU time as each reports it, and the whole process's (user +
    # system CPU of the child: start-up, scenario reading, numpy's import, output).
    runs = {"reformsim": [rs_cmd], "numpy": [np_cmd]}
    if args.before:
        runs["before"] = [[args.before] + rs_cmd[1:]]
    run_args = [scenario, "--paths", str(args.paths), "--threads", "1", "-q", "--json"]
    if args.run or args.before_run:
        runs["run"] = [[args.reformsim, "run"] + run_args]
    if args.before_run:
        runs["before run"] = [[args.before_run, "run"] + run_args]
    sim_ms = {k: [] for k in runs}
    proc_ms = {k: [] for k in runs}
    out = {}

    def timed(cmd):
        start = resource.getrusage(resource.RUSAGE_CHILDREN)
        res = run_json(cmd)
        end = resource.getrusage(resource.RUSAGE_CHILDREN)
        whole = (end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime)
        return res, whole

    per_k = 1000.0 * 1000.0 / args.paths  # seconds for all paths -> ms per 1,000 paths
    for r in range(args.repeat):  # alternately, so that all see the same machine load
        for name, (cmd,) in runs.items():
            out[name], whole = timed(cmd)
            # `reformsim run` prints no CPU time of its own: its whole process only.
            sim_ms[name].append(out[name].get("cpu_s", math.nan) * per_k)
            proc_ms[name].append(whole * per_k)
        print(f"run {r + 1}: " + "   ".join(
            f"{k} {sim_ms[k][-1]:8.2f} (whole process {proc_ms[k][-1]:8.2f})" for k in runs) +
            " CPU ms / 1,000 paths")
    rs, ref = out["reformsim"], out["numpy"]
    cpu, clone = cpu_and_clone()
    med = {k: (statistics.median(sim_ms[k]), statistics.median(proc_ms[k])) for k in runs}
    print(f"{args.model} baseline ({os.path.basename(scenario)}), {args.paths} paths, one core; "
          f"CPU {cpu}; reformsim's clone {clone}")
    for k in runs:
        simulating = "" if math.isnan(med[k][0]) else f"{med[k][0]:9.2f} CPU ms / 1,000 paths " \
            "simulating, "
        print(f"{k:10} {simulating}{med[k][1]:9.2f} CPU ms / 1,000 paths whole process (medians "
              f"of {args.repeat})")
    (rs_t, rs_w), (np_t, np_w) = med["reformsim"], med["numpy"]
    print(f"ratio      reformsim is {np_t / rs_t:.2f}x as fast as numpy simulating, "
          f"{np_w / rs_w:.2f}x whole process")
    if args.before:
        b_t, b_w = med["before"]
        print(f"before     {np_t / b_t:.2f}x simulating, {np_w / b_w:.2f}x whole process; "
              f"the change: {b_t / rs_t:.2f}x, {b_w / rs_w:.2f}x")
    if "run" in med:
        run_w = med["run"][1]
        print(f"run        `reformsim run` (--keep-paths headline) is {np_w / run_w:.2f}x as fast "
              f"as numpy, whole process")
    if "before run" in med:
        br_w = med["before run"][1]
        print(f"before run {np_w / br_w:.2f}x whole process; the change: {br_w / run_w:.2f}x")

    metrics = [k.split(".", 1)[1] for k in next(iter(ref["results"].values()))]
    return report_agreement(agreement(rs, ref, metrics, args.tolerance, args.model),
                            args.tolerance, f"{len(metrics)} metrics x {ref['horizon_years']} years")


if __name__ == "__main__":
    sys.exit(main())
