#!/usr/bin/env bash
# The demo: installs dependencies, builds, starts flink-mesos-sim with the `incidents` scenario
# (Mesos on :5050, JobManagers on :8081-8083), flink-mesos-exporter on config/demo.yml (:22105),
# and Prometheus (the Debian package) on :9090 with provisioning/prometheus/prometheus.yml,
# which scrapes the exporter and evaluates the bundled rules (rules/*.yml).
# Then open http://localhost:22105/ (the exporter's landing page), http://localhost:9090/alerts
# (the alerts the incidents raise) or http://localhost:9090/graph.
# If :9090 is taken (Debian's own prometheus service listens there), the next free port up to
# 9099 is used and printed. Ctrl-C stops everything. Extra arguments go to the exporter.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
# Its own build tree, so the demo never reconfigures a development or CI tree.
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFME_BUILD_TESTS=OFF -DFME_BUILD_BENCHMARKS=OFF
cmake --build build/demo -j "$(nproc)" --target flink-mesos-exporter flink-mesos-sim

ports_file=$(mktemp)
prometheus_dir=$(mktemp -d)
sim=""
prometheus=""
cleanup() {
  for pid in "$prometheus" "$sim"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$ports_file" "$prometheus_dir"
}
trap cleanup EXIT

build/demo/simulator/flink-mesos-sim --scenario config/scenarios/incidents.yml \
  --mesos-port 5050 --flink-base-port 8081 --ports-file "$ports_file" &
sim=$!
for _ in $(seq 100); do
  [ -s "$ports_file" ] && break
  kill -0 "$sim" 2>/dev/null || { echo "demo: the simulator did not start (ports 5050, 8081-8083 free?)" >&2; exit 1; }
  sleep 0.1
done

listening() { (: < "/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
prometheus_port=9090
while listening "$prometheus_port"; do
  prometheus_port=$((prometheus_port + 1))
  if [ "$prometheus_port" -gt 9099 ]; then
    echo "demo: ports 9090-9099 are all in use; stop one (Debian: sudo systemctl stop prometheus)" >&2
    exit 1
  fi
done
if [ "$prometheus_port" -ne 9090 ]; then
  echo "demo: port 9090 is in use (Debian's prometheus service?); Prometheus uses $prometheus_port instead"
fi
prometheus --config.file=provisioning/prometheus/prometheus.yml --storage.tsdb.path="$prometheus_dir/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" > "$prometheus_dir/prometheus.log" 2>&1 &
prometheus=$!
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$prometheus_port/-/ready" > /dev/null && break
  kill -0 "$prometheus" 2>/dev/null || { cat "$prometheus_dir/prometheus.log" >&2; echo "demo: Prometheus did not start" >&2; exit 1; }
  sleep 0.1
done

echo "demo: exporter on http://localhost:22105/, Prometheus on http://localhost:$prometheus_port/" \
  "(alerts: http://localhost:$prometheus_port/alerts); Ctrl-C stops everything"
build/demo/exporter/flink-mesos-exporter --config.file=config/demo.yml "$@"
