#!/usr/bin/env bash
# The 10,000-peer benchmark scenario at a smaller size, run several times in one JVM: the runs after the first show
# the simulator's cost without start-up and compilation (docs/BENCHMARKS.md, "Sixth round").
# Usage: bench/sim-warm.sh [BIDDERS] [RUNS]   (default 200 and 4: 200 bidders, 400 non-bidders, 399 plain + 1 seed)
# Prints each run's wall time and the CPU time of the simulation's own threads.
# SIM_JAR picks another build's jar; SIM_JVM_EXTRA adds JVM options (e.g. a profiler agent). Under `taskset -c N` the
# simulator sees one core and runs on one thread: two builds side by side, one per core, each profiled, compare by
# their functions' shares of the samples (docs/BENCHMARKS.md, "Eighth round").
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bidders="${1:-200}" runs="${2:-4}"
case "$bidders$runs" in ''|*[!0-9]*) echo "sim-warm.sh: BIDDERS and RUNS are positive integers" >&2; exit 2 ;; esac
source "$here/scripts/java-home.sh"
source "$here/bench/sim-jvm.sh"
[[ -n "${SIM_JAR:-}" || -f "$here/app/target/btspeed.jar" ]] || (cd "$here" && ./mvnw -B -q install -DskipTests)
src="$(mktemp -d)/SimRepeat.java"
trap 'rm -rf "$(dirname "$src")"' EXIT
cat > "$src" <<'JAVA'
import io.btspeed.sim.Scenario;
import io.btspeed.sim.ScenarioLoader;
import io.btspeed.sim.SimResult;
import io.btspeed.sim.Swarm;
import java.nio.file.Path;
import java.util.Map;

public class SimRepeat {
    public static void main(String[] a) {
        int b = Integer.parseInt(a[1]), runs = Integer.parseInt(a[2]);
        Scenario s = ScenarioLoader.load(Path.of(a[0]), Map.of("groups.bidders.count", "" + b,
                "groups.nonbidders.count", "" + (2 * b), "groups.plain.count", "" + (2 * b - 1)));
        for (int i = 1; i <= runs; i++) {
            SimResult r = Swarm.run(s);
            System.out.printf("run %d of %d (%d peers): wall %.1f s, sim CPU %.1f s%s%n", i, runs, 5 * b,
                    r.wallMillis() / 1e3, r.cpuMillis() / 1e3, i == 1 ? " (with start-up and compilation)" : "");
        }
    }
}
JAVA
jar="${SIM_JAR:-$here/app/target/btspeed.jar}"
[[ -f "$jar" ]] || { echo "sim-warm.sh: no such jar: $jar" >&2; exit 2; }
read -r -a extra <<< "${SIM_JVM_EXTRA:-}"
"$JAVA_HOME/bin/java" "${SIM_JVM_OPTS[@]}" "${extra[@]}" -cp "$jar" \
  "$src" "$here/sim/scenarios/bench-10k.yaml" "$bidders" "$runs"
