#!/usr/bin/env bash
# `promtool check web-config` accepts the shipped web configuration example. The example names
# server.crt and server.key next to itself, so it is checked in a temporary directory holding
# a certificate and key made for the occasion.
# Usage: web_config_example_test.sh <promtool path, or empty to search $PATH> <example file>
set -u
promtool="${1:-}"
example="$2"
[ -n "$promtool" ] || promtool=$(command -v promtool || true)
if [ -z "$promtool" ]; then echo "promtool not found: skipped"; exit 77; fi
if ! command -v openssl > /dev/null; then echo "openssl not found: skipped"; exit 77; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "$example" "$tmp/web.yml"
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
     -keyout "$tmp/server.key" -out "$tmp/server.crt" -subj /CN=localhost > "$tmp/openssl.log" 2>&1; then
  echo "FAIL: cannot make a certificate:"; cat "$tmp/openssl.log"; exit 1
fi
if ! out=$("$promtool" check web-config "$tmp/web.yml" 2>&1); then
  echo "FAIL: promtool check web-config rejected the example:"; echo "$out"; exit 1
fi
echo "$out"
