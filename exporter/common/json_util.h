// Small helpers for reading upstream JSON tolerantly: numbers may arrive as JSON numbers or as
// numeric strings (Flink 1.4, metric values), fields may be missing or null.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fme/status.h"

namespace fme::json {

// Parses a whole document; malformed or truncated input gives kParseError naming `what`.
Result<nlohmann::json> Parse(std::string_view body, std::string_view what);

// obj[key] when obj is an object and the member exists and is not null; nullptr otherwise.
const nlohmann::json* Member(const nlohmann::json& obj, std::string_view key);
// Like Member, but only when the member is an object / an array.
const nlohmann::json* Object(const nlohmann::json& obj, std::string_view key);
const nlohmann::json* Array(const nlohmann::json& obj, std::string_view key);

// The number at obj[key], accepting numeric strings; nullopt if missing, null or not numeric.
std::optional<double> Number(const nlohmann::json& obj, std::string_view key);
// The string at obj[key]; nullopt if missing or not a string.
std::optional<std::string> String(const nlohmann::json& obj, std::string_view key);

}  // namespace fme::json
