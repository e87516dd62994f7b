#include "exposition/exposition_cache.h"

#include "exposition/snapshot_renderer.h"

namespace fme {

ExpositionCache::ExpositionCache(SnapshotStore& store, SelfMetrics& self)
    : store_(store), self_(self), current_(std::make_shared<Rendered>()) {}

ExpositionCache::~ExpositionCache() { Stop(); }

void ExpositionCache::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { RenderLoop(); });
}

void ExpositionCache::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ExpositionCache::MarkDirty() {
  {
    std::lock_guard lock(mu_);
    dirty_ = true;
  }
  cv_.notify_all();
}

void ExpositionCache::RenderLoop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || dirty_; });
    if (stopping_) return;
    dirty_ = false;
    lock.unlock();
    RenderNow();
    lock.lock();
  }
}

void ExpositionCache::RenderNow() {
  std::lock_guard render_lock(render_mu_);
  SnapshotPtr snap = store_.Current();
  auto r = std::make_shared<Rendered>();
  r->generation = snap->generation;
  r->snapshot_created = snap->created;
  r->series = RenderSnapshot(*snap, r->text);
  r->gzip = DeflateBody(r->text);
  self_.SetSeries(static_cast<double>(r->series));
  std::lock_guard lock(mu_);
  current_ = std::move(r);
}

std::shared_ptr<const Rendered> ExpositionCache::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace fme
