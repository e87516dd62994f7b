// Readers shared by the Flink REST parsers: Flink's unit conventions (epoch ms, ms durations,
// -1 for "not yet") applied once, and tolerant access to members that may be missing or null.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "common/json_util.h"

namespace fme::flink_json {

// Tolerant member access (common/json_util.h).
using json::Array;
using json::Member;
using json::Object;

// A finite number (JSON number or numeric string); nullopt otherwise.
std::optional<double> Finite(const nlohmann::json& obj, std::string_view key);
// A finite number truncated to an integer.
std::optional<int64_t> Integer(const nlohmann::json& obj, std::string_view key);
// Epoch milliseconds -> seconds. Flink writes -1 (and 0 in `timestamps` maps) for "never".
std::optional<double> TimestampSeconds(const nlohmann::json& obj, std::string_view key);
// Milliseconds -> seconds; negative values (-1 = unknown) are absent.
std::optional<double> DurationSeconds(const nlohmann::json& obj, std::string_view key);
// Bytes; negative values are absent.
std::optional<double> Bytes(const nlohmann::json& obj, std::string_view key);

std::string ToUpper(std::string_view s);
std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace fme::flink_json
