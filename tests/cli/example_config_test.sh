#!/usr/bin/env bash
# The exporter started on config/example.yml serves /metrics with the text-format content type,
# and promtool finds nothing to complain about, before and after the first polls (whose targets
# do not exist here, so they fail). Usage: example_config_test.sh <exporter binary> <repo root>
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d)
"$bin" --config.file="$root/config/example.yml" --web.listen-address=127.0.0.1:0 2> "$tmp/log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

port=""
for _ in $(seq 100); do
  port=$(grep -o 'msg=listening address=127.0.0.1:[0-9]*' "$tmp/log" | head -n1 | sed 's/.*://')
  [ -n "$port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: exporter did not start: $(cat "$tmp/log")"; exit 1; }

check_metrics() {  # <label>
  curl -sS -D "$tmp/headers" -o "$tmp/metrics" "http://127.0.0.1:$port/metrics" || { fail "$1: GET /metrics failed"; return; }
  grep -qi '^content-type: text/plain; version=0.0.4; charset=utf-8' "$tmp/headers" \
    || fail "$1: wrong content type: $(grep -i content-type "$tmp/headers")"
  grep -q '^flink_mesos_exporter_build_info{' "$tmp/metrics" || fail "$1: build_info missing"
  if command -v promtool > /dev/null; then
    promtool check metrics < "$tmp/metrics" > "$tmp/lint" 2>&1 || fail "$1: promtool: $(cat "$tmp/lint")"
  else
    echo "promtool not installed: lint skipped"
  fi
}

check_metrics "before the first poll"
# Wait (bounded) until every target has been polled once; DNS failures may take a moment.
for _ in $(seq 300); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/-/ready")" = 200 ] && break
  sleep 0.1
done
check_metrics "after the first poll"
grep -q '^flink_up{flink_cluster="analytics"} 0' "$tmp/metrics" || fail "flink_up 0 expected for the unreachable example target"

[ "$failures" -eq 0 ] && echo "example_config_test: all checks passed"
exit "$failures"
