#include <gtest/gtest.h>

#include "fme/model/mesos.h"

namespace fme {
namespace {

TEST(MesosStatesTest, NamesRoundTrip) {
  for (int i = 0; i + 1 < kMesosTaskStateCount; ++i) {
    const auto s = static_cast<MesosTaskState>(i);
    EXPECT_EQ(ParseMesosTaskState(MesosTaskStateName(s)), s) << MesosTaskStateName(s);
  }
  EXPECT_EQ(MesosTaskStateName(MesosTaskState::kRunning), "TASK_RUNNING");
  EXPECT_EQ(MesosTaskStateName(MesosTaskState::kUnknown), "TASK_UNKNOWN");
  EXPECT_EQ(MesosTaskStateName(MesosTaskState::kGoneByOperator), "TASK_GONE_BY_OPERATOR");
  EXPECT_EQ(MesosTaskStateName(MesosTaskState::kUnrecognized), "UNRECOGNIZED");
}

TEST(MesosStatesTest, ParsingIsCaseInsensitiveAndTotal) {
  EXPECT_EQ(ParseMesosTaskState("task_running"), MesosTaskState::kRunning);
  EXPECT_EQ(ParseMesosTaskState("Task_Unreachable"), MesosTaskState::kUnreachable);
  EXPECT_EQ(ParseMesosTaskState("TASK_UNKNOWN"), MesosTaskState::kUnknown) << "a real state";
  EXPECT_EQ(ParseMesosTaskState("UNRECOGNIZED"), MesosTaskState::kUnrecognized);
  EXPECT_EQ(ParseMesosTaskState("RUNNING"), MesosTaskState::kUnrecognized);
  EXPECT_EQ(ParseMesosTaskState("TASK_SOMETHING_NEW"), MesosTaskState::kUnrecognized);
  EXPECT_EQ(ParseMesosTaskState(""), MesosTaskState::kUnrecognized);
}

TEST(MesosStatesTest, TerminalStatesMatchIsTerminalState) {
  int terminal = 0;
  for (int i = 0; i < kMesosTaskStateCount; ++i) {
    const auto s = static_cast<MesosTaskState>(i);
    if (IsTerminal(s)) {
      ++terminal;
      EXPECT_GE(i, kMesosActiveTaskStateCount) << "non-terminal states come first";
    }
  }
  EXPECT_EQ(terminal, 8);
  EXPECT_TRUE(IsTerminal(MesosTaskState::kLost)) << "even though a lost task may come back";
  EXPECT_TRUE(IsTerminal(MesosTaskState::kGoneByOperator));
  EXPECT_FALSE(IsTerminal(MesosTaskState::kUnreachable));
  EXPECT_FALSE(IsTerminal(MesosTaskState::kUnknown));
  EXPECT_FALSE(IsTerminal(MesosTaskState::kKilling));
  EXPECT_FALSE(IsTerminal(MesosTaskState::kUnrecognized));
}

}  // namespace
}  // namespace fme
