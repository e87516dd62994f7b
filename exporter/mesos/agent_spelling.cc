#include "mesos/agent_spelling.h"

namespace fme {

std::string AgentSpelling(std::string_view enum_name) {
  constexpr std::string_view kOld = "SLAVE";
  constexpr std::string_view kNew = "AGENT";
  std::string out;
  out.reserve(enum_name.size());
  size_t pos = 0;
  while (pos < enum_name.size()) {
    const size_t hit = enum_name.find(kOld, pos);
    if (hit == std::string_view::npos) {
      out.append(enum_name.substr(pos));
      break;
    }
    out.append(enum_name.substr(pos, hit - pos));
    out.append(kNew);
    pos = hit + kOld.size();
  }
  return out;
}

}  // namespace fme
