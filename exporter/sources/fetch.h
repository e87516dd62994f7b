// Fetch: one GET to an upstream that must answer 2xx; anything else is an error value.
#pragma once

#include <string>

#include "fme/http_client.h"

namespace fme {

// GETs `url` and returns the body of a 2xx answer. A non-2xx answer gives kHttpStatus with the
// status code and the start of the body (upstream error bodies explain themselves, e.g. Flink's
// {"errors":[...]} and Mesos' "No leader elected"). A 2xx whose Content-Type is not JSON (an
// HTML login or error page) gives kParseError without its body.
// `endpoint` is the route template counted in self-metrics (empty: the URL's path). When
// `http_status` is given it receives the status code of any answer (0 when none came), for
// callers to whom a particular status means something (Flink's 404: no checkpoint coordinator).
Result<std::string> FetchOk(HttpClient& http, const std::string& url, SteadyTime deadline,
                            const HttpAuth& auth, std::string_view endpoint = {},
                            int* http_status = nullptr);

}  // namespace fme
