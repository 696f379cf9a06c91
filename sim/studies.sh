#!/usr/bin/env bash
# Re-runs the incentive studies of docs/INCENTIVES.md and copies their plots to docs/img/.
# Usage: sim/studies.sh [OUT_DIR]   (about 10 simulator runs; a few minutes on 2 cores)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/btspeed-studies}"
bt="${BT:-$here/btspeed}"   # BT overrides the launcher (e.g. a java command line)
cd "$here"
$bt sim run sim/scenarios/flash-crowd.yaml --vary market.paidSlots=2,0 --out "$out/1-flash-crowd"
$bt sim run sim/scenarios/churn.yaml --vary market.paidSlots=2,0 --out "$out/2-churn"
$bt sim run sim/scenarios/clearing-rules.yaml --vary market.rule=lowest-winning,highest-losing --out "$out/3-clearing-rules"
$bt sim run sim/scenarios/flash-crowd.yaml --vary uploadSlots=3,4,6,10 --out "$out/4-free-slots"
$bt sim run sim/scenarios/not-scarce.yaml --out "$out/5-not-scarce"
# 5b: everyone bids with the same budget — with and without the market
$bt sim run sim/scenarios/flash-crowd.yaml --set groups.nonbidders.kind=bidder --set groups.nonbidders.budget=1000000 \
  --set groups.plain.kind=bidder --set groups.plain.budget=1000000 --vary market.paidSlots=2,0 --out "$out/5b-everyone-bids"
mkdir -p docs/img
cp "$out/1-flash-crowd/completion-cdf.png" docs/img/sim-1-flash-crowd-cdf.png
cp "$out/2-churn/availability.png" docs/img/sim-2-churn-availability.png
cp "$out/2-churn/population.png" docs/img/sim-2-churn-population.png
cp "$out/3-clearing-rules/completion-cdf.png" docs/img/sim-3-clearing-rules-cdf.png
cp "$out/4-free-slots/completion-cdf.png" docs/img/sim-4-free-slots-cdf.png
cp "$out/5-not-scarce/completion-cdf.png" docs/img/sim-5-not-scarce-cdf.png
cp "$out/5b-everyone-bids/completion-cdf.png" docs/img/sim-5b-everyone-bids-cdf.png
