// The normalized model as JSON: what `GET /api/v1/snapshot` serves, for debugging and scripts.
// The document's shape is docs/api.md. Field names follow the metric names (base units in the
// name: `_seconds`, `_bytes`, `_ratio`), values not reported upstream are left out rather than
// written as null or 0, and URLs and error texts are free of URL credentials. Pure functions;
// thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "fme/snapshot.h"
#include "fme/status.h"

namespace fme {

// Which parts of the snapshot to include. Naming a Flink cluster or a job restricts the answer
// to Flink clusters, naming a Mesos cluster to Mesos clusters; naming both kinds keeps both.
struct SnapshotFilter {
  std::optional<std::string> flink_cluster;  // only this Flink cluster
  std::optional<std::string> mesos_cluster;  // only this Mesos cluster
  // Only jobs with this id, and only the Flink clusters that have one.
  std::optional<std::string> job_id;

  bool operator==(const SnapshotFilter&) const = default;
};

// Reads a filter from URL query parameters (already percent-decoded). An unknown parameter, or
// one given twice, is kInvalidArgument with a message meant for the client.
Result<SnapshotFilter> ParseSnapshotFilter(const std::multimap<std::string, std::string>& params);

// The snapshot as a JSON document, compact (no indentation).
std::string SnapshotToJson(const Snapshot& snapshot, const SnapshotFilter& filter = {});

// {"error": message} as a JSON document.
std::string JsonError(std::string_view message);

}  // namespace fme
