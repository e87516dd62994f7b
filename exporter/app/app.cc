#include "app/app.h"

#include <algorithm>

#include "flink/flink_source.h"
#include "http/httplib_client.h"
#include "log/log.h"
#include "mesos/mesos_source.h"
#include "sources/instrumented_http_client.h"

namespace fme {
namespace {

// Enough threads that every target polls on its own; a slow target never queues another.
constexpr int kMaxPollThreads = 256;

HttpClientOptions ClientOptions(const Config& c) {
  HttpClientOptions o;
  o.connect_timeout = c.http.connect_timeout;
  o.max_body_bytes = c.http.max_response_bytes;
  o.max_redirects = c.http.max_redirects;
  // Deadlines bound every read; the read timeout only needs to cover the longest poll.
  o.read_timeout = c.poll.timeout;
  for (const auto& f : c.flink_clusters) o.read_timeout = std::max(o.read_timeout, f.poll.timeout);
  for (const auto& m : c.mesos_clusters) o.read_timeout = std::max(o.read_timeout, m.poll.timeout);
  o.user_agent = std::string("flink-mesos-exporter/") + FME_VERSION;
  return o;
}

}  // namespace

App::App(Config config, WebServerOptions web, Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      http_(std::make_unique<HttplibClient>(ClientOptions(config_))),
      self_(clock, FME_VERSION, FME_REVISION),
      store_(clock),
      cache_(store_, self_),
      poll_log_(clock),
      server_(std::move(web), cache_, self_, store_, clock) {
  const int targets = static_cast<int>(config_.flink_clusters.size() + config_.mesos_clusters.size());
  pool_ = std::make_unique<ThreadPool>(std::clamp(targets, 1, kMaxPollThreads));
  poller_ = std::make_unique<Poller>(clock_, *pool_, store_, this);

  std::vector<TargetInfo> infos;
  auto instrumented = [&](const TargetInfo& info) -> HttpClient& {
    target_clients_.push_back(std::make_unique<InstrumentedHttpClient>(*http_, info, self_));
    return *target_clients_.back();
  };
  for (const auto& m : config_.mesos_clusters) {
    auto source = std::make_unique<MesosSource>(m, instrumented(MesosSource::TargetFor(m)), clock_);
    infos.push_back(source->target());
    self_.AddTarget(source->target());
    poller_->AddTarget(std::move(source), m.poll);
  }
  for (const auto& f : config_.flink_clusters) {
    auto source =
        std::make_unique<FlinkSource>(f, instrumented(FlinkSource::TargetFor(f)), clock_);
    infos.push_back(source->target());
    self_.AddTarget(source->target());
    poller_->AddTarget(std::move(source), f.poll);
  }
  store_.SetTargets(infos);
  store_.SetListener([this](const SnapshotPtr&) { cache_.MarkDirty(); });
}

App::~App() { Stop(); }

Status App::Start() {
  cache_.RenderNow();
  cache_.Start();
  Status st = server_.Start();
  if (!st.ok()) return st;
  poll_thread_ = std::thread([this] { poller_->Run(); });
  log::Info("started", {{"targets", static_cast<int64_t>(store_.Current()->targets.size())}});
  return Status::Ok();
}

void App::Stop() {
  if (poller_) poller_->Stop();
  if (poll_thread_.joinable()) poll_thread_.join();
  server_.Stop();
  poller_.reset();  // waits for polls in flight
  pool_.reset();
  cache_.Stop();
}

void App::OnPollDone(const TargetInfo& target, const PollOutcome& outcome) {
  self_.OnPollDone(target, outcome);
  std::string key = std::string(SourceKindName(target.kind)) + "/" + target.name;
  if (outcome.status.ok()) {
    poll_log_.Recovered(key, "poll succeeded again",
                        {{"source", SourceKindName(target.kind)}, {"target", target.name}});
  } else {
    poll_log_.Failure(key, "poll failed",
                      {{"source", SourceKindName(target.kind)},
                       {"target", target.name},
                       {"kind", StatusCodeName(outcome.status.code())},
                       {"err", outcome.status.message()}});
  }
}

}  // namespace fme
