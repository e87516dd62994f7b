#include "flink/flink_json.h"

#include <cmath>
#include <cstdint>

#include "common/json_util.h"

namespace fme::flink_json {
namespace {

char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace


std::optional<double> Finite(const nlohmann::json& obj, std::string_view key) {
  // json::Number accepts "NaN"/"Infinity" strings; none of Flink's figures we keep may be.
  std::optional<double> v = json::Number(obj, key);
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return v;
}

std::optional<int64_t> Integer(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  if (m == nullptr) return std::nullopt;
  // Exact for the whole int64 range, which a detour through double is not.
  if (m->is_number_unsigned()) {
    auto u = m->get<uint64_t>();
    if (u > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (m->is_number_integer()) return m->get<int64_t>();
  std::optional<double> v = Finite(obj, key);
  // 9.2e18 bounds keep the cast defined.
  if (!v || *v >= 9.2e18 || *v <= -9.2e18) return std::nullopt;
  return static_cast<int64_t>(*v);
}

std::optional<double> TimestampSeconds(const nlohmann::json& obj, std::string_view key) {
  std::optional<double> ms = Finite(obj, key);
  if (!ms) return std::nullopt;
  // Checked after the division: a subnormal millisecond count (4.9e-324) is positive but
  // divides to 0, which would read as 1970.
  const double seconds = *ms / 1000.0;
  if (!(seconds > 0)) return std::nullopt;
  return seconds;
}

std::optional<double> DurationSeconds(const nlohmann::json& obj, std::string_view key) {
  std::optional<double> ms = Finite(obj, key);
  if (!ms || *ms < 0) return std::nullopt;
  return *ms / 1000.0;
}

std::optional<double> Bytes(const nlohmann::json& obj, std::string_view key) {
  std::optional<double> b = Finite(obj, key);
  if (!b || *b < 0) return std::nullopt;
  return b;
}

std::string ToUpper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Upper(c);
  return out;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Upper(a[i]) != Upper(b[i])) return false;
  }
  return true;
}

}  // namespace fme::flink_json
