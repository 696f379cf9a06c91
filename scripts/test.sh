#!/usr/bin/env bash
# Runs the whole test suite: unit, fuzz-corpus, interop (real clients) and e2e tiers.
# One tier alone: ./scripts/test.sh -Dgroups=interop   |  fast tier: ./scripts/test.sh -DexcludedGroups=interop,e2e
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
exec ./mvnw -B verify "$@"
