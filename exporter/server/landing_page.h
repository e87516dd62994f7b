// The HTML landing page at `/`: build info, every target with its health, links. A pure
// function of the snapshot and the time, thread-safe.
//
// Plain HTML5 without scripts (a Content-Security-Policy in the page forbids them), every
// dynamic text escaped. Targets that are down come first, so a row limit never hides one
// behind healthy targets; past the limit the page says how many it left out, which bounds its
// size for any fleet.
#pragma once

#include <cstddef>
#include <string>

#include "fme/snapshot.h"

namespace fme {

// Most target rows on one page (the header counts every target).
inline constexpr std::size_t kLandingPageMaxRows = 2000;

struct LandingPageInfo {
  std::string version;
  std::string revision;
  std::string telemetry_path;
  std::string snapshot_path = "/api/v1/snapshot";
  std::size_t max_rows = kLandingPageMaxRows;
};

std::string RenderLandingPage(const Snapshot& snapshot, const LandingPageInfo& info, WallTime now);

}  // namespace fme
