#!/usr/bin/env bash
# herd run against its peers, side by side in one run (median of ROUNDS):
#   1. `true` on 32 lab nodes over ssh: herd run, pdsh -R ssh, clush (inside the lab's
#      frontend, with the frontend's ssh config; goal: no slower than either)
#   2. engine overhead with the exec transport, 1,000 and 5,000 targets running `true`:
#      herd run --transport exec vs clush -R exec (goals: < 0.5 s and < 2 s); herd runs
#      `true` directly (no shell syntax), so a row through the shell (`true;`) is shown
#      too, and the machine's floor: spawn_floor.c starting as many `sh -c true`
#   3. gathering 10,000 output lines (100 nodes x `seq 100`): herd run -b --transport exec
#      end to end vs clubak -b reading the same 10,000 "node: line" lines from a file
# Needs root (the lab). Usage: bench/run/run.sh [NODES] [ROUNDS]   (herd: $HERD, else build/herd)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
nodes=${1:-32}
rounds=${2:-5}
herd=${HERD:-$repo/build/herd}
[ -x "$herd" ] || { echo "no herd binary at $herd (build it, or set HERD)" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench/run needs root (a lab)" >&2; exit 2; }
for tool in pdsh clush clubak cc; do
  command -v $tool >/dev/null || { echo "bench/run needs $tool (scripts/setup installs it)" >&2; exit 2; }
done
work=$(mktemp -d)
lab=benchrun
export HERD_DB=$work/lab.db HERD_LAB_DIR=$work/labs
cleanup() {
  HERD_DB=$work/lab.db "$herd" lab down --name $lab >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Seconds of one run of "$@", stdin /dev/null, output discarded, timed by bash.
time_once() { local TIMEFORMAT=%R; { time "$@" >/dev/null 2>&1 </dev/null; } 2>&1 | tail -1; }
# Median of ROUNDS runs; in the frontend's namespaces when the first argument is "frontend".
timed() {
  local where=$1; shift
  local samples=()
  for _ in $(seq "$rounds"); do
    if [ "$where" = frontend ]; then
      samples+=("$("$herd" lab exec --name $lab frontend -- bash -c \
        'TIMEFORMAT=%R; { time "$@" >/dev/null 2>&1 </dev/null; } 2>&1 | tail -1' _ "$@")")
    else
      samples+=("$(time_once "$@")")
    fi
  done
  echo "${samples[@]}" | median
}
row() { awk -v n="$1" -v h="$2" -v p="$3" -v g="$4" \
  'BEGIN { printf "  %-44s %8.3f %8.3f %7.2fx  %s\n", n, h, p, (p > 0 ? h / p : 0), g }'; }

echo "bringing up a lab of $nodes nodes..." >&2
"$herd" lab up --name $lab --nodes "$nodes" >/dev/null
set_ssh="compute-0-[0-$((nodes - 1))]"
# Warm up each tool once (first connections, page cache).
"$herd" lab exec --name $lab frontend -- "$herd" run -n "$set_ssh" -- true >/dev/null
ssh_herd=$(timed frontend "$herd" run -n "$set_ssh" -- true)
ssh_pdsh=$(timed frontend pdsh -R ssh -w "$set_ssh" true)
ssh_clush=$(timed frontend clush -w "$set_ssh" true)
"$herd" lab down --name $lab >/dev/null

# Exec transport: a local inventory of 5,000 nodes (no network at all).
mkdir "$work/exec"; export HERD_DB=$work/exec/herd.db  # its own folder: init makes a PKI beside the db
"$herd" init --subnet 198.51.100.0/24 --name bench >/dev/null 2>&1
"$herd" node add -a compute 'n[1-5000]' >/dev/null
cc -O2 -o "$work/spawn_floor" "$here/spawn_floor.c"
exec_herd_1k=$(timed here "$herd" run -n --transport exec 'n[1-1000]' -- true)
exec_herd_sh_1k=$(timed here "$herd" run -n --transport exec 'n[1-1000]' -- 'true;')
exec_floor_1k=$(timed here "$work/spawn_floor" 1000 64 true)
exec_clush_1k=$(timed here clush -R exec -w 'n[1-1000]' true)
exec_herd_5k=$(timed here "$herd" run -n --transport exec 'n[1-5000]' -- true)
exec_herd_sh_5k=$(timed here "$herd" run -n --transport exec 'n[1-5000]' -- 'true;')
exec_floor_5k=$(timed here "$work/spawn_floor" 5000 64 true)
exec_clush_5k=$(timed here clush -R exec -w 'n[1-5000]' true)

# Gathering 10,000 lines: 100 nodes x 100 lines, in 10 distinct outputs.
for k in $(seq 100); do seq $((k % 10)) $((k % 10 + 99)) | sed "s/^/n$k: /"; done > "$work/lines"
[ "$(wc -l < "$work/lines")" -eq 10000 ]
gather_herd=$(timed here "$herd" run -n -b --transport exec 'n[1-100]' -- 'k=${HERD_NODE#n}; seq $((k % 10)) $((k % 10 + 99))')
gather_clubak=$(timed here sh -c "clubak -b < $work/lines")

printf '\nherd run vs peers, median of %d runs, seconds (ratio = herd / peer; < 1 is faster)\n' "$rounds"
printf '  %-44s %8s %8s %8s\n' "" "herd" "peer" "ratio"
row "true on $nodes lab nodes over ssh vs pdsh -R ssh" "$ssh_herd" "$ssh_pdsh" "goal: <= 1"
row "true on $nodes lab nodes over ssh vs clush" "$ssh_herd" "$ssh_clush" "goal: <= 1"
row "exec transport, 1,000 targets vs clush -R exec" "$exec_herd_1k" "$exec_clush_1k" "goal: herd < 0.5 s"
row "exec transport, 5,000 targets vs clush -R exec" "$exec_herd_5k" "$exec_clush_5k" "goal: herd < 2 s"
row "exec, 1,000 through sh (true;) vs clush" "$exec_herd_sh_1k" "$exec_clush_1k" ""
row "exec, 5,000 through sh (true;) vs clush" "$exec_herd_sh_5k" "$exec_clush_5k" ""
row "exec, 1,000 vs the floor (spawn_floor.c)" "$exec_herd_1k" "$exec_floor_1k" "machine: sh -c true x 1,000"
row "exec, 5,000 vs the floor (spawn_floor.c)" "$exec_herd_5k" "$exec_floor_5k" "machine: sh -c true x 5,000"
row "gather 10,000 lines (herd run -b) vs clubak -b" "$gather_herd" "$gather_clubak" "goal: <= 1"
