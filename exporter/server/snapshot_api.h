// SnapshotApi: `GET /api/v1/snapshot` without the HTTP: query parameters in, status and JSON
// body out (docs/api.md).
//
// The JSON is built on request, from the store's current snapshot. That costs about as much as
// rendering the snapshot to text, so the body of the last request is kept with the snapshot
// generation and the filter it was made for, and a repeated request between two snapshots is
// served from it. At most one body is built at a time: concurrent requests wait for it rather
// than each building their own. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "fme/snapshot_store.h"
#include "server/snapshot_json.h"

namespace fme {

struct SnapshotApiResponse {
  int status = 200;                         // 200, or 400 for a bad query
  std::shared_ptr<const std::string> body;  // JSON: the snapshot, or {"error": "..."}
};

class SnapshotApi {
 public:
  explicit SnapshotApi(SnapshotStore& store) : store_(store) {}

  SnapshotApiResponse Get(const std::multimap<std::string, std::string>& params);

 private:
  SnapshotStore& store_;
  std::mutex mu_;  // held while a body is built
  // The last body built, and what it was built from; guarded by mu_.
  uint64_t generation_ = 0;
  SnapshotFilter filter_;
  std::shared_ptr<const std::string> body_;
};

}  // namespace fme
