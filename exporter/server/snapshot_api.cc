#include "server/snapshot_api.h"

namespace fme {

SnapshotApiResponse SnapshotApi::Get(const std::multimap<std::string, std::string>& params) {
  Result<SnapshotFilter> filter = ParseSnapshotFilter(params);
  if (!filter.ok()) {
    return {400, std::make_shared<const std::string>(JsonError(filter.status().message()))};
  }
  std::lock_guard lock(mu_);
  // Read after waiting for the lock, so that requests queued behind a build get the newest
  // snapshot and one build serves them all.
  const SnapshotPtr snapshot = store_.Current();
  if (body_ == nullptr || generation_ != snapshot->generation || !(filter_ == *filter)) {
    body_ = std::make_shared<const std::string>(SnapshotToJson(*snapshot, *filter));
    generation_ = snapshot->generation;
    filter_ = *filter;
  }
  return {200, body_};
}

}  // namespace fme
