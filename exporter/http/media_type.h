// Media types of upstream answers: every API the exporter reads answers JSON.
#pragma once

#include <string_view>

namespace fme {

// True for a Content-Type that can carry JSON (Flink: application/json; charset=UTF-8, Mesos:
// application/json, including its SUBSCRIBE stream). A 2xx with another media type is someone
// else talking (a login proxy's sign-in page, a load balancer's HTML error page) and is not fed
// to a JSON parser. An empty value is given the benefit of the doubt, and so is any "+json".
bool IsJsonMediaType(std::string_view content_type);

}  // namespace fme
