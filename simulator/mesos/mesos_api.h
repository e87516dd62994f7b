// The HTTP API of the simulated Mesos masters and agents. Pure functions of the World.
//
// Masters: v0 endpoints (/master/state, /state-summary, /frameworks, /slaves, /tasks, /redirect,
// /metrics/snapshot, /health, /version) with leader-only endpoints answering 307 to a scheme-less
// //host:port/path (or 503 "No leader elected") on non-leaders, and the v1 operator API
// (POST /api/v1) for the synchronous calls. SUBSCRIBE is streamed by the server layer using
// SubscribedEventJson / the world's event log (mesos/v1_json.h) and RecordIoFrame.
#pragma once

#include <cstddef>
#include <string>

#include "api_response.h"
#include "world/world.h"

namespace fme::sim {

// `master` indexes world.mesos.masters. `path` excludes the master's path_prefix.
ApiResponse HandleMesosMasterRequest(const World& world, std::size_t master,
                                     const std::string& method, const std::string& path,
                                     const QueryParams& query, const std::string& body,
                                     const std::string& content_type);

// Agent endpoints: /slave(1)/state (and /state), /monitor/statistics, /metrics/snapshot.
ApiResponse HandleMesosAgentRequest(const World& world, std::size_t agent,
                                    const std::string& method, const std::string& path,
                                    const QueryParams& query);

// "<size>\n<data>" RecordIO framing of one record.
std::string RecordIoFrame(const std::string& data);

}  // namespace fme::sim
