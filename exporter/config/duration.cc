#include "config/duration.h"

#include "config/message_quote.h"

#include <array>
#include <cstdint>
#include <limits>

namespace fme {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads a run of decimal digits at s[*pos]; false when there is none or it overflows.
bool ReadNumber(std::string_view s, std::size_t* pos, std::uint64_t* value) {
  const std::size_t start = *pos;
  std::uint64_t v = 0;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  while (*pos < s.size() && IsDigit(s[*pos])) {
    const auto digit = static_cast<std::uint64_t>(s[*pos] - '0');
    if (v > (kMax - digit) / 10) return false;
    v = v * 10 + digit;
    ++*pos;
  }
  *value = v;
  return *pos > start;
}

// a * b + c, or false on overflow of `limit`.
bool MulAdd(std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t limit,
            std::uint64_t* out) {
  if (b != 0 && a > limit / b) return false;
  if (a * b > limit - c) return false;
  *out = a * b + c;
  return true;
}

struct Unit {
  std::string_view name;
  std::uint64_t ms;
};
// Largest first: the index is the order in which units must appear.
constexpr std::array<Unit, 6> kDurationUnits = {{
    {"w", 7ull * 24 * 3600 * 1000},
    {"d", 24ull * 3600 * 1000},
    {"h", 3600ull * 1000},
    {"m", 60ull * 1000},
    {"s", 1000},
    {"ms", 1},
}};

Status BadDuration(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("invalid duration " + QuoteForMessage(text) + " (" + std::string(why) + ")");
}

}  // namespace

Result<Duration> ParseDuration(std::string_view text) {
  constexpr std::string_view kExpected = "expected e.g. 15s, 1m, 500ms";
  if (text == "0") return Duration::zero();
  if (text.empty()) return BadDuration(text, kExpected);

  const auto limit = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(Duration::max()).count());
  std::uint64_t total_ms = 0;
  std::size_t pos = 0;
  std::size_t next_unit = 0;  // units before this index are no longer allowed
  while (pos < text.size()) {
    std::uint64_t n = 0;
    if (!IsDigit(text[pos])) return BadDuration(text, kExpected);
    if (!ReadNumber(text, &pos, &n)) return BadDuration(text, "too large");
    // "m" followed by "s" is milliseconds, not minutes.
    std::size_t unit = kDurationUnits.size();
    for (std::size_t i = 0; i < kDurationUnits.size(); ++i) {
      const std::string_view name = kDurationUnits[i].name;
      if (text.substr(pos, name.size()) != name) continue;
      if (name == "m" && text.substr(pos, 2) == "ms") continue;
      unit = i;
      break;
    }
    if (unit == kDurationUnits.size()) return BadDuration(text, kExpected);
    if (unit < next_unit) {
      return BadDuration(text, "units must go from largest to smallest, each once, e.g. 1h30m");
    }
    if (!MulAdd(n, kDurationUnits[unit].ms, total_ms, limit, &total_ms)) {
      return BadDuration(text, "too large");
    }
    pos += kDurationUnits[unit].name.size();
    next_unit = unit + 1;
  }
  return std::chrono::duration_cast<Duration>(
      std::chrono::milliseconds(static_cast<std::int64_t>(total_ms)));
}

std::string FormatDuration(Duration d) {
  const std::int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
  if (ns == 0) return "0s";
  // Unsigned negation also handles the most negative value.
  std::uint64_t rest = ns < 0 ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
  std::string out = ns < 0 ? "-" : "";
  constexpr std::uint64_t kMsNs = std::uint64_t{1000} * 1000;
  for (const Unit& unit : kDurationUnits) {
    const std::uint64_t size = unit.ms * kMsNs;
    if (rest >= size) {
      out += std::to_string(rest / size);
      out += unit.name;
      rest %= size;
    }
  }
  if (rest >= 1000) {
    out += std::to_string(rest / 1000) + "us";
    rest %= 1000;
  }
  if (rest > 0) out += std::to_string(rest) + "ns";
  return out;
}

Result<std::size_t> ParseByteSize(std::string_view text) {
  struct SizeUnit {
    std::string_view name;
    std::uint64_t bytes;
  };
  static constexpr std::array<SizeUnit, 9> kUnits = {{
      {"B", 1},
      {"KB", 1000ull},
      {"MB", 1000ull * 1000},
      {"GB", 1000ull * 1000 * 1000},
      {"TB", 1000ull * 1000 * 1000 * 1000},
      {"KiB", 1ull << 10},
      {"MiB", 1ull << 20},
      {"GiB", 1ull << 30},
      {"TiB", 1ull << 40},
  }};
  const auto bad = [&](std::string_view why) {
    return Status::InvalidArgument("invalid size " + QuoteForMessage(text) + " (" + std::string(why) + ")");
  };
  constexpr std::string_view kExpected = "expected a byte count or e.g. 512KiB, 64MiB, 10MB";

  std::size_t pos = 0;
  std::uint64_t n = 0;
  if (text.empty() || !IsDigit(text[0])) return bad(kExpected);
  if (!ReadNumber(text, &pos, &n)) return bad("too large");
  const std::string_view suffix = text.substr(pos);
  std::uint64_t multiplier = 0;
  if (suffix.empty()) multiplier = 1;
  for (const SizeUnit& unit : kUnits) {
    if (suffix == unit.name) multiplier = unit.bytes;
  }
  if (multiplier == 0) return bad(kExpected);

  std::uint64_t bytes = 0;
  const auto limit = static_cast<std::uint64_t>(std::numeric_limits<std::size_t>::max());
  if (!MulAdd(n, multiplier, 0, limit, &bytes)) return bad("too large");
  return static_cast<std::size_t>(bytes);
}

}  // namespace fme
