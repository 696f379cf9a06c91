#!/usr/bin/env bash
# Re-runs the incentive studies of docs/INCENTIVES.md over several simulator seeds, prints the tables
# (mean ± sample standard deviation over the seeds, sim/studies-table.py) and copies seed 1's plots to docs/img/.
# Usage: sim/studies.sh [--seeds N] [OUT_DIR]
#   --seeds N   seeds 1..N (default 5); each seed is 15 simulator runs, about 1.5 min on 2 cores
#   OUT_DIR     default /tmp/btspeed-studies; seed s of study X goes to OUT_DIR/seed-s/X, tables to OUT_DIR/tables.md
# Runs one simulation at a time. BT overrides the launcher (e.g. a java command line).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seeds=5
out=/tmp/btspeed-studies
while [ $# -gt 0 ]; do
  case "$1" in
    --seeds) seeds="$2"; shift 2 ;;
    --seeds=*) seeds="${1#--seeds=}"; shift ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    -*) echo "studies.sh: unknown option $1" >&2; exit 2 ;;
    *) out="$1"; shift ;;
  esac
done
case "$seeds" in ''|*[!0-9]*|0) echo "studies.sh: --seeds wants a positive integer, got '$seeds'" >&2; exit 2 ;; esac
bt="${BT:-$here/btspeed}"
cd "$here"

run_seed() {  # $1 = seed
  local s="$1" o="$out/seed-$1"
  run() { echo "seed $s: $*" >&2; $bt sim run "$@" --seed "$s" > /dev/null; }
  run sim/scenarios/flash-crowd.yaml --vary market.paidSlots=2,0 --out "$o/1-flash-crowd"
  run sim/scenarios/churn.yaml --vary market.paidSlots=2,0 --out "$o/2-churn"
  # 2b: sparse demand (100 leechers, one arrival per 500 s)
  run sim/scenarios/churn.yaml --set groups.payers.count=40 --set groups.others.count=60 \
    --set groups.payers.arrival.ratePerSecond=0.0008 --set groups.others.arrival.ratePerSecond=0.0012 \
    --vary market.paidSlots=2,0 --out "$o/2b-churn-sparse"
  run sim/scenarios/clearing-rules.yaml --vary market.rule=lowest-winning,highest-losing --out "$o/3-clearing-rules"
  run sim/scenarios/flash-crowd.yaml --vary uploadSlots=3,4,6,10 --out "$o/4-free-slots"
  run sim/scenarios/not-scarce.yaml --out "$o/5-not-scarce"
  # 5b: everyone bids with the same budget — with and without the market
  run sim/scenarios/flash-crowd.yaml --set groups.nonbidders.kind=bidder --set groups.nonbidders.budget=1000000 \
    --set groups.plain.kind=bidder --set groups.plain.budget=1000000 --vary market.paidSlots=2,0 --out "$o/5b-everyone-bids"
}

for s in $(seq 1 "$seeds"); do
  rm -rf "$out/seed-$s"
  run_seed "$s"
done

python3 "$here/sim/studies-table.py" "$out" | tee "$out/tables.md"

o1="$out/seed-1"
mkdir -p docs/img
cp "$o1/1-flash-crowd/completion-cdf.png" docs/img/sim-1-flash-crowd-cdf.png
cp "$o1/2-churn/availability.png" docs/img/sim-2-churn-availability.png
cp "$o1/2-churn/population.png" docs/img/sim-2-churn-population.png
cp "$o1/3-clearing-rules/completion-cdf.png" docs/img/sim-3-clearing-rules-cdf.png
cp "$o1/4-free-slots/completion-cdf.png" docs/img/sim-4-free-slots-cdf.png
cp "$o1/5-not-scarce/completion-cdf.png" docs/img/sim-5-not-scarce-cdf.png
cp "$o1/5b-everyone-bids/completion-cdf.png" docs/img/sim-5b-everyone-bids-cdf.png
echo "tables: $out/tables.md; plots (seed 1) copied to docs/img/" >&2
