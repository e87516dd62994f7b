#include "exposition/text_writer.h"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <limits>

namespace fme {
namespace {

std::string Value(double v) {
  std::string out;
  TextWriter::AppendValue(out, v);
  return out;
}

TEST(TextWriterTest, WritesHeaderOnceAndOnlyWithSamples) {
  std::string out;
  TextWriter w(out);
  w.Family("empty_family", "Never sampled.", MetricType::kGauge);
  w.Family("x_total", "Things.", MetricType::kCounter);
  w.Sample({{"a", "1"}}, 3);
  w.Sample({{"a", "2"}}, 4);
  EXPECT_EQ(out,
            "# HELP x_total Things.\n# TYPE x_total counter\n"
            "x_total{a=\"1\"} 3\nx_total{a=\"2\"} 4\n");
  EXPECT_EQ(w.samples(), 2u);
}

TEST(TextWriterTest, NoLabelsMeansNoBraces) {
  std::string out;
  TextWriter w(out);
  w.Family("up", "h", MetricType::kGauge);
  w.Sample({}, 1);
  EXPECT_NE(out.find("\nup 1\n"), std::string::npos);
}

TEST(TextWriterTest, IdentityAndSpecificLabelsAreConcatenated) {
  std::string out;
  TextWriter w(out);
  w.Family("m", "h", MetricType::kGauge);
  w.Sample({{"cluster", "c"}}, {{"state", "RUNNING"}}, 2);
  EXPECT_NE(out.find("m{cluster=\"c\",state=\"RUNNING\"} 2\n"), std::string::npos);
}

TEST(TextWriterTest, EscapesLabelValuesAndKeepsUtf8) {
  std::string out;
  TextWriter::AppendLabelValue(out, "a\"b\\c\nd-日本");
  EXPECT_EQ(out, "a\\\"b\\\\c\\nd-日本");
}

TEST(TextWriterTest, SanitizesHelp) {
  std::string out;
  TextWriter::AppendHelp(out, "line1\nline2 with \\ and \"quotes\"\r");
  EXPECT_EQ(out, "line1\\nline2 with \\\\ and \"quotes\"\\n");
}

TEST(TextWriterTest, SpecialValues) {
  EXPECT_EQ(Value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(Value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(Value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(TextWriterTest, NumbersRoundTrip) {
  EXPECT_EQ(Value(0), "0");
  EXPECT_EQ(Value(-3), "-3");
  EXPECT_EQ(Value(257698037760.0), "257698037760");
  EXPECT_EQ(Value(0.25), "0.25");
  EXPECT_EQ(Value(1e300), "1e+300");
  for (double v : {0.1, 1.0 / 3, 12345.678901234567, 1.5e-9, 9007199254740993.0}) {
    EXPECT_EQ(std::stod(Value(v)), v) << Value(v);
  }
}

TEST(TextWriterTest, NumbersIgnoreTheLocale) {
  // A comma-decimal locale must not leak into the exposition.
  const char* old = std::setlocale(LC_ALL, nullptr);
  std::string saved = old ? old : "C";
  if (std::setlocale(LC_ALL, "de_DE.UTF-8") == nullptr) GTEST_SKIP() << "de_DE locale not installed";
  EXPECT_EQ(Value(0.5), "0.5");
  std::setlocale(LC_ALL, saved.c_str());
}

}  // namespace
}  // namespace fme
