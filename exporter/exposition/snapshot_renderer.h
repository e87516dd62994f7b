// Renders a Snapshot to Prometheus text format 0.0.4: every upstream family, each exactly once
// (family-major across targets), with no timestamps. Pure function of the snapshot; thread-safe.
// The family catalogue is docs/metrics.md; in code, exposition/families.h.
#pragma once

#include <string>

#include "fme/snapshot.h"

namespace fme {

// Appends the rendering of `snapshot` to `out`; returns the number of series written.
std::size_t RenderSnapshot(const Snapshot& snapshot, std::string& out);

}  // namespace fme
