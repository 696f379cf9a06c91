#!/usr/bin/env bash
# Loopback transfer benchmark: btspeed against libtorrent, side by side in one run.
#
# usage: bench/loopback.sh [SIZE_MIB=1024] [-n|--repeat N=1] [--keep]
#   SIZE_MIB     size of the random payload (one file)
#   --repeat N   run both transfers N times (alternating libtorrent, btspeed)
#   --keep       keep the work directory (printed at the end) instead of removing it
# env: BENCH_DIR   parent of the work directory (default /var/tmp: on disk, not tmpfs)
#      BENCH_TIMEOUT  seconds allowed per transfer (default 900)
#      BENCH_BT_ARGS  extra arguments for the btspeed leecher, e.g. "--disk-writes cached"
#      BENCH_SETTLE   seconds of idle before each transfer (default 5); see "Memory state" below
#
# What it does: writes SIZE_MIB of random bytes to a file, makes a torrent of it with
# `btspeed create`, then for each round transfers seeder -> leecher over TCP on loopback:
#   1. libtorrent -> libtorrent (our lt_peer.py on Debian's python3-libtorrent 2.0)
#   2. btspeed    -> btspeed    (./btspeed, the root launcher, which selects Java 25)
# each into a fresh output directory, and compares the bytes with the source (cmp).
# Per transfer it prints: MB/s (10^6 bytes over the leecher's own "torrent added -> every piece
# verified" time), leecher wall seconds (process start to exit, includes JVM/Python startup),
# leecher CPU seconds per GiB (user+sys from /usr/bin/time, whole process) and leecher peak RSS
# (/usr/bin/time %M). Then the means and the ratios btspeed / libtorrent.
# Page cache is NOT dropped: the seeder serves the file from the cache it was just written into. The libtorrent
# leecher writes into the page cache (its default, mmap); the btspeed leecher writes with direct I/O (its default,
# `--disk-writes direct`; BENCH_BT_ARGS="--disk-writes cached" writes through the cache too).
# Memory state: on a virtual machine that returns free memory to its host (virtio-balloon free page reporting,
# as on this machine kind), writing into page-cache pages that were freed a moment ago costs ~0.3 s per GiB, but
# into pages that sat free for a few seconds 1-3 s per GiB: the host must fault them in again. Without a pause, a
# transfer right after the previous round's `cmp` and `rm` gets warm pages and the next one does not, which made
# results swing by 2x. So each transfer starts after BENCH_SETTLE seconds of idle, the state a download started
# by a user meets; BENCH_SETTLE=0 shows the warm case.
# Exit status: 0 when every transfer completed with identical bytes, 1 otherwise, 2 on bad usage.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lt_peer="$here/interop/src/test/resources/io/btspeed/interop/lt_peer.py"
btspeed="$here/btspeed"
python=/usr/bin/python3

size_mib=1024
repeat=1
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--repeat) repeat="${2:?--repeat needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) size_mib="$1"; shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$size_mib" =~ ^[0-9]+$ && "$size_mib" -gt 0 ]] || { echo "SIZE_MIB must be a positive integer" >&2; exit 2; }
[[ "$repeat" =~ ^[0-9]+$ && "$repeat" -gt 0 ]] || { echo "--repeat must be a positive integer" >&2; exit 2; }
for tool in /usr/bin/time "$python" cmp; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install time python3-libtorrent)" >&2; exit 2; }
done
"$python" -c 'import libtorrent' 2>/dev/null || { echo "missing python3-libtorrent" >&2; exit 2; }
timeout_s="${BENCH_TIMEOUT:-900}"
settle="${BENCH_SETTLE:-5}"

