#!/usr/bin/env bash
# Parse benchmark: the exporter's parsers (and, for the Mesos state, the model they feed) against
# a bare nlohmann::json::parse of the same bodies, for Flink job, checkpoint, vertex-metric,
# TaskManager and job-list responses and the Mesos SUBSCRIBED event, GET_STATE, /metrics/snapshot
# and v0 pages. The bodies are written by the simulator from the scale scenario (the SUBSCRIBED
# event is tens of MB). Ends with a summary: medians, spread, and the ratio ours / bare per body
# (target: at most 1.3x). See docs/performance.md.
#
#   scripts/bench-parse.sh [Google Benchmark flags, e.g. --benchmark_filter=mesos]
#   FME_BENCH_SCENARIO=FILE   scenario to generate the bodies from (default config/scenarios/scale.yml)
#   FME_BENCH_REPETITIONS=N   runs of each benchmark (default 5)
#   FME_BUILD_DIR=DIR         build tree (default build/dev, the dev preset)
#
# Takes about two minutes on 2 cores and 2 GB of memory. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh source-path=SCRIPTDIR
source scripts/lib/bench.sh

build_dir="${FME_BUILD_DIR:-build/dev}"
fme_build "$build_dir" fme_bench_parse

echo "machine: $(fme_machine); load: $(fme_load)"
# Repetitions run in random order, so a slow phase of the machine does not hit one benchmark only.
exec "$build_dir/bench/fme_bench_parse" \
  --benchmark_repetitions="${FME_BENCH_REPETITIONS:-5}" \
  --benchmark_enable_random_interleaving=true "$@"
