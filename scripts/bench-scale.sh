#!/usr/bin/env bash
# Scale benchmark: the whole exporter process against flink-mesos-sim's `scale` scenario (100
# Flink clusters found through Mesos discovery, 2,000 jobs, 20,000 vertices; 5,000 agents and
# 100,000 tasks through the Mesos event stream), polled every 15 s. After the first complete
# poll cycle it measures N quiet cycles (one gzip scrape per interval, as Prometheus would):
# CPU seconds per cycle and the average share of one core, poll wall times, RSS, open file
# descriptors, the rendered exposition (bytes, series, largest families), upstream requests per
# cycle by endpoint and whether /master/state was requested (it must not be); then scrapes with
# wrk while polling goes on: latency percentiles, errors, RSS under scrape load.
# See docs/performance.md ("Scale run") and docs/reliability.md ("Load").
#
#   scripts/bench-scale.sh           the scale run: 8 cycles, then wrk -t1 -c4 --latency, gzip, 30 s
#   scripts/bench-scale.sh --load    the load run: many concurrent scrapes (wrk -t2 -c32), plain
#                                    then gzip, --load-duration s each, while polling goes on
#   options: --cycles N (default 8), --interval S (seconds, default 15), --scrape-seconds S
#            (default 30), --load-duration S (default 60), --flink-clusters N, --agents N,
#            --tasks N (a copy of scale.yml with these counts, without its incidents),
#            --perf (perf record -a -g over the quiet cycles), --no-build (use the binaries as
#            they are), --out DIR (default build/bench-scale-<UTC time>: logs, expositions, wrk)
#   WRK_THREADS, WRK_CONNECTIONS   wrk settings (scale run 1 and 4; load run 2 and 32)
#   FME_BUILD_DIR=DIR   build tree (default build/dev, the dev preset)
#
# Exits non-zero when something fails to run, a scrape fails, or a process dies; a missed target
# is reported, not failed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh source-path=SCRIPTDIR
source scripts/lib/bench.sh

mode=scale
cycles=8
interval=15
load_duration=60
scrape_seconds=30
flink_clusters=""
agents=""
tasks=""
perf=0
build=1
out=""
while (($# > 0)); do
  case "$1" in
    --load) mode=load ;;
    --cycles) cycles="${2:?--cycles needs a number}"; shift ;;
    --interval) interval="${2:?--interval needs seconds}"; shift ;;
    --load-duration) load_duration="${2:?--load-duration needs seconds}"; shift ;;
    --scrape-seconds) scrape_seconds="${2:?--scrape-seconds needs seconds}"; shift ;;
    --flink-clusters) flink_clusters="${2:?--flink-clusters needs a number}"; shift ;;
    --agents) agents="${2:?--agents needs a number}"; shift ;;
    --tasks) tasks="${2:?--tasks needs a number}"; shift ;;
    --perf) perf=1 ;;
    --no-build) build=0 ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-scale: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
if [[ "$mode" == load ]]; then
  wrk_threads="${WRK_THREADS:-2}"
  wrk_connections="${WRK_CONNECTIONS:-32}"
else
  wrk_threads="${WRK_THREADS:-1}"
  wrk_connections="${WRK_CONNECTIONS:-4}"
fi
tools=(curl jq gzip awk sort wrk)
((perf == 0)) || tools+=(perf)
for tool in "${tools[@]}"; do
  command -v "$tool" >/dev/null || { echo "bench-scale: $tool is not installed" >&2; exit 1; }
done

build_dir="${FME_BUILD_DIR:-build/dev}"
((build == 0)) || fme_build "$build_dir" flink-mesos-exporter flink-mesos-sim

out="${out:-build/bench-scale-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  pids=()
}
trap cleanup EXIT

# --- the scenario: scale.yml, or a copy with other counts
scenario=config/scenarios/scale.yml
if [[ -n "$flink_clusters$agents$tasks" ]]; then
  scenario="$out/scenario.yml"
  awk -v clusters="$flink_clusters" -v agents="$agents" -v tasks="$tasks" '
    /^  agents: / && agents != "" { sub(/[0-9]+/, agents) }
    /name: marathon/ && tasks != "" { sub(/tasks: [0-9]+/, "tasks: " tasks) }
    /^    count: / && clusters != "" { sub(/[0-9]+/, clusters) }
    # incidents name clusters and agents that may not exist in a smaller world
    /^timeline:/ { print "timeline: []"; skip = 1; next }
    skip && /^  - / { next }
    { skip = 0; print }' config/scenarios/scale.yml >"$scenario"
