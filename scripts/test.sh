#!/usr/bin/env bash
# Installs dependencies, builds with warnings as errors and runs every test (CI runs exactly this).
#   scripts/test.sh            the ci preset: unit, component, end-to-end and promtool checks
#   FME_PRESET=asan scripts/test.sh   the same under AddressSanitizer + UBSan
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
preset="${FME_PRESET:-ci}"
cmake --preset "$preset"
cmake --build --preset "$preset" -j "$(nproc)"
ctest --preset "$preset" -j "$(nproc)"
