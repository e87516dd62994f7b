#!/usr/bin/env bash
# Installs dependencies, builds and runs the tests (CI runs exactly this). Four stages, in order;
# the first failure stops the run, and each stage prints how long it took:
#   ci        the ci preset (GCC, Release, warnings as errors): unit, component, integration,
#             end-to-end, browser, packaging and promtool tests
#   sanitize  the sanitize preset (clang-14, AddressSanitizer + UndefinedBehaviorSanitizer):
#             the unit, simulator, integration, end-to-end and command-line tests
#   fuzz      every libFuzzer harness for 10 s (fixed seed), built in the sanitize tree
#   tsan      the tsan preset (GCC, ThreadSanitizer): the tests of the threaded components and
#             the integration tests that run the whole application (only their three test
#             programs are built)
#
#   scripts/test.sh                       the default stages (what CI runs): $default_stages
#   FME_STAGES="ci sanitize fuzz tsan" scripts/test.sh   the named stages, in the order above
#   FME_PRESET=asan scripts/test.sh       one preset's build and tests, nothing else
set -euo pipefail
cd "$(dirname "$0")/.."

all_stages=(ci sanitize fuzz tsan)
default_stages=(ci sanitize fuzz tsan)
read -r -a wanted <<<"${FME_STAGES:-${default_stages[*]}}"
for stage in "${wanted[@]}"; do
  if [[ " ${all_stages[*]} " != *" $stage "* ]]; then
    echo "test.sh: unknown stage '$stage' in FME_STAGES (stages: ${all_stages[*]})" >&2
    exit 2
  fi
done

jobs="$(nproc)"
# Source positions in sanitizer reports (the ctest presets set it too).
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-14/bin/llvm-symbolizer}"

run_preset() {
  cmake --preset "$1"
  cmake --build --preset "$1" -j "$jobs"
  ctest --preset "$1" -j "$jobs"
}

stage_ci() { run_preset ci; }
stage_sanitize() { run_preset sanitize; }
stage_fuzz() {
  # A no-op when the sanitize stage has built the tree already.
  cmake --preset sanitize >/dev/null
  cmake --build --preset sanitize -j "$jobs" --target fme_fuzzers
  FME_FUZZ_NO_BUILD=1 FME_FUZZ_BUILD_DIR=build/sanitize scripts/fuzz.sh --smoke --jobs "$jobs"
}
stage_tsan() {
  cmake --preset tsan
  cmake --build --preset tsan -j "$jobs" --target fme_unit_tests fme_sim_tests fme_integration_tests
  ctest --preset tsan -j "$jobs"
}

started=$SECONDS
scripts/install-deps.sh
echo "test.sh: install-deps took $((SECONDS - started)) s"

if [[ -n "${FME_PRESET:-}" ]]; then
  run_preset "$FME_PRESET"
  exit 0
fi

timings=()
stage=""
stage_started=$SECONDS
# set -e stops the run at the first failing command; this names the stage it belonged to.
report_failed_stage() {
  local status=$?
  if ((status != 0)) && [[ -n "$stage" ]]; then
    echo "=== test.sh: stage $stage FAILED (exit $status) after $((SECONDS - stage_started)) s" >&2
  fi
}
trap report_failed_stage EXIT
for next in "${all_stages[@]}"; do
  if [[ " ${wanted[*]} " != *" $next "* ]]; then continue; fi
  stage="$next"
  echo
  echo "=== test.sh: stage $stage (load $(cut -d' ' -f1-3 /proc/loadavg))"
  stage_started=$SECONDS
  "stage_$stage"
  took=$((SECONDS - stage_started))
  echo "=== test.sh: stage $stage passed in ${took} s"
  timings+=("$(printf '%-9s %5d s' "$stage" "$took")")
done
stage=""

echo
echo "test.sh: every stage passed; $((SECONDS - started)) s in all, install included"
printf '  %s\n' "${timings[@]}"
echo "stages: ${#timings[@]} passed, 0 failed"
