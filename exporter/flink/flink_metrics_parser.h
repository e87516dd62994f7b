// Parsers for Flink's metric endpoints, which answer bare JSON arrays (no I/O):
//   ?get=a,b          -> [{"id":"a","value":"12"}]            values are strings
//   aggregated ?agg=  -> [{"id":"a","min":1,"max":3,"avg":2,"sum":6}]  numbers (strings on 1.4)
// Non-numeric values are skipped, except "true"/"false" which read as 1/0.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "fme/status.h"

namespace fme {

using FlinkMetricValues = std::map<std::string, double, std::less<>>;

struct FlinkAggregate {
  std::optional<double> min, max, avg, sum;
};
using FlinkAggregates = std::map<std::string, FlinkAggregate, std::less<>>;

Result<FlinkMetricValues> ParseFlinkMetricValues(std::string_view body);
Result<FlinkAggregates> ParseFlinkAggregatedMetrics(std::string_view body);

}  // namespace fme
