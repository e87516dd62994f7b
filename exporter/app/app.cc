#include "app/app.h"

#include <algorithm>
#include <optional>

#include "flink/flink_source.h"
#include "http/upstream_client.h"
#include "log/log.h"
#include "mesos/mesos_source.h"
#include "sources/instrumented_http_client.h"
#include "sources/request_limiter.h"

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
  // Only a ceiling: every read is bounded by the time left to its poll's deadline, whatever
  // poll_timeout a reload sets.
  o.read_timeout = std::chrono::hours(1);
  o.user_agent = std::string("flink-mesos-exporter/") + FME_VERSION;
  return o;
}

// A target's source together with the HTTP client it sends through, so that both go away
// when the Poller lets go of the target (after its last poll). Its TargetInfo is the App's,
// which says whether this shard exports the target. Before each poll the client re-reads the
// target's secret files that changed.
class SourceWithClient final : public Source {
 public:
  template <typename Make>
  SourceWithClient(TargetInfo info, std::unique_ptr<UpstreamClient> upstream, SelfMetrics& self,
                   RequestLimiter& limiter, Make make)
      : info_(std::move(info)),
        upstream_(std::move(upstream)),
        client_(std::make_unique<InstrumentedHttpClient>(*upstream_, info_, self)),
        // Outside the instrumentation: a request that found no free slot never went upstream.
        limited_(std::make_unique<LimitedHttpClient>(*client_, limiter)),
        source_(make(*limited_)) {}
  const TargetInfo& target() const override { return info_; }
  Result<Observation> Poll(SteadyTime deadline) override {
    upstream_->RefreshSecrets();
    return source_->Poll(deadline);
  }
  void SetChangeListener(std::function<void()> changed) override {
    source_->SetChangeListener(std::move(changed));
  }

 private:
  TargetInfo info_;
  std::unique_ptr<UpstreamClient> upstream_;  // declared before client_ and source_: outlives them
  std::unique_ptr<HttpClient> client_;        // declared before source_: outlives it
  std::unique_ptr<HttpClient> limited_;
  std::unique_ptr<Source> source_;
};

// Whether a Mesos cluster's source must be rebuilt: everything but discovery settings.
bool SameMesosSource(const MesosClusterConfig& a, const MesosClusterConfig& b) {
  return a.name == b.name && a.masters == b.masters && a.poll == b.poll && a.auth == b.auth &&
         a.tls == b.tls && a.collect == b.collect;
}

SeriesLimits SeriesLimitsOf(const Config& c) {
  return {c.limits.max_series_per_target, c.limits.max_series};
}

WebServerOptions WithReload(WebServerOptions web, App* app, bool offered) {
  if (offered) web.reload = [app] { return app->Reload(); };
  return web;
}

}  // namespace

App::App(Config config, WebServerOptions web, Clock& clock, ConfigSource reload_from,
         Shard shard)
    : config_(std::move(config)),
      shard_(shard),
      local_(SelectTargets(config_, shard_)),
      clock_(clock),
      reload_from_(std::move(reload_from)),
      http_options_(ClientOptions(config_)),
      limiter_(config_.limits.max_concurrent_requests),
      self_(clock, FME_VERSION, FME_REVISION),
      store_(clock),
      cache_(store_, self_),
      poll_log_(clock),
      server_(WithReload(std::move(web), this, static_cast<bool>(reload_from_)), cache_, self_,
              store_, clock),
      discovery_(std::make_unique<FlinkDiscovery>(config_)) {
  const int targets = static_cast<int>(local_.flink.size() + local_.mesos.size());
  pool_ = std::make_unique<ThreadPool>(std::clamp(targets, 1, kMaxPollThreads));
  poller_ = std::make_unique<Poller>(clock_, *pool_, store_, this);
  self_.SetShard(shard_.index, shard_.count);
  cache_.SetSeriesLimits(SeriesLimitsOf(config_));
  WarnInsecureTls(config_);
  for (const auto& m : local_.mesos) AddMesos(m);
  for (const auto& f : local_.flink) AddFlink(f);
  SetTargetsLocked(configured_);  // no other thread runs yet
  store_.SetListener([this](const SnapshotPtr&) {
    cache_.MarkDirty();
    std::lock_guard lock(discovery_mu_);
    discovery_dirty_ = true;
    discovery_cv_.notify_one();
  });
}

App::~App() { Stop(); }

template <typename MakeSource>
void App::AddSource(const TargetInfo& info, const PollSettings& poll, const HttpAuth& auth,
                    const UpstreamTls& tls, MakeSource make) {
  self_.AddTarget(info);
  auto upstream = std::make_unique<UpstreamClient>(http_options_, tls, auth, info.name);
  poller_->AddTarget(std::make_unique<SourceWithClient>(info, std::move(upstream), self_, limiter_, make),
                     poll);
}

