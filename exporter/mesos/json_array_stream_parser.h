// A JSON parser for documents whose bulk is a few long arrays, such as the Mesos state (tasks,
// agents, frameworks: tens of MB in a large cluster). It builds the DOM nlohmann::json::parse
// would build, except that the elements of the chosen arrays are handed one at a time to a
// callback and then dropped, so the whole document is never held in memory: each element is a
// small DOM that is read and freed while its memory is still in cache.
//
// The result is what reading the full DOM would give: a chosen array is found only where
// `path` names nested object members from the root, and when a member on that path occurs more
// than once the last one wins (its earlier elements are forgotten through `on_reset`), as in
// nlohmann's DOM. The returned DOM holds an empty array in place of each streamed one.
#pragma once

#include <functional>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "fme/status.h"

namespace fme::json {

struct StreamedArray {
  // Member names from the root object to the array, e.g. {"get_tasks", "tasks"}.
  std::vector<std::string_view> path;
  // Called for every element, in order; the element is destroyed afterwards.
  std::function<void(const nlohmann::json& element)> on_element;
  // Called when a member on `path` starts (again): elements passed before no longer count.
  std::function<void()> on_reset;
};

// Malformed or truncated input gives kParseError naming `what`, with the message of
// json::Parse (common/json_util.h).
Result<nlohmann::json> ParseStreamingArrays(std::string_view body, std::string_view what,
                                            const std::vector<StreamedArray>& arrays);

}  // namespace fme::json
