#!/usr/bin/env bash
# The main job: builds reformsim, runs the Los Angeles scenario (or the scenario given as the
# first argument) into out/<name>.h5, and prints each option's net budget impact against the
# baseline and what drives it. The full per-metric summary goes to out/<name>_summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target reformsim
scenario=${1:-scenarios/los_angeles.yaml}
name=$(basename "$scenario" .yaml)
mkdir -p out
./build/reformsim run "$scenario" -o "out/$name.h5" --force >"out/${name}_summary.txt"
./build/reformsim compare "out/$name.h5"
./build/reformsim sensitivity "out/$name.h5" --top 4
echo
echo "Full summary (every option and metric): out/${name}_summary.txt"
echo "Results file: out/$name.h5 (docs/results-format.md); charts: /usr/bin/python3 notebooks/run_notebooks.py out/$name.h5 --out out/report"
