#!/usr/bin/env bash
# Peak memory, time, throughput and file size of `reformsim run` per --keep-paths mode
# (docs/performance.md, section 8). A benchmark, not a test: it takes minutes.
#
#   benches/keep_paths_memory.sh [BINARY] [SCENARIO] [PATHS...]
#
# defaults: build/reformsim, scenarios/los_angeles.yaml, 1000 10000. Environment: MODES (default
# "all headline none"), THREADS (default 2), OUT (a scratch folder, default a temporary one).
# Prints one line a run: paths, mode, peak RSS (MiB, GNU time's %M), wall and user seconds,
# paths per wall second, file size (MiB).
set -euo pipefail
binary=${1:-build/reformsim}
scenario=${2:-scenarios/los_angeles.yaml}
shift $(( $# > 2 ? 2 : $# )) || true
paths=("$@")
[ ${#paths[@]} -gt 0 ] || paths=(1000 10000)
modes=${MODES:-all headline none}
threads=${THREADS:-2}
out=${OUT:-$(mktemp -d)}
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time, Debian package time)" >&2; exit 2; }
printf '%8s %-9s %9s %8s %8s %8s %9s\n' paths mode peak_MiB wall_s user_s paths/s file_MiB
for n in "${paths[@]}"; do
  for mode in $modes; do
    file="$out/$mode-$n.h5"
    /usr/bin/time -f '%M %e %U' -o "$out/time" \
      "$binary" run "$scenario" -o "$file" --force -q --threads "$threads" --paths "$n" \
      --keep-paths "$mode" > /dev/null
    read -r kib wall user < "$out/time"
    awk -v n="$n" -v m="$mode" -v k="$kib" -v w="$wall" -v u="$user" -v b="$(stat -c %s "$file")" \
      'BEGIN { printf "%8d %-9s %9.1f %8.2f %8.2f %8.1f %9.2f\n", n, m, k / 1024, w, u, n / w, b / 1048576 }'
    rm -f "$file"
  done
done
