#!/usr/bin/env bash
# herd lab at its goal size: `herd lab up --nodes 32` with a warm root cache (goal < 30 s)
# and `herd lab down` (goal < 5 s), against the same cluster made by hand (by-hand.sh:
# iproute2 + unshare/nsenter + the same cached root, one node after another, no inventory,
# no sync, no host keys in a known_hosts file). Needs root.
# Usage: bench/lab/run.sh [NODES] [ROUNDS]   (herd: $HERD, else build/herd)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
nodes=${1:-32}
rounds=${2:-3}
herd=${HERD:-$repo/build/herd}
[ -x "$herd" ] || { echo "no herd binary at $herd (build it, or set HERD)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench/lab needs root" >&2; exit 2; }
work=$(mktemp -d)
export HERD_DB=$work/herd.db HERD_LAB_DIR=$work/labs HERD_LAB=bench
cleanup() {
  "$herd" lab down >/dev/null 2>&1 || true
  "$here/by-hand.sh" down 0 - "$work/hand" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Warm the cache (the first run on a machine builds the root with debootstrap).
"$herd" lab up --nodes 1 >/dev/null
"$herd" lab down >/dev/null
rootfs=$(ls -d /var/cache/herd/lab/*/rootfs ${HERD_LAB_CACHE:+$HERD_LAB_CACHE/*/rootfs} 2>/dev/null | head -1)

herd_up=() herd_down=() hand_up=() hand_down=()
for round in $(seq "$rounds"); do
  t0=$(now); "$herd" lab up --nodes "$nodes" >/dev/null; t1=$(now)
  "$herd" lab status >/dev/null || { echo "herd lab status: not healthy" >&2; exit 1; }
  t2=$(now); "$herd" lab down >/dev/null; t3=$(now)
  herd_up+=("$(elapsed "$t0" "$t1")") herd_down+=("$(elapsed "$t2" "$t3")")

  t0=$(now); "$here/by-hand.sh" up "$nodes" "$rootfs" "$work/hand"; t1=$(now)
  t2=$(now); "$here/by-hand.sh" down "$nodes" "$rootfs" "$work/hand"; t3=$(now)
  hand_up+=("$(elapsed "$t0" "$t1")") hand_down+=("$(elapsed "$t2" "$t3")")
done

hu=$(echo "${herd_up[@]}" | median) hd=$(echo "${herd_down[@]}" | median)
bu=$(echo "${hand_up[@]}" | median) bd=$(echo "${hand_down[@]}" | median)
printf 'lab of %d nodes, median of %d rounds, warm cache\n' "$nodes" "$rounds"
printf '  %-28s %8s %8s\n' "" "up (s)" "down (s)"
printf '  %-28s %8s %8s   goals: up < 30 s, down < 5 s\n' "herd lab" "$hu" "$hd"
printf '  %-28s %8s %8s\n' "by hand (ip, unshare, nsenter)" "$bu" "$bd"
awk -v h="$hu" -v b="$bu" 'BEGIN { printf "  herd up takes %.2fx the time of the by-hand script\n", h / b }'
