#!/usr/bin/env bash
# Compares two builds of the simulator on the 10,000-peer benchmark, runs alternating (A B A B ...), because on a
# shared host the same jar's wall time moves by 10-30 % within the hour and only neighbouring runs compare.
# Prints each run's wall time, the simulation's own CPU time and peak RSS, checks that both builds ended the same way
# (virtual end, auctions, bytes: a speed change must not change the result; exit 1 if not), and the mean ratio B/A.
# Usage: bench/sim-ab.sh JAR_A JAR_B [PAIRS] [extra `sim run` options, e.g. --set groups.plain.count=399]
#   JAR_A, JAR_B: btspeed.jar files of the two builds (copy app/target/btspeed.jar aside after each build)
#   PAIRS: how many A-B pairs (default 2; each 10,000-peer run takes about two minutes here)
# JVM options: bench/sim-jvm.sh's for both, then SIM_AB_JVM_A / SIM_AB_JVM_B (space-separated) for one side only,
# e.g. SIM_AB_JVM_B=-XX:+UseCompactObjectHeaders bench/sim-ab.sh J J   compares a JVM option on the same build.
# Each jar runs with its own trained AOT cache (bench/sim-jvm.sh, sim_aot_opts); SIM_AOT=off runs both without.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ $# -lt 2 ]]; then
  echo "usage: bench/sim-ab.sh JAR_A JAR_B [PAIRS] [sim run options]" >&2
  exit 2
fi
a="$1" b="$2"; shift 2
pairs=2
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then pairs="$1"; shift; fi
for j in "$a" "$b"; do
  [[ -f "$j" ]] || { echo "sim-ab.sh: no such jar: $j (build with ./mvnw -B -q install -DskipTests and copy app/target/btspeed.jar)" >&2; exit 2; }
done
(( pairs >= 1 )) || { echo "sim-ab.sh: PAIRS must be at least 1" >&2; exit 2; }
source "$here/scripts/java-home.sh"
source "$here/bench/sim-jvm.sh"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

read -r -a jvm_a <<< "${SIM_AB_JVM_A:-} $(sim_aot_opts "$a")"
read -r -a jvm_b <<< "${SIM_AB_JVM_B:-} $(sim_aot_opts "$b")"

run() { # JAR LABEL INDEX [sim run options]
  local jar="$1" label="$2" idx="$3"
  shift 3
  local log="$work/$label-$idx.log" extra=()
  if [[ "$label" == A ]]; then extra=("${jvm_a[@]}"); else extra=("${jvm_b[@]}"); fi
  /usr/bin/time -f "wall %e s, user %U s, peak RSS %M KiB" \
    "$JAVA_HOME/bin/java" "${SIM_JVM_OPTS[@]}" "${extra[@]}" -jar "$jar" \
    sim run "$here/sim/scenarios/bench-10k.yaml" --out "$work/out-$label-$idx" "$@" > "$log" 2>&1 \
    || { echo "sim-ab.sh: run $label $idx failed:" >&2; tail -20 "$log" >&2; exit 1; }
  local wall cpu rss
  wall="$(grep -o '[0-9]* ms wall' "$log" | cut -d' ' -f1)"
  cpu="$(grep -o '[0-9]* ms CPU' "$log" | cut -d' ' -f1)"
  rss="$(grep -o 'peak RSS [0-9]*' "$log" | cut -d' ' -f3)"
  # the result without the timings: what both builds must agree on
  grep '^end ' "$log" | sed 's/; [0-9]* ms wall.*//' > "$work/$label-$idx.end"
  echo "$label $wall $cpu $rss" >> "$work/runs"
  awk -v t="$(date +%T)" -v l="$label" -v i="$idx" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
    printf "%s  %s  run %d: wall %6.1f s, sim CPU %6.1f s, peak RSS %.2f GiB\n", t, l, i, w / 1000, c / 1000, r / 1048576 }'
}

[[ -n "${SIM_AB_JVM_A:-}${SIM_AB_JVM_B:-}" ]] && echo "JVM options: A ${SIM_AB_JVM_A:-(none extra)}; B ${SIM_AB_JVM_B:-(none extra)}"
shift_opts=("$@")
for ((i = 1; i <= pairs; i++)); do
  run "$a" A "$i" "${shift_opts[@]}"
  run "$b" B "$i" "${shift_opts[@]}"
done
awk '{ n[$1]++; w[$1] += $2; c[$1] += $3 }
  END { printf "mean wall A %.1f s, B %.1f s: B/A %.3f; mean sim CPU A %.1f s, B %.1f s: B/A %.3f\n",
        w["A"] / n["A"] / 1000, w["B"] / n["B"] / 1000, (w["B"] / n["B"]) / (w["A"] / n["A"]),
        c["A"] / n["A"] / 1000, c["B"] / n["B"] / 1000, (c["B"] / n["B"]) / (c["A"] / n["A"]) }' "$work/runs"
if [[ "$(sort -u "$work"/*.end | wc -l)" -ne 1 ]]; then
  echo "sim-ab.sh: the two builds ended differently:" >&2
  for f in "$work"/*.end; do echo "  $(basename "$f" .end): $(cat "$f")" >&2; done
  echo "sim-ab.sh: not a pure speed change (a model change compares only as a rough guide)" >&2
  exit 1
fi
echo "both builds: $(cat "$work/A-1.end")"
