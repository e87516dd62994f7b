#include "fme/snapshot_store.h"

#include <algorithm>
#include <tuple>

namespace fme {
namespace {

bool SameTarget(const TargetInfo& a, const TargetInfo& b) {
  return a.kind == b.kind && a.name == b.name;
}

bool TargetLess(const std::shared_ptr<const TargetState>& a,
                const std::shared_ptr<const TargetState>& b) {
  return std::tie(a->target.kind, a->target.name) < std::tie(b->target.kind, b->target.name);
}

}  // namespace

bool Snapshot::AllPolled() const {
  // Discovered targets come and go; readiness is about the configured ones.
  return std::all_of(targets.begin(), targets.end(),
                     [](const auto& t) { return t->polled || !t->target.discovered_from.empty(); });
}

SnapshotStore::SnapshotStore(Clock& clock) : clock_(clock) {
  auto empty = std::make_shared<Snapshot>();
  empty->created = clock_.Now();
  current_ = std::move(empty);
}

void SnapshotStore::SetTargets(const std::vector<TargetInfo>& targets, const ShardStatus& shard) {
  std::unique_lock lock(mu_);
  std::vector<std::shared_ptr<const TargetState>> next;
  next.reserve(targets.size());
  for (const TargetInfo& info : targets) {
    auto it = std::find_if(current_->targets.begin(), current_->targets.end(),
                           [&](const auto& t) { return SameTarget(t->target, info); });
    if (it != current_->targets.end() && (*it)->target.url == info.url) {
      next.push_back(*it);
    } else {
      auto fresh = std::make_shared<TargetState>();
      fresh->target = info;
      next.push_back(std::move(fresh));
    }
  }
  std::sort(next.begin(), next.end(), TargetLess);
  PublishLocked(std::move(next), &shard);
  Listener listener = listener_;
  SnapshotPtr snap = current_;
  lock.unlock();
  if (listener) listener(snap);
}

void SnapshotStore::Update(TargetState state) {
  std::unique_lock lock(mu_);
  std::vector<std::shared_ptr<const TargetState>> next = current_->targets;
  auto it = std::find_if(next.begin(), next.end(),
                         [&](const auto& t) { return SameTarget(t->target, state.target); });
  if (it == next.end()) return;  // removed by a reload while the poll ran
  *it = std::make_shared<const TargetState>(std::move(state));
  PublishLocked(std::move(next));
  Listener listener = listener_;
  SnapshotPtr snap = current_;
  lock.unlock();
  if (listener) listener(snap);
}

void SnapshotStore::PublishLocked(std::vector<std::shared_ptr<const TargetState>> targets,
                                  const ShardStatus* shard) {
  auto snap = std::make_shared<Snapshot>();
  snap->generation = current_->generation + 1;
  snap->created = clock_.Now();
  snap->shard = shard != nullptr ? *shard : current_->shard;
  snap->targets = std::move(targets);
  current_ = std::move(snap);
}

SnapshotPtr SnapshotStore::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

void SnapshotStore::SetListener(Listener listener) {
  std::lock_guard lock(mu_);
  listener_ = std::move(listener);
}

}  // namespace fme
