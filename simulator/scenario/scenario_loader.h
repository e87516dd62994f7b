// Loads a scenario from YAML (format: docs/simulator.md). Strict: unknown keys, keys that do not
// apply to an incident type, bad values and unknown incident/fault types are errors that name the
// line (1-based) they were found on. Pure apart from reading the file.
#pragma once

#include <optional>
#include <string>

#include "scenario/scenario.h"

namespace fme::sim {

struct ScenarioLoadResult {
  std::optional<Scenario> scenario;  // set on success
  std::string error;                 // "<source>:<line>: <message>" on failure
  int line = 0;                      // line of the error (1-based), 0 when unknown
  bool ok() const { return scenario.has_value(); }
};

ScenarioLoadResult LoadScenarioFile(const std::string& path);
ScenarioLoadResult ParseScenario(const std::string& yaml_text, const std::string& source = "<string>");

// "1500ms", "60s", "4m", "2h", "1d", "1m30s", or a bare number of seconds. nullopt if malformed.
std::optional<Millis> ParseDuration(const std::string& text);
// "now" -> nullopt value with ok; "2024-05-01T12:00:00Z" or epoch milliseconds.
std::optional<Millis> ParseTimestamp(const std::string& text);

// Incident and fault types the loader accepts.
bool IsKnownIncidentType(const std::string& type);
bool IsKnownFaultType(const std::string& type);

}  // namespace fme::sim
