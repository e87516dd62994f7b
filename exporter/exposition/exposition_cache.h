// ExpositionCache: the rendered /metrics body, made once per published snapshot.
//
// MarkDirty() (called by the SnapshotStore listener) wakes a render thread that renders the
// store's current snapshot into text plus its deflated form, and swaps the result in. Scrapes
// take the current Rendered by shared_ptr and never render the snapshot themselves; only the
// small self-metrics tail is produced per scrape. Renders coalesce: many updates during one
// render cause one more render, not many. Thread-safe.
//
// Buffers are recycled: when the last reference to a Rendered goes (the swap, or the end of the
// last scrape that still served it), its deleter hands it back to a mutex-guarded pool, and the
// next render writes into its buffers. Steady-state renders so neither allocate nor page-fault
// the 100 MB a large body takes, and a render never writes to a body a scrape is still sending.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "exposition/gzip_parts.h"
#include "exposition/self_metrics.h"
#include "exposition/snapshot_renderer.h"
#include "fme/snapshot_store.h"

namespace fme {

struct Rendered {
  uint64_t generation = 0;
  WallTime snapshot_created;
  std::string text;   // text format 0.0.4
  DeflatedPart gzip;  // text deflated and sync-flushed, see gzip_parts.h
  std::size_t series = 0;
};

class ExpositionCache {
 public:
  ExpositionCache(SnapshotStore& store, SelfMetrics& self);
  ~ExpositionCache();
  ExpositionCache(const ExpositionCache&) = delete;
  ExpositionCache& operator=(const ExpositionCache&) = delete;

  // Starts the background render thread.
  void Start();
  void Stop();

  // Requests a render of the store's current snapshot (asynchronous once started).
  void MarkDirty();

  // Renders the current snapshot synchronously (start-up, tests).
  void RenderNow();

  std::shared_ptr<const Rendered> Current() const;

  // Caps applied from the next rendering on (`limits` in the configuration; none by default).
  // Schedules a rendering, so a changed cap shows without waiting for a poll.
  void SetSeriesLimits(const SeriesLimits& limits);

  // Released renderings waiting to be written into by the next render (0 or 1).
  std::size_t SpareCount() const;

 private:
  // Shared with the deleters of the Rendered handed out, which may outlive the cache.
  struct SparePool {
    std::mutex mu;
    std::vector<std::unique_ptr<Rendered>> spares;  // guarded by mu
  };

  // A Rendered from the pool (or a new one) whose last reference returns it to the pool.
  std::shared_ptr<Rendered> TakeRendered();
  void RenderLoop();

  SnapshotStore& store_;
  SelfMetrics& self_;
  std::shared_ptr<SparePool> pool_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Rendered> current_;  // guarded by mu_
  SeriesLimits SeriesLimitsNow() const;

  SeriesLimits limits_;                      // guarded by mu_
  bool dirty_ = false;                 // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  std::thread thread_;
  std::mutex render_mu_;  // one render at a time
};

}  // namespace fme