work="$(mktemp -d "${BENCH_DIR:-/var/tmp}/btspeed-bench.XXXXXX")"
pids=()
cleanup() {
  # stop only what this script started, by pid
  for p in "${pids[@]:-}"; do
    [[ -n "$p" ]] && kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]:-}"; do
    [[ -n "$p" ]] && wait "$p" 2>/dev/null || true
  done
  if [[ $keep == 1 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

# a free TCP port on an address, taken from the OS just before the client binds it
free_port() {
  "$python" -c 'import socket,sys; s=socket.socket(); s.bind((sys.argv[1],0)); print(s.getsockname()[1])' "$1"
}

# waits until FILE contains a line matching REGEX, or fails when PID died or the deadline passed
await_line() {
  local file=$1 regex=$2 pid=$3 secs=$4 end=$((SECONDS + $4))
  while ! grep -qE "$regex" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before /$regex/; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    if (( SECONDS > end )); then echo "no /$regex/ within ${secs}s; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    sleep 0.1
  done
}

size=$((size_mib * 1024 * 1024))
src="$work/src"; mkdir -p "$src"
log "writing $size_mib MiB of random bytes to $src/payload.bin"
head -c "$size" /dev/urandom >"$src/payload.bin"
log "making the torrent (btspeed create; builds btspeed first if needed)"
"$btspeed" create "$src/payload.bin" -o "$work/payload.torrent" >"$work/create.log" 2>&1 || { cat "$work/create.log" >&2; exit 1; }
tail -1 "$work/create.log" >&2

# One transfer each; they run in this shell (not a $(...) subshell) so the seeder's pid reaches
# cleanup, and write "mbps wall cpu_per_gib rss_mib" to $work/figures. Called in an `||` list,
# where set -e does not apply: every step checks its own status.
run_lt() {
  local round=$1 out="$work/out-lt-$1" sip=127.0.10.2 lip=127.0.10.3 sport lport seeder
  mkdir -p "$out"
  sync # start each transfer with no dirty pages of the last one still being written back
  sleep "$settle"
  sport=$(free_port $sip) || return 1
  "$python" "$lt_peer" seed --torrent "$work/payload.torrent" --dir "$src" --ip $sip --port "$sport" \
    --no-tracker --timeout "$timeout_s" >"$work/lt-seed-$round.log" 2>&1 &
  seeder=$!; pids+=("$seeder")
  await_line "$work/lt-seed-$round.log" '^READY seeding' "$seeder" 600 || return 1
  lport=$(free_port $lip) || return 1
  /usr/bin/time -f '%e %U %S %M' -o "$work/lt-time-$round" \
    timeout "$timeout_s" "$python" "$lt_peer" leech --torrent "$work/payload.torrent" --dir "$out" --ip $lip --port "$lport" \
    --no-tracker --peer "$sip:$sport" --timeout "$timeout_s" >"$work/lt-leech-$round.log" 2>&1 \
    || { echo "libtorrent leecher failed; log:" >&2; tail -30 "$work/lt-leech-$round.log" >&2; return 1; }
  kill "$seeder" 2>/dev/null || true; wait "$seeder" 2>/dev/null || true
  cmp "$src/payload.bin" "$out/payload.bin" >&2 || { echo "libtorrent: downloaded bytes differ" >&2; return 1; }
  local secs
  secs=$(sed -nE 's/^RESULT ok .*seconds=([0-9.]+).*/\1/p' "$work/lt-leech-$round.log")
  rm -rf "$out"
  figures "$secs" "$work/lt-time-$round" >"$work/figures"
}

run_bt() {
  local round=$1 out="$work/out-bt-$1" sip=127.0.10.4 lip=127.0.10.5 seeder sport
  mkdir -p "$out"
  sync # start each transfer with no dirty pages of the last one still being written back
  sleep "$settle"
  # the seeder keeps its resume state out of the source tree, so every round checks the data once
  "$btspeed" seed "$work/payload.torrent" --dir "$src" --bind $sip --port 0 --no-trackers --no-dht \
    --state-dir "$work/bt-seed-state-$round" >"$work/bt-seed-$round.log" 2>&1 &
  seeder=$!; pids+=("$seeder")
  await_line "$work/bt-seed-$round.log" '^seeding; ' "$seeder" 600 || return 1
  sport=$(sed -nE 's/^listening on [^ ]*:([0-9]+)$/\1/p' "$work/bt-seed-$round.log" | head -1)
  [[ -n "$sport" ]] || { echo "btspeed seeder printed no 'listening on' line" >&2; return 1; }
  /usr/bin/time -f '%e %U %S %M' -o "$work/bt-time-$round" \
    timeout "$timeout_s" "$btspeed" download "$work/payload.torrent" --dir "$out" --bind $lip --port 0 --no-trackers --no-dht \
    --peer "$sip:$sport" ${BENCH_BT_ARGS:-} >"$work/bt-leech-$round.log" 2>&1 \
    || { echo "btspeed leecher failed; log:" >&2; tail -30 "$work/bt-leech-$round.log" >&2; return 1; }
  kill "$seeder" 2>/dev/null || true; wait "$seeder" 2>/dev/null || true
  cmp "$src/payload.bin" "$out/payload.bin" >&2 || { echo "btspeed: downloaded bytes differ" >&2; return 1; }
  local secs
  secs=$(sed -nE 's/^complete: .* verified in ([0-9.]+) s.*/\1/p' "$work/bt-leech-$round.log")
  rm -rf "$out"
  figures "$secs" "$work/bt-time-$round" >"$work/figures"
}

# SECS TIME_FILE -> "mbps wall cpu_per_gib rss_mib"
figures() {
  local secs=$1 tf=$2
  [[ -n "$secs" ]] || { echo "no completion time in the leecher log" >&2; return 1; }
  # /usr/bin/time writes a "Command exited..." line first when the child failed; the figures are the last line
  tail -1 "$tf" | awk -v size="$size" -v secs="$secs" '{
      gib = size / 1073741824
      printf "%.1f %.2f %.2f %.0f\n", size / 1e6 / secs, $1, ($2 + $3) / gib, $4 / 1024 }'
}

printf '%-10s %5s %9s %8s %12s %9s\n' client round "MB/s" "wall_s" "cpu_s/GiB" "rss_MiB"
results="$work/results"; : >"$results"
status=0
for round in $(seq 1 "$repeat"); do
  for client in libtorrent btspeed; do
    log "round $round: $client -> $client, $size_mib MiB"
    if [[ $client == libtorrent ]]; then run_lt "$round" || { status=1; continue; }
    else run_bt "$round" || { status=1; continue; }; fi
    f=$(cat "$work/figures")
    echo "$client $f" >>"$results"
    read -r mbps wall cpu rss <<<"$f"
    printf '%-10s %5s %9s %8s %12s %9s\n' "$client" "$round" "$mbps" "$wall" "$cpu" "$rss"
  done
done

echo
echo "means over $repeat round(s), $size_mib MiB, TCP on loopback, page cache not dropped:"
awk '
  { n[$1]++; mb[$1] += $2; wall[$1] += $3; cpu[$1] += $4; rss[$1] += $5 }
  END {
    for (c in n) printf "%-10s %9.1f MB/s %8.2f wall_s %8.2f cpu_s/GiB %8.0f rss_MiB\n", c, mb[c]/n[c], wall[c]/n[c], cpu[c]/n[c], rss[c]/n[c]
    if (n["libtorrent"] && n["btspeed"]) {
      printf "ratio btspeed/libtorrent: throughput %.2f  cpu/GiB %.2f  peak RSS %.2f\n",
        (mb["btspeed"]/n["btspeed"]) / (mb["libtorrent"]/n["libtorrent"]),
        (cpu["btspeed"]/n["btspeed"]) / (cpu["libtorrent"]/n["libtorrent"]),
        (rss["btspeed"]/n["btspeed"]) / (rss["libtorrent"]/n["libtorrent"])
    }
  }' "$results"
[[ $status == 0 ]] || echo "FAILED: at least one transfer did not complete with identical bytes (see above)" >&2
exit $status
