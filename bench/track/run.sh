#!/usr/bin/env bash
# herd track checkpoint against what people use to record /etc and friends, all on the same
# data in one run: git add -A + commit (what etckeeper does), restic backup, borg create
# (-e none, default lz4) and rsync -a to a copy. Data (make-data.py): 20,000 files in 420
# folders, ~1.15 GB (200 incompressible binaries of 2-6 MiB, 800 text files of 64-256 KiB,
# the rest small text); then the "1% change" (change.py: 170 small files get a line, 20
# binaries get 4 KiB overwritten in place, 10 deleted, 20 new 8 KiB files).
# Each tool: initial checkpoint, no-change checkpoint (median of 3), after the change; plus
# the new data each stored after the change (growth of its repository; for rsync, the
# literal data it sent). The floor: os.walk + os.lstat of every entry (python, timed inside).
# Caches are not dropped: every tool runs on the same warm data (it fits in memory); `sync`
# runs before each timed step so no tool pays for another's write-back.
# Usage: bench/track/run.sh [--small]   (--small: ~1/20 of the data, a quick check)
#        herd: $HERD, else build/herd; without `herd track` the peers still run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
herd=${HERD:-$repo/build/herd}
scale=1 seed=1
case "${1:-}" in
  --small) scale=20 ;;
  "") ;;
  *) echo "usage: bench/track/run.sh [--small]" >&2; exit 2 ;;
esac
for tool in rsync git restic borg python3; do
  command -v "$tool" >/dev/null || { echo "bench/track needs $tool (scripts/setup installs it)" >&2; exit 2; }
done

# The work folder must be on a disk, not tmpfs (the data would be in memory twice over).
base=/var/tmp
[ "$(df --output=fstype "$base" | tail -1)" = tmpfs ] && base=$repo/build
need_kb=$(( 7 * 1150000 / scale ))  # data, rsync's copy, and four repositories
[ "$(df --output=avail -k "$base" | tail -1)" -gt "$need_kb" ] ||
  { echo "bench/track needs $((need_kb / 1000000)) GB free in $base" >&2; exit 2; }
work=$(mktemp -d "$base/herd-bench-track.XXXXXX")
trap 'rm -rf "$work"' EXIT
root=$work/root data=$work/root/data  # herd checkpoints the root's /data; peers take $data

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
median() { tr ' ' '\n' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
bytes() { du -sb "$1" | cut -f1; }

# --- the tools: TOOL_init sets up, TOOL_run NAME makes one checkpoint, TOOL_stored prints
# the bytes stored so far (the difference around a run is what that run added).

rsync_init() { mkdir "$work/copy"; : > "$work/rsync.sent"; }
# A local rsync copies changed files whole; --no-whole-file makes it use its delta algorithm,
# as it does to a remote host. Its "stored" is the literal data it moved (the new bytes).
rsync_run() {
  rsync -a --delete --no-whole-file --stats "$data/" "$work/copy/" > "$work/rsync.stats"
  awk -F': ' '/^Literal data:/ { gsub(/,/, "", $2); print $2 + 0 }' "$work/rsync.stats" >> "$work/rsync.sent"
}
rsync_stored() { awk '{ s += $1 } END { print s + 0 }' "$work/rsync.sent"; }

# etckeeper keeps the repository in /etc/.git; here it sits beside the data (the same work
# for git) so the other tools don't record it. gc.auto=0: git would otherwise start a
# background gc after the first commit (20,000 loose objects) and run it during other tools.
git_() {
  GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 git --git-dir="$work/git" --work-tree="$data" \
    -c user.name=bench -c user.email=bench@localhost -c gc.auto=0 "$@"
}
git_init() { git_ init -q; }
# Nothing to commit makes commit fail; that's the no-change case when nothing is staged.
git_run() { git_ add -A && git_ commit -q -m "$1" || git_ diff --cached --quiet; }
git_stored() { bytes "$work/git"; }

export RESTIC_REPOSITORY=$work/restic RESTIC_PASSWORD=bench-only RESTIC_CACHE_DIR=$work/restic-cache
restic_init() { restic init -q; }
restic_run() { restic backup -q --host bench "$data"; }
restic_stored() { bytes "$work/restic"; }

export BORG_REPO=$work/borg BORG_BASE_DIR=$work/borg-base BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes
borg_init() { borg init -e none; }
borg_run() { borg create "::$1" "$data"; }
borg_stored() { bytes "$work/borg"; }

# herd: the spec syntax is the one src/track/spec.h describes (docs/track.md once it
# lands): only /data beneath --root, no built-in defaults. The store's stat cache lives in
# the store, so its growth is counted in "stored".
herd_init() {
  cat > "$work/track.conf" <<'EOF'
# bench/track: everything under /data, nothing else
track /data
EOF
}
herd_run() {
  "$herd" track checkpoint --root "$root" --store "$work/herd-store" --config "$work/track.conf" -m "$1"
}
herd_stored() { bytes "$work/herd-store"; }

# timed TOOL NAME: one checkpoint; prints its wall time. Its output goes to TOOL.log.
timed() {
  local t0 t1
  sync
  t0=$(now)
  "$1_run" "$2" >> "$work/$1.log" 2>&1 || { echo "$1 failed on $2:" >&2; tail -20 "$work/$1.log" >&2; return 1; }
  t1=$(now)
  elapsed "$t0" "$t1"
}

# --- the data
mkdir "$root"
t0=$(now)
python3 "$here/make-data.py" "$data" --seed "$seed" --scale "$scale" 2> "$work/make-data.log"
t1=$(now)
files=$(find "$data" -type f | wc -l) folders=$(find "$data" -mindepth 1 -type d | wc -l)
size=$(bytes "$data")

lstat_floor() {
  python3 - "$data" <<'EOF'
import os, sys, time
t = time.perf_counter()
for parent, dirs, files in os.walk(sys.argv[1]):
    for name in dirs + files:
        os.lstat(os.path.join(parent, name))
print(f"{time.perf_counter() - t:.3f}")
EOF
}
floor=$( (lstat_floor; lstat_floor; lstat_floor) | tr '\n' ' ' | median)

tools=(rsync git restic borg)
have_herd=0
if [ -x "$herd" ] && "$herd" track checkpoint --help 2>&1 | grep -q -- --store; then
  have_herd=1 tools+=(herd)
fi
declare -A initial nochange after stored failed
for tool in "${tools[@]}"; do
  if ! "${tool}_init" >> "$work/$tool.log" 2>&1; then
    echo "$tool: setting up failed:" >&2; tail -20 "$work/$tool.log" >&2; failed[$tool]=1; continue
  fi
  initial[$tool]=$(timed "$tool" initial) || { failed[$tool]=1; continue; }
  runs=()
  for i in 1 2 3; do
    if s=$(timed "$tool" "nochange$i"); then runs+=("$s"); else failed[$tool]=1; break; fi
  done
  [ -n "${failed[$tool]:-}" ] || nochange[$tool]=$(echo "${runs[@]}" | median)
done

python3 "$here/change.py" "$data" --seed "$seed" --scale "$scale" 2> "$work/change.log"
for tool in "${tools[@]}"; do
  [ -z "${failed[$tool]:-}" ] || continue
  before=$("${tool}_stored")
  if after[$tool]=$(timed "$tool" changed); then
    stored[$tool]=$(( $("${tool}_stored") - before ))
  else
    failed[$tool]=1
  fi
done

# --- the report
label() {
  case $1 in
    rsync) echo "rsync -a to a copy" ;;
    git) echo "git add -A + commit" ;;
    restic) echo "restic backup" ;;
    borg) echo "borg create (lz4)" ;;
    herd) echo "herd track checkpoint" ;;
  esac
}
mb() { awk -v b="$1" 'BEGIN { printf "%.2f", b / 1e6 }'; }
ratio() { awk -v h="$1" -v p="$2" 'BEGIN { if (p > 0) printf "%.2fx", h / p; else printf "-" }'; }
echo "track benchmark: $files files in $folders folders, $(mb "$size") MB (make-data.py: $(elapsed "$t0" "$t1") s)"
echo "  warm page cache, no cache drop: every tool reads the same data; sync before each timed step"
printf '  %-28s %10s %12s %15s %10s\n' "" "initial s" "no-change s" "after-change s" "stored MB"
printf '  %-28s %10s %12s %15s %10s\n' "floor: lstat every entry" "-" "$floor" "-" "-"
for tool in rsync git restic borg herd; do
  if [ "$tool" = herd ] && [ $have_herd -eq 0 ]; then
    printf '  %-28s %s\n' "$(label herd)" "herd track not built yet"
  elif [ -n "${failed[$tool]:-}" ]; then
    printf '  %-28s %s\n' "$(label "$tool")" "failed (see above)"
  else
    printf '  %-28s %10s %12s %15s %10s\n' "$(label "$tool")" "${initial[$tool]}" "${nochange[$tool]}" \
      "${after[$tool]}" "$(mb "${stored[$tool]}")"
  fi
