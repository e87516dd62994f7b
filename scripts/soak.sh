#!/usr/bin/env bash
# Soak run: flink-mesos-sim plays the `incidents` scenario on repeat (--repeat, sped up) while
# flink-mesos-exporter polls it with Flink discovery on. The exporter is scraped the whole time
# (/metrics plain and gzip, /api/v1/snapshot, the landing page), reloaded every few minutes
# (alternating a setting, so every reload applies a change), and sampled every 10 s: resident
# memory (VmRSS), open file descriptors, threads. Prints start/end/max of each, the RSS trend over
# the second half (slope of a least-squares line), scrapes, errors and p50/p99 scrape latency.
# See docs/reliability.md ("Soak").
#
#   scripts/soak.sh                       30 minutes
#   scripts/soak.sh --duration 600        10 minutes
#   options: --speed X (simulated seconds per second, default 4), --scrape-every S (one round of
#            the four endpoints, default 1), --reload-every S (default 300), --sample-every S
#            (default 10), --out DIR (default build/soak-<UTC time>)
#   FME_BUILD_DIR=DIR   build tree (default build/soak, RelWithDebInfo)
#   FME_SOAK_NO_BUILD=1 skip the build (the binaries must exist)
#
# Exits non-zero when a scrape or a reload fails, or the exporter or the simulator dies.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh source-path=SCRIPTDIR
source scripts/lib/bench.sh

duration=1800
speed=4
scrape_every=1
reload_every=300
sample_every=10
out=""
while (($# > 0)); do
  case "$1" in
    --duration) duration="${2:?--duration needs seconds}"; shift ;;
    --speed) speed="${2:?--speed needs a number}"; shift ;;
    --scrape-every) scrape_every="${2:?--scrape-every needs seconds}"; shift ;;
    --reload-every) reload_every="${2:?--reload-every needs seconds}"; shift ;;
    --sample-every) sample_every="${2:?--sample-every needs seconds}"; shift ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
for tool in curl jq gzip awk sort; do
  command -v "$tool" >/dev/null || { echo "soak.sh: $tool is not installed" >&2; exit 1; }
done

build_dir="${FME_BUILD_DIR:-build/soak}"
if [[ -z "${FME_SOAK_NO_BUILD:-}" ]]; then
  fme_build "$build_dir" flink-mesos-exporter flink-mesos-sim
fi

out="${out:-build/soak-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
echo "soak.sh: ${duration}s, speed ${speed}; output in $out"

pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

# --- the simulator, on ports of its own choosing
"$build_dir/simulator/flink-mesos-sim" --scenario config/scenarios/incidents.yml --repeat --speed "$speed" \
  --mesos-port 0 --flink-base-port 0 --ports-file "$out/ports.json" >"$out/sim.log" 2>&1 &
sim_pid=$!
pids+=("$sim_pid")
for _ in $(seq 100); do
  [[ -s "$out/ports.json" ]] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$out/sim.log" >&2; echo "soak.sh: the simulator did not start" >&2; exit 1; }
  sleep 0.1
done
sleep 0.2  # the file is written before the listeners run
repeat_seconds="$(sed -n 's/^repeat: every \([0-9]*\) simulated seconds$/\1/p' "$out/sim.log")"

# --- the exporter's configuration (as config/demo.yml, on the simulator's ports)
write_config() {  # $1: poll timeout; alternated by the reloads
  {
    echo "global:"
    echo "  poll_interval: 5s"
    echo "  poll_timeout: $1"
    echo "mesos_clusters:"
    echo "  - name: sim"
    echo "    masters:"
    jq -r '.mesos.masters[] | "      - " + .' "$out/ports.json"
    echo "    discover_flink:"
    echo "      drop_after: 1m"
    echo "flink_clusters:"
    jq -r '.flink[] | select(.on_mesos | not) | "  - name: " + .name + "\n    rest_url: " + .rest_url' \
      "$out/ports.json"
  } >"$out/exporter.yml.new"
  mv "$out/exporter.yml.new" "$out/exporter.yml"
}
write_config 4s

fme_start_exporter "$build_dir" "$out/exporter.yml" 22190 "$out/exporter.log" soak.sh
pids+=("$exporter_pid")

start=$(date +%s)
deadline=$((start + duration))

# --- scrapes: one line per request (unix ms, endpoint, HTTP status or 000, seconds, bytes, ok)
scrape() {  # $1: name, $2: path, rest: curl options
  local name="$1" path="$2" body="$out/body.$1" result status ok=1
  shift 2
  result="$(curl -s -o "$body" -w '%{http_code} %{time_total} %{size_download}' --max-time 10 "$@" \
    "$base$path" || true)"
  status="${result%% *}"
  if [[ "$status" != 200 ]]; then ok=0; fi
  if [[ "$name" == metrics_gzip && "$ok" == 1 ]] && ! gzip -t "$body" 2>/dev/null; then ok=0; fi
  if [[ "$name" == metrics && "$ok" == 1 ]] && ! grep -q '^flink_mesos_exporter_build_info' "$body"; then ok=0; fi
  echo "$(date +%s%3N),$name,${result// /,},$ok" >>"$out/scrapes.csv"
}
echo "unix_ms,endpoint,status,seconds,bytes,ok" >"$out/scrapes.csv"
(
  while (($(date +%s) < deadline)); do
    scrape metrics /metrics
    scrape metrics_gzip /metrics -H 'Accept-Encoding: gzip'
    scrape snapshot /api/v1/snapshot
    scrape landing /
    sleep "$scrape_every"
  done
) &
pids+=($!)

