#!/usr/bin/env bash
# Installs dependencies, builds the exporter and runs it on config/example.yml.
# Then open http://localhost:22105/ (landing page) or http://localhost:22105/metrics.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake --preset dev -DFME_BUILD_TESTS=OFF -DFME_BUILD_BENCHMARKS=OFF
cmake --build --preset dev -j "$(nproc)" --target flink-mesos-exporter
exec build/dev/exporter/flink-mesos-exporter --config.file=config/example.yml "$@"
