#!/usr/bin/env bash
# Thread scaling of a whole run: paths per second at 1, 2, ... up to the machine's cores (or
# the counts given), on a fixed path count, and the parallel efficiency of each count,
#   E(t) = rate(t) / (t x rate(1)).
# The thread counts run alternately, `REPEAT` rounds, and each figure is the median of its
# rounds, so that all counts see the same machine load; the best round of each is shown too. On
# a machine shared with other work the wall-clock figures understate the scaling (the best
# rounds least); the CPU time the run took per path shows what the threads cost in work (ideal:
# the same at every count), whatever else runs. Also checks that every thread count gives
# bit-identical results (the runs' checksums).
#
#   benches/thread_scaling.sh [SCENARIO] [PATHS] [THREADS...]
#   e.g. benches/thread_scaling.sh scenarios/la_workforce_injury.yaml 2000 1 2
# Environment: BUILD (default build), REPEAT (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/la_workforce_injury.yaml}
paths=${2:-1000}
shift $(( $# > 2 ? 2 : $# ))
bench=${BUILD:-build}/benches/reformsim_bench_summary
repeat=${REPEAT:-3}
[ -x "$bench" ] || { echo "thread_scaling.sh: $bench not built" >&2; exit 2; }
if [ $# -gt 0 ]; then
  counts=("$@")
else
  counts=()
  for ((t = 1; t <= $(nproc); t++)); do counts+=("$t"); done
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((r = 1; r <= repeat; r++)); do
  for t in "${counts[@]}"; do
    # The run first, then the parser: a parser started alongside (a pipe) would take CPU from
    # the run while it is being timed.
    run=$("$bench" "$scenario" --paths "$paths" --threads "$t")
    python3 -c 'import json, sys; d = json.load(sys.stdin); print(d["threads"], d["paths_per_s"], d["cpu_s"] / d["paths"], d["checksum"])' \
      <<<"$run" >>"$out"
  done
done

echo "scenario $scenario, $paths paths, median of $repeat alternating rounds, $(nproc) cores," \
  "load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out" <<'PY'
import statistics, sys
rates, cpu, sums = {}, {}, set()
for line in open(sys.argv[1]):
    t, rate, cpu_per_path, checksum = line.split()
    rates.setdefault(int(t), []).append(float(rate))
    cpu.setdefault(int(t), []).append(float(cpu_per_path))
    sums.add(checksum)
t0 = min(rates)
print(f"{'threads':>8} {'paths/s':>10} {'speed-up':>9} {'efficiency':>11} {'best':>9} {'best eff.':>10} "
      f"{'CPU ms/path':>12} {'work eff.':>10}")
base, best0, cpu0 = (statistics.median(rates[t0]) / t0, max(rates[t0]) / t0,
                     statistics.median(cpu[t0]))
for t in sorted(rates):
    med, best, c = statistics.median(rates[t]), max(rates[t]), statistics.median(cpu[t])
    print(f"{t:>8} {med:10.1f} {med / base:9.2f} {med / (t * base):10.1%} {best:9.1f} "
          f"{best / (t * best0):9.1%} {1e3 * c:12.3f} {cpu0 / c:9.1%}")
for t in sorted(rates):
    print(f"  rounds at {t} threads (paths/s): " + " ".join(f"{x:.1f}" for x in rates[t]))
print("efficiency = paths/s at t threads / (t x paths/s at 1), of the medians; best eff. the same"
      " of the best rounds (least disturbed by other work); work eff. = CPU time per path at 1"
      " thread / at t")
print("results bit-identical across thread counts:", "yes" if len(sums) == 1 else f"NO ({sums})")
PY
