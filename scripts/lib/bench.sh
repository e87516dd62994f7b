# shellcheck shell=bash
# Shared by the benchmark and soak scripts, which source it from the project's root: building
# their programs, naming the machine in a report, starting the exporter. Not run on its own.

# fme_build BUILD_DIR TARGET...: builds the targets, configuring BUILD_DIR first if it never was
# (the dev preset for build/dev, RelWithDebInfo for any other tree).
fme_build() {
  local build_dir="$1"
  shift
  if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    if [[ "$build_dir" == build/dev ]]; then
      cmake --preset dev
    else
      cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    fi
  fi
  cmake --build "$build_dir" -j "$(nproc)" --target "$@"
}

# fme_machine: the cores and the CPU model; fme_load: the load averages. For the head of a
# report: figures from a loaded machine are read differently.
fme_machine() { echo "$(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p')"; }
fme_load() { cut -d' ' -f1-3 /proc/loadavg; }

# fme_listening PORT: true when something accepts connections on the loopback PORT.
fme_listening() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# fme_start_exporter BUILD_DIR CONFIG FIRST_PORT LOG WHO: starts the exporter with CONFIG on the
# first free loopback port from FIRST_PORT, its output in LOG, and waits until /-/healthy answers.
# Sets exporter_pid and base (http://127.0.0.1:<port>). When the exporter dies or does not answer
# within 10 s it prints why (WHO: the calling script's name), stops it and returns 1.
fme_start_exporter() {
  local build_dir="$1" config="$2" port="$3" log="$4" who="$5"
  while fme_listening "$port"; do port=$((port + 1)); done
  base="http://127.0.0.1:$port"
  "$build_dir/exporter/flink-mesos-exporter" --config.file="$config" \
    --web.listen-address="127.0.0.1:$port" >"$log" 2>&1 &
  exporter_pid=$!
  local _
  for _ in $(seq 100); do
    if curl -sf "$base/-/healthy" >/dev/null; then return 0; fi
    if ! kill -0 "$exporter_pid" 2>/dev/null; then
      cat "$log" >&2
      echo "$who: the exporter did not start" >&2
      return 1
    fi
    sleep 0.1
  done
  kill "$exporter_pid" 2>/dev/null || true
  echo "$who: the exporter did not answer $base/-/healthy within 10 s; see $log" >&2
  return 1
}
