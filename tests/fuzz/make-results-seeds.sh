#!/usr/bin/env bash
# Regenerates the fuzz_results seed corpus (tests/fuzz/corpus/fuzz_results) with a built reformsim:
# a complete small results file of tests/fuzz/results-seed.yaml, and the run.h5 and first rows file
# of a checkpoint left by a run killed while it saved. Usage: make-results-seeds.sh [REFORMSIM]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
reformsim="${1:-$here/../../build/reformsim}"
out="$here/corpus/fuzz_results"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
"$reformsim" run "$here/results-seed.yaml" -o "$work/results.h5" -q > /dev/null
cp "$work/results.h5" "$out/results-tiny.h5"
# A long run with frequent saves, killed once it has saved: what --resume reads.
sed 's/paths: 3,/paths: 400000,/' "$here/results-seed.yaml" > "$work/long.yaml"
"$reformsim" run "$work/long.yaml" -o "$work/ck.h5" -q --checkpoint-every 0.05 --threads 1 \
  > /dev/null 2>&1 &
pid=$!
until ls "$work/.ck.h5.checkpoint"/paths-0-*.h5 > /dev/null 2>&1; do sleep 0.05; done
kill -9 "$pid" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
cp "$work/.ck.h5.checkpoint/run.h5" "$out/checkpoint-run.h5"
cp "$(ls "$work/.ck.h5.checkpoint"/paths-0-*.h5 | head -1)" "$out/checkpoint-paths-first.h5"
ls -l "$out"
