#!/usr/bin/env bash
# Installs the Debian 12 packages needed to build, test and run flink-mesos-exporter.
# Chromium is the headless browser of the landing-page test; shellcheck lints the scripts;
# Python 3 drives the tests that run a real Prometheus against the exporter. clang-14 with its
# runtimes (libclang-rt-14-dev: libFuzzer, ASan, UBSan) builds the sanitizer and fuzzing tree,
# and llvm-14 brings llvm-symbolizer for readable sanitizer reports.
# Idempotent: packages already present are not reinstalled. Uses sudo only when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git curl ca-certificates
  clang-14 libclang-rt-14-dev llvm-14
  prometheus-cpp-dev libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev
  zlib1g-dev libssl-dev libbrotli-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  prometheus wrk
  chromium chromium-driver shellcheck
  python3 python3-yaml
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
