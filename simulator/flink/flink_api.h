// The JobManager REST API of one simulated Flink cluster, in that cluster's dialect
// (FlinkCluster::dialect). A pure function of the World: no I/O, no clock, no state.
//
// Paths are relative to the cluster's REST root ("/overview", "/jobs/<id>/checkpoints", ...);
// "/v1/..." is accepted from 1.7 on. Unknown paths and ids answer like Flink does: 404 with
// {"errors":["..."]} (1.5+) — 1.4 answers its legacy way.
#pragma once

#include <string>

#include "api_response.h"
#include "world/world.h"

namespace fme::sim {

ApiResponse HandleFlinkRequest(const World& world, const FlinkCluster& cluster,
                               const std::string& method, const std::string& path,
                               const QueryParams& query);

}  // namespace fme::sim
