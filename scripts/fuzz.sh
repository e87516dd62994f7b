#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the `fuzz` preset: clang-14, ASan + UBSan) and runs each one,
# starting from a copy of its seed corpus in fuzz/corpus/ (the committed corpus is never changed).
#   scripts/fuzz.sh                   every fuzzer for 60 s
#   scripts/fuzz.sh --time 300        every fuzzer for 300 s
#   scripts/fuzz.sh --smoke           every fuzzer for 10 s with a fixed seed (CI)
#   scripts/fuzz.sh --runs 20000      every fuzzer for exactly 20000 inputs, fixed seed
#   scripts/fuzz.sh recordio config   only the named fuzzers (names without _fuzzer)
#   FME_FUZZ_NO_BUILD=1 scripts/fuzz.sh   skip the build (the binaries must exist)
# Exits non-zero when a fuzzer finds a crash, a leak, a timeout or an out-of-memory input; the
# input is kept in build/fuzz/artifacts/<target>/ and the log in build/fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
runs=""
seed=""
targets=()
while (($# > 0)); do
  case "$1" in
    --smoke) seconds=10; seed=1 ;;
    --time) seconds="${2:?--time needs a number of seconds}"; shift ;;
    --runs) runs="${2:?--runs needs a number of inputs}"; seed=1; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("${1%_fuzzer}") ;;
  esac
  shift
done

build=build/fuzz
if [[ -z "${FME_FUZZ_NO_BUILD:-}" ]]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)"
fi

if ((${#targets[@]} == 0)); then
  for source in fuzz/*_fuzzer.cc; do
    name="$(basename "$source" .cc)"
    targets+=("${name%_fuzzer}")
  done
fi

# Largest input each fuzzer tries: room for its largest seed, no more (longer inputs only
# slow a run down without reaching new code).
max_len_of() {
  case "$1" in
    config|flink_checkpoints|mesos_v1_event|mesos_v1_stream) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

dict_of() {
  case "$1" in
    flink_*) echo fuzz/dict/flink.dict ;;
    mesos_*) echo fuzz/dict/mesos.dict ;;
    recordio) echo fuzz/dict/recordio.dict ;;
    config) echo fuzz/dict/config.dict ;;
    web_config) echo fuzz/dict/web_config.dict ;;
  esac
}

work="$(mktemp -d "${TMPDIR:-/tmp}/fme-fuzz.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/logs"

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}"

failed=()
summary=()
for target in "${targets[@]}"; do
  binary="$build/fuzz/${target}_fuzzer"
  if [[ ! -x "$binary" ]]; then
    echo "fuzz.sh: no fuzzer named $target ($binary is missing)" >&2
    exit 2
  fi
  corpus="$work/$target"
  mkdir -p "$corpus"
  if [[ -d "fuzz/corpus/$target" ]]; then
    cp -R "fuzz/corpus/$target/." "$corpus/"
  fi
  artifacts="$build/artifacts/$target"
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  log="$build/logs/$target.log"

  args=(-max_len="$(max_len_of "$target")" -timeout=10 -rss_limit_mb=2048
        -print_final_stats=1 -artifact_prefix="$artifacts/")
  dict="$(dict_of "$target")"
  if [[ -n "$dict" ]]; then args+=(-dict="$dict"); fi
  if [[ -n "$seed" ]]; then args+=(-seed="$seed"); fi
  if [[ -n "$runs" ]]; then
    args+=(-runs="$runs")
    limit=$((600 + runs / 100))
  else
    args+=(-max_total_time="$seconds")
    limit=$((seconds + 120))
  fi

  echo "== $target"
  status=0
  # The outer timeout only catches a fuzzer that hangs on its way out (a huge heap report).
  timeout --kill-after=10 "$limit" "$binary" "${args[@]}" "$corpus" </dev/null >"$log" 2>&1 \
    || status=$?

  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")"
  line="$(printf '%-24s execs %-9s exec/s %-7s cov %-5s ft %-6s corpus %s' "$target" \
    "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")"

  inputs=()
  for f in "$artifacts"/*; do
    if [[ -f "$f" ]]; then inputs+=("$f"); fi
  done
  if ((status != 0 || ${#inputs[@]} > 0)); then
    line+="  FAILED (exit $status)"
    failed+=("$target")
    echo "   FAILED (exit $status); log: $log" >&2
    grep -E 'ERROR|SUMMARY|fuzz invariant|runtime error| threw' "$log" | head -n 5 >&2 || true
    if ((${#inputs[@]} > 0)); then
      for f in "${inputs[@]}"; do
        echo "   input: $f   (reproduce: $binary $f)" >&2
      done
    elif ((status == 124 || status == 137)); then
      echo "   killed after ${limit}s before it could save the input; see the log" >&2
    fi
  fi
  summary+=("$line")
done

echo
echo "Fuzzing summary ($( [[ -n "$runs" ]] && echo "$runs runs" || echo "${seconds}s") per target):"
printf '  %s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: ${#failed[@]} fuzzer(s) failed: ${failed[*]}" >&2
  exit 1
fi
