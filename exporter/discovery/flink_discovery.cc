#include "discovery/flink_discovery.h"

#include <algorithm>
#include <tuple>

#include "discovery/url_template.h"

namespace fme {
namespace {

constexpr std::size_t kMaxReported = 10000;

const MesosObservation* FreshState(const TargetState& t) {
  if (!t.up || !t.observation) return nullptr;
  const auto* obs = std::get_if<MesosObservation>(&*t.observation);
  // Without per-framework state (no leader yet, state off) nothing can be concluded.
  if (obs == nullptr || obs->origin == MesosStateOrigin::kNone) return nullptr;
  return obs;
}

bool RunsTaskManagers(const MesosFramework& f) {
  return std::any_of(f.taskmanager_tasks.begin(), f.taskmanager_tasks.end(),
                     [](const MesosTask& t) { return !IsTerminal(t.state); });
}

}  // namespace

FlinkDiscovery::FlinkDiscovery(const Config& config) : static_(config.flink_clusters) {
  for (const MesosClusterConfig& m : config.mesos_clusters) {
    if (!m.discover_flink) continue;
    Cluster c;
    c.name = m.name;
    c.settings = *m.discover_flink;
    // The config loader has validated the patterns.
    for (const std::string& p : c.settings.framework_names) {
      c.patterns.emplace_back(p, std::regex::ECMAScript);
    }
    clusters_.push_back(std::move(c));
  }
}

bool FlinkDiscovery::Update(const Snapshot& snapshot, WallTime now) {
  bool recomputed = false;
  for (Cluster& cluster : clusters_) {
    auto it = std::find_if(snapshot.targets.begin(), snapshot.targets.end(), [&](const auto& t) {
      return t->target.kind == SourceKind::kMesos && t->target.name == cluster.name;
    });
    if (it == snapshot.targets.end()) continue;
    const MesosObservation* obs = FreshState(**it);
    if (obs == nullptr) continue;  // keep what was found before
    const bool timer_due = cluster.next_drop && *cluster.next_drop <= now;
    if (*it == cluster.seen && !timer_due) continue;
    cluster.seen = *it;
    Recompute(cluster, *obs, now);
    recomputed = true;
  }
  if (!recomputed) return false;
  std::vector<FlinkClusterConfig> next = Assemble();
  auto same = [](const FlinkClusterConfig& a, const FlinkClusterConfig& b) {
    return std::tie(a.name, a.rest_url, a.mesos_cluster, a.mesos_framework) ==
           std::tie(b.name, b.rest_url, b.mesos_cluster, b.mesos_framework);
  };
  const bool changed = !std::equal(next.begin(), next.end(), targets_.begin(), targets_.end(), same);
  targets_ = std::move(next);
  return changed;
}

void FlinkDiscovery::Recompute(Cluster& cluster, const MesosObservation& obs, WallTime now) {
  const FlinkDiscoveryConfig& d = cluster.settings;
  cluster.candidates.clear();
  cluster.name_counts.clear();
  cluster.next_drop.reset();
  std::map<std::string, WallTime> still_disconnected;
  for (const MesosFramework& f : obs.frameworks) {
    ++cluster.name_counts[f.name];
    const bool by_name = std::any_of(cluster.patterns.begin(), cluster.patterns.end(),
                                     [&](const std::regex& r) { return std::regex_match(f.name, r); });
    if (!by_name && !(d.taskmanager_tasks && RunsTaskManagers(f))) continue;
    if (!f.connected) {
      auto since = cluster.disconnected_since.find(f.id);
      const WallTime start = since != cluster.disconnected_since.end() ? since->second : now;
      still_disconnected.emplace(f.id, start);
      const WallTime drop_at = start + d.drop_after;
      if (drop_at <= now) continue;
      cluster.next_drop = cluster.next_drop ? std::min(*cluster.next_drop, drop_at) : drop_at;
    }
    Result<std::string> url = ExpandUrlTemplate(
        d.url_template, {f.webui_url, f.id, f.name, cluster.name});
    if (!url.ok()) {
      const std::string key = cluster.name + "/" + f.id + "/" + url.status().message();
      if (reported_.size() >= kMaxReported) reported_.clear();  // frameworks churn; stay bounded
      if (reported_.insert(key).second) {
        problems_.push_back("mesos cluster " + cluster.name + ", framework " + f.name +
                            " (" + f.id + "): " + url.status().message());
      }
      continue;
    }
    cluster.candidates.push_back({f.id, f.name, std::move(*url)});
  }
  cluster.disconnected_since = std::move(still_disconnected);
  std::sort(cluster.candidates.begin(), cluster.candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.framework_id < b.framework_id; });
}

bool FlinkDiscovery::CoveredByStatic(const Cluster& cluster, const Candidate& c) const {
  return std::any_of(static_.begin(), static_.end(), [&](const FlinkClusterConfig& s) {
    if (s.rest_url == c.url) return true;
    if (s.mesos_cluster != cluster.name) return false;
    if (s.mesos_framework == c.framework_id) return true;
    // By name only when the name is unambiguous, as the join resolves it.
    auto n = cluster.name_counts.find(c.framework_name);
    return s.mesos_framework == c.framework_name && n != cluster.name_counts.end() &&
           n->second == 1;
  });
}

std::vector<FlinkClusterConfig> FlinkDiscovery::Assemble() const {
  struct Found {
    const Cluster* cluster;
    const Candidate* candidate;
  };
  std::vector<Found> found;
  std::set<std::string> urls;
  for (const Cluster& cluster : clusters_) {
    for (const Candidate& c : cluster.candidates) {
      if (CoveredByStatic(cluster, c)) continue;
      // The same JobManager seen through two Mesos clusters is polled once.
      if (!urls.insert(c.url).second) continue;
      found.push_back({&cluster, &c});
    }
  }
  std::map<std::string, int> uses;
  for (const FlinkClusterConfig& s : static_) ++uses[s.name];
  for (const Found& f : found) ++uses[f.candidate->framework_name];

  std::vector<FlinkClusterConfig> out;
  out.reserve(found.size());
  for (const Found& f : found) {
    const FlinkDiscoveryConfig& d = f.cluster->settings;
    FlinkClusterConfig c;
    const std::string& name = f.candidate->framework_name;
    c.name = uses[name] == 1 && !name.empty() ? name : name + "@" + f.candidate->framework_id;
    c.rest_url = f.candidate->url;
    c.poll = d.poll;
    c.auth = d.auth;
    c.tls = d.tls;
    c.collect = d.collect;
    c.mesos_cluster = f.cluster->name;
    c.mesos_framework = f.candidate->framework_id;
    c.discovered_from = f.cluster->name;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(),
            [](const FlinkClusterConfig& a, const FlinkClusterConfig& b) { return a.name < b.name; });
  return out;
}

std::vector<std::string> FlinkDiscovery::TakeProblems() {
  std::vector<std::string> out;
  out.swap(problems_);
  return out;
}

}  // namespace fme
