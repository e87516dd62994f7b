// EndpointError: one upstream call that failed during a poll that otherwise succeeded. The
// series that call would have given are missing for that poll; everything else is kept.
#pragma once

#include <string>

namespace fme {

struct EndpointError {
  std::string endpoint;  // route template, e.g. "/jobs/:jobid/checkpoints"
  std::string kind;      // StatusCodeName: "http_status", "parse", "timeout", ...
};

}  // namespace fme
