#!/usr/bin/env bash
# What the bandwidth market costs in throughput: the same loopback transfer with the market off and
# on, alternating, in one run.
#
# usage: bench/market-overhead.sh [SIZE_MIB=1024] [-n|--repeat N=3] [--keep]
# env:   BENCH_DIR (parent of the work directory, default /var/tmp), BENCH_TIMEOUT (s per transfer, 900),
#        BENCH_LEDGER_DIR (where the shared ledger file goes, default the work directory),
#        BENCH_SETTLE (seconds of pause before each transfer, default 5: see bench/loopback.sh, "Memory state"),
#        BENCH_EXPOSURE_PIECES (the seller's --exposure-pieces; default: the seller's own default)
#
# off: `btspeed seed` -> `btspeed download`, plain BitTorrent.
# on:  the seeder sells 1 paid slot (`--wallet --ledger --paid-slots 1`), the leecher bids from a
#      funded wallet (`--wallet --ledger --budget`), both on one ledger file: the leecher wins the
#      slot, opens a payment channel and signs a payment state after every verified piece, the
#      seeder checks each one; the channel is settled when the seeder stops.
# No rate limit: this measures the market's own cost (handshake, auction, signatures, ledger
# calls), not the effect of selling slots under scarcity (see the e2e test for that).
# Prints MB/s per transfer (from the leecher's "complete: ... verified in S s" line) and the CPU
# seconds of seeder + leecher (whole processes: start-up and the wallet unlock included), the means (with their spread) and the ratios on/off, the loss with one standard error; checks the bytes, that the bidder paid and that the ledger audit passes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
btspeed="$here/btspeed"
size_mib=1024
repeat=3
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    -n|--repeat) repeat="${2:?--repeat needs a number}"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    [0-9]*) size_mib="$1"; shift ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$size_mib" =~ ^[0-9]+$ && "$size_mib" -gt 0 ]] || { echo "SIZE_MIB must be a positive integer" >&2; exit 2; }
[[ "$repeat" =~ ^[0-9]+$ && "$repeat" -gt 0 ]] || { echo "--repeat must be a positive integer" >&2; exit 2; }
timeout_s="${BENCH_TIMEOUT:-900}"

work="$(mktemp -d "${BENCH_DIR:-/var/tmp}/btspeed-market.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
  if [[ $keep == 1 ]]; then echo "work directory kept: $work (ledger $ledger_db)"; else rm -rf "$work"; rm -f "${ledger_db:-}" "${ledger_db:-}"-wal "${ledger_db:-}"-shm "${ledger_db:-}".journal; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

await_line() {
  local file=$1 regex=$2 pid=$3 secs=$4 end=$((SECONDS + $4))
  while ! grep -qE "$regex" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before /$regex/; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    if (( SECONDS > end )); then echo "no /$regex/ within ${secs}s; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    sleep 0.1
  done
}

src="$work/src"; mkdir -p "$src"
log "writing $size_mib MiB of random bytes"
head -c $((size_mib * 1024 * 1024)) /dev/urandom >"$src/payload.bin"
"$btspeed" create "$src/payload.bin" -o "$work/payload.torrent" >"$work/create.log" 2>&1 || { cat "$work/create.log" >&2; exit 1; }

# The ledger file may live elsewhere (BENCH_LEDGER_DIR): its durable commits (fsync) on the disk the
# download is written to also flush the download's dirty pages on some filesystems.
ledger_dir="${BENCH_LEDGER_DIR:-$work}"
mkdir -p "$ledger_dir"
ledger_db="$(mktemp -u "$ledger_dir/btspeed-ledger.XXXXXX").db"
log "wallets and a ledger ($ledger_db)"
echo "bench password" >"$work/pw"
for w in bank seller buyer; do
  "$btspeed" wallet create --keystore "$work/$w.json" --password-file "$work/pw" >"$work/$w.addr"
done
addr() { awk '/TRON/{print $NF}' "$work/$1.addr"; }
"$btspeed" ledger init --db "$ledger_db" --genesis "$(addr bank)" >/dev/null
"$btspeed" wallet send --ledger "$ledger_db" --keystore "$work/bank.json" --password-file "$work/pw" \
  --to "$(addr buyer)" --amount 1000000 >/dev/null
market_seed=(--wallet "$work/seller.json" --password-file "$work/pw" --ledger "$ledger_db" --paid-slots 1)
[[ -n "${BENCH_EXPOSURE_PIECES:-}" ]] && market_seed+=(--exposure-pieces "$BENCH_EXPOSURE_PIECES")
market_leech=(--wallet "$work/buyer.json" --password-file "$work/pw" --ledger "$ledger_db" --budget 100)

