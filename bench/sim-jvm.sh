# Sourced by the simulator benchmarks (sim-10k.sh, sim-ab.sh, sim-warm.sh): the JVM options they all run with, so a
# comparison of builds runs exactly as the benchmark does. Measured choices: docs/BENCHMARKS.md, simulator section.
SIM_JVM_OPTS=(-Xmx6g -XX:+UseParallelGC -XX:+UseTransparentHugePages)
