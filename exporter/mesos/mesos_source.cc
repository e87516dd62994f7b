#include "mesos/mesos_source.h"

#include <algorithm>
#include <future>

#include "http/url.h"
#include "mesos/mesos_v0_parser.h"
#include "mesos/metrics_snapshot_parser.h"
#include "sources/fetch.h"

namespace fme {
namespace {

std::string JoinMasters(const std::vector<std::string>& masters) {
  std::string out;
  for (const auto& m : masters) {
    if (!out.empty()) out += ',';
    out += m;
  }
  return out;
}

}  // namespace

TargetInfo MesosSource::TargetFor(const MesosClusterConfig& config) {
  return {SourceKind::kMesos, config.name, JoinMasters(config.masters)};
}

MesosSource::MesosSource(const MesosClusterConfig& config, HttpClient& http, Clock& clock)
    : target_(TargetFor(config)),
      masters_(config.masters),
      auth_(config.auth),
      collect_(config.collect),
      http_(http),
      clock_(clock),
      interval_(config.poll.interval) {
  // The config loader has validated the patterns.
  for (const auto& p : collect_.task_frameworks) task_frameworks_.emplace_back(p, std::regex::ECMAScript);
  if (collect_.state == MesosStateMode::kEvents) {
    MesosEventStreamOptions options;
    options.idle_timeout = collect_.event_stream_idle_timeout;
    options.backoff_max = collect_.reconnect_backoff_max;
    stream_ = std::make_unique<MesosEventStream>(config.name, options, auth_, http_, clock_);
  }
}

void MesosSource::SetChangeListener(std::function<void()> changed) {
  if (!stream_) return;  // only the event stream learns of changes between polls
  // Set before the first poll starts the stream's thread, which is the only caller.
  stream_->SetOnChange([this, changed = std::move(changed)] {
    stream_changed_.store(true);
    changed();
  });
}

MesosSource::~MesosSource() {
  if (stream_) stream_->Stop();
}

void MesosSource::FetchVersions(SteadyTime deadline, const std::vector<bool>& reachable) {
  for (std::size_t i = 0; i < masters_.size(); ++i) {
    if (!reachable[i]) {
      versions_.erase(masters_[i]);  // it may come back upgraded
      continue;
    }
    if (versions_.count(masters_[i]) > 0) continue;
    auto body = FetchOk(http_, masters_[i] + "/version", deadline, auth_, "/version");
    if (!body.ok()) continue;  // the version is a nicety; try again next poll
    if (auto v = ParseMesosVersion(*body); v.ok()) versions_[masters_[i]] = *v;
  }
}

void MesosSource::ReconcileAgents(const std::string& leader, SteadyTime deadline,
                                  MesosObservation& obs) {
  const SteadyTime now = clock_.Steady();
  if (leader.empty() || !stream_->HasState() ||
      (last_state_poll_ && now - *last_state_poll_ < collect_.state_poll_interval)) {
    return;
  }
  last_state_poll_ = now;
  auto body = FetchOk(http_, leader + "/master/slaves", deadline, auth_, "/master/slaves");
  auto agents = body.ok() ? ParseMasterSlaves(*body)
                          : Result<std::vector<MesosAgentRecord>>(body.status());
  if (!agents.ok()) {
    obs.endpoint_errors.push_back(
        {"/master/slaves", std::string(StatusCodeName(agents.status().code()))});
    return;
  }
  stream_->ReconcileAgents(*agents);
}

void MesosSource::PollState(const std::string& leader, SteadyTime deadline,
                            MesosObservation& obs) {
  const SteadyTime now = clock_.Steady();
  const bool due = !poll_model_filled_ || !last_state_poll_ ||
                   now - *last_state_poll_ >= collect_.state_poll_interval;
  if (due && !leader.empty()) {
    auto record = [&](std::string_view endpoint, const Status& st) {
      obs.endpoint_errors.push_back({std::string(endpoint), std::string(StatusCodeName(st.code()))});
    };
    MesosStateRecords state;
    bool ok = true;
    if (auto body = FetchOk(http_, leader + "/master/slaves", deadline, auth_, "/master/slaves");
        !body.ok()) {
      record("/master/slaves", body.status());
      ok = false;
    } else if (auto agents = ParseMasterSlaves(*body); !agents.ok()) {
      record("/master/slaves", agents.status());
      ok = false;
    } else {
      state.agents = std::move(agents).value();
    }
    if (ok) {
      auto body = FetchOk(http_, leader + "/master/state-summary", deadline, auth_,
                          "/master/state-summary");
      auto summary = body.ok() ? ParseMasterStateSummary(*body)
                               : Result<MesosStateRecords>(body.status());
      if (!summary.ok()) {
        record("/master/state-summary", summary.status());
        ok = false;
      } else {
        state.frameworks = std::move(summary->frameworks);
      }
    }
    if (ok) {
      // The summary has no roles; without them the role label is just empty, so a failure here
      // is counted but does not discard the state.
      auto body = FetchOk(http_, leader + "/master/roles", deadline, auth_, "/master/roles");
      auto roles = body.ok() ? ParseMasterRoles(*body)
                             : Result<std::map<std::string, std::string>>(body.status());
      if (!roles.ok()) {
        record("/master/roles", roles.status());
      } else {
        for (MesosFrameworkRecord& f : state.frameworks) {
          if (auto r = roles->find(f.id); r != roles->end() && f.role.empty()) f.role = r->second;
        }
      }
    }
    // Tasks only of the frameworks that need them (Flink's), a page at a time: the master sorts
    // every task it knows for each call, so pages bound the response, not its work.
    for (const MesosFrameworkRecord& f : state.frameworks) {
      if (!ok) break;
      const bool wanted = std::any_of(task_frameworks_.begin(), task_frameworks_.end(),
                                      [&](const std::regex& re) { return std::regex_match(f.name, re); });
      if (!wanted) continue;
      constexpr int kMaxPages = 100;
      for (int page = 0; page < kMaxPages; ++page) {
        const std::string url = leader + "/master/tasks?framework_id=" + EscapePathSegment(f.id) +
                                "&order=asc&limit=" + std::to_string(collect_.task_page_size) +
                                "&offset=" + std::to_string(page * collect_.task_page_size);
        auto body = FetchOk(http_, url, deadline, auth_, "/master/tasks");
        auto tasks = body.ok() ? ParseMasterTasks(*body)
                               : Result<std::vector<MesosTaskRecord>>(body.status());
        if (!tasks.ok()) {
          record("/master/tasks", tasks.status());
          ok = false;
          break;
        }
        const std::size_t n = tasks->size();
        for (auto& t : *tasks) {
          // /master/tasks ignores framework_id on some versions; keep only what was asked for.
          if (t.framework_id == f.id) state.tasks.push_back(std::move(t));
        }
        if (n < static_cast<std::size_t>(collect_.task_page_size)) break;
      }
    }
    if (ok) {
      poll_model_.Reset(std::move(state));
      poll_model_filled_ = true;
      last_state_poll_ = now;
    }
  }
  if (!poll_model_filled_) return;
  poll_model_.Fill(obs);
  obs.origin = MesosStateOrigin::kPolling;
  // v0 statuses carry no reasons: the master's own per-framework counters are the better
  // termination counts here.
  for (MesosFramework& f : obs.frameworks) {
    auto it = std::find_if(framework_counters_.begin(), framework_counters_.end(),
                           [&](const MasterMetrics::FrameworkTasks& c) { return c.framework_id == f.id; });
    if (it != framework_counters_.end()) f.terminations = it->terminal;
  }
}

Result<Observation> MesosSource::Poll(SteadyTime deadline) {
  if (masters_.empty()) return Status::InvalidArgument("no Mesos masters configured");
  const SteadyTime started = clock_.Steady();
  // Light poll: the stream changed the model and the last full poll is recent. The masters'
  // figures change slowly and are re-read on the regular schedule; task state should not wait.
  if (stream_ && last_full_ && last_full_poll_ && started - *last_full_poll_ < interval_ * 9 / 10 &&
      !stream_->Refused() && stream_changed_.exchange(false)) {
    MesosObservation obs = *last_full_;
    for (EndpointError& e : stream_->TakeErrors()) obs.endpoint_errors.push_back(std::move(e));
    stream_->Fill(obs);
    return Observation(std::move(obs));
  }
  stream_changed_.store(false);  // this poll reads the model as it is now
  // Ask the master to answer within most of our budget, leaving room for the transfer; metrics
  // not ready by then are omitted by the master rather than stalling the poll.
  auto budget = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_.Steady());
  auto server_timeout = std::max<std::chrono::milliseconds>(budget * 8 / 10,
                                                            std::chrono::milliseconds(100));
  const std::string path = "/metrics/snapshot?timeout=" + std::to_string(server_timeout.count()) + "ms";

