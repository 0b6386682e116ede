#!/usr/bin/env bash
# Times `herd nodeset -f` against ClusterShell's `nodeset -f` on the same generated names:
#   - 100,000 names of a few patterns with gaps (cn00001.., gpu.., login..), shuffled;
#   - 20,000 scattered 5-axis names (x1000c[0-7]s[0-7]b[0-1]n[0-3] cabinets, 40% empty).
# Both read the names on stdin. herd runs 5 times (best time shown), ClusterShell once,
# stopped after the timeout. The script also checks that both print the same text.
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

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
elapsed() { calc "$2 - $1"; }

# Prints the best of 5 runs of herd, in seconds.
time_herd() {
  local input=$1 output=$2 best="" start end t
  for _ in 1 2 3 4 5; do
    start=$(now)
    "$herd" nodeset -f < "$input" > "$output"
    end=$(now)
    t=$(elapsed "$start" "$end")
    if [ -z "$best" ] || [ "$(calc "$t < $best")" = 1 ]; then best=$t; fi
  done
  echo "$best"
}

# Prints ClusterShell's time in seconds, or "timeout".
time_clustershell() {
  local input=$1 output=$2 start end status=0
  start=$(now)
  timeout "$timeout_seconds" nodeset -f < "$input" > "$output" || status=$?
  end=$(now)
  if [ "$status" = 124 ]; then echo timeout; else elapsed "$start" "$end"; fi
}

compare() {
  local label=$1 kind=$2 count=$3
  python3 "$here/generate.py" "$kind" "$count" > "$work/$kind.txt"
  local herd_time clustershell_time
  herd_time=$(time_herd "$work/$kind.txt" "$work/$kind.herd")
  clustershell_time=$(time_clustershell "$work/$kind.txt" "$work/$kind.clustershell")
  printf '%-34s herd %8.3f s (best of 5)   ' "$label" "$herd_time"
  if [ "$clustershell_time" = timeout ]; then
    printf 'ClusterShell timed out after %s s   ratio > %.0fx\n' "$timeout_seconds" \
      "$(calc "$timeout_seconds / $herd_time")"
  else
    printf 'ClusterShell %8.3f s   ratio %.0fx   ' "$clustershell_time" "$(calc "$clustershell_time / $herd_time")"
    if cmp -s "$work/$kind.herd" "$work/$kind.clustershell"; then echo "same output"; else echo "OUTPUTS DIFFER"; fi
  fi
}

echo "herd: $herd"
echo "ClusterShell: $(nodeset --version 2>&1)"
compare "fold 100,000 names" names 100000
compare "fold 20,000 scattered 5-D names" scattered 20000