fi

# --- the simulator, on ports of its own choosing
"$build_dir/simulator/flink-mesos-sim" --scenario "$scenario" --mesos-port 0 --flink-base-port 0 \
  --ports-file "$out/ports.json" >"$out/sim.log" 2>&1 &
sim_pid=$!
pids+=("$sim_pid")
for _ in $(seq 600); do
  # complete once it parses: the file is written while the listeners start
  [[ -s "$out/ports.json" ]] && jq -e .flink "$out/ports.json" >/dev/null 2>&1 && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$out/sim.log" >&2; echo "bench-scale: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$out/ports.json" ]] || { echo "bench-scale: the simulator wrote no ports file within 60 s" >&2; exit 1; }
sleep 0.5  # the file is written before the listeners run
expected_flink="$(jq '[.flink[] | select(.on_mesos)] | length' "$out/ports.json")"

# --- the exporter: the Mesos cluster with its event stream, every Flink cluster discovered
{
  echo "global:"
  echo "  poll_interval: ${interval}s"
  echo "  poll_timeout: $((interval * 2 / 3))s"
  echo "mesos_clusters:"
  echo "  - name: scale"
  echo "    state: events"
  echo "    masters:"
  jq -r '.mesos.masters[] | "      - " + .' "$out/ports.json"
  echo "    discover_flink: {}"
} >"$out/exporter.yml"

fme_start_exporter "$build_dir" "$out/exporter.yml" 22290 "$out/exporter.log" bench-scale
pids+=("$exporter_pid")

