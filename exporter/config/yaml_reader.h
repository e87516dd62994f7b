// YamlReader: what the configuration file and the web configuration file loaders share when
// they walk a YAML document: parsing exactly one document without letting yaml-cpp
// exceptions escape, mappings checked against their known keys (with "did you mean" hints,
// duplicates and non-string keys refused), single values, and problems collected as
// `<origin>:<line>: <key path>: <problem>`, sorted by line, in one kInvalidConfig Status.
//
// A loader derives from it (or holds one) for the duration of one parse. Not thread-safe.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fme/status.h"

namespace fme {

// A value in a mapping, with the 1-based line of its key.
struct YamlField {
  YAML::Node value;
  int line = 0;
};
using YamlFields = std::map<std::string, YamlField, std::less<>>;

// A key a format knows but refuses, with the reason given instead of "unknown key".
struct UnsupportedKey {
  std::string_view key;
  std::string_view why;
};

// "a scalar", "a list", "a mapping" or "nothing", for messages.
std::string DescribeYamlNode(const YAML::Node& node);
// "a.b" ("b" at the top level) and "a[3]": the key paths shown in messages.
std::string JoinKeyPath(const std::string& path, std::string_view key);
std::string IndexKeyPath(const std::string& path, std::size_t index);

class YamlReader {
 public:
  explicit YamlReader(std::string origin) : origin_(std::move(origin)) {}

  const std::string& origin() const { return origin_; }

  // Records a problem at `line` (1-based) under `path`.
  void Error(int line, const std::string& path, const std::string& problem);
  std::size_t problem_count() const { return problems_.size(); }

  // The 1-based line of a node, or `fallback` when yaml-cpp has no mark for it.
  static int LineOf(const YAML::Node& node, int fallback);
  // Where a value problem is reported: the value itself unless it is empty (yaml-cpp puts an
  // empty value's mark on the following line).
  static int ValueLine(const YamlField& field);

  // The keys of a mapping at `path` (`line`: where it starts, for an empty value). A null
  // node is an empty mapping; anything else but a mapping is a problem (nothing returned).
  // Unknown, unsupported, duplicate and non-string keys are problems and left out.
  std::optional<YamlFields> ReadMap(const YAML::Node& node, const std::string& path, int line,
                                    std::initializer_list<std::string_view> known,
                                    std::initializer_list<UnsupportedKey> unsupported = {});
  // A single value, as written ("missing value" for an empty one).
  std::optional<std::string> ReadScalar(const YamlField& field, const std::string& path);

  // Parses `text` as at most one YAML document and calls `read` with its root unless the
  // document is empty; syntax errors, extra documents and yaml-cpp exceptions thrown by `read`
  // become problems. Returns every problem recorded so far, or Ok.
  Status Parse(const std::string& text, const std::function<void(const YAML::Node& root)>& read);

  // Every problem recorded so far in one kInvalidConfig Status, or Ok when there are none.
  Status Problems() const;

 private:
  struct Problem {
    int line;
    std::string text;
  };
  std::string origin_;
  std::vector<Problem> problems_;
};

}  // namespace fme
