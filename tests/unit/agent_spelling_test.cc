#include "mesos/agent_spelling.h"

#include <gtest/gtest.h>

namespace fme {
namespace {

TEST(MesosAgentSpellingTest, ReplacesEverySlave) {
  EXPECT_EQ(AgentSpelling("REASON_SLAVE_REMOVED"), "REASON_AGENT_REMOVED");
  EXPECT_EQ(AgentSpelling("SOURCE_SLAVE"), "SOURCE_AGENT");
  EXPECT_EQ(AgentSpelling("SLAVE_SLAVE"), "AGENT_AGENT");
  EXPECT_EQ(AgentSpelling("REASON_CONTAINER_LIMITATION_MEMORY"),
            "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(AgentSpelling("reason_slave_removed"), "reason_slave_removed") << "upper case only";
  EXPECT_EQ(AgentSpelling(""), "");
}

}  // namespace
}  // namespace fme
