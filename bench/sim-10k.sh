#!/usr/bin/env bash
# Simulator benchmark: 10,000 peers x 1 GiB (4,096 pieces) flash crowd to completion.
# Prints the run's summary, the wall time and the peak resident memory of the JVM.
# Usage: bench/sim-10k.sh [OUT_DIR] [extra `sim run` options, e.g. --set groups.plain.count=999]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:-/tmp/sim-bench-10k}"; shift || true
source "$here/scripts/java-home.sh"
source "$here/bench/sim-jvm.sh"
[[ -f "$here/app/target/btspeed.jar" ]] || (cd "$here" && ./mvnw -B -q install -DskipTests)
read -r -a aot <<< "$(sim_aot_opts "$here/app/target/btspeed.jar")"
/usr/bin/time -f "wall %e s, user %U s, peak RSS %M KiB" \
  "$JAVA_HOME/bin/java" "${SIM_JVM_OPTS[@]}" "${aot[@]}" -jar "$here/app/target/btspeed.jar" \
  sim run "$here/sim/scenarios/bench-10k.yaml" --out "$out" "$@"