alive() {
  kill -0 "$exporter_pid" 2>/dev/null && kill -0 "$sim_pid" 2>/dev/null && return 0
  echo "bench-scale: the exporter or the simulator died; see $out/*.log" >&2
  exit 1
}
# The exporter's own series (the gzip body, inflated, without the flink_/mesos_ data lines).
self_metrics() {  # $1: output file
  { curl -sSf --max-time 120 -H 'Accept-Encoding: gzip' "$base/metrics" | gzip -dc |
    grep '^flink_mesos_exporter_'; } >"$1" || true
}
metric() {  # $1: file, $2: series name without labels; prints the value of the first sample
  awk -v n="$2" '$1 == n { print $2; exit }' "$1"
}
field_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$exporter_pid/status"; }
fds() { find "/proc/$exporter_pid/fd" -mindepth 1 -maxdepth 1 | wc -l; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$exporter_pid/stat"; }  # utime + stime

# --- the first complete cycle: every Flink cluster discovered and polled successfully, the event
# stream connected, then one more interval so that every target has polled with all the others up
echo "bench-scale: waiting for the first complete cycle ($expected_flink Flink clusters to discover)"
ready_since=""
for _ in $(seq 600); do
  alive
  self_metrics "$out/self.txt"
  up_flink="$(grep -c '^flink_mesos_exporter_poll_success{source="flink",.*} 1$' "$out/self.txt" || true)"
  up_mesos="$(grep -c '^flink_mesos_exporter_poll_success{source="mesos",.*} 1$' "$out/self.txt" || true)"
  if ((up_flink >= expected_flink && up_mesos >= 1)); then
    ready_since="$(date +%s)"
    break
  fi
  sleep 1
done
[[ -n "$ready_since" ]] || { echo "bench-scale: $up_flink of $expected_flink Flink clusters up after 600 s" >&2; exit 1; }
echo "bench-scale: all targets up after $(($(date +%s) - $(stat -c %Y "$out/exporter.yml"))) s; one more cycle"
sleep "$interval"
alive
curl -sSf --max-time 60 "$base/metrics" -o "$out/exposition.txt"
curl -sSf --max-time 60 -H 'Accept-Encoding: gzip' "$base/metrics" -o "$out/exposition.gz"

# --- the measured window. Scale run: N quiet cycles (scraped once per interval, as Prometheus
# would) for CPU, memory and requests, then --scrape-seconds of wrk for the scrape latency while
# polling goes on. Load run: wrk only, plain then gzip.
quiet=$((cycles * interval))
[[ "$mode" == load ]] && quiet=0
load_start="$(fme_load)"
hwm_since_start_kb="$(field_kb VmHWM)"
echo 5 >"/proc/$exporter_pid/clear_refs" 2>/dev/null || true  # resets VmHWM: the window's peak
rss0_kb="$(field_kb VmRSS)"
fds0="$(fds)"
threads0="$(field_kb Threads)"
self_metrics "$out/self.0.txt"
ticks0="$(cpu_ticks)"
t0="$(date +%s.%N)"
if ((perf == 1 && quiet > 0)); then
  # System-wide, filtered by process when reported: following the exporter's 200+ threads with
  # -p (poll threads come and go) fails. SIGINT makes perf write its file.
  timeout -s INT "$quiet" perf record -a -g -F 99 -o "$out/perf.data" >"$out/perf.log" 2>&1 &
  perf_pid=$!
  pids+=("$perf_pid")
fi

# Samples every second (RSS) and, once per interval, every target's last poll duration.
sample_rss() { echo "$(date +%s) $(field_kb VmRSS)" >>"$out/rss.txt"; }
end=$(($(date +%s) + quiet))
next_poll_sample=$(($(date +%s) + interval))
while (($(date +%s) < end)); do
  alive
  sample_rss
  if (($(date +%s) >= next_poll_sample)); then
    self_metrics "$out/self.sample.txt"
    sed -n 's/^flink_mesos_exporter_poll_duration_seconds{source="\([a-z]*\)".* \([0-9.e+-]*\)$/\1 \2/p' \
      "$out/self.sample.txt" >>"$out/poll_durations.txt"
    next_poll_sample=$((next_poll_sample + interval))
  fi
  sleep 1
done
if ((quiet > 0)); then
  ticks1="$(cpu_ticks)"
  t1="$(date +%s.%N)"
  self_metrics "$out/self.1.txt"
  rss1_kb="$(field_kb VmRSS)"
  hwm_quiet_kb="$(field_kb VmHWM)"
  fds1="$(fds)"
  threads1="$(field_kb Threads)"
  curl -sSf --max-time 60 "$base/metrics" -o "$out/exposition.end.txt"
  if ((perf == 1)); then
    wait "$perf_pid" || true  # perf has written its file once it exits
  fi
fi

# Scrapes under wrk, with RSS sampled meanwhile.
echo 5 >"/proc/$exporter_pid/clear_refs" 2>/dev/null || true
rss_scrape0_kb="$(field_kb VmRSS)"
fds_scrape0="$(fds)"
ticks_scrape0="$(cpu_ticks)"
(while true; do sample_rss; sleep 1; done) &
sampler_pid=$!
pids+=("$sampler_pid")
run_wrk() {  # $1: name, $2: seconds, rest: wrk arguments
  local name="$1" seconds="$2"
  shift 2
  # A generous timeout: a slow answer is latency, reported as such, not an error.
  if ! wrk -t"$wrk_threads" -c"$wrk_connections" -d"${seconds}s" --timeout 60s --latency "$@" \
      "$base/metrics" >"$out/wrk.$name.txt" 2>&1; then
    cat "$out/wrk.$name.txt" >&2
    echo "bench-scale: wrk failed" >&2
    exit 1
  fi
}
if [[ "$mode" == load ]]; then
  run_wrk plain "$load_duration"
  run_wrk gzip "$load_duration" -H 'Accept-Encoding: gzip'
  scrape_seconds=$((2 * load_duration))
else
  run_wrk gzip "$scrape_seconds" -H 'Accept-Encoding: gzip'
fi
kill "$sampler_pid" 2>/dev/null || true
alive
ticks_scrape1="$(cpu_ticks)"
rss_scrape1_kb="$(field_kb VmRSS)"
hwm_scrape_kb="$(field_kb VmHWM)"
fds_scrape1="$(fds)"
load_end="$(fme_load)"
if ((quiet == 0)); then
  ticks1="$ticks_scrape1"
  t1="$(date +%s.%N)"
  self_metrics "$out/self.1.txt"
  rss1_kb="$rss_scrape1_kb"
  hwm_quiet_kb="$hwm_scrape_kb"
  fds1="$fds_scrape1"
  threads1="$(field_kb Threads)"
  curl -sSf --max-time 120 "$base/metrics" -o "$out/exposition.end.txt"
fi

# --- figures
hz="$(getconf CLK_TCK)"
body_bytes="$(wc -c <"$out/exposition.end.txt")"
gzip_bytes="$(wc -c <"$out/exposition.gz")"
series="$(metric "$out/self.1.txt" flink_mesos_exporter_series)"
measured="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')"
cycles_measured="$(awk -v s="$measured" -v i="$interval" 'BEGIN { printf "%.2f", s / i }')"

echo
echo "machine: $(fme_machine); load at start: $load_start, at end: $load_end"
echo "scenario: $(jq -r '.scenario' "$out/ports.json") ($scenario): $expected_flink Flink clusters on Mesos, $(jq '.mesos.agents | length' "$out/ports.json") agents; poll interval ${interval}s"
if [[ "$mode" == load ]]; then
  echo "mode: load; wrk -t$wrk_threads -c$wrk_connections, plain then gzip, ${load_duration} s each, polling going on; output in $out"
else
  echo "mode: scale; quiet window ${measured} s = ${cycles_measured} cycles, then wrk -t$wrk_threads -c$wrk_connections gzip for ${scrape_seconds} s; output in $out"
fi
echo
echo "== exposition"
echo "  body $body_bytes bytes ($(awk -v b="$body_bytes" 'BEGIN { printf "%.1f", b / 1048576 }') MiB), gzip $gzip_bytes bytes, $series series (flink_/mesos_)"
echo "  largest families (series):"
awk '!/^#/ { sub(/[{ ].*/, ""); n[$0]++ } END { for (f in n) printf "    %8d  %s\n", n[f], f }' \
  "$out/exposition.end.txt" | sort -rn | head -12
echo

echo "== CPU"
awk -v t0="$ticks0" -v t1="$ticks1" -v hz="$hz" -v s="$measured" -v c="$cycles_measured" -v m="$mode" 'BEGIN {
  cpu = (t1 - t0) / hz
  if (m == "load") { printf "  %.1f CPU s in %.1f s (scrapes and polling)\n", cpu, s; exit }
  printf "  %.1f CPU s in %.1f s: %.2f CPU s per cycle, %.1f %% of one core on average (target < 25 %%: %s)\n",
    cpu, s, cpu / c, 100 * cpu / s, (100 * cpu / s < 25 ? "met" : "MISSED") }'