# --- reloads, each one changing the poll timeout
echo "unix_ms,status,poll_timeout" >"$out/reloads.csv"
(
  timeout=4s
  while true; do
    next=$(($(date +%s) + reload_every))
    ((next < deadline)) || break
    sleep $((next - $(date +%s)))
    if [[ "$timeout" == 4s ]]; then timeout=3s; else timeout=4s; fi
    write_config "$timeout"
    status="$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST "$base/-/reload" || true)"
    echo "$(date +%s%3N),$status,$timeout" >>"$out/reloads.csv"
  done
) &
pids+=($!)

# --- samples of the exporter (and, for comparison, the simulator)
field_kb() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$2/status"; }
echo "seconds,rss_kb,fds,threads,sim_rss_kb,scrapes,errors,series" >"$out/samples.csv"
while true; do
  now=$(date +%s)
  if ! kill -0 "$exporter_pid" 2>/dev/null || ! kill -0 "$sim_pid" 2>/dev/null; then
    echo "soak.sh: the exporter or the simulator died; see $out/*.log" >&2
    exit 1
  fi
  fds=$(find "/proc/$exporter_pid/fd" -mindepth 1 -maxdepth 1 | wc -l)
  counts="$(awk -F, 'NR > 1 { n++; if ($6 != 1) e++ } END { print n + 0 "," e + 0 }' "$out/scrapes.csv")"
  # Series exposed now (not counted as a scrape): tells growing data from growing overhead.
  series="$(curl -s --max-time 10 "$base/metrics" | grep -vc '^#' || true)"
  echo "$((now - start)),$(field_kb VmRSS "$exporter_pid"),$fds,$(field_kb Threads "$exporter_pid"),$(field_kb VmRSS "$sim_pid"),$counts,$series" \
    >>"$out/samples.csv"
  ((now < deadline)) || break
  sleep "$sample_every"
done
sleep 2  # the last round of scrapes
cleanup
pids=()

# --- summary
passes="?"
if [[ -n "$repeat_seconds" && "$repeat_seconds" -gt 0 ]]; then
  passes="$(awk -v d="$duration" -v s="$speed" -v p="$repeat_seconds" 'BEGIN { printf "%.1f", d * s / p }')"
fi
{
  echo "Soak summary ($out)"
  echo "  duration ${duration}s, simulator speed ${speed}x, scenario pass ${repeat_seconds:-?} simulated s: $passes passes"
  awk -F, 'NR > 1 {
      n++; t[n] = $1; r[n] = $2; f[n] = $3; th[n] = $4; s[n] = $5
      if ($2 > maxr) maxr = $2; if ($3 > maxf) maxf = $3; if ($4 > maxt) maxt = $4; if ($5 > maxs) maxs = $5
      if ($8 > maxse) maxse = $8
    }
    END {
      printf "  exporter RSS (KiB): start %d, end %d, max %d\n", r[1], r[n], maxr
      printf "  exporter fds: start %d, end %d, max %d\n", f[1], f[n], maxf
      printf "  exporter threads: start %d, end %d, max %d\n", th[1], th[n], maxt
      printf "  simulator RSS (KiB): start %d, end %d, max %d\n", s[1], s[n], maxs
      printf "  series exposed: max %d\n", maxse
      # least-squares slope of RSS over the second half of the samples
      from = int(n / 2) + 1; m = 0
      for (i = from; i <= n; i++) { m++; sx += t[i]; sy += r[i]; sxx += t[i] * t[i]; sxy += t[i] * r[i] }
      d = m * sxx - sx * sx
      slope = d > 0 ? (m * sxy - sx * sy) / d : 0
      printf "  exporter RSS trend over the second half: %+.1f KiB/hour (%d samples)\n", slope * 3600, m
    }' "$out/samples.csv"
  awk -F, 'NR > 1 { n++; if ($6 != 1) e++; if (NR == 2) first = $1; last = $1 }
    END { printf "  scrapes %d, errors %d, %.2f requests/s\n", n, e, n / ((last - first) / 1000) }' "$out/scrapes.csv"
  for endpoint in metrics metrics_gzip snapshot landing; do
    awk -F, -v e="$endpoint" 'NR > 1 && $2 == e { print $4 }' "$out/scrapes.csv" | sort -g | awk -v e="$endpoint" '
      { v[NR] = $1 }
      END { if (NR == 0) exit
            p50 = v[int((NR - 1) * 0.50) + 1]; p99 = v[int((NR - 1) * 0.99) + 1]
            printf "  %-13s %6d scrapes, p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", e, NR, p50 * 1000, p99 * 1000, v[NR] * 1000 }'
  done
  awk -F, 'NR > 1 { n++; if ($2 != 200) e++ } END { printf "  reloads %d, failed %d\n", n, e }' "$out/reloads.csv"
} | tee "$out/summary.txt"

errors="$(awk -F, 'NR > 1 && $6 != 1 { e++ } END { print e + 0 }' "$out/scrapes.csv")"
failed_reloads="$(awk -F, 'NR > 1 && $2 != 200 { e++ } END { print e + 0 }' "$out/reloads.csv")"
if ((errors > 0 || failed_reloads > 0)); then
  echo "soak.sh: $errors failed scrapes, $failed_reloads failed reloads" >&2
  exit 1
fi
