#include "flink/flink_backpressure_parser.h"

#include <algorithm>
#include <cstdint>

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

std::optional<FlinkBackpressureLevel> LevelNamed(std::string_view s) {
  for (auto l : {FlinkBackpressureLevel::kOk, FlinkBackpressureLevel::kLow,
                 FlinkBackpressureLevel::kHigh}) {
    if (flink_json::EqualsIgnoreCase(FlinkBackpressureLevelName(l), s)) return l;
  }
  return std::nullopt;
}

// `backpressure-level` in every version; `backpressureLevel` alongside it from 1.17.
std::optional<FlinkBackpressureLevel> LevelOf(const Json& obj) {
  for (std::string_view key : {"backpressure-level", "backpressureLevel"}) {
    if (auto s = json::String(obj, key)) {
      if (auto l = LevelNamed(*s)) return l;
    }
  }
  return std::nullopt;
}

// A ratio Flink computed: a fraction in [0, 1].
std::optional<double> Ratio(const Json& obj, std::string_view key) {
  auto v = flink_json::Finite(obj, key);
  if (!v || *v < 0) return std::nullopt;
  return v;
}

}  // namespace

Result<FlinkBackpressureSample> ParseFlinkBackpressure(std::string_view body) {
  auto doc = json::Parse(body, "Flink /jobs/:jobid/vertices/:vertexid/backpressure");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("status")) {
    return Status::ParseError(
        "Flink /jobs/:jobid/vertices/:vertexid/backpressure: expected an object with \"status\"");
  }
  FlinkBackpressureSample sample;
  // Subtasks decide, not `status`: 1.4 marks stale-but-present data "deprecated", and every
  // version answers a bare {"status":"deprecated"} while the first sample is being taken.
  if (const Json* subtasks = flink_json::Array(*doc, "subtasks")) {
    for (const Json& s : *subtasks) {
      auto index = flink_json::Integer(s, "subtask");
      if (!index || *index < 0 || *index > INT32_MAX) continue;
      FlinkSubtaskLoad load;
      load.index = static_cast<int>(*index);
      load.backpressured_ratio = Ratio(s, "ratio");
      load.idle_ratio = Ratio(s, "idleRatio");  // 1.13+
      load.busy_ratio = Ratio(s, "busyRatio");  // 1.13+
      if (load.backpressured_ratio &&
          (!sample.max_ratio || *load.backpressured_ratio > *sample.max_ratio)) {
        sample.max_ratio = load.backpressured_ratio;
      }
      sample.subtasks.push_back(load);
    }
  }
  std::stable_sort(sample.subtasks.begin(), sample.subtasks.end(),
                   [](const FlinkSubtaskLoad& a, const FlinkSubtaskLoad& b) {
                     return a.index < b.index;
                   });
  sample.has_sample = !sample.subtasks.empty();
  sample.level = LevelOf(*doc);
  if (!sample.level && sample.max_ratio) {
    sample.level = BackpressureLevelForRatio(*sample.max_ratio);
  }
  return sample;
}

}  // namespace fme
