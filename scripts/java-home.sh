# Selects a Java 25 JDK (sourced by ./btspeed, .ci/run and bench scripts). The machine's default
# java is 17; the Temurin 25 JDK lives under /usr/lib/jvm.
# The version is read from the JDK's `release` file rather than by running `java -version`: every
# ./btspeed launch sources this, and starting a JVM twice only to ask its version cost ~0.1 s of CPU.
_btspeed_is_jdk25() {
  [[ -n "${1:-}" && -x "$1/bin/java" ]] || return 1
  if [[ -f "$1/release" ]]; then
    grep -q '^JAVA_VERSION="25' "$1/release"
  else
    "$1/bin/java" -version 2>&1 | grep -q '"25'
  fi
}
if ! _btspeed_is_jdk25 "${JAVA_HOME:-}"; then
  for d in /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/*25*; do
    if _btspeed_is_jdk25 "$d"; then export JAVA_HOME="$d"; break; fi
  done
fi
if ! _btspeed_is_jdk25 "${JAVA_HOME:-}"; then
  echo "btspeed needs a Java 25 JDK (Temurin 25 under /usr/lib/jvm); set JAVA_HOME to one." >&2
  exit 1
fi
unset -f _btspeed_is_jdk25
export PATH="$JAVA_HOME/bin:$PATH"
