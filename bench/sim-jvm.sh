# Sourced by the simulator benchmarks (sim-10k.sh, sim-ab.sh, sim-warm.sh): the JVM options they all run with, so a
# comparison of builds runs exactly as the benchmark does. Measured choices: docs/BENCHMARKS.md, simulator section.
# -Xmn800m: the young generation fixed at 800 MB instead of grown by the collector to ~1.6 GB. More young collections
# (45 instead of 17, 10,000 peers), the same wall time within the noise, and 0.8 GiB less peak RSS ("Eleventh round").
# -Xms2g -XX:+AlwaysPreTouch: the heap's first 2 GB committed and touched at start-up (huge pages, a fraction of a
# second before the run starts) instead of by the collections that first copy the peers' state into the old
# generation: those paid for the page faults (the first pause 0.74 s, 0.79 s of it system time). Pauses in all
# 4.2 -> 2.7 s; the heap ends near 1.95 GB anyway, so peak RSS stays 2.1 GiB ("Fifteenth round").
SIM_JVM_OPTS=(-Xmx6g -Xms2g -XX:+AlwaysPreTouch -Xmn800m -XX:+UseParallelGC -XX:+UseTransparentHugePages)

# The JVM's AOT cache (JDK 25: classes loaded and linked, and method profiles) for a simulator jar, trained once per
# build on a 1,000-peer run of the benchmark's scenario (about 20 s, not part of any timed run) and kept under
# ${TMPDIR:-/tmp}/btspeed-sim-aot by the jar's path and checksum (the JVM takes a cache only for the classpath it was
# trained with); the launcher trains one the same way for every command
# (docs/BENCHMARKS.md). With it the timed run starts with its classes ready and compiles its hot methods from
# the start instead of profiling them first: its first 50 rounds ~1.5 s shorter ("Thirteenth round").
# Prints the JVM options that use it, nothing if SIM_AOT=off or training failed.
# Usage: read -r -a opts <<< "$(sim_aot_opts JAR)"
sim_aot_opts() {
  [[ "${SIM_AOT:-on}" == off ]] && return 0
  local jar="$1" dir sum aot
  dir="${TMPDIR:-/tmp}/btspeed-sim-aot"
  sum="$( (realpath "$jar"; sha1sum < "$jar") | sha1sum | cut -c1-16)"
  aot="$dir/$sum.aot"
  if [[ ! -s "$aot" ]]; then
    mkdir -p "$dir"
    echo "training the JVM's AOT cache for $jar (a 1,000-peer run, once per build) ..." >&2
    if "$JAVA_HOME/bin/java" "${SIM_JVM_OPTS[@]}" -XX:AOTCacheOutput="$dir/$sum.tmp.aot" -Xlog:aot=off,cds=off \
        -jar "$jar" sim run "$(dirname "${BASH_SOURCE[0]}")/../sim/scenarios/bench-10k.yaml" --out "$dir/train-$sum" \
        --set groups.bidders.count=200 --set groups.nonbidders.count=400 --set groups.plain.count=399 > "$dir/$sum.log" 2>&1 \
        && [[ -s "$dir/$sum.tmp.aot" ]]; then
      mv -f "$dir/$sum.tmp.aot" "$aot"
      rm -rf "$dir/train-$sum" "$dir/$sum.log"
    else
      echo "AOT cache training failed (see $dir/$sum.log): running without it" >&2
      rm -rf "$dir/$sum.tmp.aot" "$dir/train-$sum"
      return 0
    fi
  fi
  echo "-XX:AOTCache=$aot -Xlog:aot=off,cds=off"
}
