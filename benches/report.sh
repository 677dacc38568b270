#!/usr/bin/env bash
# Every figure of docs/performance.md in one run, in this order: the machine, the
# micro-benchmarks, reformsim against the numpy references, thread scaling, whole runs with their
# memory. Takes about ten minutes on two cores. Build first (Release, the default):
#   cmake -S . -B build -G Ninja && ninja -C build
#   benches/report.sh 2>&1 | tee report.txt
# Environment: BUILD (default build).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build}

echo "== machine"
lscpu | grep -E '^(Model name|CPU\(s\)|Thread\(s\) per core|Core\(s\) per socket|CPU max MHz|L1d|L2|L3|Flags)' |
  sed -E 's/^(Flags:).*/\1 (avx2: '"$(grep -c avx2 /proc/cpuinfo | head -1)"' cpus; avx512f: '"$(grep -c avx512f /proc/cpuinfo | head -1)"' cpus)/'
echo "compiler: $(c++ --version | head -1); glibc: $(ldd --version | head -1 | awk '{print $NF}')"
echo "git: $(git rev-parse --short=12 HEAD)$(git diff --quiet || echo ' (modified)')"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

echo; echo "== micro-benchmarks (build/benches/reformsim_bench_micro)"
"$B/benches/reformsim_bench_micro" --benchmark_min_time=0.3 2>&1 | grep -v '^\*\*\*WARNING'

echo; echo "== reformsim against the numpy reference, one core (benches/reference/compare.py)"
benches/reference/compare.py scenarios/la_workforce_injury.yaml --reformsim-paths 1000 \
  --numpy-paths 100 --repeat 3 --all-metrics
benches/reference/compare.py benches/reference/check_workforce_injury.yaml --paths 2000 \
  --all-metrics
benches/reference/compare.py benches/reference/check_workforce_injury.yaml --paths 2000 \
  --all-metrics --reference thinned

echo; echo "== whole processes against both numpy references (benches/reference/time_workforce.py)"
benches/reference/time_workforce.py --only baseline --rounds 5 --reformsim "$B/reformsim" \
  --bench "$B/benches/reformsim_bench_summary"
benches/reference/time_workforce.py --only all --rounds 3 --reformsim "$B/reformsim" \
  --bench "$B/benches/reformsim_bench_summary"

echo; echo "== thread scaling (benches/thread_scaling.sh)"
REPEAT=5 benches/thread_scaling.sh scenarios/la_workforce_injury.yaml 1000
REPEAT=5 benches/thread_scaling.sh scenarios/la_procurement.yaml 8000

echo; echo "== whole runs and memory (build/benches/reformsim_bench_run)"
"$B/benches/reformsim_bench_run" 2>&1 | grep -v '^\*\*\*WARNING'
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
