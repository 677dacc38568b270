#!/usr/bin/env bash
# Builds reformsim with AddressSanitizer and UndefinedBehaviorSanitizer (clang 14, build-asan/)
# and runs: the unit and end-to-end tests that cover the scenario reader, every model and the
# results writer and readers; every saved fuzz reproducer and seed; and each libFuzzer target for
# FUZZ_SECONDS (default 30). Any sanitizer report fails the test that triggered it.
# docs/testing.md explains what it covers.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JOBS:-2}
cmake --preset asan \
  -DREFORMSIM_FUZZ_SECONDS="${FUZZ_SECONDS:-30}" > /dev/null
cmake --build build-asan -j"$jobs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/fuzz/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# Everything but what Python drives through the program (the notebooks, the documentation's
# snippets, and the Python-dependency check that needs the notebook run): the Release run covers
# them, and under the sanitizers they would take most of the CI budget. Also left to the Release
# run: the tests that run no compiled code at all (Python scripts and file comparisons: the fit and
# distribution oracles' tables, the calibrations' derivations, the include-layer and mutant-list
# checks), which a sanitizer cannot check and which took 145 s of the sanitizer run.
ctest --test-dir build-asan --output-on-failure -j"$jobs" \
  -E '^(Notebooks|Docs|PythonDeps|FitOracle|DistributionOracle|LaLiabilityCalibration|Layers|MutantList)[.]|^Procurement[.]SplitReproducesTheAdoptedBudget$'

