// Structured logging in the style of Prometheus' Go exporters (go-kit/log).
//
// Every line is built here, complete, and handed to spdlog as an opaque payload: spdlog's
// formatter prints only "%v", so spdlog's job is level filtering, sinks and thread-safety.
//
//   logfmt: ts=2026-11-23T19:30:17.123Z level=warn msg="poll failed" target=mesos err="..."
//   json:   {"ts":"2026-11-23T19:30:17.123Z","level":"warn","msg":"poll failed","target":"mesos"}
//
// logfmt values (msg included) are quoted only when needed: when empty or when they contain a
// space, '=', '"', a control character or invalid UTF-8; inside quotes '"', '\' and control
// characters are escaped (\" \\ \n \r \t \u00XX). JSON strings use standard JSON escaping;
// UTF-8 is kept as is and invalid UTF-8 bytes become U+FFFD in both formats. Integer, double
// and bool fields are JSON numbers/booleans, other fields JSON strings. Keys are written as
// given (logfmt replaces characters a logfmt key cannot hold with '_'); duplicates are kept.
//
// Logging works before Init() (info, logfmt, stderr), is thread-safe and never throws.
#pragma once

#include <concepts>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "fme/clock.h"
#include "fme/status.h"

namespace spdlog::sinks {
class sink;
}  // namespace spdlog::sinks

namespace fme::log {

enum class Level { kDebug, kInfo, kWarn, kError };
enum class Format { kLogfmt, kJson };

namespace detail {
// Integers other than bool and the character types (a char is text, not a number).
template <typename T>
concept LoggableInteger = std::integral<T> && !std::same_as<T, bool> && !std::same_as<T, char> &&
                          !std::same_as<T, char8_t> && !std::same_as<T, char16_t> &&
                          !std::same_as<T, char32_t> && !std::same_as<T, wchar_t>;
}  // namespace detail

// One key/value pair of a line. `key` must outlive the logging call (a string literal, as a
// rule). Integers, doubles and bools are formatted here and marked literal() so that JSON
// writes them unquoted; non-finite doubles become the strings NaN, +Inf, -Inf.
struct Field {
  Field(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v != nullptr ? v : "") {}
  Field(std::string_view k, bool v) : key(k), value(v ? "true" : "false"), literal_(true) {}
  Field(std::string_view k, double v);
  template <detail::LoggableInteger T>
  Field(std::string_view k, T v) : key(k), literal_(true) {
    if constexpr (std::signed_integral<T>) {
      value = FormatInt(static_cast<std::int64_t>(v));
    } else {
      value = FormatUint(static_cast<std::uint64_t>(v));
    }
  }

  std::string_view key;
  std::string value;

  // Whether `value` is a JSON number or boolean (built from an integer, finite double or bool).
  bool literal() const { return literal_; }

 private:
  bool literal_ = false;
  static std::string FormatInt(std::int64_t v);
  static std::string FormatUint(std::uint64_t v);
};

// "debug", "info", "warn", "error" (exactly, lower case).
Result<Level> ParseLevel(std::string_view s);
// "logfmt", "json" (exactly, lower case).
Result<Format> ParseFormat(std::string_view s);
// The name used in lines and accepted by ParseLevel/ParseFormat.
std::string_view LevelName(Level level);
std::string_view FormatName(Format format);

// Replaces the process logger. Lines below `level` are dropped. A null `sink` means stderr
// (thread-safe). The sink's formatter is replaced by one printing the payload only. Safe to
// call while other threads log; they see either the old or the new logger.
void Init(Level level, Format format, std::shared_ptr<spdlog::sinks::sink> sink = nullptr);

// The clock whose Now() stamps lines (`ts`). nullptr restores SystemClock(). The clock must
// outlive its use; meant for tests.
void SetClock(const Clock* clock);

// Whether a line at `level` would currently be written; use it to skip building costly fields.
bool Enabled(Level level);

void Log(Level level, std::string_view msg, std::span<const Field> fields) noexcept;
void Debug(std::string_view msg, std::initializer_list<Field> fields = {}) noexcept;
void Info(std::string_view msg, std::initializer_list<Field> fields = {}) noexcept;
void Warn(std::string_view msg, std::initializer_list<Field> fields = {}) noexcept;
void Error(std::string_view msg, std::initializer_list<Field> fields = {}) noexcept;

// The complete line (without newline) as Log() would write it at wall time `ts`. Exposed for
// tests and for callers that need the exact text; does not consult the level.
std::string FormatLine(Format format, WallTime ts, Level level, std::string_view msg,
                       std::span<const Field> fields);

}  // namespace fme::log
