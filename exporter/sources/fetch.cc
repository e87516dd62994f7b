#include "sources/fetch.h"

namespace fme {
namespace {

// Keeps error messages to one short line whatever the upstream sent.
std::string Excerpt(const std::string& body) {
  constexpr std::size_t kMax = 200;
  std::string out;
  for (char c : body.substr(0, kMax)) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (body.size() > kMax) out += "...";
  return out;
}

// Every API the exporter reads answers JSON (Flink: application/json; charset=UTF-8, Mesos:
// application/json). A 2xx with another media type is someone else talking (a login proxy's
// sign-in page, a load balancer's HTML error page): not fed to a JSON parser. No Content-Type at
// all is given the benefit of the doubt, and so is any "+json" type.
bool IsJsonMediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto first = type.find_first_not_of(" \t");
  if (first == std::string::npos) return true;
  type = type.substr(first, type.find_last_not_of(" \t") + 1 - first);
  constexpr std::string_view kJsonSuffix = "+json";
  return type == "application/json" || type == "text/json" ||
         (type.size() > kJsonSuffix.size() && type.ends_with(kJsonSuffix));
}

}  // namespace

Result<std::string> FetchOk(HttpClient& http, const std::string& url, SteadyTime deadline,
                            const HttpAuth& auth, std::string_view endpoint, int* http_status) {
  if (http_status != nullptr) *http_status = 0;
  HttpRequest req;
  req.url = url;
  req.endpoint = endpoint;
  req.deadline = deadline;
  req.auth = auth;
  Result<HttpResponse> res = http.Send(req);
  if (!res.ok()) return res.status();  // transport errors already name the URL
  if (http_status != nullptr) *http_status = res->status;
  if (res->status < 200 || res->status > 299) {
    std::string msg = "GET " + url + ": HTTP " + std::to_string(res->status);
    if (!res->body.empty()) msg += ": " + Excerpt(res->body);
    return Status::HttpStatus(std::move(msg));
  }
  if (const auto type = res->headers.find("content-type");
      type != res->headers.end() && !IsJsonMediaType(type->second)) {
    std::string msg = "GET " + url + ": expected JSON, got HTTP " + std::to_string(res->status) +
                      " with Content-Type " + Excerpt(type->second) +
                      " (a login page or proxy in the way?)";
    if (!res->body.empty()) msg += ": " + Excerpt(res->body);
    return Status::ParseError(std::move(msg));
  }
  return std::move(res->body);
}

}  // namespace fme
