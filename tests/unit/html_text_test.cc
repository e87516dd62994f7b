#include "server/html_text.h"

#include <gtest/gtest.h>

#include <string>

namespace fme {
namespace {

TEST(HtmlEscapeTest, EscapesMarkupCharactersAndKeepsUtf8) {
  EXPECT_EQ(HtmlEscape("<script>\"&'日本"), "&lt;script&gt;&quot;&amp;&#39;日本");
  EXPECT_EQ(HtmlEscape("Zürich – ✓ 😀"), "Zürich – ✓ 😀");
  EXPECT_EQ(HtmlEscape("a\tb\nc"), "a\tb\nc");
  EXPECT_EQ(HtmlEscape(""), "");
}

TEST(HtmlEscapeTest, ReplacesInvalidUtf8AndControlCharacters) {
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(HtmlEscape(std::string("a\0b", 3)), "a" + r + "b");
  EXPECT_EQ(HtmlEscape("a\x1b[31mb\x7f"), "a" + r + "[31mb" + r);
  EXPECT_EQ(HtmlEscape("\xC2\x85"), r) << "C1 control (NEL)";
  EXPECT_EQ(HtmlEscape("x\xFFy"), "x" + r + "y") << "never a UTF-8 byte";
  EXPECT_EQ(HtmlEscape("\xC0\xBC"), r + r) << "overlong '<' must not survive as '<'";
  EXPECT_EQ(HtmlEscape("\xED\xA0\x80"), r + r + r) << "surrogate";
  EXPECT_EQ(HtmlEscape("\xE6\x97"), r + r) << "truncated sequence";
  EXPECT_EQ(HtmlEscape("\xF4\x90\x80\x80"), r + r + r + r) << "above U+10FFFF";
}

TEST(CutUtf8Test, CutsAtCharacterBoundaries) {
  EXPECT_EQ(CutUtf8("short", 10), "short");
  EXPECT_EQ(CutUtf8("exactly", 7), "exactly");
  EXPECT_EQ(CutUtf8("abcdef", 3), "abc…");
  // "日本" is 6 bytes; a cut inside the second character drops all of it.
  EXPECT_EQ(CutUtf8("日本", 4), "日…");
  EXPECT_EQ(CutUtf8("日本", 2), "…");
}

}  // namespace
}  // namespace fme
