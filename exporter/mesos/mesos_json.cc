#include "mesos/mesos_json.h"

#include <cmath>
#include <limits>

namespace fme::mesos_json {


std::string Text(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  return m != nullptr && m->is_string() ? m->get<std::string>() : std::string();
}

std::optional<double> Number(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  if (m == nullptr || !m->is_number()) return std::nullopt;
  const double v = m->get<double>();
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<bool> Bool(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  if (m == nullptr || !m->is_boolean()) return std::nullopt;
  return m->get<bool>();
}

std::string Id(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* id = Object(obj, key);
  return id != nullptr ? Text(*id, "value") : std::string();
}

std::optional<int64_t> Int64(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  if (m == nullptr) return std::nullopt;
  if (m->is_number_unsigned()) {
    const auto u = m->get<uint64_t>();
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    return static_cast<int64_t>(u);
  }
  if (m->is_number_integer()) return m->get<int64_t>();
  if (m->is_number_float()) {
    // Not how Mesos writes int64, but an integral value in range is still unambiguous.
    const double d = m->get<double>();
    if (!std::isfinite(d) || d != std::trunc(d) || d < -9.2233720368547758e18 ||
        d >= 9.2233720368547758e18) {
      return std::nullopt;
    }
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

std::optional<int64_t> Nanoseconds(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* t = Object(obj, key);
  return t != nullptr ? Int64(*t, "nanoseconds") : std::nullopt;
}

}  // namespace fme::mesos_json
