#!/usr/bin/env bash
# Serve benchmark: scrape throughput of the real WebServer (cached body + per-scrape self-metrics
# tail) against a plain httplib server sending the same bytes from constant strings, with wrk,
# plain and with Accept-Encoding: gzip. Prints requests/s of each and the ratios constant/cached
# (target: at most 1.5). See docs/performance.md.
#
#   scripts/bench-serve.sh
#   FME_BENCH_SERIES=N     series in the synthetic snapshot (default 200000)
#   FME_BENCH_ROUNDS=N     measure every case N times (default 1)
#   FME_BENCH_SELF_TARGETS=N  register N targets with the self-metrics, so each scrape renders
#                          their per-target series as the daemon does (default 0)
#   WRK_THREADS, WRK_CONNECTIONS, WRK_DURATION   wrk settings (default 2, 8, 10s)
#   FME_BUILD_DIR=DIR      build tree (default build/dev, the dev preset)
#
# Exits non-zero only when something fails to run (build, server, wrk, a wrong response); a
# missed target is reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh source-path=SCRIPTDIR
source scripts/lib/bench.sh

build_dir="${FME_BUILD_DIR:-build/dev}"
series="${FME_BENCH_SERIES:-200000}"
rounds="${FME_BENCH_ROUNDS:-1}"
self_targets="${FME_BENCH_SELF_TARGETS:-0}"
wrk_threads="${WRK_THREADS:-2}"
wrk_connections="${WRK_CONNECTIONS:-8}"
wrk_duration="${WRK_DURATION:-10s}"

for tool in wrk curl gzip; do
  command -v "$tool" >/dev/null || { echo "bench-serve: $tool is not installed" >&2; exit 1; }
done

fme_build "$build_dir" fme_bench_serve

work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$build_dir/bench/fme_bench_serve" --series="$series" --self-targets="$self_targets" >"$work/ports" 2>"$work/server.log" &
server_pid=$!
for _ in $(seq 1 900); do
  grep -q '^baseline_port=' "$work/ports" && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$work/server.log" >&2
    echo "bench-serve: fme_bench_serve exited before listening" >&2
    exit 1
  fi
  sleep 0.2
done
if ! grep -q '^baseline_port=' "$work/ports"; then
  echo "bench-serve: fme_bench_serve did not start listening within 180 s" >&2
  exit 1
fi
exporter_port="$(sed -n 's/^exporter_port=//p' "$work/ports")"
baseline_port="$(sed -n 's/^baseline_port=//p' "$work/ports")"
exporter_url="http://127.0.0.1:${exporter_port}/metrics"
baseline_url="http://127.0.0.1:${baseline_port}/metrics"
cat "$work/server.log"

# Both servers must send the same exposition (but for the snapshot age, which changes per scrape),
# and their gzip responses must inflate to it: otherwise the comparison means nothing.
same_body() {  # $1 = file, $2 = file
  cmp -s <(grep -v '^flink_mesos_exporter_snapshot_age_seconds' "$1") \
         <(grep -v '^flink_mesos_exporter_snapshot_age_seconds' "$2")
}
for name in exporter baseline; do
  url_var="${name}_url"
  curl -sSf "${!url_var}" -o "$work/$name.txt"
  curl -sSf -H 'Accept-Encoding: gzip' "${!url_var}" -o "$work/$name.gz"
  if ! gzip -dc <"$work/$name.gz" >"$work/$name.gunzipped"; then
    echo "bench-serve: the $name's gzip response does not inflate" >&2
    exit 1
  fi
  if ! same_body "$work/$name.txt" "$work/$name.gunzipped"; then
    echo "bench-serve: the $name's gzip response differs from its plain response" >&2
    exit 1
  fi
done
if ! same_body "$work/exporter.txt" "$work/baseline.txt"; then
  echo "bench-serve: exporter and baseline send different expositions" >&2
  exit 1
fi
echo "responses checked: plain $(wc -c <"$work/exporter.txt") bytes, gzip $(wc -c <"$work/exporter.gz") bytes (exporter), identical content from both servers"
echo "machine: $(fme_machine); load: $(fme_load)"
echo "wrk -t${wrk_threads} -c${wrk_connections} -d${wrk_duration}, ${rounds} round(s)"
echo

# Runs wrk and prints requests/s; the full wrk output goes to $work/wrk.log.
measure() {  # $1 = url, rest = extra wrk arguments
  local url="$1"
  shift
  local out
  if ! out="$(wrk -t"$wrk_threads" -c"$wrk_connections" -d"$wrk_duration" "$@" "$url" 2>&1)"; then
    echo "$out" >&2
    echo "bench-serve: wrk failed against $url" >&2
    exit 1
  fi
  printf '%s\n' "$out" >>"$work/wrk.log"
  if grep -q -e 'Non-2xx' -e 'Socket errors' <<<"$out"; then
    printf '%s\n' "$out" | grep -e 'Non-2xx' -e 'Socket errors' >&2
  fi
  local rps
  rps="$(sed -n 's/^Requests\/sec: *//p' <<<"$out")"
  if [[ -z "$rps" ]]; then
    echo "$out" >&2
    echo "bench-serve: no Requests/sec in wrk's output" >&2
    exit 1
  fi
  echo "$rps"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
verdict() { awk -v r="$1" 'BEGIN { print (r <= 1.5 ? "met" : "MISSED") }'; }

printf '%-6s %-6s %18s %18s %16s  %s\n' round body "exporter req/s" "constant req/s" "constant/exporter" "target <= 1.5"
for round in $(seq 1 "$rounds"); do
  for encoding in plain gzip; do
    args=()
    [[ "$encoding" == gzip ]] && args=(-H 'Accept-Encoding: gzip')
    # Alternate the order between rounds so slow drift of the machine does not favour one side.
    if (( round % 2 == 1 )); then
      exporter_rps="$(measure "$exporter_url" "${args[@]}")"
      baseline_rps="$(measure "$baseline_url" "${args[@]}")"
    else
      baseline_rps="$(measure "$baseline_url" "${args[@]}")"
      exporter_rps="$(measure "$exporter_url" "${args[@]}")"
    fi
    r="$(ratio "$baseline_rps" "$exporter_rps")"
    printf '%-6s %-6s %18s %18s %16sx  %s\n' "$round" "$encoding" "$exporter_rps" "$baseline_rps" "$r" "$(verdict "$r")"
  done
done
