// TargetRow: what the landing page says about one target, derived from its TargetState at one
// moment. Plain text, not yet escaped; the page decides the markup. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fme/snapshot.h"

namespace fme {

// In the order the page lists targets: trouble first.
enum class TargetHealth { kDown, kNotPolled, kUp };

// "DOWN", "NOT YET POLLED", "UP": the state in words, so it never depends on colour.
std::string_view TargetHealthText(TargetHealth health);
// "down", "pending", "up": the CSS class.
std::string_view TargetHealthClass(TargetHealth health);
TargetHealth HealthOf(const TargetState& state);

// Longest last error shown, in bytes; the rest is in the log.
inline constexpr std::size_t kMaxErrorBytes = 300;

// One URL as shown: `text` never carries credentials; `href` is empty when the URL is not a
// plain http(s) URL worth linking.
struct DisplayUrl {
  std::string text;
  std::string href;
};

// The URLs in a TargetInfo::url (a Mesos target's masters are joined with ",").
std::vector<DisplayUrl> DisplayUrls(std::string_view url);

// One line of kind-specific detail; `warning` marks something an operator should look at.
struct DetailLine {
  std::string text;
  bool warning = false;
};

struct TargetRow {
  std::string_view kind;    // "flink" | "mesos"
  std::string_view origin;  // "static" (the config file) | "discovered"
  std::string discovered_from;  // the Mesos cluster a discovered target was found through
  std::string name;
  std::vector<DisplayUrl> urls;
  TargetHealth health = TargetHealth::kNotPolled;
  std::optional<WallTime> last_success;
  std::optional<int64_t> data_age_seconds;  // now - last success; empty before the first success
  std::optional<Duration> last_poll_duration;
  std::optional<WallTime> last_poll;
  // From the last observation (present only while up): version and jobs, or leader and stream.
  std::vector<DetailLine> details;
  std::string last_error;       // cut to kMaxErrorBytes
  bool error_resolved = false;  // the target is up again: the error is history
};

TargetRow MakeTargetRow(const TargetState& state, WallTime now);

}  // namespace fme
