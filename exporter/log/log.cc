#include "log/log.h"

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <utility>

namespace fme::log {
namespace {

constexpr char kHex[] = "0123456789abcdef";

spdlog::level::level_enum ToSpdlog(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::err;
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when s[i] does not start one
// (stray continuation byte, overlong form, surrogate, above U+10FFFF, truncated).
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t j) { return static_cast<unsigned char>(s[j]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c == 0xE0) {
    n = 3;
    lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
    n = 3;
  } else if (c == 0xED) {
    n = 3;
    hi = 0x9F;
  } else if (c == 0xF0) {
    n = 4;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3) {
    n = 4;
  } else if (c == 0xF4) {
    n = 4;
    hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() - i < n) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7F; }

void AppendUnicodeEscape(std::string& out, unsigned char c) {
  out += "\\u00";
  out += kHex[c >> 4];
  out += kHex[c & 0x0F];
}

// Escapes `s` for the inside of a double-quoted string; shared by logfmt and JSON, which
// differ only in the short forms they know.
void AppendEscaped(std::string& out, std::string_view s, bool json) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b':
        if (json) {
          out += "\\b";
        } else {
          AppendUnicodeEscape(out, c);
        }
        break;
      case '\f':
        if (json) {
          out += "\\f";
        } else {
          AppendUnicodeEscape(out, c);
        }
        break;
      default:
        if (IsControl(c)) {
          AppendUnicodeEscape(out, c);
        } else {
          out += static_cast<char>(c);
        }
    }
    ++i;
  }
}

void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  AppendEscaped(out, s, /*json=*/true);
  out += '"';
}

bool LogfmtNeedsQuotes(std::string_view s) {
  if (s.empty()) return true;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c <= ' ' || c == '=' || c == '"' || c == 0x7F) return true;
    if (c >= 0x80) {
      const std::size_t n = Utf8SequenceLength(s, i);
      if (n == 0) return true;
      i += n;
    } else {
      ++i;
    }
  }
  return false;
}

void AppendLogfmtValue(std::string& out, std::string_view s) {
  if (!LogfmtNeedsQuotes(s)) {
    out.append(s);
    return;
  }
  out += '"';
  AppendEscaped(out, s, /*json=*/false);
  out += '"';
}

// A logfmt key cannot be quoted; characters it cannot hold become '_'.
void AppendLogfmtKey(std::string& out, std::string_view key) {
  if (key.empty()) {
    out += '_';
    return;
  }
  for (std::size_t i = 0; i < key.size();) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (c >= 0x80) {
      const std::size_t n = Utf8SequenceLength(key, i);
      if (n == 0) {
        out += '_';
        ++i;
      } else {
        out.append(key.substr(i, n));
        i += n;
      }
      continue;
    }
    out += (c <= ' ' || c == '=' || c == '"' || c == 0x7F) ? '_' : static_cast<char>(c);
    ++i;
  }
}

// RFC 3339, UTC, milliseconds: 2026-11-23T19:30:17.123Z
void AppendTimestamp(std::string& out, WallTime t) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(t);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  char buf[64];
  const int n = std::snprintf(
      buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
      static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  if (n > 0) out.append(buf, std::min(static_cast<std::size_t>(n), sizeof(buf) - 1));
}

std::shared_ptr<spdlog::logger> MakeLogger(Level level, std::shared_ptr<spdlog::sinks::sink> sink) {
  if (sink == nullptr) sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  auto logger = std::make_shared<spdlog::logger>("fme", std::move(sink));
  // The payload is the whole line; spdlog adds only the newline.
  logger->set_formatter(
      std::make_unique<spdlog::pattern_formatter>("%v", spdlog::pattern_time_type::utc, "\n"));
  logger->set_level(ToSpdlog(level));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

struct Current {
  std::shared_ptr<spdlog::logger> logger;
  Format format = Format::kLogfmt;
};

class State {
 public:
  State() { current_.logger = MakeLogger(Level::kInfo, nullptr); }

  Current Get() {
    std::lock_guard lock(mu_);
    return current_;
  }
  void Set(Current next) {
    std::shared_ptr<spdlog::logger> old;
    {
      std::lock_guard lock(mu_);
      old = std::exchange(current_.logger, std::move(next.logger));
      current_.format = next.format;
    }
    if (old != nullptr) old->flush();
  }

 private:
  std::mutex mu_;
  Current current_;
};

State& GetState() {
  static State* state = new State();  // never destroyed: usable during shutdown
  return *state;
}

std::atomic<const Clock*> g_clock{nullptr};

const Clock& GetClock() {
  const Clock* c = g_clock.load(std::memory_order_acquire);
  return c != nullptr ? *c : SystemClock();
}

}  // namespace

