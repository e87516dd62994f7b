// fme_bench_render: the cost of producing a /metrics body.
//
//   BM_RenderOurs            RenderSnapshot into a reserved std::string
//   BM_RenderOursCompact     the same over a snapshot whose states lie in rendering order
//   BM_RenderOursNoReserve   the same into an empty string (what ExpositionCache does today)
//   BM_RenderPrometheusCpp   the same series through prometheus::TextSerializer into an
//                            std::ostringstream, then .str(), as prometheus-cpp's handler does
//                            (Registry::Collect() excluded: that would only add to its cost)
//   BM_Memcpy                copying the rendered bytes into a warm buffer: the floor
//   BM_DeflateBody           gzip of the rendered body (once per snapshot)
//   BM_SelfMetricsTail/K     rendering the self-metrics tail with K targets (per scrape)
//   BM_GzipSuffix/K          deflating that tail + gzip trailer (per gzip scrape)
//   BM_SnapshotJson          SnapshotToJson of the same snapshot: /api/v1/snapshot, built at
//                            most once per snapshot and query (docs/api.md)
//
// FME_BENCH_SERIES sets the number of series (default 1,000,000). Before anything is timed, both
// renderings are checked to hold the same series with the same values, and the composed gzip is
// checked to inflate to body + tail; the program aborts with a message if not. After the runs a
// summary prints the medians and the ratio prometheus-cpp / ours.

#include <benchmark/benchmark.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "exposition/gzip_parts.h"
#include "exposition/self_metrics.h"
#include "exposition/snapshot_renderer.h"
#include "server/snapshot_json.h"
#include "run_times_reporter.h"
#include "synthetic_snapshot.h"

namespace fme::bench {
namespace {

constexpr std::size_t kDefaultSeries = 1'000'000;

struct Fixture {
  std::size_t series = 0;
  std::size_t targets = 0;
  SnapshotPtr snapshot;  // Layout::kScattered, as in the daemon
  SnapshotPtr compact;   // the same data, Layout::kCompact
  std::vector<prometheus::MetricFamily> families;
  std::string ours;    // RenderSnapshot output
  std::string theirs;  // TextSerializer output
  DeflatedPart gzip;   // DeflateBody(ours)
  std::size_t json_bytes = 0;  // SnapshotToJson(snapshot).size()
};

const Fixture* g_fixture = nullptr;

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "fme_bench_render: setup check failed: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string SerializeWithPrometheusCpp(const std::vector<prometheus::MetricFamily>& families) {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, families);
  return out.str();
}

// A SelfMetrics as a running exporter with `targets` targets has it after a few polls.
std::unique_ptr<SelfMetrics> MakeSelfMetrics(std::size_t targets) {
  auto self = std::make_unique<SelfMetrics>(SystemClock(), "0.1.0", "benchmark");
  for (std::size_t i = 0; i < targets; ++i) {
    TargetInfo t;
    t.kind = i % 4 == 3 ? SourceKind::kMesos : SourceKind::kFlink;
    t.name = (t.kind == SourceKind::kFlink ? "flink-prod-eu-west-1-payments-" : "mesos-dc1-ams-") +
             std::to_string(100000 + i);
    self->AddTarget(t);
    self->OnPollDone(t, PollOutcome{std::chrono::milliseconds(42), Status::Ok(), {}, 0});
    self->CountRequest(t, t.kind == SourceKind::kFlink ? "/overview" : "/metrics/snapshot", "200");
  }
  self->SetSeries(1e6);
  return self;
}

Fixture BuildFixture() {
  Fixture f;
  f.series = SeriesFromEnv(kDefaultSeries);
  std::vector<TargetState> states = MakeTargetStates(f.series);
  f.targets = states.size();
  f.snapshot = MakeSnapshot(std::move(states));
  f.compact = MakeSnapshot(MakeTargetStates(f.series), Layout::kCompact);
  f.families = ToMetricFamilies(*f.snapshot);

  const std::size_t written = RenderSnapshot(*f.snapshot, f.ours);
  f.theirs = SerializeWithPrometheusCpp(f.families);

  const std::size_t ours_lines = CountSampleLines(f.ours);
  const std::size_t theirs_lines = CountSampleLines(f.theirs);
  if (written != f.series || ours_lines != f.series || theirs_lines != f.series) {
    Fail("expected " + std::to_string(f.series) + " series; RenderSnapshot returned " +
         std::to_string(written) + " and wrote " + std::to_string(ours_lines) +
         " sample lines, TextSerializer wrote " + std::to_string(theirs_lines) +
         " (bench/synthetic_snapshot.cc must mirror the renderer's catalogue)");
  }
  if (std::string diff = CompareExpositions(f.ours, f.theirs); !diff.empty()) {
    Fail("RenderSnapshot (a) and TextSerializer (b) disagree at " + diff);
  }

  std::string compact_text;
  RenderSnapshot(*f.compact, compact_text);
  if (compact_text != f.ours) Fail("the compact snapshot renders differently from the scattered one");

  f.gzip = DeflateBody(f.ours, 1);
  f.json_bytes = SnapshotToJson(*f.snapshot).size();
  auto self10 = MakeSelfMetrics(10);
  auto self_part = self10->Current();
  const std::string age = self10->SnapshotAgeText(f.snapshot->created);
  std::string gz = std::string(GzipHeader()) + f.gzip.deflate + self_part->gzip.deflate +
                   GzipSuffix({&f.gzip, &self_part->gzip}, age);
  std::string inflated;
  if (!GunzipForTest(gz, inflated) || inflated != f.ours + self_part->text + age) {
    Fail("header + DeflateBody + GzipSuffix does not inflate to body + tail");
  }

  std::fprintf(stderr,
               "synthetic snapshot: %zu series from %zu targets; ours %zu bytes, TextSerializer "
               "%zu bytes, deflated %zu bytes; both renderings checked equivalent\n",
               f.series, f.targets, f.ours.size(), f.theirs.size(), f.gzip.deflate.size());
  return f;
}

void SetThroughput(benchmark::State& state, std::size_t bytes, std::size_t items) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * static_cast<int64_t>(items));
}

