# Selects a Java 25 JDK (sourced by ./btspeed, .ci/run and bench scripts). The machine's default
# java is 17; the Temurin 25 JDK lives under /usr/lib/jvm.
if [[ -z "${JAVA_HOME:-}" || ! -x "${JAVA_HOME}/bin/java" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q '"25'; then
  for d in /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*25*; do
    if [[ -x "$d/bin/java" ]]; then export JAVA_HOME="$d"; break; fi
  done
fi
if [[ -z "${JAVA_HOME:-}" ]] || ! "${JAVA_HOME}/bin/java" -version 2>&1 | grep -q '"25'; then
  echo "btspeed needs a Java 25 JDK (Temurin 25 under /usr/lib/jvm); set JAVA_HOME to one." >&2
  exit 1
fi
export PATH="$JAVA_HOME/bin:$PATH"
