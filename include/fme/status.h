// Status and Result<T>: errors as values at every boundary.
//
// A Status is either OK or carries a code and a message. Code() classifies the failure so that
// callers can count it (poll_errors_total{kind}) without parsing messages. Result<T> holds a
// value or a non-OK Status. Both are plain values: copyable, movable, not thread-safe to mutate
// concurrently (like any value type).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace fme {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,   // a caller passed something unusable (bad URL, bad flag)
  kInvalidConfig,     // the configuration file is wrong
  kNotFound,          // a file or resource does not exist
  kUnavailable,       // could not connect / connection reset
  kTimeout,           // deadline or read timeout passed
  kHttpStatus,        // upstream answered with a non-success HTTP status
  kParseError,        // upstream body is not what its API promises (malformed, truncated)
  kTooLarge,          // upstream body exceeded the configured maximum
  kRedirect,          // too many redirects or an unusable Location
  kTls,               // TLS handshake or certificate failure
  kInternal,          // a bug or an unexpected library failure
};

// Stable lower-case name of a code; used as the `kind` label of error counters.
std::string_view StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status InvalidConfig(std::string m) { return {StatusCode::kInvalidConfig, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Timeout(std::string m) { return {StatusCode::kTimeout, std::move(m)}; }
  static Status HttpStatus(std::string m) { return {StatusCode::kHttpStatus, std::move(m)}; }
  static Status ParseError(std::string m) { return {StatusCode::kParseError, std::move(m)}; }
  static Status TooLarge(std::string m) { return {StatusCode::kTooLarge, std::move(m)}; }
  static Status Redirect(std::string m) { return {StatusCode::kRedirect, std::move(m)}; }
  static Status Tls(std::string m) { return {StatusCode::kTls, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "<code name>: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is prefixed with `context: `.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace fme
