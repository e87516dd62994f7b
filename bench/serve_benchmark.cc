// fme_bench_serve: two HTTP servers for comparing scrape throughput with wrk
// (scripts/bench-serve.sh drives it).
//
//   exporter  the real fme::WebServer over an ExpositionCache that holds a synthetic snapshot
//             (put through SnapshotStore::SetTargets + Update and ExpositionCache::RenderNow, as
//             the daemon does), so each scrape pays what a real one pays: the cached body, the
//             self-metrics tail rendered per scrape and, for gzip, the per-scrape suffix.
//   baseline  a plain httplib::Server with the same thread-pool size serving the same bytes
//             (body + tail as of start-up, plain or pre-gzipped) from constant strings: plain
//             through set_content, gzip through a content provider (see the handler for why).
//             Neither renders nor compresses anything per request.
//
// Usage: fme_bench_serve [--port=N] [--baseline-port=N] [--series=N] [--self-targets=N]
// Ports default to 0 (any free port); series to FME_BENCH_SERIES, else 200,000. --self-targets
// registers that many of the targets with SelfMetrics, as the daemon registers every target, so
// the per-scrape tail has its per-target series (default 0: the tail is the 3 global series). Prints
// "exporter_port=N" and "baseline_port=N" once both listen, then serves until SIGINT/SIGTERM.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "exposition/exposition_cache.h"
#include "exposition/gzip_parts.h"
#include "exposition/self_metrics.h"
#include "fme/snapshot_store.h"
#include "server/web_server.h"
#include "synthetic_snapshot.h"

namespace fme::bench {
namespace {

constexpr std::size_t kDefaultSeries = 200'000;
constexpr int kWorkerThreads = 8;  // WebServerOptions' default
constexpr const char* kTextFormat = "text/plain; version=0.0.4; charset=utf-8";

struct Args {
  int port = 0;
  int baseline_port = 0;
  std::size_t series = 0;
  std::size_t self_targets = 0;
};

[[noreturn]] void Usage(const char* problem) {
  std::fprintf(stderr,
               "fme_bench_serve: %s\nusage: fme_bench_serve [--port=N] [--baseline-port=N] "
               "[--series=N] [--self-targets=N]\n",
               problem);
  std::exit(2);
}

template <typename T>
T ParseNumber(std::string_view text, const char* what) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) Usage(what);
  return value;
}

