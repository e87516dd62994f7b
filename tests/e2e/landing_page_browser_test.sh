#!/usr/bin/env bash
# The landing page in a real browser. Starts flink-mesos-sim and the exporter on three configured
# targets (a Flink cluster whose name needs escaping, a Flink cluster on a closed port, the
# simulated Mesos cluster) and one discovered from Mesos (flink-legacy; the framework of the
# first Flink cluster is discovered too, but that cluster is configured, so it is not listed
# twice), then loads http://127.0.0.1:<port>/ in headless Chromium and checks that the
# browser logs nothing to its console, that every target is listed with its state, and that a
# screenshot can be taken; the screenshot is kept as <artifact dir>/landing_page.png.
# Chromium is required: without it the test fails (scripts/install-deps.sh installs it).
# Usage: landing_page_browser_test.sh <exporter binary> <simulator binary> <repo root> <artifact dir>
set -u
exporter="$1"
sim="$2"
root="$3"
artifacts="$4"

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
die() { echo "FAIL: $*"; exit 1; }

chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || die "chromium not found on PATH: install the Debian package 'chromium' (scripts/install-deps.sh does)"

tmp=$(mktemp -d)
sim_pid=""
exporter_pid=""
cleanup() {
  for pid in "$exporter_pid" "$sim_pid"; do
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

show_logs() {
  echo "--- simulator log"; cat "$tmp/sim.log"
  echo "--- exporter log"; cat "$tmp/exporter.log"
}

# The upstreams: Mesos masters and JobManagers on free ports, written to the ports file.
"$sim" --scenario "$root/config/scenarios/healthy.yml" --mesos-port 0 --flink-base-port 0 \
  --ports-file "$tmp/ports.json" > "$tmp/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 100); do
  grep -q '^}' "$tmp/ports.json" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || break
  sleep 0.1
done
grep -q '^}' "$tmp/ports.json" 2>/dev/null || { show_logs; die "the simulator did not start"; }
flink_url=$(grep -o '"rest_url": "[^"]*"' "$tmp/ports.json" | head -n1 | cut -d'"' -f4)
mapfile -t masters < <(grep -o '"http://[^"]*/m[0-9]"' "$tmp/ports.json" | tr -d '"')
if [ -z "$flink_url" ] || [ "${#masters[@]}" -eq 0 ]; then
  die "cannot read the ports file: $(cat "$tmp/ports.json")"
fi

# Nothing listens on port 1 (tcpmux is long gone), so that target is down.
flink_name='Payments "EU" <prod> & Zürich'
{
  echo "global:"
  echo "  poll_interval: 2s"
  echo "  poll_timeout: 1500ms"
  echo "mesos_clusters:"
  echo "  - name: sim-mesos"
  echo "    masters:"
  for m in "${masters[@]}"; do echo "      - $m"; done
  echo "    discover_flink:"
  echo "flink_clusters:"
  echo "  - name: '$flink_name'"
  echo "    rest_url: $flink_url"
  echo "  - name: batch-down"
  echo "    rest_url: http://127.0.0.1:1"
} > "$tmp/config.yml"

"$exporter" --config.file="$tmp/config.yml" --web.listen-address=127.0.0.1:0 2> "$tmp/exporter.log" &
exporter_pid=$!
port=""
for _ in $(seq 100); do
  port=$(grep -o 'msg=listening address=127.0.0.1:[0-9]*' "$tmp/exporter.log" | head -n1 | sed 's/.*://')
  [ -n "$port" ] && break
  kill -0 "$exporter_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { show_logs; die "the exporter did not start"; }
base="http://127.0.0.1:$port"

# Wait (bounded) for the state the page is checked in: both upstreams polled successfully, the
# closed port failed, the Mesos event stream subscribed.
want=(
  "flink_up{flink_cluster=\"Payments \\\"EU\\\" <prod> & Zürich\"} 1"
  'flink_up{flink_cluster="batch-down"} 0'
  'flink_up{flink_cluster="flink-legacy"} 1'
  'mesos_up{mesos_cluster="sim-mesos"} 1'
  'mesos_event_stream_connected{mesos_cluster="sim-mesos"} 1'
)
settled=""
for _ in $(seq 200); do
  if curl -sf "$base/metrics" -o "$tmp/metrics"; then
    settled=yes
    for w in "${want[@]}"; do grep -qxF -- "$w" "$tmp/metrics" || { settled=""; break; }; done
    [ -n "$settled" ] && break
  fi
  sleep 0.1
done
if [ -z "$settled" ]; then
  show_logs
  echo "--- want"; printf '%s\n' "${want[@]}"
  echo "--- have"; grep -E '^(flink|mesos)_(up|event_stream_connected)\{' "$tmp/metrics" 2>/dev/null
  die "the targets did not reach their expected state"
fi

# Chromium needs --no-sandbox as root (in containers); each run gets a fresh profile.
browser() {  # <run name> <chromium arguments...>
  local name="$1"; shift
  local flags=(--headless=new --disable-gpu --disable-dev-shm-usage --no-first-run
               --no-default-browser-check --disable-extensions --disable-sync
               --disable-background-networking --disable-component-update
               --user-data-dir="$tmp/profile-$name" --enable-logging=stderr --v=0)
  [ "$(id -u)" -ne 0 ] || flags+=(--no-sandbox)
  timeout 30 "$chromium" "${flags[@]}" "$@" 2> "$tmp/$name.log"
}

# The console check must be able to see something: a page that logs an error is caught.
printf '%s\n' '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>c</title></head>' \
  '<body><script>console.error("fme-console-control")</script></body></html>' > "$tmp/control.html"
browser control --dump-dom "file://$tmp/control.html" > /dev/null
grep -q 'CONSOLE.*fme-console-control' "$tmp/control.log" \
  || die "chromium did not log a console error of a test page, so the console check would be blind: $(cat "$tmp/control.log")"

browser dom --dump-dom "$base/" > "$tmp/dom.html" || fail "chromium --dump-dom exited $?: $(cat "$tmp/dom.log")"
mkdir -p "$artifacts"
shot="$artifacts/landing_page.png"
rm -f "$shot"
browser screenshot --screenshot="$shot" --window-size=1400,900 "$base/" > /dev/null \
  || fail "chromium --screenshot exited $?: $(cat "$tmp/screenshot.log")"

# (a) The page logs nothing: it has no scripts, loads nothing else and violates no policy.
if grep -h 'CONSOLE' "$tmp/dom.log" "$tmp/screenshot.log" > "$tmp/console"; then
  fail "the browser console has messages: $(cat "$tmp/console")"
fi

# (b) Every target with its state. One line per table row of the DOM the browser built.
tr -d '\n' < "$tmp/dom.html" | sed 's|</tr>|</tr>\n|g' > "$tmp/rows"
row_has() {  # <name cell as serialized> <what the row must contain>...
  local name="$1"; shift
  local row
  row=$(grep -F -- "<td>$name</td>" "$tmp/rows")
  [ -n "$row" ] || { fail "no row for target $name"; return; }
  for part in "$@"; do
    grep -qF -- "$part" <<< "$row" || fail "row of $name lacks '$part': $row"
  done
}
row_has 'Payments "EU" &lt;prod&gt; &amp; Zürich' '>UP</span>' '<td>flink</td>' '<td>static</td>' \
  'Flink 1.13.6' 'jobs: 2 running' "<a href=\"$flink_url\">$flink_url</a>"
row_has 'batch-down' '<tr class="down">' '>DOWN</span>' 'no data while down' '<td>never</td>' \
  '<a href="http://127.0.0.1:1">'
row_has 'sim-mesos' '>UP</span>' '<td>mesos</td>' "leader: ${masters[0]}" 'event stream: connected'
row_has 'flink-legacy' '>UP</span>' '<td>flink</td>' '<td>discovered<br><small>via sim-mesos</small></td>' \
  'Flink 1.9.3'
for part in '<strong>4 targets:</strong>' '>3 UP</span>' '>1 DOWN</span>' '>0 NOT YET POLLED</span>' \
  'href="/metrics"' 'href="/api/v1/snapshot"' 'href="/-/healthy"' 'href="/-/ready"' 'Version '; do
  grep -qF -- "$part" "$tmp/dom.html" || fail "the page lacks '$part'"
done
grep -q '<script' "$tmp/dom.html" && fail "the page has a script element"
[ "$(grep -c '<tr class=' "$tmp/rows")" -eq 4 ] || fail "want 4 target rows, got: $(grep '<tr class=' "$tmp/rows")"

# (c) A screenshot: a PNG of the window's size with more in it than a blank page.
if [ -s "$shot" ]; then
  magic=$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')
  [ "$magic" = 89504e470d0a1a0a ] || fail "$shot is not a PNG (starts with $magic)"
  size=$(od -An -tu1 -j16 -N8 "$shot" | tr -s ' \n' ' ')
  read -r w3 w2 w1 w0 h3 h2 h1 h0 <<< "$size"
  width=$(( (w3 << 24) | (w2 << 16) | (w1 << 8) | w0 ))
  height=$(( (h3 << 24) | (h2 << 16) | (h1 << 8) | h0 ))
  if [ "$width" -ne 1400 ] || [ "$height" -ne 900 ]; then
    fail "screenshot is ${width}x${height}, want 1400x900"
  fi
  bytes=$(stat -c %s "$shot")
  [ "$bytes" -gt 20000 ] || fail "screenshot has only $bytes bytes: is the page blank?"
  echo "screenshot: $shot (${width}x${height}, $bytes bytes)"
else
  fail "no screenshot at $shot"
fi

if [ "$failures" -ne 0 ]; then
  echo "--- page as the browser saw it"; cat "$tmp/dom.html"
  show_logs
  exit 1
fi
echo "landing_page_browser_test: all checks passed"