if [[ "$mode" == scale ]]; then
  awk -v t0="$ticks_scrape0" -v t1="$ticks_scrape1" -v hz="$hz" -v s="$scrape_seconds" 'BEGIN {
    printf "  under wrk: %.1f CPU s in %d s (%.0f %% of one core)\n", (t1 - t0) / hz, s, 100 * (t1 - t0) / hz / s }'
fi
touch "$out/poll_durations.txt"  # none in a load run
for kind in flink mesos; do
  awk -v k="$kind" '$1 == k { print $2 }' "$out/poll_durations.txt" | sort -g | awk -v k="$kind" '
    { v[NR] = $1 }
    END { if (NR > 0) printf "  last poll duration, %s: %d samples, median %.2f s, p90 %.2f s, max %.2f s\n",
            k, NR, v[int((NR - 1) * 0.5) + 1], v[int((NR - 1) * 0.9) + 1], v[NR] }'
done
echo

echo "== memory and descriptors"
awk -v r0="$rss0_kb" -v r1="$rss1_kb" -v hq="$hwm_quiet_kb" -v hs="$hwm_since_start_kb" -v b="$body_bytes" \
    -v rs0="$rss_scrape0_kb" -v rs1="$rss_scrape1_kb" -v hws="$hwm_scrape_kb" -v m="$mode" 'BEGIN {
  limit = (3 * b + 50 * 1048576) / 1024
  printf "  RSS before the first complete cycle: peak %.0f MiB\n", hs / 1024
  if (m == "scale") {
    printf "  RSS over the quiet cycles: start %.0f MiB, end %.0f MiB, peak %.0f MiB\n", r0 / 1024, r1 / 1024, hq / 1024
    printf "  target: RSS < 3 x body + 50 MB = %.0f MiB: end %s, peak %s\n",
      limit / 1024, (r1 < limit ? "met" : "MISSED"), (hq < limit ? "met" : "MISSED")
  }
  printf "  RSS under wrk: start %.0f MiB, end %.0f MiB, peak %.0f MiB (3 x body + 50 MB = %.0f MiB)\n",
    rs0 / 1024, rs1 / 1024, hws / 1024, limit / 1024 }'
