#!/usr/bin/env bash
# Mutation testing: applies each mutant of a list (a single text substitution in sim/, models/
# or io/) to a scratch copy of the tree, rebuilds it incrementally, runs the GoogleTest suite and
# counts the mutant killed when a test fails (or the run exceeds the per-mutant timeout). Prints
# the kill rate and every survivor. The working tree and its build are never modified.
#
#   scripts/mutation-test.sh [--list FILE] [--timeout SECONDS] [--filter GTEST_FILTER]
#                            [--keep] [ID ...]
#
# Needs a finished Release build in build/ (scripts/test.sh or the README's commands). The copy
# (tree and build) goes to a fresh folder under ${TMPDIR:-/tmp}. Its build is reused without a
# full rebuild when the script may bind-mount the copy over the tree's own path in a private
# mount namespace (`unshare -m`, as root): paths, and so ninja's state, stay the same. Otherwise
# the copy is configured and built from scratch once (minutes) before the mutants.
#
# List format (tests/mutants.txt): a block per mutant,
#   ## ID  what the slip is
#   file: path/relative/to/the/root
#   - exact text before (the rest of the line after "- ", leading spaces included)
#   + text after
# The "before" text must occur exactly once in its file, or the script stops (exit 2) before
# running anything. IDs given on the command line select mutants. A mutant that does not compile
# is reported apart and left out of the rate. The suite run is the gtest binary (the ctest-only
# Python and MPI tests are not run), with --gtest_fail_fast, filtered by --filter (default: all but
# the slow MPI, signal and interruption tests).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
list="$root/tests/mutants.txt"
timeout_s=600
# The slow process-handling tests (MPI ranks, signals and interruptions: a third of the suite's
# time) are left out by default; --filter '*' runs everything.
filter="-CliMpi.*:CliCheckpoint.Interrupted*:Cli.InterruptedRunStopsCleanly:Cli.KilledRun*"
keep=0
ids=()
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list="$2"; shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --filter) filter="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    -*) echo "mutation-test: unknown option $1" >&2; exit 2 ;;
    *) ids+=("$1"); shift ;;
  esac
done

python=/usr/bin/python3
[ -x "$python" ] || python=python3
tool="$root/scripts/mutants.py"
build="$root/build"
if [ ! -f "$build/build.ninja" ] || [ ! -x "$build/tests/reformsim_tests" ]; then
  echo "mutation-test: no finished build in $build (run scripts/test.sh first)" >&2
  exit 2
fi

# Every mutant's "before" text must occur exactly once in the tree as it is.
"$python" "$tool" check "$root" "$list" "${ids[@]}" || exit 2
mapfile -t selected < <("$python" "$tool" ids "$list" "${ids[@]}")

scratch="$(mktemp -d "${TMPDIR:-/tmp}/reformsim-mutants.XXXXXX")"
cleanup() { [ "$keep" = 1 ] && echo "mutation-test: copy kept in $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
copy="$scratch/tree"
mkdir -p "$copy"
# Tracked and untracked-but-not-ignored files, then the build (timestamps preserved).
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -a -t "$copy")
cp -a "$build" "$copy/build"

# How a command runs "in the copy": under the tree's own path when a private mount namespace is
# available, else in the copy with a build of its own.
if unshare -m true 2>/dev/null; then
  in_copy() {
    unshare -m bash -c 'mount --bind "$1" "$2" && cd "$2" && shift 2 && "$@"' \
      in_copy "$copy" "$root" "$@"
  }
  echo "mutation-test: copy in $copy, run under $root in a private mount namespace"
else
  echo "mutation-test: no private mount namespace; configuring and building the copy (once)"
  rm -rf "$copy/build"
  cmake -S "$copy" -B "$copy/build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  in_copy() { (cd "$copy" && "$@"); }
fi

run_suite() {
  in_copy bash -c 'cmake --build build --target reformsim reformsim_tests >"$1" 2>&1 || exit 99
                   timeout "$2" build/tests/reformsim_tests --gtest_fail_fast \
                     --gtest_filter="$3" --gtest_brief=1 >>"$1" 2>&1' \
    run_suite "$1" "$timeout_s" "$filter"
}

log="$scratch/last.log"
echo "mutation-test: baseline (no mutant)"
if ! run_suite "$log"; then
  echo "mutation-test: the suite fails without any mutant; see the log:" >&2
  tail -20 "$log" >&2
  exit 1
fi

# The pristine build, to put back after each mutant (so the next build recompiles only the next
# mutant's file), and the pristine copy of each mutated file (timestamps kept).
cp -a "$copy/build" "$scratch/build.orig"
mkdir -p "$scratch/orig"

killed=0 survived=0 stillborn=0 n=0
survivors=() stillborns=()
start=$(date +%s)
for id in "${selected[@]}"; do
  n=$((n + 1))
  file="$("$python" "$tool" file "$list" "$id")"
  [ -f "$scratch/orig/$file" ] || (cd "$copy" && cp -a --parents "$file" "$scratch/orig")
  "$python" "$tool" apply "$copy" "$list" "$id" >/dev/null
  t0=$(date +%s)
  set +e
  run_suite "$log"
  rc=$?
  set -e
  # Put back the original file and build, timestamps included: nothing left to rebuild.
  cp -a "$scratch/orig/$file" "$copy/$file"
  rm -rf "$copy/build"
  cp -a "$scratch/build.orig" "$copy/build"
  dt=$(( $(date +%s) - t0 ))
  if [ $rc -eq 99 ]; then
    stillborn=$((stillborn + 1)); stillborns+=("$id"); verdict="does not compile"
  elif [ $rc -eq 0 ]; then
    survived=$((survived + 1)); survivors+=("$id"); verdict="SURVIVED"
  elif [ $rc -eq 124 ]; then
    killed=$((killed + 1)); verdict="killed (timeout)"
  else
    killed=$((killed + 1))
    verdict="killed by $(grep -m1 -o '\[  FAILED  \] [A-Za-z0-9_./]*' "$log" | cut -c14- || true)"
  fi
  printf '[%d/%d] %-6s %-45s %s (%ds)\n' "$n" "${#selected[@]}" "$id" "$file" "$verdict" "$dt"
done

counted=$((killed + survived))
echo
echo "mutation-test: $n mutants in $(( $(date +%s) - start ))s: $killed killed, $survived survived," \
  "$stillborn did not compile"
if [ $counted -gt 0 ]; then
  awk -v k=$killed -v c=$counted 'BEGIN { printf "kill rate: %d/%d = %.1f%%\n", k, c, 100 * k / c }'
fi
for id in "${survivors[@]}"; do "$python" "$tool" show "$list" "$id" | sed 's/^/survivor: /'; done
for id in "${stillborns[@]}"; do "$python" "$tool" show "$list" "$id" | sed 's/^/no build: /'; done
[ $survived -eq 0 ]
