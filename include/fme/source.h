// Source: one upstream target (one Flink cluster, one Mesos cluster).
//
// Poll() fetches what the target knows and returns plain value types; it knows nothing of
// Prometheus, scheduling or other targets. It must return by `deadline` (give or take the
// HttpClient's granularity) and report failure as a Status, never by throwing. The Poller
// guarantees that Poll() of one Source is never called concurrently with itself, so a Source
// may keep state between polls (a cached version, a leader) without locking.
#pragma once

#include <functional>
#include <string>
#include <variant>

#include "fme/clock.h"
#include "fme/model/flink.h"
#include "fme/model/mesos.h"
#include "fme/status.h"

namespace fme {

enum class SourceKind { kFlink, kMesos };

// "flink" or "mesos": the `source` label of self-metrics.
std::string_view SourceKindName(SourceKind kind);

// Identity of a target as users see it. `url` is for display: it never carries credentials.
struct TargetInfo {
  SourceKind kind = SourceKind::kFlink;
  std::string name;  // the flink_cluster / mesos_cluster label value; unique per kind
  std::string url;   // REST URL, or the masters joined with ","
  // Flink targets running on Mesos: the Mesos cluster (its name) and framework (id or name)
  // whose tasks are this cluster's TaskManagers. Empty otherwise.
  std::string mesos_cluster = {};
  std::string mesos_framework = {};
  // Discovered targets: the Mesos cluster they were found through. Empty for configured ones.
  std::string discovered_from = {};
  // False for a Mesos cluster that this shard polls only for Flink discovery and the
  // TaskManager join: another shard owns it and exports its series (docs/scaling.md).
  bool exported = true;
};

using Observation = std::variant<FlinkObservation, MesosObservation>;

class Source {
 public:
  virtual ~Source() = default;
  virtual const TargetInfo& target() const = 0;
  virtual Result<Observation> Poll(SteadyTime deadline) = 0;

  // A source that learns of changes between polls (the Mesos event stream) calls `changed`,
  // from any thread, to ask for an early poll; such a poll may reuse what did not change.
  // The Poller installs it before the first poll. Default: no such changes.
  virtual void SetChangeListener(std::function<void()> changed) { (void)changed; }
};

}  // namespace fme
