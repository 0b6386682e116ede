#!/usr/bin/env bash
# Inventory at scale: bulk add of 100,000 nodes and `herd sync config` for every format.
# Usage: bench/inventory/run.sh [NODES]   (herd: $HERD, else build/herd)
# Peers: xCAT, Cobbler and Rocks are not packaged for Debian, so their published figures are
# printed beside ours for scale (xCAT makehosts 202 s and makedhcp 456 s for 5,000 nodes;
# Cobbler sync 145 s for 1,200). The local peer is the hand-written floor: sqlite3 importing
# the same rows from CSV with no checks at all.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
nodes=${1:-100000}
herd=${HERD:-$repo/build/herd}
[ -x "$herd" ] || { echo "no herd binary at $herd (build it, or set HERD)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HERD_DB=$work/herd.db

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

racks=$(( (nodes + 999) / 1000 ))
"$herd" init --name bench --subnet 10.0.0.0/14 >/dev/null 2>&1
"$herd" attr set slurm.partition batch --appliance compute 2>/dev/null
"$herd" attr set slurm.realmemory 191000 --appliance compute 2>/dev/null

t0=$(now)
"$herd" node add "compute-[0-$((racks - 1))]-[0-999]" --appliance compute --network private --cpus 64 2>/dev/null
t1=$(now)
add_seconds=$(elapsed "$t0" "$t1")
count=$("$herd" node list --json | grep -c '"boot_action"')

# The floor: raw inserts of the same rows into a bare table, no validation, one transaction.
"$herd" inventory export "$work/csv" 2>/dev/null
t0=$(now)
sqlite3 "$work/floor.db" <<SQL
CREATE TABLE nodes (name TEXT PRIMARY KEY, appliance TEXT, rack INT, rank INT, arch TEXT, os TEXT, cpus INT, boot_action TEXT, comment TEXT);
.mode csv
.import --skip 1 $work/csv/nodes.csv nodes
SQL
t1=$(now)
floor_seconds=$(elapsed "$t0" "$t1")

# Every format, written under $work/etc.
mkdir -p "$work/etc"
conf=$work/sync.conf
"$herd" report --list --json | python3 -c '
import json, sys
work = sys.argv[1]
for kind in json.load(sys.stdin):
    name = kind["kind"]
    print(f"[{name}]\nkind = {name}\npath = {work}/etc/{name}\n")
' "$work" > "$conf"
t0=$(now)
"$herd" sync config --config "$conf" >/dev/null 2>&1
t1=$(now)
sync_seconds=$(elapsed "$t0" "$t1")
t0=$(now)
"$herd" sync config --config "$conf" >/dev/null 2>&1
t1=$(now)
nochange_seconds=$(elapsed "$t0" "$t1")
formats=$(grep -c '^\[' "$conf")

echo "inventory benchmark: $count nodes"
printf '  %-44s %8s s   (goal < 5 s)\n' "herd node add (bulk, with addresses)" "$add_seconds"
printf '  %-44s %8s s   (no checks, no addresses)\n' "floor: sqlite3 .import of the same rows" "$floor_seconds"
printf '  %-44s %8s s   (goal < 2 s)\n' "herd sync config, $formats formats, all new" "$sync_seconds"
printf '  %-44s %8s s\n' "herd sync config, nothing changed" "$nochange_seconds"
echo "  published peers for scale: xCAT makehosts 202 s, makedhcp 456 s (5,000 nodes); Cobbler sync 145 s (1,200 nodes)"
