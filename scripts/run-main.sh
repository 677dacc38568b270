#!/usr/bin/env bash
# The main job: builds reformsim, runs the Los Angeles scenario (or the scenario given as the
# first argument) into out/<name>.h5, and prints each option's net budget impact against the
# baseline, the same at 2%, 3% and 7% discount rates (out/<name>_rates.h5), and what drives it.
# The full per-metric summary goes to out/<name>_summary.txt, the planner's report to
# out/<name>.html (one self-contained page) and out/<name>_planner.xlsx.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target reformsim
scenario=${1:-scenarios/los_angeles.yaml}
name=$(basename "$scenario" .yaml)
mkdir -p out
# Every per-path array (--keep-paths all): the summary's percentiles exact, and the file read by
# the notebooks' model sections (run_notebooks.py, below).
./build/reformsim run "$scenario" -o "out/$name.h5" --force --keep-paths all \
  >"out/${name}_summary.txt"
./build/reformsim compare "out/$name.h5"
# The headline at 2%, 3% and 7% real discount rates, every rate on the same paths and streams:
# OMB Circular A-4 asks for net benefits at 3% and 7%, Circular A-94 for how the result depends
# on the rate (docs/analysis.md, "Sweeps").
./build/reformsim run "$scenario" --sweep simulation.discount_rate=0.02,0.03,0.07 \
  -o "out/${name}_rates.h5" --force --quiet >/dev/null
./build/reformsim compare "out/${name}_rates.h5"
./build/reformsim sensitivity "out/$name.h5" --top 4
./build/reformsim report "out/$name.h5" -o "out/$name.html" --xlsx "out/${name}_planner.xlsx" \
  >/dev/null
echo
echo "Report (open it in a browser): out/$name.html; its tables as a workbook: out/${name}_planner.xlsx"
echo "Full summary (every option and metric): out/${name}_summary.txt"
echo "At 2%, 3% and 7%: out/${name}_rates.h5 (a sweep file: reformsim compare, report, reformsim.open_sweep)"
echo "Results file: out/$name.h5 (docs/results-format.md); charts: /usr/bin/python3 notebooks/run_notebooks.py out/$name.h5 --out out/report"
