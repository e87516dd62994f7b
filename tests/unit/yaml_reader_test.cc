// YamlReader, the mapping walker both configuration loaders share: known keys with hints,
// refused keys with their reason, duplicates, single values, one document, problems sorted by
// line in one status.
#include "config/yaml_reader.h"

#include <gtest/gtest.h>

#include <string>

namespace fme {
namespace {

// Reads the top-level mapping of `text` with the keys `a` and `bb` known and `old` refused.
std::string ProblemsOf(const std::string& text, std::string* a_value = nullptr) {
  YamlReader reader("f.yml");
  Status st = reader.Parse(text, [&](const YAML::Node& root) {
    auto fields = reader.ReadMap(root, "", 1, {"a", "bb"}, {{"old", "no longer supported"}});
    if (!fields) return;
    if (auto it = fields->find("a"); it != fields->end()) {
      if (auto v = reader.ReadScalar(it->second, "a"); v && a_value) *a_value = *v;
    }
  });
  return st.ok() ? "" : st.message();
}

TEST(YamlReaderTest, ReadsKnownKeysAndSingleValues) {
  std::string a;
  EXPECT_EQ(ProblemsOf("a: 1\nbb: [x]\n", &a), "");
  EXPECT_EQ(a, "1");
  EXPECT_EQ(ProblemsOf(""), "") << "an empty document is valid";
}

TEST(YamlReaderTest, ProblemsAreSortedByLineWithKeyPaths) {
  EXPECT_EQ(ProblemsOf("bbb: 1\nold: 2\na: [1]\na: 3\n"),
            "f.yml:1: bbb: unknown key (did you mean bb?)\n"
            "f.yml:2: old: no longer supported\n"
            "f.yml:3: a: expected a single value, got a list\n"
            "f.yml:4: a: duplicate key (first at line 3)");
  EXPECT_EQ(ProblemsOf("a:\n"), "f.yml:1: a: missing value");
}

TEST(YamlReaderTest, OneDocumentAndSyntaxErrors) {
  EXPECT_EQ(ProblemsOf("a: 1\n---\na: 2\n"), "f.yml:3: top level: only one YAML document is allowed");
  EXPECT_EQ(ProblemsOf("a: [1\n").rfind("f.yml:", 0), 0u);
  EXPECT_NE(ProblemsOf("a: [1\n").find(": yaml: syntax error"), std::string::npos);
}

TEST(YamlKeyPathTest, JoinsAndIndexes) {
  EXPECT_EQ(JoinKeyPath("", "a"), "a");
  EXPECT_EQ(JoinKeyPath("a", "b"), "a.b");
  EXPECT_EQ(IndexKeyPath("a.b", 3), "a.b[3]");
}

}  // namespace
}  // namespace fme
