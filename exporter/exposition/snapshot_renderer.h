// Renders a Snapshot to Prometheus text format 0.0.4: every upstream family, each exactly once
// (family-major across targets), with no timestamps. Pure function of the snapshot; thread-safe.
// The family catalogue is docs/metrics.md; in code, exposition/families.h.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "fme/snapshot.h"

namespace fme {

// Caps on the series of one rendering (`limits` in the configuration); 0 means no cap. Targets
// are written in snapshot order, each in its documented order (its `*_up` series first, then
// cluster-wide figures, then per-job, per-agent ... detail), and the lines past a cap are left
// out. Every polled target keeps at least its `*_up` series, even past the total cap.
struct SeriesLimits {
  std::size_t per_target = 0;
  std::size_t total = 0;

  bool operator==(const SeriesLimits&) const = default;
};

// A target some of whose series a cap left out of the rendering.
struct SeriesOverLimit {
  TargetInfo target;
  std::size_t dropped = 0;
};

// Appends the rendering of `snapshot` to `out`; returns the number of series written. The
// targets that lost series to `limits` are appended to `over_limit` when it is given.
std::size_t RenderSnapshot(const Snapshot& snapshot, std::string& out,
                           const SeriesLimits& limits = {},
                           std::vector<SeriesOverLimit>* over_limit = nullptr);

}  // namespace fme
