#include "flink/flink_taskmanagers_parser.h"

#include <gtest/gtest.h>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;

std::vector<FlinkTaskManager> Parse(const std::string& body) {
  auto r = ParseFlinkTaskManagers(body);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<FlinkTaskManager>{};
}

TEST(FlinkTaskManagersParserTest, Legacy14FlatHardwareMesosIds) {
  auto tms = Parse(ReadFixture("flink/1.4/taskmanagers.json"));
  ASSERT_EQ(tms.size(), 2u);
  EXPECT_EQ(tms[0].id, "taskmanager-00001");
  EXPECT_EQ(tms[0].host, "10.0.1.21");
  EXPECT_EQ(tms[0].slots, 3);
  EXPECT_EQ(tms[0].slots_free, 2);
  EXPECT_OPT_DOUBLE(tms[0].last_heartbeat_timestamp, 1519900815.123);
  EXPECT_EQ(tms[1].id, "taskmanager-00002");
  EXPECT_EQ(tms[1].host, "10.0.1.22");
  EXPECT_FALSE(tms[0].jvm.heap_used_bytes.has_value()) << "left to the metrics call";
}

TEST(FlinkTaskManagersParserTest, V19AndV113NestedHardware) {
  auto tms19 = Parse(ReadFixture("flink/1.9/taskmanagers.json"));
  ASSERT_EQ(tms19.size(), 3u);
  EXPECT_EQ(tms19[2].id, "taskmanager-00003");
  EXPECT_EQ(tms19[2].host, "10.0.2.33");
  EXPECT_EQ(tms19[2].slots, 2);
  EXPECT_EQ(tms19[2].slots_free, 2);
  EXPECT_OPT_DOUBLE(tms19[0].last_heartbeat_timestamp, 1568043208.377);

  auto tms113 = Parse(ReadFixture("flink/1.13/taskmanagers.json"));
  ASSERT_EQ(tms113.size(), 4u);
  int64_t slots = 0, free = 0;
  for (const auto& tm : tms113) {
    slots += tm.slots;
    free += tm.slots_free;
  }
  EXPECT_EQ(slots, 16);
  EXPECT_EQ(free, 3);
  EXPECT_EQ(tms113[3].id, "taskmanager-00004");
  EXPECT_EQ(tms113[3].host, "10.0.3.44");
}

TEST(FlinkTaskManagersParserTest, V118AndV20PekkoPaths) {
  auto tms118 = Parse(ReadFixture("flink/1.18/taskmanagers.json"));
  ASSERT_EQ(tms118.size(), 2u);
  EXPECT_EQ(tms118[0].id, "10.0.4.51:36829-6f1c2a");
  EXPECT_EQ(tms118[0].host, "10.0.4.51");
  EXPECT_EQ(tms118[1].host, "10.0.4.52");
  EXPECT_OPT_DOUBLE(tms118[1].last_heartbeat_timestamp, 1701089995.451);

  auto tms20 = Parse(ReadFixture("flink/2.0/taskmanagers.json"));
  ASSERT_EQ(tms20.size(), 3u);
  EXPECT_EQ(tms20[0].id, "10.0.5.61:44213-2a6f0e");
  EXPECT_EQ(tms20[1].id, "10.0.5.62:35107-b81f3d");
  EXPECT_EQ(tms20[2].host, "10.0.5.63");
  EXPECT_EQ(tms20[2].slots_free, 1);
}

TEST(FlinkTaskManagersParserTest, SortedByIdAndTolerant) {
  auto tms = Parse(R"({"taskmanagers":[
    {"id":"tm-c","path":"akka://flink/user/taskmanager_0","slotsNumber":"4","freeSlots":"1",
     "timeSinceLastHeartbeat":0},
    {"id":"tm-a","host":"agent-7.example.org","timeSinceLastHeartbeat":-1},
    {"id":"tm-b","path":"akka.tcp://flink@[fd00::17]:6122/user/rpc/taskmanager_0",
     "timeSinceLastHeartbeat":"1700000000250"},
    {"id":"tm-d","endpoint":"10.1.2.3:40111"},
    {"id":"tm-e","path":"pekko.tcp://flink@tm-e.local/user/rpc/taskmanager_0"},
    {"path":"akka.tcp://flink@nohost:1/user"},
    {"id":""},
    7
  ]})");
  ASSERT_EQ(tms.size(), 5u);
  EXPECT_EQ(tms[0].id, "tm-a");
  EXPECT_EQ(tms[0].host, "agent-7.example.org");
  EXPECT_FALSE(tms[0].last_heartbeat_timestamp.has_value());
  EXPECT_EQ(tms[0].slots, 0);
  EXPECT_EQ(tms[1].id, "tm-b");
  EXPECT_EQ(tms[1].host, "fd00::17");
  EXPECT_OPT_DOUBLE(tms[1].last_heartbeat_timestamp, 1700000000.25);
  EXPECT_EQ(tms[2].id, "tm-c");
  EXPECT_EQ(tms[2].host, "") << "a local actor path names no host";
  EXPECT_EQ(tms[2].slots, 4);
  EXPECT_EQ(tms[2].slots_free, 1);
  EXPECT_FALSE(tms[2].last_heartbeat_timestamp.has_value());
  EXPECT_EQ(tms[3].host, "10.1.2.3");
  EXPECT_EQ(tms[4].host, "tm-e.local");
}

TEST(FlinkTaskManagersParserTest, EmptyClusterIsFine) {
  auto r = ParseFlinkTaskManagers(R"({"taskmanagers":[]})");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(FlinkTaskManagersParserTest, WrongShapesAreParseErrors) {
  const std::string full = ReadFixture("flink/1.13/taskmanagers.json");
  for (const std::string& body :
       {full.substr(0, full.size() / 3), std::string("[]"), std::string("<html></html>"),
        std::string(R"({"errors":["Internal server error."]})"),
        std::string(R"({"taskmanagers":{"id":"x"}})"), std::string("")}) {
    auto r = ParseFlinkTaskManagers(body);
    ASSERT_FALSE(r.ok()) << body;
    EXPECT_EQ(r.status().code(), StatusCode::kParseError) << body;
  }
  EXPECT_NE(ParseFlinkTaskManagers("[]").status().message().find("/taskmanagers"),
            std::string::npos);
}

}  // namespace
}  // namespace fme
