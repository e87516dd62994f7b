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

// How often the discovery thread looks again without being woken (disconnected frameworks
// are dropped on a timer, not on a state change).
constexpr auto kDiscoveryTick = std::chrono::seconds(1);

HttpClientOptions ClientOptions(const Config& c) {
  HttpClientOptions o;
  o.connect_timeout = c.http.connect_timeout;
  o.max_body_bytes = c.http.max_response_bytes;
  o.max_redirects = c.http.max_redirects;
  // Deadlines bound every read; the read timeout only needs to cover the longest poll.
  o.read_timeout = c.poll.timeout;
  for (const auto& f : c.flink_clusters) o.read_timeout = std::max(o.read_timeout, f.poll.timeout);
  for (const auto& m : c.mesos_clusters) {
    o.read_timeout = std::max(o.read_timeout, m.poll.timeout);
    if (m.discover_flink) o.read_timeout = std::max(o.read_timeout, m.discover_flink->poll.timeout);
  }
  o.user_agent = std::string("flink-mesos-exporter/") + FME_VERSION;
  return o;
}

// A discovered cluster's source together with the HTTP client it sends through, so that both
// go away when the Poller lets go of the target (after its last poll).
class SourceWithClient final : public Source {
 public:
  SourceWithClient(std::unique_ptr<HttpClient> client, const FlinkClusterConfig& config,
                   Clock& clock)
      : client_(std::move(client)), source_(config, *client_, clock) {}
  const TargetInfo& target() const override { return source_.target(); }
  Result<Observation> Poll(SteadyTime deadline) override { return source_.Poll(deadline); }

 private:
  std::unique_ptr<HttpClient> client_;  // declared first: outlives source_
  FlinkSource source_;
};

}  // namespace

App::App(Config config, WebServerOptions web, Clock& clock)
    : config_(std::move(config)),
      clock_(clock),
      http_(std::make_unique<HttplibClient>(ClientOptions(config_))),
      self_(clock, FME_VERSION, FME_REVISION),
      store_(clock),
      cache_(store_, self_),
      poll_log_(clock),
      server_(std::move(web), cache_, self_, store_, clock),
      discovery_(config_) {
  const int targets = static_cast<int>(config_.flink_clusters.size() + config_.mesos_clusters.size());
  pool_ = std::make_unique<ThreadPool>(std::clamp(targets, 1, kMaxPollThreads));
  poller_ = std::make_unique<Poller>(clock_, *pool_, store_, this);

  auto instrumented = [&](const TargetInfo& info) -> HttpClient& {
    target_clients_.push_back(std::make_unique<InstrumentedHttpClient>(*http_, info, self_));
    return *target_clients_.back();
  };
  for (const auto& m : config_.mesos_clusters) {
    auto source = std::make_unique<MesosSource>(m, instrumented(MesosSource::TargetFor(m)), clock_);
    configured_.push_back(source->target());
    self_.AddTarget(source->target());
    poller_->AddTarget(std::move(source), m.poll);
  }
  for (const auto& f : config_.flink_clusters) {
    auto source =
        std::make_unique<FlinkSource>(f, instrumented(FlinkSource::TargetFor(f)), clock_);
    configured_.push_back(source->target());
    self_.AddTarget(source->target());
    poller_->AddTarget(std::move(source), f.poll);
  }
  store_.SetTargets(configured_);
  const bool discovery = discovery_.enabled();
  store_.SetListener([this, discovery](const SnapshotPtr&) {
    cache_.MarkDirty();
    if (discovery) {
      std::lock_guard lock(discovery_mu_);
      discovery_dirty_ = true;
      discovery_cv_.notify_one();
    }
  });
}

App::~App() { Stop(); }

Status App::Start() {
  cache_.RenderNow();
  cache_.Start();
  Status st = server_.Start();
  if (!st.ok()) return st;
  poll_thread_ = std::thread([this] { poller_->Run(); });
  if (discovery_.enabled()) discovery_thread_ = std::thread([this] { DiscoveryLoop(); });
  log::Info("started", {{"targets", static_cast<int64_t>(store_.Current()->targets.size())}});
  return Status::Ok();
}

void App::Stop() {
  {
    std::lock_guard lock(discovery_mu_);
    discovery_stop_ = true;
    discovery_cv_.notify_all();
  }
  if (discovery_thread_.joinable()) discovery_thread_.join();
  if (poller_) poller_->Stop();
  if (poll_thread_.joinable()) poll_thread_.join();
  server_.Stop();
  poller_.reset();  // waits for polls in flight
  pool_.reset();
  cache_.Stop();
}

void App::DiscoveryLoop() {
  for (;;) {
    {
      std::unique_lock lock(discovery_mu_);
      discovery_cv_.wait_for(lock, kDiscoveryTick,
                             [&] { return discovery_stop_ || discovery_dirty_; });
      if (discovery_stop_) return;
      discovery_dirty_ = false;
    }
    if (discovery_.Update(*store_.Current(), clock_.Now())) ApplyDiscovery();
    for (const std::string& problem : discovery_.TakeProblems()) {
      log::Warn("framework looks like Flink but cannot be polled", {{"err", problem}});
    }
  }
}

void App::ApplyDiscovery() {
  const std::vector<FlinkClusterConfig>& wanted = discovery_.targets();
  auto wanted_as = [&](const TargetInfo& info) {
    return std::any_of(wanted.begin(), wanted.end(), [&](const FlinkClusterConfig& c) {
      return c.name == info.name && c.rest_url == info.url &&
             c.mesos_framework == info.mesos_framework && c.discovered_from == info.discovered_from;
    });
  };
  for (auto it = discovered_.begin(); it != discovered_.end();) {
    if (wanted_as(it->second)) {
      ++it;
      continue;
    }
    poller_->RemoveTarget(SourceKind::kFlink, it->first);
    self_.RemoveTarget(it->second);
    log::Info("discovered Flink cluster dropped",
              {{"target", it->first}, {"mesos_cluster", it->second.discovered_from},
               {"framework_id", it->second.mesos_framework}});
    it = discovered_.erase(it);
  }

  std::vector<const FlinkClusterConfig*> added;
  std::vector<TargetInfo> all = configured_;
  for (const FlinkClusterConfig& c : wanted) {
    all.push_back(FlinkSource::TargetFor(c));
    if (discovered_.count(c.name) == 0) added.push_back(&c);
  }
  // The store first: a poll result for a target it does not know would be dropped.
  store_.SetTargets(all);
  pool_->Grow(std::min(static_cast<int>(all.size()), kMaxPollThreads));
  for (const FlinkClusterConfig* c : added) {
    const TargetInfo info = FlinkSource::TargetFor(*c);
    self_.AddTarget(info);
    auto client = std::make_unique<InstrumentedHttpClient>(*http_, info, self_);
    poller_->AddTarget(std::make_unique<SourceWithClient>(std::move(client), *c, clock_), c->poll);
    discovered_.emplace(info.name, info);
    log::Info("discovered Flink cluster",
              {{"target", info.name}, {"url", info.url}, {"mesos_cluster", info.discovered_from},
               {"framework_id", info.mesos_framework}});
  }
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