# MODE ROUND -> prints MB/s; fails on any problem
run() {
  local mode=$1 round=$2 out="$work/out-$1-$2" sip=127.0.11.4 lip=127.0.11.5 seeder sport secs
  local -a sx=() lx=()
  if [[ $mode == on ]]; then sx=("${market_seed[@]}"); lx=("${market_leech[@]}"); fi
  mkdir -p "$out"
  sync # start each transfer with no dirty pages of the last one still being written back
  sleep "${BENCH_SETTLE:-5}"
  "$btspeed" seed "$work/payload.torrent" --dir "$src" --bind $sip --port 0 --no-trackers --no-dht --no-lsd \
    --state-dir "$work/seed-state-$mode-$round" "${sx[@]}" >"$work/seed-$mode-$round.log" 2>&1 &
  seeder=$!; pids+=("$seeder")
  await_line "$work/seed-$mode-$round.log" '^seeding; ' "$seeder" 600 || return 1
  sport=$(sed -nE 's/^listening on [^ ]*:([0-9]+)$/\1/p' "$work/seed-$mode-$round.log" | head -1)
  /usr/bin/time -f '%U %S' -o "$work/time-$mode-$round" \
    timeout "$timeout_s" "$btspeed" download "$work/payload.torrent" --dir "$out" --bind $lip --port 0 --no-trackers \
    --no-dht --no-lsd --peer "$sip:$sport" "${lx[@]}" >"$work/leech-$mode-$round.log" 2>&1 \
    || { echo "leecher ($mode) failed; log:" >&2; tail -30 "$work/leech-$mode-$round.log" >&2; return 1; }
  # the launcher execs java, so the seeder's pid is the JVM's: its CPU so far, from /proc, before it stops
  local seed_cpu
  seed_cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$seeder/stat" 2>/dev/null || echo 0)
  kill "$seeder" 2>/dev/null || true; wait "$seeder" 2>/dev/null || true
  cmp "$src/payload.bin" "$out/payload.bin" >&2 || { echo "$mode: downloaded bytes differ" >&2; return 1; }
  rm -rf "$out"
  if [[ $mode == on ]] && ! grep -qE '^market: spent [1-9]|^market: spent 0\.[0-9]*[1-9]' "$work/leech-$mode-$round.log"; then
    echo "market on, but the leecher paid nothing:" >&2; grep '^market' "$work/leech-$mode-$round.log" >&2; return 1
  fi
  secs=$(sed -nE 's/^complete: .* verified in ([0-9.]+) s.*/\1/p' "$work/leech-$mode-$round.log")
  [[ -n "$secs" ]] || { echo "no completion time in the leecher log" >&2; return 1; }
  local leech_cpu
  leech_cpu=$(tail -1 "$work/time-$mode-$round" | awk '{ printf "%.2f", $1 + $2 }')
  awk -v size=$((size_mib * 1024 * 1024)) -v secs="$secs" -v c="$(awk -v a="$seed_cpu" -v b="$leech_cpu" 'BEGIN { print a + b }')" \
    'BEGIN { printf "%.1f %.2f\n", size / 1e6 / secs, c }'
}

printf '%-8s %5s %9s %10s\n' market round "MB/s" "cpu_s"
results="$work/results"; : >"$results"
status=0
for round in $(seq 1 "$repeat"); do
  # alternate which goes first: whatever the machine does between two transfers (writeback, JIT of
  # the script's helpers, caches) then falls on both modes alike
  order="off on"; (( round % 2 == 0 )) && order="on off"
  for mode in $order; do
    log "round $round: market $mode, $size_mib MiB"
    if fig=$(run "$mode" "$round"); then
      read -r mbps cpu <<<"$fig"
      echo "$mode $mbps $cpu" >>"$results"
      printf '%-8s %5s %9s %10s\n' "$mode" "$round" "$mbps" "$cpu"
    else
      status=1
    fi
  done
done
"$btspeed" ledger audit --ledger "$ledger_db" >"$work/audit.log" 2>&1 || { echo "ledger audit failed:" >&2; cat "$work/audit.log" >&2; status=1; }

echo
echo "over $repeat round(s), $size_mib MiB, loopback, no rate limit:"
awk '{ n[$1]++; mb[$1] += $2; sq[$1] += $2 * $2; cpu[$1] += $3; v[$1, n[$1]] = $2 }
  # sample standard deviation of the MB/s of one mode (0 with one round)
  function sd(c,   m) { if (n[c] < 2) return 0; m = mb[c] / n[c]; return sqrt((sq[c] - n[c] * m * m) / (n[c] - 1)) }
  function median(c,   i, j, t, k, a) {
    k = n[c]; for (i = 1; i <= k; i++) a[i] = v[c, i]
    for (i = 2; i <= k; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  END {
    for (c in n) printf "market %-4s mean %7.1f MB/s (sd %.1f), median %7.1f MB/s, CPU (seeder + leecher) %.2f s per transfer\n", c, mb[c]/n[c], sd(c), median(c), cpu[c]/n[c]
    if (n["on"] && n["off"]) {
      r = (mb["on"]/n["on"]) / (mb["off"]/n["off"])
      # one standard error of the ratio (first-order): how much of the loss the round-to-round spread could explain
      se = r * sqrt((sd("on") / (mb["on"]/n["on"]))^2 / n["on"] + (sd("off") / (mb["off"]/n["off"]))^2 / n["off"])
      printf "ratio on/off of the means: %.3f (throughput loss %.1f%% +/- %.1f%%, one standard error)\n", r, 100 * (1 - r), 100 * se
      printf "ratio on/off of the medians: %.3f (throughput loss %.1f%%)\n", median("on") / median("off"), 100 * (1 - median("on") / median("off"))
      printf "ratio on/off of the CPU per transfer: %.3f\n", (cpu["on"]/n["on"]) / (cpu["off"]/n["off"])
    }
  }' "$results"
[[ $status == 0 ]] || echo "FAILED: see above" >&2
exit $status
