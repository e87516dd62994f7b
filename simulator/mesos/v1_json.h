// v1 operator API JSON of the simulated Mesos objects, shared by the synchronous calls, the
// SUBSCRIBE stream and the engine that records events. Mesos' own protobuf-to-JSON mapping:
// snake_case names, ids as {"value": "..."}, enums by name, int64 as bare numbers (TimeInfo
// nanoseconds above 2^53 written exactly), resources as full Resource objects, memory in MB.
#pragma once

#include <string>

#include "world/world.h"

namespace fme::sim {

// The Event objects, as JSON text.
std::string SubscribedEventJson(const World& world);  // {"type":"SUBSCRIBED","subscribed":{...}}
std::string HeartbeatEventJson();                     // {"type":"HEARTBEAT"}
std::string TaskAddedEventJson(const World& world, const Task& task);
// `status` is the status being forwarded; `state` the latest known state (may be ahead).
std::string TaskUpdatedEventJson(const Task& task, const TaskStatusRecord& status,
                                 const std::string& latest_state);
std::string AgentAddedEventJson(const Agent& agent);
std::string AgentRemovedEventJson(const Agent& agent);
std::string FrameworkAddedEventJson(const Framework& framework);
std::string FrameworkUpdatedEventJson(const Framework& framework);
std::string FrameworkRemovedEventJson(const Framework& framework);

}  // namespace fme::sim
