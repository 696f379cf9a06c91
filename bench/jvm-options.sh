#!/usr/bin/env bash
# Compares JVM options for btspeed on the same loopback transfer: each round runs `btspeed seed` ->
# `btspeed download` once per option set, alternating which goes first, and prints per set the mean
# MB/s, the leecher's CPU (whole process) and the seeder's CPU during the transfer.
#
# usage: bench/jvm-options.sh [SIZE_MIB=1024] [-n|--repeat N=6] [--keep] OPTS_A OPTS_B [OPTS_C ...]
#   OPTS_x  a whole BTSPEED_JAVA_OPTS value for both peers, e.g. "-XX:+UseParallelGC -Xmx512m"
#           (the launcher adds its AOT cache to every set alike)
# env: BENCH_DIR (parent of the work directory, default /var/tmp), BENCH_SETTLE (s of idle before each
#      transfer, default 5; see bench/loopback.sh, "Memory state"), BENCH_TIMEOUT (s per transfer, 900)
#
# Why alternate in one run: this machine's speed drifts by 10-20 % over minutes (host load, memory
# handed back to the host), more than the effect of most JVM options; pairs run a minute apart see the
# same machine. The seeder's resume state is kept per set, so it does not re-hash after its first round.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
btspeed="$here/btspeed"
size_mib=1024
repeat=6
keep=0
sets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--repeat) repeat="${2:?--repeat needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) size_mib="$1"; shift ;;
    *) sets+=("$1"); shift ;;
  esac
done
[[ "$size_mib" =~ ^[0-9]+$ && "$size_mib" -gt 0 ]] || { echo "SIZE_MIB must be a positive integer" >&2; exit 2; }
[[ "$repeat" =~ ^[0-9]+$ && "$repeat" -gt 0 ]] || { echo "--repeat must be a positive integer" >&2; exit 2; }
(( ${#sets[@]} >= 2 )) || { echo "give at least two option sets (see --help)" >&2; exit 2; }
timeout_s="${BENCH_TIMEOUT:-900}"

work="$(mktemp -d "${BENCH_DIR:-/var/tmp}/btspeed-jvm.XXXXXX")"
cleanup() {
  if [[ $keep == 1 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
await_line() {
  local file=$1 regex=$2 pid=$3 end=$((SECONDS + $4))
  while ! grep -qE "$regex" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before /$regex/:" >&2; tail -30 "$file" >&2; return 1; fi
    if (( SECONDS > end )); then echo "no /$regex/ in time:" >&2; tail -30 "$file" >&2; return 1; fi
    sleep 0.1
  done
}
# user + system CPU seconds of a live process so far
cpu_of() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"; }

src="$work/src"; mkdir -p "$src"
log "writing $size_mib MiB of random bytes"
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$src/payload.bin"
"$btspeed" create "$src/payload.bin" -o "$work/payload.torrent" >"$work/create.log" 2>&1 || { cat "$work/create.log" >&2; exit 1; }

# SET ROUND -> "MB/s leecher_cpu seeder_cpu_during_transfer". Runs in a $(...) subshell, so it stops
# its own seeder on every path (the parent's cleanup never sees that pid).
seeder=""
run() {
  local rc=0
  transfer "$@" || rc=1
  if [[ -n "$seeder" ]]; then kill "$seeder" 2>/dev/null || true; wait "$seeder" 2>/dev/null || true; fi
  return $rc
}
transfer() {
  local set=$1 round=$2 out="$work/out" sip=127.0.12.4 lip=127.0.12.5 sport s0 s1 secs
  export BTSPEED_JAVA_OPTS="${sets[$set]}"
  rm -rf "$out"; mkdir -p "$out"
  "$btspeed" seed "$work/payload.torrent" --dir "$src" --bind $sip --port 0 --no-trackers --no-dht --no-lsd \
    --state-dir "$work/seed-state-$set" >"$work/seed-$set-$round.log" 2>&1 &
  seeder=$!
  await_line "$work/seed-$set-$round.log" '^seeding; ' "$seeder" 600 || return 1
  sport=$(sed -nE 's/^listening on [^ ]*:([0-9]+)$/\1/p' "$work/seed-$set-$round.log" | head -1)
  sync
  sleep "${BENCH_SETTLE:-5}"
  s0=$(cpu_of "$seeder")
  /usr/bin/time -f '%U %S' -o "$work/time-$set-$round" \
    timeout "$timeout_s" "$btspeed" download "$work/payload.torrent" --dir "$out" --bind $lip --port 0 --no-trackers \
    --no-dht --no-lsd --peer "$sip:$sport" >"$work/leech-$set-$round.log" 2>&1 \
    || { echo "leecher failed:" >&2; tail -30 "$work/leech-$set-$round.log" >&2; return 1; }
  s1=$(cpu_of "$seeder")
  cmp "$src/payload.bin" "$out/payload.bin" >&2 || { echo "downloaded bytes differ" >&2; return 1; }
  secs=$(sed -nE 's/^complete: .* verified in ([0-9.]+) s.*/\1/p' "$work/leech-$set-$round.log")
  [[ -n "$secs" ]] || { echo "no completion time in the leecher log" >&2; return 1; }
  awk -v size=$((size_mib * 1024 * 1024)) -v secs="$secs" -v s0="$s0" -v s1="$s1" -v t="$(tail -1 "$work/time-$set-$round")" \
    'BEGIN { split(t, c, " "); printf "%.1f %.2f %.2f\n", size / 1e6 / secs, c[1] + c[2], s1 - s0 }'
}

printf '%-4s %5s %9s %11s %11s\n' set round "MB/s" leech_cpu seed_cpu_tx
results="$work/results"; : >"$results"
status=0
for round in $(seq 1 "$repeat"); do
  order=$(seq 0 $((${#sets[@]} - 1)))
  (( round % 2 == 0 )) && order=$(echo "$order" | tac)
  for set in $order; do
    log "round $round: set $set (${sets[$set]})"
    if fig=$(run "$set" "$round"); then
      echo "$set $fig" >>"$results"
      read -r mbps lc sc <<<"$fig"
      printf '%-4s %5s %9s %11s %11s\n' "$set" "$round" "$mbps" "$lc" "$sc"
    else
      status=1
    fi
  done
done
echo
echo "over $repeat round(s), $size_mib MiB, loopback (means):"
for set in "${!sets[@]}"; do
  awk -v s="$set" -v o="${sets[$set]}" '$1 == s { n++; mb += $2; lc += $3; sc += $4 }
    END { if (n) printf "set %s: %7.1f MB/s, leecher CPU %.2f s, seeder CPU during the transfer %.2f s  [%s]\n", s, mb/n, lc/n, sc/n, o }' "$results"
done
exit $status
