#!/usr/bin/env bash
# The demo: installs dependencies, builds, starts flink-mesos-sim with the `incidents` scenario
# (Mesos on :5050, JobManagers on :8081-8083) and flink-mesos-exporter on config/demo.yml.
# Then open http://localhost:22105/ (landing page) or http://localhost:22105/metrics.
# Ctrl-C stops both. Extra arguments go to the exporter.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Its own build tree, so the demo never reconfigures a development or CI tree.
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFME_BUILD_TESTS=OFF -DFME_BUILD_BENCHMARKS=OFF
cmake --build build/demo -j "$(nproc)" --target flink-mesos-exporter flink-mesos-sim

ports_file=$(mktemp)
build/demo/simulator/flink-mesos-sim --scenario config/scenarios/incidents.yml \
  --mesos-port 5050 --flink-base-port 8081 --ports-file "$ports_file" &
sim=$!
trap 'kill "$sim" 2>/dev/null; wait "$sim" 2>/dev/null; rm -f "$ports_file"' EXIT
for _ in $(seq 100); do
  [ -s "$ports_file" ] && break
  kill -0 "$sim" 2>/dev/null || { echo "demo: the simulator did not start (ports 5050, 8081-8083 free?)" >&2; exit 1; }
  sleep 0.1
done

echo "demo: simulator up; exporter on http://localhost:22105/ (Ctrl-C stops both)"
build/demo/exporter/flink-mesos-exporter --config.file=config/demo.yml "$@"