Args ParseArgs(int argc, char** argv) {
  Args args;
  args.series = SeriesFromEnv(kDefaultSeries);
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--port=")) {
      args.port = ParseNumber<int>(a.substr(7), "bad --port");
    } else if (a.starts_with("--baseline-port=")) {
      args.baseline_port = ParseNumber<int>(a.substr(16), "bad --baseline-port");
    } else if (a.starts_with("--series=")) {
      args.series = ParseNumber<std::size_t>(a.substr(9), "bad --series");
    } else if (a.starts_with("--self-targets=")) {
      args.self_targets = ParseNumber<std::size_t>(a.substr(15), "bad --self-targets");
    } else {
      Usage("unknown argument");
    }
  }
  if (args.series == 0) Usage("--series must be positive");
  return args;
}

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int Run(const Args& args) {
  Clock& clock = SystemClock();
  SnapshotStore store(clock);
  SelfMetrics self(clock, FME_VERSION, FME_REVISION);
  ExpositionCache cache(store, self);

  std::vector<TargetState> states = MakeTargetStates(args.series);
  std::vector<TargetInfo> targets;
  targets.reserve(states.size());
  for (const TargetState& s : states) targets.push_back(s.target);
  for (std::size_t i = 0; i < std::min(args.self_targets, targets.size()); ++i) {
    self.AddTarget(targets[i]);
    self.OnPollDone(targets[i], PollOutcome{states[i].last_poll_duration,
                                            states[i].up ? Status::Ok() : Status::Unavailable("down"),
                                            {}, 0});
    self.CountRequest(targets[i],
                      targets[i].kind == SourceKind::kFlink ? "/overview" : "/metrics/snapshot",
                      states[i].up ? "200" : "unavailable");
  }

  auto start = std::chrono::steady_clock::now();
  store.SetTargets(targets);
  for (TargetState& s : states) store.Update(std::move(s));
  const double publish_seconds = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  cache.RenderNow();
  const double render_seconds = SecondsSince(start);

  std::shared_ptr<const Rendered> body = cache.Current();
  if (body->series != args.series) {
    std::fprintf(stderr, "fme_bench_serve: rendered %zu series, expected %zu\n", body->series,
                 args.series);
    return 1;
  }
  std::fprintf(stderr,
               "fme_bench_serve: %zu series from %zu targets; SetTargets + %zu Updates took %.2f s, "
               "RenderNow (render + deflate) %.3f s; body %zu bytes, deflated %zu bytes; "
               "self-metrics for %zu targets, tail %zu bytes\n",
               body->series, targets.size(), targets.size(), publish_seconds, render_seconds,
               body->text.size(), body->gzip.deflate.size(),
               std::min(args.self_targets, targets.size()),
               self.Current()->text.size());

  WebServerOptions options;
  options.host = "127.0.0.1";
  options.port = args.port;
  options.telemetry_path = "/metrics";
  options.worker_threads = kWorkerThreads;
  options.version = FME_VERSION;
  options.revision = FME_REVISION;
  WebServer exporter(options, cache, self, store, clock);
  if (Status st = exporter.Start(); !st.ok()) {
    std::fprintf(stderr, "fme_bench_serve: exporter: %s\n", st.ToString().c_str());
    return 1;
  }

  // The baseline serves what a scrape of the exporter returns, frozen at start-up.
  auto self_part = self.Current();
  const std::string age = self.SnapshotAgeText(body->snapshot_created);
  const std::string plain = body->text + self_part->text + age;
  const std::string gzipped = std::string(GzipHeader()) + body->gzip.deflate +
                              self_part->gzip.deflate + GzipSuffix({&body->gzip, &self_part->gzip}, age);
  httplib::Server baseline;
  baseline.new_task_queue = [] { return new httplib::ThreadPool(kWorkerThreads); };
  baseline.Get("/metrics", [&](const httplib::Request& req, httplib::Response& res) {
    if (AcceptsGzip(req.get_header_value("Accept-Encoding"))) {
      // Not set_content: for a text/* body and a client that accepts gzip, this httplib gzips
      // res.body itself, without looking at Content-Encoding, which would gzip twice. A provider
      // of known length is sent as is, straight from the constant.
      res.set_header("Content-Encoding", "gzip");
      res.set_content_provider(gzipped.size(), kTextFormat,
                               [&gzipped](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                 return sink.write(gzipped.data() + offset, gzipped.size() - offset);
                               });
    } else {
      res.set_content(plain, kTextFormat);
    }
    res.set_header("Vary", "Accept-Encoding");
  });
  int baseline_port = args.baseline_port;
  if (baseline_port == 0) {
    baseline_port = baseline.bind_to_any_port("127.0.0.1");
  } else if (!baseline.bind_to_port("127.0.0.1", baseline_port)) {
    baseline_port = -1;
  }
  if (baseline_port <= 0) {
    std::fprintf(stderr, "fme_bench_serve: baseline: cannot bind 127.0.0.1:%d\n", args.baseline_port);
    exporter.Stop();
    return 1;
  }
  std::thread baseline_thread([&] { baseline.listen_after_bind(); });

  std::printf("exporter_port=%d\nbaseline_port=%d\n", exporter.port(), baseline_port);
  std::fflush(stdout);

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::fprintf(stderr, "fme_bench_serve: signal %d, stopping\n", signal_number);

  baseline.stop();
  baseline_thread.join();
  exporter.Stop();
  return 0;
}

}  // namespace
}  // namespace fme::bench

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so every thread inherits the mask and
  // sigwait() in Run() is the one place they are received.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return fme::bench::Run(fme::bench::ParseArgs(argc, argv));
}