// Steady state as in ExpositionCache: the output buffer of an earlier render is reused.
void BM_RenderOurs(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  std::string out;
  out.reserve(f.ours.size());
  for (auto _ : state) {
    out.clear();
    std::size_t n = RenderSnapshot(*f.snapshot, out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.ours.size(), f.series);
}
BENCHMARK(BM_RenderOurs)->Unit(benchmark::kMillisecond);

void BM_RenderOursCompact(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  std::string out;
  out.reserve(f.ours.size());
  for (auto _ : state) {
    out.clear();
    std::size_t n = RenderSnapshot(*f.compact, out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.ours.size(), f.series);
}
BENCHMARK(BM_RenderOursCompact)->Unit(benchmark::kMillisecond);

void BM_RenderOursNoReserve(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  for (auto _ : state) {
    std::string out;
    std::size_t n = RenderSnapshot(*f.snapshot, out);
    benchmark::DoNotOptimize(n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.ours.size(), f.series);
}
BENCHMARK(BM_RenderOursNoReserve)->Unit(benchmark::kMillisecond);

void BM_RenderPrometheusCpp(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  const prometheus::TextSerializer serializer;
  for (auto _ : state) {
    std::ostringstream out;
    serializer.Serialize(out, f.families);
    std::string body = out.str();
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.theirs.size(), f.series);
}
BENCHMARK(BM_RenderPrometheusCpp)->Unit(benchmark::kMillisecond);

void BM_Memcpy(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  std::string dst(f.ours.size(), '\0');  // allocated and faulted in once: pure copy bandwidth
  for (auto _ : state) {
    std::memcpy(dst.data(), f.ours.data(), f.ours.size());
    benchmark::DoNotOptimize(dst.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.ours.size(), f.series);
}
BENCHMARK(BM_Memcpy)->Unit(benchmark::kMillisecond);

void BM_DeflateBody(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  for (auto _ : state) {
    DeflatedPart part = DeflateBody(f.ours, 1);
    benchmark::DoNotOptimize(part.deflate.data());
  }
  SetThroughput(state, f.ours.size(), f.series);
  state.counters["deflated_bytes"] = static_cast<double>(f.gzip.deflate.size());
  state.counters["ratio"] = static_cast<double>(f.ours.size()) / static_cast<double>(f.gzip.deflate.size());
}
BENCHMARK(BM_DeflateBody)->Unit(benchmark::kMillisecond);

// Per-scrape cost of the self-metrics: the cached rendering (re-rendered only after a change)
// plus the snapshot-age line written at scrape time.
void BM_SelfMetricsTail(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  auto self = MakeSelfMetrics(static_cast<std::size_t>(state.range(0)));
  const std::size_t tail_bytes = self->Current()->text.size();
  for (auto _ : state) {
    auto part = self->Current();
    std::string age = self->SnapshotAgeText(f.snapshot->created);
    benchmark::DoNotOptimize(part.get());
    benchmark::DoNotOptimize(age.data());
  }
  state.counters["tail_bytes"] = static_cast<double>(tail_bytes);
}
BENCHMARK(BM_SelfMetricsTail)->Arg(0)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Re-rendering the self-metrics after a change (once per poll completion at most).
void BM_SelfMetricsRerender(benchmark::State& state) {
  auto self = MakeSelfMetrics(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    self->SetSeries(static_cast<double>(state.iterations()));  // a change
    benchmark::DoNotOptimize(self->Current().get());
  }
}
BENCHMARK(BM_SelfMetricsRerender)->Arg(0)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

// Per-scrape gzip work: deflate the age line and compute the trailer over the cached parts.
void BM_GzipSuffix(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  auto self = MakeSelfMetrics(static_cast<std::size_t>(state.range(0)));
  auto part = self->Current();
  const std::string age = self->SnapshotAgeText(f.snapshot->created);
  for (auto _ : state) {
    std::string suffix = GzipSuffix({&f.gzip, &part->gzip}, age);
    benchmark::DoNotOptimize(suffix.data());
  }
}
BENCHMARK(BM_GzipSuffix)->Arg(0)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void BM_SnapshotJson(benchmark::State& state) {
  const Fixture& f = *g_fixture;
  for (auto _ : state) {
    std::string body = SnapshotToJson(*f.snapshot);
    benchmark::DoNotOptimize(body.data());
    benchmark::ClobberMemory();
  }
  SetThroughput(state, f.json_bytes, f.series);
}
BENCHMARK(BM_SnapshotJson)->Unit(benchmark::kMillisecond);

// The console reporter, plus a summary of the render figures once all runs are done.
class SummaryReporter : public RunTimesReporter {
 public:
  SummaryReporter() : RunTimesReporter(Time::kWall, DefaultOutputOptions()) {}

  void Finalize() override {
    ConsoleReporter::Finalize();
    const Fixture& f = *g_fixture;
    std::ostream& out = GetOutputStream();
    Print(out, "\nSummary: %zu series, %zu targets; body %.1f MB (ours) / %.1f MB (TextSerializer)\n",
                 f.series, f.targets, static_cast<double>(f.ours.size()) / 1e6,
                 static_cast<double>(f.theirs.size()) / 1e6);
    Print(out, "  %-34s %10s %10s %10s %8s  %s\n", "wall time per render", "median", "min",
                 "max", "runs", "throughput at median");
    Line(out, "BM_RenderOurs", "ours, reserved string", f.ours.size());
    Line(out, "BM_RenderOursCompact", "ours, compact layout (best case)", f.ours.size());
    Line(out, "BM_RenderOursNoReserve", "ours, unreserved string", f.ours.size());
    Line(out, "BM_RenderPrometheusCpp", "prometheus-cpp TextSerializer", f.theirs.size());
    Line(out, "BM_Memcpy", "memcpy of the body (floor)", f.ours.size());
    Line(out, "BM_DeflateBody", "DeflateBody (once per snapshot)", f.ours.size());
    Line(out, "BM_SnapshotJson", "SnapshotToJson (/api/v1/snapshot)", f.json_bytes);
    const auto ours = Stats("BM_RenderOurs");
    const auto theirs = Stats("BM_RenderPrometheusCpp");
    if (ours && theirs) {
      const double ratio = theirs->median / ours->median;
      Print(out,
                   "  ratio TextSerializer / ours: %.1fx at the medians (%.1fx to %.1fx worst/best "
                   "case over the runs); target >= 10x: %s\n",
                   ratio, theirs->min / ours->max, theirs->max / ours->min,
                   ratio >= 10 ? "met" : "MISSED");
    }
    if (const auto floor = Stats("BM_Memcpy"); ours && floor) {
      Print(out, "  ours / memcpy floor: %.1fx\n", ours->median / floor->median);
    }
    if (const auto json = Stats("BM_SnapshotJson"); ours && json) {
      Print(out, "  SnapshotToJson / ours: %.1fx (JSON %.1f MB)\n", json->median / ours->median,
            static_cast<double>(f.json_bytes) / 1e6);
    }
    out.flush();
  }

 private:
  void Line(std::ostream& out, const std::string& name, const char* label, std::size_t bytes) const {
    const auto s = Stats(name);
    if (!s) return;
    Print(out, "  %-34s %7.1f ms %7.1f ms %7.1f ms %8zu  %.2f GB/s, %.1f M series/s\n", label,
                 s->median * 1e3, s->min * 1e3, s->max * 1e3, s->runs,
                 static_cast<double>(bytes) / s->median / 1e9,
                 static_cast<double>(g_fixture->series) / s->median / 1e6);
  }
};

}  // namespace
}  // namespace fme::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  static const fme::bench::Fixture fixture = fme::bench::BuildFixture();
  fme::bench::g_fixture = &fixture;
  fme::bench::SummaryReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
