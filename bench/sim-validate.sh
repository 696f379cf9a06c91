#!/usr/bin/env bash
# Validates the simulator against real btspeed processes: the swarm of sim/scenarios/validation.yaml
# (1 market seed + 8 leechers: 3 bidders, 3 market peers that sell but never buy, 2 plain peers,
# 8 MiB in 128 KiB pieces, seed 512 KiB/s up, leechers 128 KiB/s up and 1 MiB/s down) runs once as
# a loopback swarm of btspeed processes and then in `btspeed sim run` (seeds 5, 6, 7; sim s is their
# mean), each simulated peer starting when its real process was ready. Prints per peer: download time real and simulated, the error,
# the means per kind and the mean absolute / relative error (docs/INCENTIVES.md, "Validation").
#
# usage: bench/sim-validate.sh [--keep]
# env:   BENCH_DIR (parent of the work directory, default /var/tmp), BENCH_TIMEOUT (s for the swarm, 300)
#
# Takes about 2.5 minutes: ~40 s of wallets and ledger, 60-90 s of swarm, 10 s of simulation.
# Everything listens on 127.0.x.1 (loopback); every process started here is stopped on exit.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-home.sh"
btspeed="$here/btspeed"
scenario="$here/sim/scenarios/validation.yaml"
keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done
timeout_s="${BENCH_TIMEOUT:-300}"
"$btspeed" --version >/dev/null 2>&1 || "$btspeed" --help >/dev/null # builds the jar once, before anything is timed

work="$(mktemp -d "${BENCH_DIR:-/var/tmp}/btspeed-simval.XXXXXX")"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]:-}"; do [[ -n "$p" ]] && wait "$p" 2>/dev/null || true; done
  if [[ $keep == 1 ]]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
now() { date +%s.%N; }

