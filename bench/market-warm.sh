#!/usr/bin/env bash
# The bandwidth market's cost in throughput with warm JVMs: one process, a plain and a market
# seeder on the same data, a fresh leecher session per round (plain, or bidding and paying per
# verified piece on a shared SQLite ledger), alternating; the first rounds warm the JIT up and are
# not counted. bench/market-overhead.sh measures fresh CLI processes instead (JIT warm-up included).
#
# usage: bench/market-warm.sh [SIZE_MIB=1024] [ROUNDS=10] [WARMUP_ROUNDS=2]
# env:   BENCH_DIR (where the data and the ledger go, default /var/tmp)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/java-home.sh"
size_mib="${1:-1024}" rounds="${2:-10}" warmup="${3:-2}"
for n in "$size_mib" "$rounds" "$warmup"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "arguments must be whole numbers (see the usage line in $0)" >&2; exit 2; }
done
cd "$here"
echo "building the app module and its test classes..." >&2
./mvnw -B -q -pl app -am install -DskipTests >&2
cp_file="$(mktemp)"
trap 'rm -f "$cp_file"' EXIT
./mvnw -B -q -pl app dependency:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=test >&2
exec "$JAVA_HOME/bin/java" -XX:+UseParallelGC -Xmx1g -Dbench.dir="${BENCH_DIR:-/var/tmp}" \
  -cp "app/target/test-classes:app/target/classes:$(cat "$cp_file")" \
  io.btspeed.app.market.MarketLoopbackThroughput "$size_mib" "$rounds" "$warmup"
