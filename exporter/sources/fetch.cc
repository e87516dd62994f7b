#include "sources/fetch.h"

#include "http/media_type.h"

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
