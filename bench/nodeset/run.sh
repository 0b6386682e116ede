#!/usr/bin/env bash
# Times `herd nodeset -f` against ClusterShell's `nodeset -f` on the same generated names:
#   - 100,000 names of a few patterns with gaps (cn00001.., gpu.., login..), shuffled;
#   - 20,000 scattered 5-axis names (x1000c[0-7]s[0-7]b[0-1]n[0-3] cabinets, 40% empty).
# Both read the names on stdin. herd runs 5 times (the fastest run is shown), ClusterShell
# once, stopped after the timeout. Shown: wall time and CPU time (user + system), since a
# busy machine stretches wall times. The script also checks that both print the same text.
#
#   bench/nodeset/run.sh [--herd PATH] [--timeout SECONDS]   (defaults: build/herd, 300)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
herd="${HERD:-$repo/build/herd}"
timeout_seconds=300
while [ $# -gt 0 ]; do
  case "$1" in
    --herd) herd="$2"; shift 2 ;;
    --timeout) timeout_seconds="$2"; shift 2 ;;
    *) echo "usage: $0 [--herd PATH] [--timeout SECONDS]" >&2; exit 2 ;;
  esac
done
[ -x "$herd" ] || { echo "no herd binary at $herd (build it, or give --herd)" >&2; exit 2; }
command -v nodeset >/dev/null || { echo "ClusterShell's nodeset is not installed" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

calc() { awk "BEGIN { print $1 }"; }

# Runs "$@" < input > output; prints "WALL CPU" in seconds, or "timeout".
timed() {
  local input=$1 output=$2 status=0 times
  shift 2
  TIMEFORMAT='%R %U %S'
  times=$( { time "$@" < "$input" > "$output" 2>/dev/null; } 2>&1 ) || status=$?
  if [ "$status" = 124 ]; then echo timeout; return; fi
  [ "$status" = 0 ] || { echo "failed: $*" >&2; exit 1; }
  set -- $times
  echo "$1 $(calc "$2 + $3")"
}

compare() {
  local label=$1 kind=$2 count=$3 best="" run
  python3 "$here/generate.py" "$kind" "$count" > "$work/$kind.txt"
  for _ in 1 2 3 4 5; do
    run=$(timed "$work/$kind.txt" "$work/$kind.herd" "$herd" nodeset -f)
    if [ -z "$best" ] || [ "$(calc "${run% *} < ${best% *}")" = 1 ]; then best=$run; fi
  done
  local herd_wall=${best% *} herd_cpu=${best#* }
  local clustershell
  clustershell=$(timed "$work/$kind.txt" "$work/$kind.clustershell" timeout "$timeout_seconds" nodeset -f)
  printf '%s\n  herd          %8.3f s wall  %8.3f s CPU\n' "$label" "$herd_wall" "$herd_cpu"
  if [ "$clustershell" = timeout ]; then
    printf '  ClusterShell  timed out after %s s (ratio > %.0fx)\n' "$timeout_seconds" "$(calc "$timeout_seconds / $herd_wall")"
    return
  fi
  local cs_wall=${clustershell% *} cs_cpu=${clustershell#* }
  printf '  ClusterShell  %8.3f s wall  %8.3f s CPU\n' "$cs_wall" "$cs_cpu"
  printf '  ratio         %8.0fx wall  %8.0fx CPU   ' "$(calc "$cs_wall / $herd_wall")" "$(calc "$cs_cpu / $herd_cpu")"
  if cmp -s "$work/$kind.herd" "$work/$kind.clustershell"; then echo "same output"; else echo "OUTPUTS DIFFER"; fi
}

echo "herd: $herd"
echo "ClusterShell: $(nodeset --version 2>&1)"
compare "fold 100,000 names" names 100000
compare "fold 20,000 scattered 5-D names" scattered 20000
