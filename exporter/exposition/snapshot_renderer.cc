#include "exposition/snapshot_renderer.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "exposition/family_buffers.h"
#include "exposition/flink_families.h"
#include "exposition/mesos_families.h"

namespace fme {
namespace {

using exposition::FamilyBuffers;
using exposition::LabelScratch;

// Asks for the memory a target's rendering will read: the state itself and the heap strings
// and vectors it points to.
void Prefetch(const TargetState& t) {
  const char* p = reinterpret_cast<const char*>(&t);
  for (std::size_t off = 0; off < sizeof(TargetState); off += 64) __builtin_prefetch(p + off);
  __builtin_prefetch(t.target.name.data());
  __builtin_prefetch(t.target.url.data());
  if (!t.observation) return;
  if (const auto* f = std::get_if<FlinkObservation>(&*t.observation)) {
    exposition::PrefetchFlink(*f);
  } else if (const auto* m = std::get_if<MesosObservation>(&*t.observation)) {
    exposition::PrefetchMesos(*m);
  }
}

// The budget of the next target: its own cap, within what the total cap leaves, but never
// less than one line, so that every target's `*_up` series stays.
std::size_t TargetBudget(const SeriesLimits& limits, std::size_t written) {
  std::size_t budget = limits.per_target == 0 ? FamilyBuffers::kUnlimited : limits.per_target;
  if (limits.total != 0) {
    const std::size_t left = written < limits.total ? limits.total - written : 0;
    budget = std::min(budget, std::max<std::size_t>(left, 1));
  }
  return budget;
}

}  // namespace

std::size_t RenderSnapshot(const Snapshot& snapshot, std::string& out, const SeriesLimits& limits,
                           std::vector<SeriesOverLimit>* over_limit) {
  // Rendering runs on one thread (the ExpositionCache's); its buffers persist between renders.
  thread_local FamilyBuffers fb;
  fb.Clear();
  LabelScratch scratch;  // reused across targets
  const exposition::MesosJoin join(snapshot);
  const bool limited = limits.per_target != 0 || limits.total != 0;
  const auto& targets = snapshot.targets;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    // Target states live wherever their poll allocated them; fetching the ones a few places
    // ahead while this one is written hides most of the memory latency of large snapshots.
    if (i + 8 < targets.size()) Prefetch(*targets[i + 8]);
    const auto& t = targets[i];
    if (!t->polled) continue;  // no series until the first poll finished
    if (!t->target.exported) continue;  // polled for discovery and the join; another shard's
    if (limited) fb.SetBudget(TargetBudget(limits, fb.samples()));
    if (t->target.kind == SourceKind::kFlink) {
      const std::optional<exposition::MesosLink> mesos = join.Find(t->target);
      exposition::RenderFlinkTarget(*t, mesos ? &*mesos : nullptr, fb, scratch);
    } else {
      exposition::RenderMesosTarget(*t, fb, scratch);
    }
    if (limited) {
      const std::size_t dropped = fb.SetBudget(FamilyBuffers::kUnlimited);
      if (dropped > 0 && over_limit != nullptr) over_limit->push_back({t->target, dropped});
    }
  }
  return fb.Join(out);
}

}  // namespace fme