Field::Field(std::string_view k, double v) : key(k) {
  if (std::isnan(v)) {
    value = "NaN";
  } else if (std::isinf(v)) {
    value = v > 0 ? "+Inf" : "-Inf";
  } else {
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof(buf), v);
    value.assign(buf, r.ptr);
    literal_ = true;
  }
}

std::string Field::FormatInt(std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string Field::FormatUint(std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "error";
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kLogfmt: return "logfmt";
    case Format::kJson: return "json";
  }
  return "logfmt";
}

Result<Level> ParseLevel(std::string_view s) {
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    if (s == LevelName(l)) return l;
  }
  std::string m = "invalid log level \"";
  m.append(s);
  m += "\": valid values are debug, info, warn, error";
  return Status::InvalidArgument(std::move(m));
}

Result<Format> ParseFormat(std::string_view s) {
  for (Format f : {Format::kLogfmt, Format::kJson}) {
    if (s == FormatName(f)) return f;
  }
  std::string m = "invalid log format \"";
  m.append(s);
  m += "\": valid values are logfmt, json";
  return Status::InvalidArgument(std::move(m));
}

std::string FormatLine(Format format, WallTime ts, Level level, std::string_view msg,
                       std::span<const Field> fields) {
  std::string out;
  std::size_t estimate = 64 + msg.size();
  for (const Field& f : fields) estimate += f.key.size() + f.value.size() + 6;
  out.reserve(estimate);
  if (format == Format::kJson) {
    out += "{\"ts\":\"";
    AppendTimestamp(out, ts);
    out += "\",\"level\":\"";
    out += LevelName(level);
    out += "\",\"msg\":";
    AppendJsonString(out, msg);
    for (const Field& f : fields) {
      out += ',';
      AppendJsonString(out, f.key);
      out += ':';
      if (f.literal()) {
        out += f.value;
      } else {
        AppendJsonString(out, f.value);
      }
    }
    out += '}';
  } else {
    out += "ts=";
    AppendTimestamp(out, ts);
    out += " level=";
    out += LevelName(level);
    out += " msg=";
    AppendLogfmtValue(out, msg);
    for (const Field& f : fields) {
      out += ' ';
      AppendLogfmtKey(out, f.key);
      out += '=';
      AppendLogfmtValue(out, f.value);
    }
  }
  return out;
}

void Init(Level level, Format format, std::shared_ptr<spdlog::sinks::sink> sink) {
  try {
    GetState().Set(Current{MakeLogger(level, std::move(sink)), format});
  } catch (...) {
    // Out of memory while building a logger: keep the previous one.
  }
}

void SetClock(const Clock* clock) { g_clock.store(clock, std::memory_order_release); }

bool Enabled(Level level) {
  try {
    return GetState().Get().logger->should_log(ToSpdlog(level));
  } catch (...) {
    return false;
  }
}

void Log(Level level, std::string_view msg, std::span<const Field> fields) noexcept {
  try {
    const Current current = GetState().Get();
    const auto spd_level = ToSpdlog(level);
    if (!current.logger->should_log(spd_level)) return;
    const std::string line = FormatLine(current.format, GetClock().Now(), level, msg, fields);
    // The string_view overload: the line is written verbatim, never used as a format string.
    current.logger->log(spdlog::source_loc{}, spd_level,
                        spdlog::string_view_t(line.data(), line.size()));
  } catch (...) {
    // Logging never throws; a line that cannot be built (out of memory) is dropped.
  }
}

void Debug(std::string_view msg, std::initializer_list<Field> fields) noexcept {
  Log(Level::kDebug, msg, std::span<const Field>(fields.begin(), fields.size()));
}
void Info(std::string_view msg, std::initializer_list<Field> fields) noexcept {
  Log(Level::kInfo, msg, std::span<const Field>(fields.begin(), fields.size()));
}
void Warn(std::string_view msg, std::initializer_list<Field> fields) noexcept {
  Log(Level::kWarn, msg, std::span<const Field>(fields.begin(), fields.size()));
}
void Error(std::string_view msg, std::initializer_list<Field> fields) noexcept {
  Log(Level::kError, msg, std::span<const Field>(fields.begin(), fields.size()));
}

}  // namespace fme::log
