#!/usr/bin/env bash
# The binary rejects bad configuration files naming the key and line, both at start and with
# --config.check, and accepts the shipped example. Usage: config_check_test.sh <exporter binary> <repo root>
set -u
bin="$1"
root="$2"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

expect_problems() {  # <output file> <expected line>...
  local out="$1"; shift
  for want in "$@"; do
    grep -qF -- "$want" "$out" || fail "expected '$want' in: $(cat "$out")"
  done
}

cat > "$tmp/bad.yml" <<'YAML'
global:
  poll_intervl: 15s
  poll_timeout: 5x
flink_clusters:
  - name: a
    rest_url: http://x:8081
  - name: a
    rest_url: http://y:8081
YAML
problems=(
  'bad.yml:2: global.poll_intervl: unknown key'
  'bad.yml:3: global.poll_timeout: invalid duration \"5x\"'
  'bad.yml:7: flink_clusters[1].name: duplicate cluster name \"a\" (first at line 5)'
)

# --config.check: problems on stderr, exit 1, nothing started.
"$bin" --config.file="$tmp/bad.yml" --config.check > "$tmp/check.out" 2>&1
rc=$?
[ "$rc" -eq 1 ] || fail "--config.check on a bad file exited $rc, want 1"
expect_problems "$tmp/check.out" "${problems[@]//\\\"/\"}"

# Start-up: the same problems as log lines, exit non-zero, no listener.
timeout 10 "$bin" --config.file="$tmp/bad.yml" --web.listen-address=127.0.0.1:0 > "$tmp/start.out" 2>&1
rc=$?
[ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] || fail "start with a bad file exited $rc, want non-zero (and not a timeout)"
expect_problems "$tmp/start.out" "${problems[@]}"
grep -q 'msg=listening' "$tmp/start.out" && fail "the exporter started listening with a bad config"

# A missing file is an error too.
"$bin" --config.file="$tmp/none.yml" --config.check > "$tmp/missing.out" 2>&1
[ $? -eq 1 ] || fail "--config.check on a missing file should exit 1"
grep -q 'none.yml' "$tmp/missing.out" || fail "missing-file message should name the file"

# The shipped example is valid.
"$bin" --config.file="$root/config/example.yml" --config.check > "$tmp/ok.out" 2>&1
rc=$?
[ "$rc" -eq 0 ] || fail "config/example.yml rejected: $(cat "$tmp/ok.out")"

# Bad flags exit 2.
"$bin" --no-such-flag > "$tmp/flag.out" 2>&1
[ $? -eq 2 ] || fail "an unknown flag should exit 2"

[ "$failures" -eq 0 ] && echo "config_check_test: all checks passed"
exit "$failures"
