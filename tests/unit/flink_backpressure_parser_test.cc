#include "flink/flink_backpressure_parser.h"

#include <gtest/gtest.h>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

FlinkBackpressureSample Parse(const std::string& body) {
  auto r = ParseFlinkBackpressure(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : FlinkBackpressureSample{};
}

TEST(FlinkBackpressureParserTest, Legacy14StaleDataMarkedDeprecatedIsStillASample) {
  FlinkBackpressureSample s = Parse(ReadFixture("flink/1.4/backpressure.json"));
  EXPECT_TRUE(s.has_sample);
  EXPECT_EQ(s.level, std::optional(FlinkBackpressureLevel::kLow));
  EXPECT_OPT_DOUBLE(s.max_ratio, 0.24);
  ASSERT_EQ(s.subtasks.size(), 2u);
  EXPECT_EQ(s.subtasks[0].index, 0);
  EXPECT_OPT_DOUBLE(s.subtasks[0].backpressured_ratio, 0.24);
  EXPECT_FALSE(s.subtasks[0].idle_ratio.has_value()) << "1.13+";
  EXPECT_FALSE(s.subtasks[0].busy_ratio.has_value());
  EXPECT_OPT_DOUBLE(s.subtasks[1].backpressured_ratio, 0.06);
}

TEST(FlinkBackpressureParserTest, V19Sampling) {
  FlinkBackpressureSample s = Parse(ReadFixture("flink/1.9/backpressure.json"));
  EXPECT_TRUE(s.has_sample);
  EXPECT_EQ(s.level, std::optional(FlinkBackpressureLevel::kHigh));
  EXPECT_OPT_DOUBLE(s.max_ratio, 0.87);
  ASSERT_EQ(s.subtasks.size(), 2u);
  EXPECT_OPT_DOUBLE(s.subtasks[1].backpressured_ratio, 0.46);
}

TEST(FlinkBackpressureParserTest, V113MetricBasedWithIdleAndBusy) {
  FlinkBackpressureSample s = Parse(ReadFixture("flink/1.13/backpressure.json"));
  EXPECT_TRUE(s.has_sample);
  EXPECT_EQ(s.level, std::optional(FlinkBackpressureLevel::kLow));
  EXPECT_OPT_DOUBLE(s.max_ratio, 0.134);
  ASSERT_EQ(s.subtasks.size(), 8u);
  EXPECT_EQ(s.subtasks[7].index, 7);
  EXPECT_OPT_DOUBLE(s.subtasks[0].busy_ratio, 0.866);
  EXPECT_OPT_DOUBLE(s.subtasks[1].idle_ratio, 0.354);
  EXPECT_OPT_DOUBLE(s.subtasks[1].backpressured_ratio, 0.0);
}

TEST(FlinkBackpressureParserTest, V118AndV20BothLevelKeys) {
  FlinkBackpressureSample s118 = Parse(ReadFixture("flink/1.18/backpressure.json"));
  EXPECT_TRUE(s118.has_sample);
  EXPECT_EQ(s118.level, std::optional(FlinkBackpressureLevel::kOk));
  EXPECT_OPT_DOUBLE(s118.max_ratio, 0.0);
  ASSERT_EQ(s118.subtasks.size(), 4u);
  EXPECT_OPT_DOUBLE(s118.subtasks[2].idle_ratio, 0.598);

  FlinkBackpressureSample s20 = Parse(ReadFixture("flink/2.0/backpressure.json"));
  EXPECT_EQ(s20.level, std::optional(FlinkBackpressureLevel::kHigh));
  EXPECT_OPT_DOUBLE(s20.max_ratio, 0.722);
  ASSERT_EQ(s20.subtasks.size(), 3u);
  EXPECT_OPT_DOUBLE(s20.subtasks[1].busy_ratio, 0.571);
}

TEST(FlinkBackpressureParserTest, NoSampleYet) {
  FlinkBackpressureSample s = Parse(R"({"status":"deprecated"})");
  EXPECT_FALSE(s.has_sample);
  EXPECT_FALSE(s.level.has_value());
  EXPECT_FALSE(s.max_ratio.has_value());
  EXPECT_TRUE(s.subtasks.empty());

  FlinkBackpressureSample empty = Parse(R"({"status":"ok","subtasks":[]})");
  EXPECT_FALSE(empty.has_sample);
}

TEST(FlinkBackpressureParserTest, LevelKeysAndUnknownLevels) {
  // Only the 1.17+ key.
  FlinkBackpressureSample camel = Parse(
      R"({"status":"ok","backpressureLevel":"HIGH","subtasks":[{"subtask":0,"ratio":0.9}]})");
  EXPECT_EQ(camel.level, std::optional(FlinkBackpressureLevel::kHigh));

  // An unknown level falls back to the level of the highest ratio.
  FlinkBackpressureSample unknown = Parse(R"({"status":"ok","backpressure-level":"severe",
      "subtasks":[{"subtask":1,"ratio":0.3},{"subtask":0,"ratio":"0.05"}]})");
  EXPECT_TRUE(unknown.has_sample);
  EXPECT_EQ(unknown.level, std::optional(FlinkBackpressureLevel::kLow));
  EXPECT_OPT_DOUBLE(unknown.max_ratio, 0.3);
  ASSERT_EQ(unknown.subtasks.size(), 2u);
  EXPECT_EQ(unknown.subtasks[0].index, 0) << "sorted by index";
  EXPECT_OPT_DOUBLE(unknown.subtasks[0].backpressured_ratio, 0.05) << "numeric string";

  FlinkBackpressureSample unknown_no_data =
      Parse(R"({"status":"ok","backpressure-level":"severe"})");
  EXPECT_FALSE(unknown_no_data.level.has_value());

  // A missing level with data is computed too.
  FlinkBackpressureSample computed =
      Parse(R"({"status":"ok","subtasks":[{"subtask":0,"ratio":0.51}]})");
  EXPECT_EQ(computed.level, std::optional(FlinkBackpressureLevel::kHigh));
}

TEST(FlinkBackpressureParserTest, OddSubtasksAreSkipped) {
  FlinkBackpressureSample s = Parse(R"({"status":"ok","backpressure-level":"ok","subtasks":[
      {"subtask":2,"ratio":null,"idleRatio":0.5},
      {"ratio":0.99},
      {"subtask":-1,"ratio":0.99},
      "x",
      {"subtask":0,"ratio":0.01,"attempt-number":1,
       "other-concurrent-attempts":[{"subtask":0,"attempt-number":0,"ratio":0.97}]}]})");
  EXPECT_TRUE(s.has_sample);
  ASSERT_EQ(s.subtasks.size(), 2u);
  EXPECT_EQ(s.subtasks[0].index, 0);
  EXPECT_EQ(s.subtasks[1].index, 2);
  EXPECT_FALSE(s.subtasks[1].backpressured_ratio.has_value());
  EXPECT_OPT_DOUBLE(s.subtasks[1].idle_ratio, 0.5);
  EXPECT_OPT_DOUBLE(s.max_ratio, 0.01) << "concurrent attempts are not the subtask";
}

TEST(FlinkBackpressureParserTest, WrongShapesAreParseErrors) {
  const std::string full = ReadFixture("flink/1.13/backpressure.json");
  for (const std::string& body :
       {full.substr(0, full.size() - 5), std::string("[]"), std::string("<html></html>"),
        std::string("{}"), std::string(R"({"errors":["Vertex not found"]})"), std::string("")}) {
    auto r = ParseFlinkBackpressure(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_NE(ParseFlinkBackpressure("[]").status().message().find("backpressure"),
            std::string::npos);
}

}  // namespace
}  // namespace fme
