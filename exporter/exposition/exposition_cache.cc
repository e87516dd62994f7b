#include "exposition/exposition_cache.h"

#include "exposition/snapshot_renderer.h"

#include <utility>
#include <vector>

namespace fme {

namespace {

// One spare is enough: a render takes it, and the rendering it replaces becomes the next spare
// once released. A second released buffer (a slow scrape finishing late) is freed instead of
// keeping a third copy of the body alive.
constexpr std::size_t kMaxSpares = 1;

}  // namespace

ExpositionCache::ExpositionCache(SnapshotStore& store, SelfMetrics& self)
    : store_(store), self_(self), pool_(std::make_shared<SparePool>()) {
  pool_->spares.reserve(kMaxSpares);  // so that a deleter never allocates (nor throws)
  current_ = TakeRendered();
}

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

std::shared_ptr<Rendered> ExpositionCache::TakeRendered() {
  std::unique_ptr<Rendered> r;
  {
    std::lock_guard lock(pool_->mu);
    if (!pool_->spares.empty()) {
      r = std::move(pool_->spares.back());
      pool_->spares.pop_back();
    }
  }
  if (r == nullptr) r = std::make_unique<Rendered>();
  // The deleter runs on the thread that drops the last reference, after that thread's reads of
  // the body; the pool's mutex orders them before the next render's writes.
  return std::shared_ptr<Rendered>(r.release(), [pool = pool_](Rendered* released) {
    std::unique_ptr<Rendered> owned(released);  // freed after the unlock when the pool is full
    std::lock_guard lock(pool->mu);
    if (pool->spares.size() < kMaxSpares) pool->spares.push_back(std::move(owned));
  });
}

std::size_t ExpositionCache::SpareCount() const {
  std::lock_guard lock(pool_->mu);
  return pool_->spares.size();
}

void ExpositionCache::RenderNow() {
  std::lock_guard render_lock(render_mu_);
  SnapshotPtr snap = store_.Current();
  std::shared_ptr<Rendered> r = TakeRendered();
  r->text.clear();  // keeps the capacity of a recycled buffer
  r->generation = snap->generation;
  r->snapshot_created = snap->created;
  r->text.reserve(Current()->text.size() + (64u << 10));  // the next body is about as large
  std::vector<SeriesOverLimit> over_limit;
  r->series = RenderSnapshot(*snap, r->text, SeriesLimitsNow(), &over_limit);
  // Level 1: for a 100 MB body, 2.5x faster than the default level for 20 % more bytes; the
  // render thread's time matters more than a few MB on loopback-fast scrapes.
  r->gzip = DeflateBody(r->text, 1);
  self_.SetSeries(static_cast<double>(r->series));
  self_.SetSeriesOverLimit(over_limit);
  self_.Current();  // re-render the self-metrics here, not in the next scrape
  std::shared_ptr<Rendered> previous;
  {
    std::lock_guard lock(mu_);
    previous = std::exchange(current_, std::move(r));
  }
  // No new scrape can take `previous` now: dropping it here (or in the last scrape holding it)
  // returns its buffers to the pool for the next render.
}

void ExpositionCache::SetSeriesLimits(const SeriesLimits& limits) {
  {
    std::lock_guard lock(mu_);
    if (limits_ == limits) return;
    limits_ = limits;
  }
  MarkDirty();  // the next rendering applies them
}

SeriesLimits ExpositionCache::SeriesLimitsNow() const {
  std::lock_guard lock(mu_);
  return limits_;
}

std::shared_ptr<const Rendered> ExpositionCache::Current() const {
  std::lock_guard lock(mu_);
  return current_;
}

}  // namespace fme
