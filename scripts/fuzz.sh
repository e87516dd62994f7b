#!/usr/bin/env bash
# Builds the libFuzzer harnesses (the `fuzz` preset: clang-14, ASan + UBSan) and runs each one,
# starting from a copy of its seed corpus in fuzz/corpus/ (the committed corpus is never changed).
#   scripts/fuzz.sh                   every fuzzer for 60 s
#   scripts/fuzz.sh --time 300        every fuzzer for 300 s
#   scripts/fuzz.sh --smoke           every fuzzer for 10 s with a fixed seed (CI)
#   scripts/fuzz.sh --runs 20000      every fuzzer for exactly 20000 inputs, fixed seed
#   scripts/fuzz.sh --runs 10000000 --time 1800 --jobs 2 --nice --start-within 5400
#                                     long runs: 10 million inputs or 30 minutes each, whichever
#                                     comes first, two at a time at the lowest CPU priority, and
#                                     no fuzzer started after 90 minutes (reported as not run);
#                                     --nice allows 60 s per input instead of 10, since a
#                                     low-priority process on a busy machine can wait that long
#   scripts/fuzz.sh recordio config   only the named fuzzers (names without _fuzzer), in that order
#   FME_FUZZ_NO_BUILD=1 scripts/fuzz.sh   skip the build (the binaries must exist)
#   FME_FUZZ_NO_BUILD=1 FME_FUZZ_BUILD_DIR=DIR scripts/fuzz.sh   the fuzzers built in another
#                                     tree (scripts/test.sh: the sanitize preset's, with the tests)
# Exits non-zero when a fuzzer finds a crash, a leak, a timeout or an out-of-memory input; the
# input is kept in build/fuzz/artifacts/<target>/ and the log in build/fuzz/logs/<target>.log.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=60
time_given=""
runs=""
seed=""
jobs=1
nice_level=""
input_timeout=10
start_within=""
targets=()
while (($# > 0)); do
  case "$1" in
    --smoke) seconds=10; seed=1 ;;
    --time) seconds="${2:?--time needs a number of seconds}"; time_given=1; shift ;;
    --runs) runs="${2:?--runs needs a number of inputs}"; seed=1; shift ;;
    --jobs) jobs="${2:?--jobs needs a number}"; shift ;;
    --nice) nice_level=19; input_timeout=60 ;;
    --start-within) start_within="${2:?--start-within needs a number of seconds}"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("${1%_fuzzer}") ;;
  esac
  shift
done

build="${FME_FUZZ_BUILD_DIR:-build/fuzz}"
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

# Checks every name before anything runs.
for target in "${targets[@]}"; do
  if [[ ! -x "$build/fuzz/${target}_fuzzer" ]]; then
    echo "fuzz.sh: no fuzzer named $target ($build/fuzz/${target}_fuzzer is missing)" >&2
    exit 2
  fi
done

# Runs one fuzzer; writes its summary line to $work/<target>.summary and, when it failed,
# creates $work/<target>.failed.
run_one() {
  local target="$1"
  local binary="$build/fuzz/${target}_fuzzer"
  local corpus="$work/$target"
  mkdir -p "$corpus"
  if [[ -d "fuzz/corpus/$target" ]]; then
    cp -R "fuzz/corpus/$target/." "$corpus/"
  fi
  local artifacts="$build/artifacts/$target"
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  local log="$build/logs/$target.log"

  local args=(-max_len="$(max_len_of "$target")" -timeout="$input_timeout" -rss_limit_mb=2048
              -print_final_stats=1 -artifact_prefix="$artifacts/")
  local dict limit
  dict="$(dict_of "$target")"
  if [[ -n "$dict" ]]; then args+=(-dict="$dict"); fi
  if [[ -n "$seed" ]]; then args+=(-seed="$seed"); fi
  if [[ -n "$runs" ]]; then
    args+=(-runs="$runs")
    limit=$((600 + runs / 100))
  fi
  if [[ -z "$runs" || -n "$time_given" ]]; then
    args+=(-max_total_time="$seconds")
    limit=$((seconds + 120))
  fi
  local launcher=()
  if [[ -n "$nice_level" ]]; then launcher=(nice -n "$nice_level"); fi

  echo "== $target"
  local status=0 started=$SECONDS
  # The outer timeout only catches a fuzzer that hangs on its way out (a huge heap report).
  "${launcher[@]}" timeout --kill-after=10 "$limit" "$binary" "${args[@]}" "$corpus" </dev/null >"$log" 2>&1 \
    || status=$?
  local elapsed=$((SECONDS - started))

  local execs rate last cov ft corp line
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
  last="$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
  corp="$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")"
  line="$(printf '%-24s execs %-9s time %-6s exec/s %-7s cov %-5s ft %-6s corpus %s' "$target" \
    "${execs:-?}" "${elapsed}s" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")"

  local inputs=() f
  for f in "$artifacts"/*; do
    if [[ -f "$f" ]]; then inputs+=("$f"); fi
  done
  # libFuzzer exits with 72 when interrupted (SIGINT) after printing its final statistics.
  if ((status == 72 && ${#inputs[@]} == 0)); then
    line+="  interrupted"
  elif ((status != 0 || ${#inputs[@]} > 0)); then
    line+="  FAILED (exit $status)"
    : >"$work/$target.failed"
    {
      echo "   $target FAILED (exit $status); log: $log"
      grep -E 'ERROR|SUMMARY|fuzz invariant|runtime error| threw' "$log" | head -n 5 || true
      if ((${#inputs[@]} > 0)); then
        for f in "${inputs[@]}"; do
          echo "   input: $f   (reproduce: $binary $f)"
        done
      elif ((status == 124 || status == 137)); then
        echo "   killed after ${limit}s before it could save the input; see the log"
      fi
    } >&2
  fi
  echo "$line" >"$work/$target.summary"
}

# Up to $jobs fuzzers at a time, started in the order given.
running=0
not_started=()
for target in "${targets[@]}"; do
  if [[ -n "$start_within" ]] && ((SECONDS >= start_within)); then
    not_started+=("$target")
    continue
  fi
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
  if [[ -n "$start_within" ]] && ((SECONDS >= start_within)); then
    not_started+=("$target")
    continue
  fi
  run_one "$target" &
  running=$((running + 1))
done
wait || true

failed=()
echo
if [[ -n "$runs" && -n "$time_given" ]]; then
  echo "Fuzzing summary ($runs runs or ${seconds}s per target, whichever came first):"
elif [[ -n "$runs" ]]; then
  echo "Fuzzing summary ($runs runs per target):"
else
  echo "Fuzzing summary (${seconds}s per target):"
fi
for target in "${targets[@]}"; do
  if [[ -f "$work/$target.summary" ]]; then
    echo "  $(cat "$work/$target.summary")"
  fi
  if [[ -f "$work/$target.failed" ]]; then failed+=("$target"); fi
done
if ((${#not_started[@]} > 0)); then
  echo "  not started (--start-within ${start_within}s passed): ${not_started[*]}"
fi
if ((${#failed[@]} > 0)); then
  echo "fuzz.sh: ${#failed[@]} fuzzer(s) failed: ${failed[*]}" >&2
  exit 1
fi
