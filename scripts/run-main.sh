#!/usr/bin/env bash
# Builds reformsim and runs the shipped scenario, printing a summary.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" --target reformsim
scenario=${1:-scenarios/los_angeles.yaml}
./build/reformsim run "$scenario"
