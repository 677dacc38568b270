#!/usr/bin/env bash
# Peak memory, time, throughput and file size of `reformsim run` per --keep-paths mode
# (docs/performance.md, section 13). A benchmark, not a test: it takes minutes.
#
#   benches/keep_paths_memory.sh [BINARY] [SCENARIO] [PATHS...]
#
# defaults: build/reformsim, scenarios/los_angeles.yaml, 1000 10000. Environment: MODES (default
# "all headline none"), THREADS (default 2), OUT (a scratch folder, default a temporary one),
# BASE (another reformsim binary, e.g. one built from main before a change: each run is made
# with it too, right after, and printed on the line below as "base").
# Prints one line a run: paths, mode, binary, peak RSS (MiB, GNU time's %M), wall, user and
# system seconds, paths per CPU second (user + system: the per-core throughput, which a loaded
# machine's wall time does not show), file size (MiB).
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
binaries=("$binary")
[ -z "${BASE:-}" ] || binaries+=("$BASE")
printf '%8s %-9s %-5s %9s %8s %8s %6s %10s %9s\n' paths mode bin peak_MiB wall_s user_s sys_s \
  paths/cpu_s file_MiB
for n in "${paths[@]}"; do
  for mode in $modes; do
    for b in "${binaries[@]}"; do
      label=new
      [ "$b" = "$binary" ] || label=base
      file="$out/$mode-$n.h5"
      /usr/bin/time -f '%M %e %U %S' -o "$out/time" \
        "$b" run "$scenario" -o "$file" --force -q --threads "$threads" --paths "$n" \
        --keep-paths "$mode" > /dev/null
      read -r kib wall user sys < "$out/time"
      awk -v n="$n" -v m="$mode" -v l="$label" -v k="$kib" -v w="$wall" -v u="$user" -v s="$sys" \
        -v b="$(stat -c %s "$file")" \
        'BEGIN { printf "%8d %-9s %-5s %9.1f %8.2f %8.2f %6.2f %10.1f %9.2f\n", n, m, l, k / 1024, w, u, s, n / (u + s), b / 1048576 }'
      rm -f "$file"
    done
  done
done
