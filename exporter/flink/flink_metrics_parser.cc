#include "flink/flink_metrics_parser.h"

#include "common/json_util.h"
#include "flink/flink_json.h"

namespace fme {
namespace {

using Json = nlohmann::json;

// A metric value: numeric strings (what Flink sends), JSON numbers and the string form of
// boolean gauges such as isBackPressured. NaN and other non-numeric values have no value.
std::optional<double> ValueOf(const Json& element) {
  const Json* v = flink_json::Member(element, "value");
  if (v == nullptr) return std::nullopt;
  if (v->is_boolean()) return v->get<bool>() ? 1.0 : 0.0;
  if (v->is_string()) {
    const auto& s = v->get_ref<const std::string&>();
    if (s == "true") return 1.0;
    if (s == "false") return 0.0;
  }
  return flink_json::Finite(element, "value");
}

// The string at obj[key], moved out of the document (which is dropped right after): metric
// names are mostly too long for the small-string buffer, so a copy would allocate.
std::optional<std::string> TakeString(Json& obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return std::move(it->get_ref<std::string&>());
}

}  // namespace

Result<FlinkMetricValues> ParseFlinkMetricValues(std::string_view body) {
  auto doc = json::Parse(body, "Flink metrics");
  if (!doc.ok()) return doc.status();
  if (!doc->is_array()) return Status::ParseError("Flink metrics: expected a JSON array");
  FlinkMetricValues values;
  for (Json& e : *doc) {
    auto id = TakeString(e, "id");
    if (!id || id->empty()) continue;
    if (auto v = ValueOf(e)) values.emplace(std::move(*id), *v);
  }
  return values;
}

Result<FlinkAggregates> ParseFlinkAggregatedMetrics(std::string_view body) {
  auto doc = json::Parse(body, "Flink aggregated metrics");
  if (!doc.ok()) return doc.status();
  if (!doc->is_array()) {
    return Status::ParseError("Flink aggregated metrics: expected a JSON array");
  }
  FlinkAggregates aggregates;
  for (Json& e : *doc) {
    auto id = TakeString(e, "id");
    if (!id || id->empty()) continue;
    // Numbers on 1.5+, strings on 1.4; "NaN" (busyTimeMsPerSecond) is no value.
    FlinkAggregate a;
    a.min = flink_json::Finite(e, "min");
    a.max = flink_json::Finite(e, "max");
    a.avg = flink_json::Finite(e, "avg");
    a.sum = flink_json::Finite(e, "sum");
    if (!a.min && !a.max && !a.avg && !a.sum) continue;
    aggregates.emplace(std::move(*id), a);
  }
  return aggregates;
}

}  // namespace fme