TargetInfo App::MesosTarget(const MesosClusterConfig& m) const {
  TargetInfo info = MesosSource::TargetFor(m);
  info.exported = shard_.OwnsMesos(m.name);
  return info;
}

void App::AddMesos(const MesosClusterConfig& m) {
  const TargetInfo info = MesosTarget(m);
  AddSource(info, m.poll, m.auth, m.tls,
            [&](HttpClient& http) { return std::make_unique<MesosSource>(m, http, clock_); });
  configured_.push_back(info);
}

void App::AddFlink(const FlinkClusterConfig& f) {
  const TargetInfo info = FlinkSource::TargetFor(f);
  AddSource(info, f.poll, f.auth, f.tls,
            [&](HttpClient& http) { return std::make_unique<FlinkSource>(f, http, clock_); });
  if (f.discovered_from.empty()) configured_.push_back(info);
}

Status App::Start() {
  cache_.RenderNow();
  cache_.Start();
  Status st = server_.Start();
  if (!st.ok()) return st;
  poll_thread_ = std::thread([this] { poller_->Run(); });
  discovery_thread_ = std::thread([this] { DiscoveryLoop(); });
  log::Info("started", {{"targets", static_cast<int64_t>(store_.Current()->targets.size())},
                        {"shard", static_cast<int64_t>(shard_.index)},
                        {"shards", static_cast<int64_t>(shard_.count)}});
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

Status App::Reload() {
  Result<Config> next = reload_from_ ? reload_from_() : Status::Internal("reload is not offered");
  // The web configuration is read again too, so that a broken file is reported now rather than
  // at the next restart, which it would prevent.
  std::optional<Result<WebConfig>> web;
  if (web_reload_from_) web = web_reload_from_();
  if (!next.ok() || (web && !web->ok())) {
    self_.SetReloadResult(false);
    std::string all = next.ok() ? "" : next.status().message();
    if (web && !web->ok()) all += (all.empty() ? "" : "\n") + web->status().message();
    for (std::size_t start = 0; start < all.size();) {
      const std::size_t end = std::min(all.find('\n', start), all.size());
      log::Error("configuration reload rejected; the running configuration stays",
                 {{"problem", all.substr(start, end - start)}});
      start = end + 1;
    }
    return Status::InvalidConfig(all);
  }
  Apply(std::move(next).value());
  if (web) server_.ApplyWebConfig(**web);
  // Once the reload is answered, /metrics shows the new target set and limits.
  cache_.RenderNow();
  return Status::Ok();
}

void App::SetWebConfigSource(WebConfigSource source) { web_reload_from_ = std::move(source); }

void App::Apply(Config next) {
  std::lock_guard lock(targets_mu_);
  if (!(next.http == config_.http)) {
    log::Warn("global connect_timeout, max_response_size and max_redirects take effect at the "
              "next restart");
  }
  int kept = 0, removed = 0, added = 0;
  // Only what this shard polls is compared: the shard settings do not change, so a target's
  // ownership does not either, and a cluster another shard owns is never polled here.
  ShardTargets wanted = SelectTargets(next, shard_);
  // Mesos clusters, by name: keep the unchanged, replace the changed, drop the gone.
  for (const MesosClusterConfig& old : local_.mesos) {
    auto it = std::find_if(wanted.mesos.begin(), wanted.mesos.end(),
                           [&](const MesosClusterConfig& m) { return m.name == old.name; });
    if (it != wanted.mesos.end() && SameMesosSource(old, *it)) continue;
    poller_->RemoveTarget(SourceKind::kMesos, old.name);
    self_.RemoveTarget(MesosSource::TargetFor(old));
    ++removed;
  }
  for (const FlinkClusterConfig& old : local_.flink) {
    auto it = std::find_if(wanted.flink.begin(), wanted.flink.end(),
                           [&](const FlinkClusterConfig& f) { return f.name == old.name; });
    if (it != wanted.flink.end() && *it == old) continue;
    poller_->RemoveTarget(SourceKind::kFlink, old.name);
    self_.RemoveTarget(FlinkSource::TargetFor(old));
    ++removed;
  }
  config_ = std::move(next);
  WarnInsecureTls(config_);
  limiter_.SetCapacity(config_.limits.max_concurrent_requests);
  cache_.SetSeriesLimits(SeriesLimitsOf(config_));
  const ShardTargets previous = std::exchange(local_, std::move(wanted));
  configured_.clear();
  std::vector<const MesosClusterConfig*> new_mesos;
  std::vector<const FlinkClusterConfig*> new_flink;
  for (const MesosClusterConfig& m : local_.mesos) {
    auto it = std::find_if(previous.mesos.begin(), previous.mesos.end(),
                           [&](const MesosClusterConfig& o) { return o.name == m.name; });
    if (it != previous.mesos.end() && SameMesosSource(*it, m)) {
      configured_.push_back(MesosTarget(m));
      ++kept;
    } else {
      new_mesos.push_back(&m);
    }
  }
  for (const FlinkClusterConfig& f : local_.flink) {
    auto it = std::find_if(previous.flink.begin(), previous.flink.end(),
                           [&](const FlinkClusterConfig& o) { return o.name == f.name; });
    if (it != previous.flink.end() && *it == f) {
      configured_.push_back(FlinkSource::TargetFor(f));
      ++kept;
    } else {
      new_flink.push_back(&f);
    }
  }
  // A configured Flink cluster may now have the name of a discovered one: the discovered one
  // goes (and comes back under its unique name in the round below).
  for (const FlinkClusterConfig* f : new_flink) {
    if (auto d = discovered_.find(f->name); d != discovered_.end()) {
      poller_->RemoveTarget(SourceKind::kFlink, d->first);
      self_.RemoveTarget(FlinkSource::TargetFor(d->second));
      discovered_.erase(d);
    }
  }
  // The store first: a poll result for a target it does not know would be dropped.
  std::vector<TargetInfo> infos = configured_;
  for (const auto* m : new_mesos) infos.push_back(MesosTarget(*m));
  for (const auto* f : new_flink) infos.push_back(FlinkSource::TargetFor(*f));
  for (const auto& [name, d] : discovered_) infos.push_back(FlinkSource::TargetFor(d));
  SetTargetsLocked(infos);
  pool_->Grow(std::min(static_cast<int>(infos.size()), kMaxPollThreads));
  for (const auto* m : new_mesos) AddMesos(*m);
  for (const auto* f : new_flink) AddFlink(*f);
  added = static_cast<int>(new_mesos.size() + new_flink.size());

  // Discovery follows the new settings: recomputed from the current state right away.
  discovery_ = std::make_unique<FlinkDiscovery>(config_);
  discovery_->Update(*store_.Current(), clock_.Now());
  ApplyDiscoveryLocked();
  self_.SetReloadResult(true);
  log::Info("configuration reloaded", {{"kept", static_cast<int64_t>(kept)},
                                       {"replaced_or_removed", static_cast<int64_t>(removed)},
                                       {"added", static_cast<int64_t>(added)}});
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
    std::lock_guard lock(targets_mu_);
    if (!discovery_->enabled()) continue;
    if (discovery_->Update(*store_.Current(), clock_.Now())) ApplyDiscoveryLocked();
    for (const std::string& problem : discovery_->TakeProblems()) {
      log::Warn("framework looks like Flink but cannot be polled", {{"err", problem}});
    }
  }
}