# A free port, taken from the OS just before use (every leecher must know the others' ports up front).
free_port() { python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$1"; }

await_line() {
  local file=$1 regex=$2 pid=$3 secs=$4 end=$((SECONDS + $4))
  while ! grep -qE "$regex" "$file" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "process $pid exited before /$regex/; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    if (( SECONDS > end )); then echo "no /$regex/ within ${secs}s; log $file:" >&2; tail -30 "$file" >&2; return 1; fi
    sleep 0.1
  done
}

declare -A kind=([b1]=bidder [b2]=bidder [b3]=bidder [n1]=nonbidder [n2]=nonbidder [n3]=nonbidder [p1]=plain [p2]=plain)

src="$work/src"; mkdir -p "$src"
log "8 MiB of random bytes, 128 KiB pieces"
head -c $((8 * 1024 * 1024)) /dev/urandom >"$src/payload.bin"
"$btspeed" create "$src/payload.bin" -o "$work/payload.torrent" --piece-size 128K >"$work/create.log" 2>&1 \
  || { cat "$work/create.log" >&2; exit 1; }

log "wallets for the seed, 3 bidders and 3 non-bidders; a ledger; 100 tokens for each bidder"
echo "bench password" >"$work/pw"
for w in bank seed b1 b2 b3 n1 n2 n3; do
  "$btspeed" wallet create --keystore "$work/$w.json" --password-file "$work/pw" >"$work/$w.addr"
done
addr() { awk '/TRON/{print $NF}' "$work/$1.addr"; }
"$btspeed" ledger init --db "$work/ledger.db" --genesis "$(addr bank)" >/dev/null
for w in b1 b2 b3; do
  "$btspeed" wallet send --ledger "$work/ledger.db" --keystore "$work/bank.json" --password-file "$work/pw" \
    --to "$(addr $w)" --amount 100 >/dev/null
done
market() { echo --wallet "$work/$1.json" --password-file "$work/pw" --ledger "$work/ledger.db"; }

# every market peer unchokes 5 like a plain one (4 regular + 1 optimistic) and auctions 2 of them
"$btspeed" seed "$work/payload.torrent" --dir "$src" --bind 127.0.9.1 --port 0 --no-trackers --no-dht --no-lsd \
  --upload-limit 512K $(market seed) --paid-slots 2 --free-slots 3 >"$work/seed.log" 2>&1 &
seeder=$!; pids+=("$seeder")
await_line "$work/seed.log" '^seeding; ' "$seeder" 120
sport=$(sed -nE 's/^listening on [^ ]*:([0-9]+)$/\1/p' "$work/seed.log" | head -1)

# Leechers start one after another, kinds interleaved; each dials the seed and the leechers started
# before it, once their torrent is added: a dial that reaches a process whose torrent is not added yet
# is refused and retried only 30 s later, which would leave pairs unconnected for half the run.
# Every process has its own address in its own /24 (seed 127.0.9.1, leechers 127.0.10.1 ...): on one
# address all peers would get the same BEP 6 allowed-fast pieces from everybody, a loopback artefact
# that made the real swarm slower and favoured late starters (docs/INCENTIVES.md, "Validation").
names=(b1 n1 p1 b2 n2 b3 n3 p2)
declare -A port pid ready done_at ip
log "8 leechers start one after another; each dials the seed and every leecher before it"
t0=$(now)
started=()
for n in "${names[@]}"; do
  peers=(--peer "127.0.9.1:$sport")
  for m in "${started[@]:-}"; do [[ -n $m ]] && peers+=(--peer "${ip[$m]}:${port[$m]}"); done
  case ${kind[$n]} in
    bidder) mx=($(market "$n") --budget 6 --paid-slots 2 --free-slots 3) ;;
    nonbidder) mx=($(market "$n") --spend off --paid-slots 2 --free-slots 3) ;;
    plain) mx=() ;;
  esac
  ip[$n]=127.0.$((10 + ${#started[@]})).1; port[$n]=$(free_port "${ip[$n]}")
  "$btspeed" download "$work/payload.torrent" --dir "$work/out-$n" --bind "${ip[$n]}" --port "${port[$n]}" --no-trackers \
    --no-dht --no-lsd --upload-limit 128K --download-limit 1M "${peers[@]}" "${mx[@]}" >"$work/$n.log" 2>&1 &
  pid[$n]=$!; pids+=("${pid[$n]}")
  await_line "$work/$n.log" '^(resume: |download )' "${pid[$n]}" 120
  ready[$n]=$(now)
  started+=("$n")
done

# ready = the torrent is added (JVM up, wallet unlocked, listening); done = its "complete:" line
end=$((SECONDS + timeout_s))
while :; do
  left=0
  for n in "${names[@]}"; do
    if [[ -z "${done_at[$n]:-}" ]]; then
      if grep -q '^complete: ' "$work/$n.log" 2>/dev/null; then done_at[$n]=$(now)
      elif ! kill -0 "${pid[$n]}" 2>/dev/null; then echo "$n exited before completing; log:" >&2; tail -30 "$work/$n.log" >&2; exit 1
      else left=$((left + 1)); fi
    fi
  done
  (( left == 0 )) && break
  (( SECONDS > end )) && { echo "the swarm did not complete within ${timeout_s}s" >&2; for n in "${names[@]}"; do tail -3 "$work/$n.log" >&2; done; exit 1; }
  sleep 0.2
done
status=0
for n in "${names[@]}"; do
  if ! wait "${pid[$n]}"; then echo "$n exited non-zero; log:" >&2; tail -20 "$work/$n.log" >&2; status=1; fi
  cmp "$src/payload.bin" "$work/out-$n/payload.bin" >&2 || { echo "$n: downloaded bytes differ" >&2; status=1; }
done
kill "$seeder" 2>/dev/null || true; wait "$seeder" 2>/dev/null || true
"$btspeed" ledger audit --ledger "$work/ledger.db" >"$work/audit.log" 2>&1 || { echo "ledger audit failed:" >&2; cat "$work/audit.log" >&2; status=1; }

log "simulating the same swarm, each peer arriving when its process was ready"
sets=()
for n in "${names[@]}"; do
  sets+=(--set "groups.$n.arrival.at=$(awk -v a="${ready[$n]}" -v t="$t0" 'BEGIN { printf "%.1f", a - t }')")
done
# one simulator seed moves a peer by a few seconds (piece choice, optimistic unchoke): the prediction is the mean of three
for s in 5 6 7; do
  "$btspeed" sim run "$scenario" --out "$work/sim-$s" --seed "$s" "${sets[@]}" >"$work/sim-$s.log" 2>&1 || { cat "$work/sim-$s.log" >&2; exit 1; }
done

# real s = the process's own "complete: ... verified in S s" (from adding the torrent, so no polling lag);
# sim s = the simulated peer's completed - arrived, mean of 3 seeds
{
  for n in "${names[@]}"; do
    secs=$(sed -nE 's/^complete: .* verified in ([0-9.]+) s.*/\1/p' "$work/$n.log" | head -1)
    awk -v a="${ready[$n]}" -v d="$secs" -v t="$t0" -v n="$n" -v k="${kind[$n]}" \
      'BEGIN { printf "real %s %s %.1f %.1f\n", n, k, a - t, d }'
  done
  for s in 5 6 7; do awk -F, 'NR > 1 && $4 == "false" { print "sim", $2, $8 }' "$work/sim-$s/peers.csv"; done
} | awk '
  $1 == "real" { order[++n] = $2; kind[$2] = $3; start[$2] = $4; real[$2] = $5 }
  $1 == "sim"  { sim[$2] += $3 / 3 }
  END {
    printf "%-5s | %-9s | %7s | %6s | %6s | %7s | %6s\n", "peer", "kind", "start s", "real s", "sim s", "error s", "error"
    printf "------|-----------|---------|--------|--------|---------|-------\n"
    for (i = 1; i <= n; i++) {
      p = order[i]; e = sim[p] - real[p]
      printf "%-5s | %-9s | %7.1f | %6.1f | %6.1f | %+7.1f | %+5.0f%%\n", p, kind[p], start[p], real[p], sim[p], e, 100 * e / real[p]
      abs += (e < 0 ? -e : e); rel += (e < 0 ? -e : e) / real[p]
      rk[kind[p]] += real[p]; sk[kind[p]] += sim[p]; ck[kind[p]]++
    }
    printf "\nmean per kind      real s   sim s\n"
    split("bidder nonbidder plain", ks, " ")
    for (j = 1; j <= 3; j++) { k = ks[j]; if (ck[k]) printf "  %-14s %8.1f %7.1f\n", k, rk[k] / ck[k], sk[k] / ck[k] }
    printf "mean absolute error %.1f s, mean relative error %.0f%%\n", abs / n, 100 * rel / n
  }'
[[ $status == 0 ]] || echo "FAILED: see above" >&2
exit $status
