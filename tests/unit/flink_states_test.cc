#include <gtest/gtest.h>

#include "flink/flink_api_version.h"
#include "fme/model/flink.h"

namespace fme {
namespace {

TEST(FlinkStatesTest, JobStatesRoundTrip) {
  for (int i = 0; i < kFlinkJobStateCount; ++i) {
    const auto s = static_cast<FlinkJobState>(i);
    EXPECT_EQ(ParseFlinkJobState(FlinkJobStateName(s)), s) << FlinkJobStateName(s);
  }
  EXPECT_EQ(FlinkJobStateName(FlinkJobState::kRunning), "RUNNING");
  EXPECT_EQ(FlinkJobStateName(FlinkJobState::kCancelling), "CANCELLING");
  EXPECT_EQ(FlinkJobStateName(FlinkJobState::kCanceled), "CANCELED");
  EXPECT_EQ(FlinkJobStateName(FlinkJobState::kInitializing), "INITIALIZING");
  EXPECT_EQ(FlinkJobStateName(FlinkJobState::kUnknown), "UNKNOWN");
}

TEST(FlinkStatesTest, JobStateParsingIsCaseInsensitiveAndTotal) {
  EXPECT_EQ(ParseFlinkJobState("running"), FlinkJobState::kRunning);
  EXPECT_EQ(ParseFlinkJobState("Canceled"), FlinkJobState::kCanceled);
  EXPECT_EQ(ParseFlinkJobState("reconciling"), FlinkJobState::kReconciling);
  EXPECT_EQ(ParseFlinkJobState("CANCELED "), FlinkJobState::kUnknown);
  EXPECT_EQ(ParseFlinkJobState("CANCELLED"), FlinkJobState::kUnknown) << "JobStatus has one L";
  EXPECT_EQ(ParseFlinkJobState("SOMETHING_NEW"), FlinkJobState::kUnknown);
  EXPECT_EQ(ParseFlinkJobState(""), FlinkJobState::kUnknown);
}

TEST(FlinkStatesTest, TerminalStates) {
  int terminal = 0;
  for (int i = 0; i < kFlinkJobStateCount; ++i) {
    if (IsTerminal(static_cast<FlinkJobState>(i))) ++terminal;
  }
  EXPECT_EQ(terminal, 3);
  EXPECT_TRUE(IsTerminal(FlinkJobState::kFinished));
  EXPECT_TRUE(IsTerminal(FlinkJobState::kCanceled));
  EXPECT_TRUE(IsTerminal(FlinkJobState::kFailed));
  EXPECT_FALSE(IsTerminal(FlinkJobState::kSuspended)) << "only locally terminal";
  EXPECT_FALSE(IsTerminal(FlinkJobState::kFailing));
  EXPECT_FALSE(IsTerminal(FlinkJobState::kUnknown));
}

TEST(FlinkStatesTest, ExecutionStates) {
  for (int i = 0; i < kFlinkExecutionStateCount; ++i) {
    const auto s = static_cast<FlinkExecutionState>(i);
    EXPECT_EQ(ParseFlinkExecutionState(FlinkExecutionStateName(s)), s);
  }
  EXPECT_EQ(FlinkExecutionStateName(FlinkExecutionState::kCanceling), "CANCELING");
  EXPECT_EQ(FlinkExecutionStateName(FlinkExecutionState::kInitializing), "INITIALIZING");
  EXPECT_EQ(FlinkExecutionStateName(FlinkExecutionState::kUnknown), "UNKNOWN");
  EXPECT_EQ(ParseFlinkExecutionState("deploying"), FlinkExecutionState::kDeploying);
  EXPECT_EQ(ParseFlinkExecutionState("Initializing"), FlinkExecutionState::kInitializing);
  EXPECT_EQ(ParseFlinkExecutionState("total"), FlinkExecutionState::kUnknown);
  EXPECT_EQ(ParseFlinkExecutionState("CANCELLING"), FlinkExecutionState::kUnknown)
      << "ExecutionState has one L";
}

TEST(FlinkStatesTest, BackpressureLevels) {
  EXPECT_EQ(FlinkBackpressureLevelName(FlinkBackpressureLevel::kOk), "ok");
  EXPECT_EQ(FlinkBackpressureLevelName(FlinkBackpressureLevel::kLow), "low");
  EXPECT_EQ(FlinkBackpressureLevelName(FlinkBackpressureLevel::kHigh), "high");
  EXPECT_EQ(BackpressureLevelForRatio(0.0), FlinkBackpressureLevel::kOk);
  EXPECT_EQ(BackpressureLevelForRatio(0.10), FlinkBackpressureLevel::kOk);
  EXPECT_EQ(BackpressureLevelForRatio(0.1001), FlinkBackpressureLevel::kLow);
  EXPECT_EQ(BackpressureLevelForRatio(0.5), FlinkBackpressureLevel::kLow);
  EXPECT_EQ(BackpressureLevelForRatio(0.5001), FlinkBackpressureLevel::kHigh);
  EXPECT_EQ(BackpressureLevelForRatio(1.0), FlinkBackpressureLevel::kHigh);
}

TEST(FlinkApiVersionTest, ReleasedVersions) {
  struct Case {
    const char* text;
    int major, minor;
    bool legacy, samples;
  };
  for (const Case& c : {Case{"1.4.2", 1, 4, true, true}, Case{"1.5.0", 1, 5, false, true},
                        Case{"1.9-SNAPSHOT", 1, 9, false, true}, Case{"1.12.7", 1, 12, false, true},
                        Case{"1.13.6", 1, 13, false, false}, Case{"1.20.1", 1, 20, false, false},
                        Case{"2.0.0", 2, 0, false, false}, Case{"2.1-preview1", 2, 1, false, false},
                        Case{" 1.18.1 ", 1, 18, false, false}, Case{"1.3", 1, 3, true, true}}) {
    FlinkApiVersion v = ParseFlinkApiVersion(c.text);
    EXPECT_TRUE(v.known) << c.text;
    EXPECT_EQ(v.major, c.major) << c.text;
    EXPECT_EQ(v.minor, c.minor) << c.text;
    EXPECT_EQ(v.Legacy(), c.legacy) << c.text;
    EXPECT_EQ(v.SamplesBackpressure(), c.samples) << c.text;
  }
}

TEST(FlinkApiVersionTest, GarbageIsUnknown) {
  for (const char* text : {"", "garbage", "1", "1.", ".9", "v1.13.6", "1.x", "1.13abc", "-1.4",
                           "0.10.2", "1,13", "99999999999.1", "<unknown>"}) {
    FlinkApiVersion v = ParseFlinkApiVersion(text);
    EXPECT_FALSE(v.known) << text;
    EXPECT_FALSE(v.Legacy()) << text;
    EXPECT_FALSE(v.SamplesBackpressure()) << text;
  }
}

}  // namespace
}  // namespace fme
