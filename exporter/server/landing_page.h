// The HTML landing page at `/`: version, every target with its health, links. Pure function.
#pragma once

#include <string>

#include "fme/snapshot.h"

namespace fme {

struct LandingPageInfo {
  std::string version;
  std::string revision;
  std::string telemetry_path;
};

std::string RenderLandingPage(const Snapshot& snapshot, const LandingPageInfo& info, WallTime now);

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace fme