done
echo "  stored MB: growth of the repository on the change (10^6 bytes); rsync: the literal data it sent"
[ -n "${failed[rsync]:-}" ] || echo "  rsync after the change, literal data and all: $(awk -F': ' '/^(Total bytes sent|File list size):/ { gsub(/,/, "", $2); printf "%s%s %.2f MB", sep, tolower($1), $2 / 1e6; sep = ", " }' "$work/rsync.stats")"
if [ $have_herd -eq 1 ] && [ -z "${failed[herd]:-}" ]; then
  echo "  herd / peer (below 1.00x: herd is faster or stores less):"
  for tool in rsync git restic borg; do
    [ -z "${failed[$tool]:-}" ] || continue
    printf '    vs %-8s initial %7s   no-change %7s   after-change %7s   stored %7s\n' "$tool" \
      "$(ratio "${initial[herd]}" "${initial[$tool]}")" "$(ratio "${nochange[herd]}" "${nochange[$tool]}")" \
      "$(ratio "${after[herd]}" "${after[$tool]}")" "$(ratio "${stored[herd]}" "${stored[$tool]}")"
  done
  printf '    vs %-8s                     no-change %7s\n' "floor" "$(ratio "${nochange[herd]}" "$floor")"
fi
verdict() { if [ $have_herd -eq 1 ] && [ -z "${failed[herd]:-}" ]; then awk "BEGIN { print ($1) ? \"met\" : \"NOT met\" }"; else echo "-"; fi; }
echo "goals:"
echo "  initial checkpoint faster than restic and borg, near rsync's plain copy:" \
  "$(verdict "${initial[herd]:-0} < ${initial[restic]:-0} && ${initial[herd]:-0} < ${initial[borg]:-0}")"
echo "  no-change checkpoint no slower than git's no-change commit (close to the lstat floor):" \
  "$(verdict "${nochange[herd]:-0} <= ${nochange[git]:-0}")"
echo "  after the 1% change: new data stored under 3 MB and time under restic's:" \
  "$(verdict "${stored[herd]:-0} < 3000000 && ${after[herd]:-0} < ${after[restic]:-0}")"
