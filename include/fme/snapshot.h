// Snapshot: the immutable state of every target at one moment, shared by pointer.
//
// A Snapshot is built by the SnapshotStore and never changes afterwards, so any thread may read
// it without locks for as long as it holds the shared_ptr. Targets whose data did not change
// between snapshots share their TargetState objects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "fme/clock.h"
#include "fme/source.h"

namespace fme {

// The latest known state of one target.
struct TargetState {
  TargetInfo target;
  bool polled = false;  // at least one poll has finished (successfully or not)
  bool up = false;      // the last poll succeeded
  std::optional<WallTime> last_poll;
  Duration last_poll_duration{};
  std::optional<WallTime> last_success;
  std::string last_error;  // of the last failed poll; kept after recovery for the landing page
  // Data of the last poll, present only while `up`: a target that fails loses its series.
  std::optional<Observation> observation;
};

// This exporter's part of the fleet when several shards share it (docs/scaling.md).
struct ShardStatus {
  int index = 0;
  int count = 1;
  // Targets this exporter knows of (configured, or discovered here) that other shards own.
  std::size_t other_flink = 0;
  std::size_t other_mesos = 0;

  bool operator==(const ShardStatus&) const = default;
};

struct Snapshot {
  uint64_t generation = 0;
  WallTime created;
  // Sorted by (kind, name), so rendering is deterministic.
  std::vector<std::shared_ptr<const TargetState>> targets;
  ShardStatus shard = {};

  // True when every configured target has been polled at least once (`/-/ready`).
  bool AllPolled() const;
};

using SnapshotPtr = std::shared_ptr<const Snapshot>;

}  // namespace fme