  std::vector<std::future<Result<MasterMetrics>>> answers;
  answers.reserve(masters_.size());
  for (const auto& master : masters_) {
    answers.push_back(std::async(std::launch::async, [&, url = master + path]() -> Result<MasterMetrics> {
      auto body = FetchOk(http_, url, deadline, auth_, "/metrics/snapshot");
      if (!body.ok()) return body.status();
      return ParseMasterMetricsSnapshot(*body);
    }));
  }

  MesosObservation obs;
  std::optional<Status> first_error;
  std::vector<bool> reachable(masters_.size(), false);
  for (std::size_t i = 0; i < masters_.size(); ++i) {
    Result<MasterMetrics> r = answers[i].get();
    MesosMasterStatus st;
    if (r.ok()) {
      st = r->self;
      st.reachable = true;
      reachable[i] = true;
      if (!obs.leader && st.elected.value_or(0) >= 1) {
        obs.leader = i;
        obs.cluster = r->cluster;
        obs.terminations = std::move(r->terminations);
        framework_counters_ = std::move(r->frameworks);
      }
    } else {
      st.error = r.status().ToString();
      if (!first_error) first_error = r.status();
    }
    st.url = masters_[i];
    obs.masters.push_back(std::move(st));
  }
  bool any_reachable = std::any_of(obs.masters.begin(), obs.masters.end(),
                                   [](const MesosMasterStatus& m) { return m.reachable; });
  if (!any_reachable) {
    last_full_.reset();  // no light poll may turn a cluster that is down up again
    if (stream_) stream_->SetLeader("");
    return first_error->WithContext("no Mesos master answered (" +
                                    std::to_string(masters_.size()) + " tried)");
  }
  FetchVersions(deadline, reachable);
  for (MesosMasterStatus& m : obs.masters) {
    if (auto v = versions_.find(m.url); v != versions_.end()) m.version = v->second;
  }
  const std::string leader = obs.leader ? masters_[*obs.leader] : std::string();
  if (!leader.empty()) {
    if (auto v = versions_.find(leader); v != versions_.end()) obs.leader_version = v->second;
  }

  if (stream_) {
    // With no leader known the stream keeps its last model and waits; it resubscribes to
    // whichever master leads next.
    if (!leader.empty()) stream_->SetLeader(leader);
    if (!stream_started_) {
      stream_->Start();
      stream_started_ = true;
    }
    for (EndpointError& e : stream_->TakeErrors()) obs.endpoint_errors.push_back(std::move(e));
    if (stream_->Refused()) {
      stream_->Fill(obs);
      PollState(leader, deadline, obs);
    } else {
      ReconcileAgents(leader, deadline, obs);
      // What a light poll reuses: everything but the stream's state and this poll's errors.
      last_full_ = obs;
      last_full_->endpoint_errors.clear();
      last_full_poll_ = started;
      stream_->Fill(obs);
    }
  } else if (collect_.state == MesosStateMode::kPolling) {
    PollState(leader, deadline, obs);
  }
  return Observation(std::move(obs));
}

}  // namespace fme
