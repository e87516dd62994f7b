// Mesos renamed "slave" to "agent" in the v1 API, but v0 endpoints and metric names still use
// the old enum spellings (REASON_SLAVE_REMOVED, SOURCE_SLAVE). Normalizing them to the v1 names
// keeps label values the same whichever API the data came from.
#pragma once

#include <string>
#include <string_view>

namespace fme {

// An upper-case enum name with every "SLAVE" replaced by "AGENT".
std::string AgentSpelling(std::string_view enum_name);

}  // namespace fme
