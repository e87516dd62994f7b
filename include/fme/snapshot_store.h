// SnapshotStore: owns the current Snapshot and replaces it when a target's state changes.
//
// Thread-safe. Current() is wait-free for readers in practice (a mutex held only to copy one
// shared_ptr). Update() builds a new Snapshot sharing every other target's state and then calls
// the listener (outside the lock) so the exposition can re-render. Listeners run on the
// updating thread and must be quick (the renderer only marks itself dirty).
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "fme/clock.h"
#include "fme/snapshot.h"

namespace fme {

class SnapshotStore {
 public:
  using Listener = std::function<void(const SnapshotPtr&)>;

  explicit SnapshotStore(Clock& clock);

  // Declares the set of targets (in any order). Targets not listed are dropped; listed targets
  // keep their state if they were known already, otherwise start unpolled. `shard` is carried
  // by this and every later snapshot.
  void SetTargets(const std::vector<TargetInfo>& targets, const ShardStatus& shard = {});

  // Replaces the state of the target `state.target` (matched by kind and name). Unknown targets
  // are ignored: a poll may finish after its target was removed by a reload.
  void Update(TargetState state);

  SnapshotPtr Current() const;

  void SetListener(Listener listener);

 private:
  // `shard`: the new shard status; null keeps the current one.
  void PublishLocked(std::vector<std::shared_ptr<const TargetState>> targets,
                     const ShardStatus* shard = nullptr);

  Clock& clock_;
  mutable std::mutex mu_;
  SnapshotPtr current_;  // guarded by mu_
  Listener listener_;    // guarded by mu_
};

}  // namespace fme
