// Readers for Mesos' own protobuf-to-JSON mapping (v1 operator API): ids are {"value": "..."},
// int64 fields are bare JSON numbers, TimeInfo is {"nanoseconds": <int64>}. Every reader checks
// the JSON type first, because nlohmann throws on a type mismatch and a parser must not throw.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/json_util.h"

namespace fme::mesos_json {

// Tolerant member access (common/json_util.h).
using json::Array;
using json::Member;
using json::Object;

// The string at obj[key]; "" when missing or not a string.
std::string Text(const nlohmann::json& obj, std::string_view key);
// A finite JSON number at obj[key].
std::optional<double> Number(const nlohmann::json& obj, std::string_view key);
std::optional<bool> Bool(const nlohmann::json& obj, std::string_view key);
// obj[key].value, the shape of every Mesos id; "" when missing.
std::string Id(const nlohmann::json& obj, std::string_view key);
// An int64 read exactly (never through a double, which loses precision above 2^53);
// nullopt when missing, fractional or out of range.
std::optional<int64_t> Int64(const nlohmann::json& obj, std::string_view key);
// obj[key].nanoseconds of a TimeInfo or DurationInfo, exactly.
std::optional<int64_t> Nanoseconds(const nlohmann::json& obj, std::string_view key);

}  // namespace fme::mesos_json
