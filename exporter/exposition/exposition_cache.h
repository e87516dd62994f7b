// ExpositionCache: the rendered /metrics body, made once per published snapshot.
//
// MarkDirty() (called by the SnapshotStore listener) wakes a render thread that renders the
// store's current snapshot into text plus its deflated form, and swaps the result in. Scrapes
// take the current Rendered by shared_ptr and never render the snapshot themselves; only the
// small self-metrics tail is produced per scrape. Renders coalesce: many updates during one
// render cause one more render, not many. Thread-safe.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "exposition/gzip_parts.h"
#include "exposition/self_metrics.h"
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

 private:
  void RenderLoop();

  SnapshotStore& store_;
  SelfMetrics& self_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<Rendered> current_;  // guarded by mu_
  // The rendering before the current one, once no scrape holds it: its text buffer is reused
  // by the next render, so steady-state renders neither allocate nor page-fault 100 MB.
  std::shared_ptr<Rendered> spare_;  // touched only under render_mu_
  bool dirty_ = false;                       // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::thread thread_;
  std::mutex render_mu_;  // one render at a time
};

}  // namespace fme
