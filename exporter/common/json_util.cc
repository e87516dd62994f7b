#include "common/json_util.h"

#include <charconv>
#include <cmath>

namespace fme::json {

Result<nlohmann::json> Parse(std::string_view body, std::string_view what) {
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    std::string msg = "malformed JSON in ";
    msg += what;
    msg += " (" + std::to_string(body.size()) + " bytes)";
    return Status::ParseError(std::move(msg));
  }
  return doc;
}

std::optional<double> Number(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return v;
  }
  return std::nullopt;
}

std::optional<std::string> String(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return std::nullopt;
  auto it = obj.find(key);
  if (it == obj.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json* Object(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  return m != nullptr && m->is_object() ? m : nullptr;
}

const nlohmann::json* Array(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* m = Member(obj, key);
  return m != nullptr && m->is_array() ? m : nullptr;
}

}  // namespace fme::json
