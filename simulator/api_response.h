// What a simulated endpoint answers: the HTTP layer (simulator/server/) copies it onto the wire.
#pragma once

#include <map>
#include <string>

namespace fme::sim {

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=UTF-8";
  std::map<std::string, std::string> headers;  // e.g. Location for 307
};

// Query parameters of a request, decoded ("get" -> "a,b").
using QueryParams = std::multimap<std::string, std::string>;

}  // namespace fme::sim
