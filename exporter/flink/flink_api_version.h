// The Flink version a JobManager reports, reduced to what decides which API to speak.
#pragma once

#include <string_view>

namespace fme {

struct FlinkApiVersion {
  int major = 0;
  int minor = 0;
  bool known = false;  // false when "flink-version" was missing or unparsable

  // 1.4 (and older): the legacy hand-written handlers (/joboverview, flat TaskManager fields).
  bool Legacy() const { return known && major == 1 && minor < 5; }
  // <= 1.12: backpressure only by on-demand stack sampling.
  bool SamplesBackpressure() const { return known && major == 1 && minor <= 12; }
};

// "1.13.6", "1.9-SNAPSHOT", "2.0.0" -> {major, minor}. Anything else is unknown, which the
// source treats as the current API (a future version is more likely than an ancient one).
FlinkApiVersion ParseFlinkApiVersion(std::string_view version);

}  // namespace fme
