# Sourced by the simulator benchmarks (sim-10k.sh, sim-ab.sh, sim-warm.sh): the JVM options they all run with, so a
# comparison of builds runs exactly as the benchmark does. Measured choices: docs/BENCHMARKS.md, simulator section.
# -Xmn800m: the young generation fixed at 800 MB instead of grown by the collector to ~1.6 GB. More young collections
# (45 instead of 17, 10,000 peers), the same wall time within the noise, and 0.8 GiB less peak RSS ("Eleventh round").
SIM_JVM_OPTS=(-Xmx6g -Xmn800m -XX:+UseParallelGC -XX:+UseTransparentHugePages)
