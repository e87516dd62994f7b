#!/usr/bin/env bash
# Render benchmark: a synthetic snapshot of 1,000,000 series rendered by our renderer and, as the
# same families, by prometheus-cpp's TextSerializer; plus the memcpy floor, the once-per-snapshot
# deflate and the per-scrape tail costs. Ends with a summary: medians, spread, and the ratio
# TextSerializer / ours (target: at least 10x). See docs/performance.md.
#
#   scripts/bench-render.sh [Google Benchmark flags, e.g. --benchmark_filter=Render]
#   FME_BENCH_SERIES=N        series (default 1000000)
#   FME_BENCH_REPETITIONS=N   runs of each benchmark (default 5)
#   FME_BUILD_DIR=DIR         build tree (default build/dev, the dev preset)
#
# Takes about a minute on 2 cores and 1.2 GB of memory. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh source-path=SCRIPTDIR
source scripts/lib/bench.sh

build_dir="${FME_BUILD_DIR:-build/dev}"
fme_build "$build_dir" fme_bench_render

export FME_BENCH_SERIES="${FME_BENCH_SERIES:-1000000}"
echo "machine: $(fme_machine); load: $(fme_load)"
# Repetitions run in random order, so a slow phase of the machine does not hit one benchmark only.
exec "$build_dir/bench/fme_bench_render" \
  --benchmark_repetitions="${FME_BENCH_REPETITIONS:-5}" \
  --benchmark_enable_random_interleaving=true "$@"
