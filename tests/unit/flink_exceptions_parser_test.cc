#include "flink/flink_exceptions_parser.h"

#include <gtest/gtest.h>

#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

FlinkJobFailure ParseFailure(const std::string& body) {
  auto r = ParseFlinkExceptions(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok() || !r->has_value()) {
    ADD_FAILURE() << "expected a failure in " << body.substr(0, 120);
    return {};
  }
  return **r;
}

void ExpectNoFailure(const std::string& body) {
  auto r = ParseFlinkExceptions(body);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->has_value()) << body.substr(0, 120);
}

TEST(FlinkExceptionsParserTest, Legacy14RootException) {
  FlinkJobFailure f = ParseFailure(ReadFixture("flink/1.4/exceptions.json"));
  EXPECT_EQ(f.exception, "java.net.ConnectException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1519886389.0);
  EXPECT_EQ(f.taskmanager_id, "");
  ExpectNoFailure(ReadFixture("flink/1.4/exceptions_canceled.json"));
}

TEST(FlinkExceptionsParserTest, V19NullRootMeansNeverFailed) {
  ExpectNoFailure(ReadFixture("flink/1.9/exceptions.json"));
  FlinkJobFailure f = ParseFailure(ReadFixture("flink/1.9/exceptions_failed.json"));
  EXPECT_EQ(f.exception, "java.lang.IllegalStateException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1568031799.0);
}

TEST(FlinkExceptionsParserTest, V113PrefersHistory) {
  FlinkJobFailure f = ParseFailure(ReadFixture("flink/1.13/exceptions.json"));
  EXPECT_EQ(f.exception, "org.apache.flink.runtime.io.network.netty.exception.RemoteTransportException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1623039990.311);
  EXPECT_EQ(f.taskmanager_id, "") << "taskManagerId is 1.17+";
  ExpectNoFailure(ReadFixture("flink/1.13/exceptions_finished.json"));
}

TEST(FlinkExceptionsParserTest, V118TaskManagerId) {
  FlinkJobFailure f = ParseFailure(ReadFixture("flink/1.18/exceptions.json"));
  EXPECT_EQ(f.exception, "java.util.concurrent.TimeoutException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1701071990.881);
  EXPECT_EQ(f.taskmanager_id, "10.0.4.53:39811-0a2b4c");
  ExpectNoFailure(ReadFixture("flink/1.18/exceptions_canceled.json"));
}

TEST(FlinkExceptionsParserTest, V20HistoryOnly) {
  FlinkJobFailure f = ParseFailure(ReadFixture("flink/2.0/exceptions.json"));
  EXPECT_EQ(f.exception, "org.apache.flink.runtime.io.network.partition.PartitionNotFoundException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1744099990.12);
  EXPECT_EQ(f.taskmanager_id, "10.0.5.63:40877-5c9e1d");
  FlinkJobFailure failed = ParseFailure(ReadFixture("flink/2.0/exceptions_failed.json"));
  EXPECT_EQ(failed.exception, "org.apache.flink.runtime.JobException");
  EXPECT_DOUBLE_EQ(failed.timestamp, 1744084798.7);
  EXPECT_EQ(failed.taskmanager_id, "10.0.5.62:35107-b81f3d");
  ExpectNoFailure(R"({"exceptionHistory":{"entries":[],"truncated":false}})");
}

TEST(FlinkExceptionsParserTest, NewestHistoryEntryWinsOverRoot) {
  FlinkJobFailure f = ParseFailure(R"({
    "root-exception":"java.io.IOException: old\n\tat x","timestamp":1000,
    "exceptionHistory":{"entries":[
      {"exceptionName":"java.lang.OutOfMemoryError","stacktrace":"java.lang.OutOfMemoryError: Java heap space","timestamp":3000},
      {"exceptionName":"java.io.IOException","timestamp":2000}]}})");
  EXPECT_EQ(f.exception, "java.lang.OutOfMemoryError");
  EXPECT_DOUBLE_EQ(f.timestamp, 3.0);
}

TEST(FlinkExceptionsParserTest, HistoryEntryFallbacks) {
  // No usable exceptionName: the stack trace names the class; no timestamp: the top-level one.
  FlinkJobFailure f = ParseFailure(R"({"timestamp":"5000","exceptionHistory":{"entries":[
      {"exceptionName":"Something went wrong","stacktrace":"org.example.BadRecordException: row 7\n\tat x"}]}})");
  EXPECT_EQ(f.exception, "org.example.BadRecordException");
  EXPECT_DOUBLE_EQ(f.timestamp, 5.0);

  FlinkJobFailure bare = ParseFailure(R"({"exceptionHistory":{"entries":[{"timestamp":-1}]}})");
  EXPECT_EQ(bare.exception, "");
  EXPECT_DOUBLE_EQ(bare.timestamp, 0.0);
}

TEST(FlinkExceptionsParserTest, RootUsedWhenHistoryIsEmpty) {
  FlinkJobFailure f = ParseFailure(
      R"json({"root-exception":"org.apache.flink.runtime.JobException: Recovery is suppressed\n\tat a.b(C.java:1)",)json"
      R"("timestamp":1618570000000,"all-exceptions":[],"exceptionHistory":{"entries":[]}})");
  EXPECT_EQ(f.exception, "org.apache.flink.runtime.JobException");
  EXPECT_DOUBLE_EQ(f.timestamp, 1618570000.0);

  FlinkJobFailure prose = ParseFailure(R"({"root-exception":"Job was cancelled","timestamp":null})");
  EXPECT_EQ(prose.exception, "");
  EXPECT_DOUBLE_EQ(prose.timestamp, 0.0);
  ExpectNoFailure(R"({"root-exception":"","timestamp":null})");
}

TEST(FlinkExceptionsParserTest, WrongShapesAreParseErrors) {
  const std::string full = ReadFixture("flink/1.13/exceptions.json");
  for (const std::string& body :
       {full.substr(0, 100), std::string("[]"), std::string("<html><body>oops</body></html>"),
        std::string("{}"), std::string(R"({"errors":["Job not found"]})"), std::string("")}) {
    auto r = ParseFlinkExceptions(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_NE(ParseFlinkExceptions("[]").status().message().find("exceptions"), std::string::npos);
}

}  // namespace
}  // namespace fme
