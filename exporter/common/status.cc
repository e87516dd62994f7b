#include "fme/status.h"

namespace fme {

std::string_view StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidArgument: return "invalid_argument";
    case StatusCode::kInvalidConfig: return "invalid_config";
    case StatusCode::kNotFound: return "not_found";
    case StatusCode::kUnavailable: return "connect";
    case StatusCode::kTimeout: return "timeout";
    case StatusCode::kHttpStatus: return "http_status";
    case StatusCode::kParseError: return "parse";
    case StatusCode::kTooLarge: return "too_large";
    case StatusCode::kRedirect: return "redirect";
    case StatusCode::kTls: return "tls";
    case StatusCode::kInternal: return "internal";
  }
  return "internal";
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  std::string s(StatusCodeName(code_));
  s += ": ";
  s += message_;
  return s;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string m(context);
  m += ": ";
  m += message_;
  return Status(code_, std::move(m));
}

}  // namespace fme