echo "  fds: $fds0 -> $fds1 (quiet), $fds_scrape0 -> $fds_scrape1 (under wrk); threads: $threads0 -> $threads1"
echo

echo "== upstream requests per cycle (delta over the window / $cycles_measured cycles)"
requests() {  # $1: file; prints "source endpoint count" summed over targets and codes
  sed -n 's/^flink_mesos_exporter_upstream_requests_total{\(.*\)} \([0-9.e+]*\)$/\1 \2/p' "$1" |
    awk '{ src = $0; sub(/.*source="/, "", src); sub(/".*/, "", src)
           ep = $0; sub(/.*endpoint="/, "", ep); sub(/".*/, "", ep)
           sum[src " " ep] += $NF }
         END { for (k in sum) print k, sum[k] }'
}
requests "$out/self.0.txt" | sort >"$out/requests.0.txt"
requests "$out/self.1.txt" | sort >"$out/requests.1.txt"
awk -v c="$cycles_measured" -v n="$expected_flink" '
    FNR == NR { before[$1 " " $2] = $3; next }
    { d = ($3 - before[$1 " " $2]) / c; total[$1] += d
      printf "  %-6s %-52s %10.1f%s\n", $1, $2, d, ($1 == "flink" && n > 0 ? sprintf("  (%.2f per cluster)", d / n) : "") }
    END { for (s in total) printf "  %-6s %-52s %10.1f\n", s, "(all endpoints)", total[s] }' \
  "$out/requests.0.txt" "$out/requests.1.txt" | sort -k1,1 -k3,3nr
state_requests="$(grep -c ' /master/state$' "$out/requests.1.txt" || true)"
echo "  /master/state requested: $([[ "$state_requests" == 0 ]] && echo "never (target: zero)" || echo "YES (target: zero)")"
echo

errors=0
echo "== scrapes of /metrics"
for f in "$out"/wrk.*.txt; do
  name="$(basename "$f" .txt)"
  name="${name#wrk.}"
  awk -v name="$name" '
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = $2 } /^ +99%/ { p99 = $2 }
    /requests in/ { n = $1 }
    /Socket errors/ { sock = $0; sub(/.*Socket errors: */, "", sock) }
    /Non-2xx/ { non2xx = $NF }
    END { printf "  %-5s %8s requests, %8s req/s, p50 %s, p99 %s, errors: socket %s, non-2xx %s\n",
            name, n, rps, p50, p99, (sock == "" ? "none" : sock), (non2xx == "" ? 0 : non2xx) }' "$f"
  if grep -q -e 'Socket errors' -e 'Non-2xx' "$f"; then errors=$((errors + 1)); fi
done
if [[ "$mode" == scale ]]; then
  awk '/^ +99%/ { v = $2; ms = v; if (v ~ /us$/) ms = v / 1000; else if (v ~ /ms$/) ms = v + 0; else if (v ~ /s$/) ms = v * 1000
       printf "  p99 target < 50 ms (for a 200,000-series snapshot): %s\n", (ms < 50 ? "met" : "MISSED") }' "$out/wrk.gzip.txt"
fi
if ((perf == 1)); then
  echo
  echo "perf: $out/perf.data (perf report -i $out/perf.data --pid $exporter_pid --no-children --sort dso,symbol)"
fi
if ((errors > 0)); then
  echo "bench-scale: scrapes failed (see $out/wrk.*.txt)" >&2
  exit 1
fi
