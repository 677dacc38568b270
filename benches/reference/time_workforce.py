#!/usr/bin/python3
"""reformsim against both numpy references of the workforce injury model: whole processes, one core.

Two comparisons on scenarios/la_workforce_injury.yaml, each as whole processes (start-up, scenario
reading, simulation, summary), alternately round by round so that all see the same machine load,
medians over the rounds of each one's CPU seconds (user + system, from wait4; wall seconds too):

  baseline  `reformsim run SCENARIO --option baseline --threads 1 -q` (issue 31's command) against
            workforce_injury_numpy.py and workforce_injury_thinned.py with --option baseline
  all       `reformsim run SCENARIO --threads 1 -q` (every option, implementation risk included)
            against each numpy reference running every option (on a copy without the reforms'
            implementation-risk keys, which the references do not model; what that leaves out
            costs reformsim more, not less)

Prints a table per comparison (paths per CPU second and the ratio reformsim / numpy), the CPU
model (/proc/cpuinfo) and the SIMD clone reformsim ran (REFORMSIM_SIMD, else the CPU's best, as
reformsim_bench_summary reports it). Speed is reported, never checked.

    benches/reference/time_workforce.py [--rounds 5] [--paths 1000] [--numpy-paths 200]
                                        [--only baseline|all]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
from compare import ONE_CORE, REFERENCES, without_implementation_risk  # noqa: E402


def cpu_model():
    """The first CPU's model name, family and model, and its AVX2/AVX-512 flags."""
    info = {}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(":")
                info[key.strip()] = value.strip()
    except OSError:
        return "unknown"
    flags = set(info.get("flags", "").split())
    simd = [f for f in ("avx2", "avx512f", "avx512dq") if f in flags]
    return (f"{info.get('model name', 'unknown')} (family {info.get('cpu family', '?')}, model "
            f"{info.get('model', '?')}; {' '.join(simd) or 'no AVX2'})")


def timed(cmd):
    """(CPU seconds of the whole process, wall seconds); its output is discarded."""
    env = dict(os.environ, **ONE_CORE)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode()
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err}")
    return usage.ru_utime + usage.ru_stime, wall


def compare(title, runs, rounds):
    """runs: [(name, paths, cmd)], alternated `rounds` times; prints medians and ratios."""
    cpu = {name: [] for name, _, _ in runs}
    wall = {name: [] for name, _, _ in runs}
    for r in range(rounds):
        line = []
        for name, paths, cmd in runs:
            c, w = timed(cmd)
            cpu[name].append(c)
            wall[name].append(w)
            line.append(f"{name} {c:7.2f} s")
        print(f"  round {r + 1}: " + "   ".join(line), flush=True)
    print(f"{title} (medians of {rounds} rounds; CPU seconds of the whole process)")
    print(f"  {'program':<22} {'paths':>6} {'CPU s':>8} {'wall s':>8} {'paths/CPU s':>12} "
          f"{'reformsim / it':>15}")
    first, first_paths = runs[0][0], runs[0][1]
    rate0 = first_paths / statistics.median(cpu[first])
    for name, paths, _ in runs:
        c, w = statistics.median(cpu[name]), statistics.median(wall[name])
        rate = paths / c
        print(f"  {name:<22} {paths:6d} {c:8.2f} {w:8.2f} {rate:12.1f} {rate0 / rate:14.2f}x")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios", "la_workforce_injury.yaml"))
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--paths", type=int, default=1000, help="reformsim's and the thinned numpy's")
    ap.add_argument("--numpy-paths", type=int, default=200,
                    help="the per-claim numpy's (slower: fewer paths, the same rate)")
    ap.add_argument("--only", choices=["baseline", "all"])
    ap.add_argument("--reformsim", default=os.path.join(ROOT, "build", "reformsim"))
    ap.add_argument("--bench", default=os.path.join(ROOT, "build", "benches",
                                                    "reformsim_bench_summary"),
                    help="reformsim_bench_summary (only asked which SIMD clone runs)")
    args = ap.parse_args()
    for exe in (args.reformsim, args.bench):
        if not os.path.exists(exe):
            print(f"time_workforce.py: {exe} not found (build first)", file=sys.stderr)
            return 2
    probe = subprocess.run([args.bench, args.scenario, "--paths", "1", "--threads", "1"],
                           check=True, capture_output=True, text=True,
                           env=dict(os.environ, **ONE_CORE))
    clone = json.loads(probe.stdout).get("simd", "unknown")
    print(f"CPU: {cpu_model()}; {os.cpu_count()} logical CPUs, load average "
          f"{os.getloadavg()[0]:.1f}; reformsim's SIMD clone: {clone}; "
          f"numpy {__import__('numpy').__version__}")
    py = sys.executable
    ref = lambda kind: [py, os.path.join(HERE, REFERENCES[kind])]
    folder = tempfile.mkdtemp(prefix="reformsim-time-")
    try:
        plain = without_implementation_risk(args.scenario, folder)
        if args.only in (None, "baseline"):
            compare("LA workforce baseline alone, one core", [
                ("reformsim", args.paths, [args.reformsim, "run", args.scenario, "--option",
                                           "baseline", "--threads", "1", "-q",
                                           "--paths", str(args.paths)]),
                ("numpy thinned", args.paths, ref("thinned") + [
                    args.scenario, "--option", "baseline", "--paths", str(args.paths)]),
                ("numpy per claim", args.numpy_paths, ref("numpy") + [
                    args.scenario, "--option", "baseline", "--paths", str(args.numpy_paths)]),
            ], args.rounds)
        if args.only in (None, "all"):
            compare("LA workforce, every option (reformsim: one run; numpy: each option)", [
                ("reformsim", args.paths, [args.reformsim, "run", args.scenario, "--threads",
                                           "1", "-q", "--paths", str(args.paths)]),
                ("numpy thinned", args.paths, ref("thinned") + [plain, "--paths",
                                                                 str(args.paths)]),
                ("numpy per claim", args.numpy_paths, ref("numpy") + [
                    plain, "--paths", str(args.numpy_paths)]),
            ], args.rounds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
