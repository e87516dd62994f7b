#include "config/yaml_reader.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <sstream>
#include <utility>

#include "config/message_quote.h"

namespace fme {
namespace {

// Levenshtein distance, for "did you mean" hints on unknown keys.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Where the documents of a YAML stream start, read without building them: yaml-cpp 0.7's
// LoadAll never returns on some malformed input (a ',' outside a flow collection), because its
// parser then reports the same empty document again and again without consuming anything, and
// LoadAll collects them until memory runs out. So at most two documents are read here, and a
// second document that starts where the first one did is that stuck parser: a syntax error.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;  // of each document
  std::vector<YAML::Mark> roots;   // of each document's root node

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Root(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Root(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Root(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Root(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Root(mark);
  }
  void OnMapEnd() override {}

 private:
  void Root(const YAML::Mark& mark) {
    if (roots.size() < starts.size()) roots.push_back(mark);
  }
};

}  // namespace

std::string DescribeYamlNode(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

std::string JoinKeyPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string IndexKeyPath(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

void YamlReader::Error(int line, const std::string& path, const std::string& problem) {
  problems_.push_back({line, origin_ + ":" + std::to_string(line) + ": " + path + ": " + problem});
}

int YamlReader::LineOf(const YAML::Node& node, int fallback) {
  return node.Mark().is_null() ? fallback : node.Mark().line + 1;
}

int YamlReader::ValueLine(const YamlField& field) {
  return field.value.IsNull() ? field.line : LineOf(field.value, field.line);
}

std::optional<YamlFields> YamlReader::ReadMap(const YAML::Node& node, const std::string& path,
                                              int line,
                                              std::initializer_list<std::string_view> known,
                                              std::initializer_list<UnsupportedKey> unsupported) {
  YamlFields fields;
  if (node.IsNull()) return fields;  // `key:` with nothing under it: an empty mapping
  if (!node.IsMap()) {
    Error(LineOf(node, line), path, "expected a mapping, got " + DescribeYamlNode(node));
    return std::nullopt;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int key_line = LineOf(it->first, line);
    if (!it->first.IsScalar()) {
      Error(key_line, path,
            "mapping keys must be plain strings, got " + DescribeYamlNode(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    const std::string key_path = JoinKeyPath(path, EscapeForMessage(key));
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      const auto refused = std::find_if(unsupported.begin(), unsupported.end(),
                                        [&](const UnsupportedKey& u) { return u.key == key; });
      if (refused != unsupported.end()) {
        Error(key_line, key_path, std::string(refused->why));
        continue;
      }
      std::string problem = "unknown key";
      for (std::string_view candidate : known) {
        if (EditDistance(key, candidate) <= 2) {
          problem += " (did you mean " + std::string(candidate) + "?)";
          break;
        }
      }
      Error(key_line, key_path, problem);
      continue;
    }
    if (auto prev = fields.find(key); prev != fields.end()) {
      Error(key_line, key_path,
            "duplicate key (first at line " + std::to_string(prev->second.line) + ")");
      continue;
    }
    fields.emplace(key, YamlField{it->second, key_line});
  }
  return fields;
}

std::optional<std::string> YamlReader::ReadScalar(const YamlField& field, const std::string& path) {
  if (field.value.IsNull()) {
    Error(field.line, path, "missing value");
    return std::nullopt;
  }
  if (!field.value.IsScalar()) {
    Error(ValueLine(field), path,
          "expected a single value, got " + DescribeYamlNode(field.value));
    return std::nullopt;
  }
  return field.value.Scalar();
}

Status YamlReader::Parse(const std::string& text,
                         const std::function<void(const YAML::Node& root)>& read) {
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentStarts marks;
    for (int i = 0; i < 2 && parser.HandleNextDocument(marks); ++i) {
    }
    const bool stuck = marks.starts.size() > 1 && marks.starts[1].pos == marks.starts[0].pos;
    if (stuck) {
      const YAML::Mark& at = marks.starts[0];
      const std::size_t pos = std::min(static_cast<std::size_t>(std::max(at.pos, 0)), text.size());
      Error(at.line + 1, "yaml",
            "syntax error: unexpected " + QuoteForMessage(std::string_view(text).substr(pos, 1)) +
                " (column " + std::to_string(at.column + 1) + ")");
    } else if (marks.starts.size() > 1) {
      const YAML::Mark& at = marks.roots.size() > 1 ? marks.roots[1] : marks.starts[1];
      Error(at.line + 1, "top level", "only one YAML document is allowed");
    }
    // The first document is read even when more follow, so that all its problems show too.
    // No document (empty file, only comments) or an explicitly empty one: nothing to read.
    if (!marks.starts.empty() && !stuck) {
      const YAML::Node root = YAML::Load(text);
      if (!root.IsNull()) read(root);
    }
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    const std::string where =
        e.mark.is_null() ? "" : " (column " + std::to_string(e.mark.column + 1) + ")";
    Error(line, "yaml", "syntax error: " + e.msg + where);
  }
  return Problems();
}

Status YamlReader::Problems() const {
  if (problems_.empty()) return Status::Ok();
  std::vector<Problem> sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  std::string message;
  for (const Problem& p : sorted) {
    if (!message.empty()) message += '\n';
    message += p.text;
  }
  return Status::InvalidConfig(std::move(message));
}

}  // namespace fme