ShardStatus App::ShardStatusLocked() const {
  ShardStatus s;
  s.index = shard_.index;
  s.count = shard_.count;
  s.other_flink = local_.other_flink + discovered_elsewhere_;
  s.other_mesos = local_.other_mesos;
  return s;
}

void App::SetTargetsLocked(const std::vector<TargetInfo>& targets) {
  const ShardStatus status = ShardStatusLocked();
  self_.SetShardOthers(status.other_flink, status.other_mesos);
  store_.SetTargets(targets, status);
}

void App::PublishTargetsLocked() {
  std::vector<TargetInfo> all = configured_;
  for (const auto& [name, d] : discovered_) all.push_back(FlinkSource::TargetFor(d));
  SetTargetsLocked(all);
  pool_->Grow(std::min(static_cast<int>(all.size()), kMaxPollThreads));
}

void App::ApplyDiscoveryLocked() {
  // Every shard discovers every cluster (so that names agree) and polls those it owns.
  std::vector<FlinkClusterConfig> wanted;
  for (const FlinkClusterConfig& c : discovery_->targets()) {
    if (shard_.OwnsFlink(c)) wanted.push_back(c);
  }
  discovered_elsewhere_ = discovery_->targets().size() - wanted.size();
  for (auto it = discovered_.begin(); it != discovered_.end();) {
    const bool still = std::any_of(wanted.begin(), wanted.end(),
                                   [&](const FlinkClusterConfig& c) { return c == it->second; });
    if (still) {
      ++it;
      continue;
    }
    poller_->RemoveTarget(SourceKind::kFlink, it->first);
    self_.RemoveTarget(FlinkSource::TargetFor(it->second));
    log::Info("discovered Flink cluster dropped",
              {{"target", it->first}, {"mesos_cluster", it->second.discovered_from},
               {"framework_id", it->second.mesos_framework}});
    it = discovered_.erase(it);
  }
  std::vector<const FlinkClusterConfig*> added;
  for (const FlinkClusterConfig& c : wanted) {
    if (discovered_.count(c.name) != 0) continue;
    discovered_.emplace(c.name, c);
    added.push_back(&c);
  }
  PublishTargetsLocked();  // the store first, as in Apply()
  for (const FlinkClusterConfig* c : added) {
    AddFlink(*c);
    log::Info("discovered Flink cluster",
              {{"target", c->name}, {"url", c->rest_url}, {"mesos_cluster", c->discovered_from},
               {"framework_id", c->mesos_framework}});
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
