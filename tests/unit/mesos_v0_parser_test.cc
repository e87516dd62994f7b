#include "mesos/mesos_v0_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "support/expect_optional.h"
#include "support/fixture.h"

namespace fme {
namespace {

using testing::ReadFixture;
using Attributes = std::vector<std::pair<std::string, std::string>>;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr const char* kAgentPrefix = "0f9d6c3e-21aa-4b7e-8d4c-5e6f7a8b9c0d-";
constexpr const char* kFrameworkPrefix = "5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-";

std::string AgentId(const char* suffix) { return std::string(kAgentPrefix) + suffix; }
std::string FrameworkId(const char* suffix) { return std::string(kFrameworkPrefix) + suffix; }

int64_t Count(const MesosFrameworkRecord& f, MesosTaskState s) {
  return (*f.task_counts)[static_cast<size_t>(s)];
}

void ExpectParseError(const Status& status, const std::string& endpoint) {
  EXPECT_EQ(status.code(), StatusCode::kParseError) << status.ToString();
  EXPECT_NE(status.message().find(endpoint), std::string::npos) << status.message();
}

// --- /master/slaves -------------------------------------------------------------------------

TEST(MesosV0SlavesTest, ReadsAgentsSortedByIdWithResourcesInBytes) {
  auto agents = ParseMasterSlaves(ReadFixture("mesos/v0/master_slaves.json"));
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_EQ(agents->size(), 4u);
  EXPECT_EQ((*agents)[0].id, AgentId("S0"));
  EXPECT_EQ((*agents)[1].id, AgentId("S1"));
  EXPECT_EQ((*agents)[2].id, AgentId("S2"));
  EXPECT_EQ((*agents)[3].id, AgentId("S3"));

  const MesosAgentRecord& a = (*agents)[0];
  EXPECT_EQ(a.hostname, "agent-a.dc1.example");
  EXPECT_EQ(a.version, "1.11.0");
  EXPECT_TRUE(a.active);
  EXPECT_FALSE(a.deactivated);
  EXPECT_FALSE(a.unreachable);
  EXPECT_DOUBLE_EQ(a.total.cpus, 32.0);
  EXPECT_DOUBLE_EQ(a.total.gpus, 2.0);
  EXPECT_DOUBLE_EQ(a.total.memory_bytes, 133143986176.0);  // 126976 MB
  EXPECT_DOUBLE_EQ(a.total.disk_bytes, 858993459200.0);    // 819200 MB
  EXPECT_DOUBLE_EQ(a.used.cpus, 6.5);
  EXPECT_DOUBLE_EQ(a.used.gpus, 0.0);
  EXPECT_DOUBLE_EQ(a.used.memory_bytes, 12288 * kMiB);
  EXPECT_DOUBLE_EQ(a.used.disk_bytes, 1073741824.0);
  // Two roles ("flink" and the hierarchical "analytics/batch") summed.
  EXPECT_DOUBLE_EQ(a.reserved.cpus, 12.0);
  EXPECT_DOUBLE_EQ(a.reserved.gpus, 1.0);
  EXPECT_DOUBLE_EQ(a.reserved.memory_bytes, 51539607552.0);  // 49152 MB
  EXPECT_DOUBLE_EQ(a.reserved.disk_bytes, 2048 * kMiB);
}

TEST(MesosV0SlavesTest, FormatsAttributesAsSortedStrings) {
  auto agents = ParseMasterSlaves(ReadFixture("mesos/v0/master_slaves.json"));
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_EQ(agents->size(), 4u);
  const Attributes expected = {
      {"cores", "32"},        // scalar 32.0
      {"cpu_ghz", "2.6"},     // scalar 2.60
      {"features", "{avx2,sse4_2}"},  // set
      {"jmx_ports", "[9000-9100]"},   // ranges
      {"rack", "r1"},
      {"ssd", "true"},  // text
      {"zone", "a"},
  };
  EXPECT_EQ((*agents)[0].attributes, expected);
  EXPECT_TRUE((*agents)[1].attributes.empty());
  EXPECT_EQ((*agents)[2].attributes, (Attributes{{"rack", "r2"}, {"zone", "b"}}));
}

TEST(MesosV0SlavesTest, InactiveDeactivatedAndRecoveredAgents) {
  auto agents = ParseMasterSlaves(ReadFixture("mesos/v0/master_slaves.json"));
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_EQ(agents->size(), 4u);

  const MesosAgentRecord& inactive = (*agents)[1];
  EXPECT_FALSE(inactive.active);
  EXPECT_FALSE(inactive.deactivated);
  EXPECT_EQ(inactive.version, "1.8.1");
  EXPECT_DOUBLE_EQ(inactive.total.cpus, 8.0) << "cpus_revocable is not regular capacity";
  EXPECT_DOUBLE_EQ(inactive.total.memory_bytes, 33286520832.0);  // 31744.5 MB
  EXPECT_DOUBLE_EQ(inactive.used.cpus, 2.0);
  EXPECT_DOUBLE_EQ(inactive.reserved.cpus, 0.0);

  const MesosAgentRecord& draining = (*agents)[2];
  EXPECT_TRUE(draining.active);
  EXPECT_TRUE(draining.deactivated);
  EXPECT_FALSE(draining.unreachable);

  // recovered_slaves carry SlaveInfo only: no version, state or resources.
  const MesosAgentRecord& recovered = (*agents)[3];
  EXPECT_EQ(recovered.hostname, "agent-d.dc1.example");
  EXPECT_TRUE(recovered.unreachable);
  EXPECT_FALSE(recovered.active);
  EXPECT_FALSE(recovered.deactivated);
  EXPECT_EQ(recovered.version, "");
  EXPECT_DOUBLE_EQ(recovered.total.cpus, 0.0);
  EXPECT_DOUBLE_EQ(recovered.total.memory_bytes, 0.0);
  EXPECT_EQ(recovered.attributes, (Attributes{{"rack", "r3"}, {"zone", "a"}}));
}

TEST(MesosV0SlavesTest, ToleratesMissingOptionalKeys) {
  // An older master: no deactivated, no recovered_slaves, no reserved_resources (only the
  // _full form), no used_resources; an element without an id is skipped.
  auto agents = ParseMasterSlaves(R"({"slaves": [
    {"id": "a-S9", "hostname": "h9", "resources": {"cpus": 1, "mem": 512},
     "reserved_resources_full": {
       "r1": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}},
              {"name": "mem", "type": "SCALAR", "scalar": {"value": 256}},
              {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 1, "end": 2}]}}],
       "r2": [{"name": "disk", "type": "SCALAR", "scalar": {"value": 10}},
              {"name": "gpus", "type": "SCALAR", "scalar": {"value": 1}}]},
     "attributes": {"int": 32, "frac": 0.125, "big": 1000000.0, "neg": -2.5, "empty": ""}},
    {"hostname": "no-id"},
    "not an object",
    {"id": "a-S8"}
  ]})");
  ASSERT_TRUE(agents.ok()) << agents.status().ToString();
  ASSERT_EQ(agents->size(), 2u);
  const MesosAgentRecord& bare = (*agents)[0];
  EXPECT_EQ(bare.id, "a-S8");
  EXPECT_TRUE(bare.active);
  EXPECT_FALSE(bare.deactivated);
  EXPECT_EQ(bare.hostname, "");
  EXPECT_DOUBLE_EQ(bare.total.cpus, 0.0);
  EXPECT_TRUE(bare.attributes.empty());

  const MesosAgentRecord& a = (*agents)[1];
  EXPECT_EQ(a.id, "a-S9");
  EXPECT_TRUE(a.active);
  EXPECT_FALSE(a.deactivated);
  EXPECT_DOUBLE_EQ(a.total.cpus, 1.0);
  EXPECT_DOUBLE_EQ(a.total.gpus, 0.0);
  EXPECT_DOUBLE_EQ(a.total.memory_bytes, 512 * kMiB);
  EXPECT_DOUBLE_EQ(a.used.cpus, 0.0);
  EXPECT_DOUBLE_EQ(a.reserved.cpus, 0.5);
  EXPECT_DOUBLE_EQ(a.reserved.gpus, 1.0);
  EXPECT_DOUBLE_EQ(a.reserved.memory_bytes, 256 * kMiB);
  EXPECT_DOUBLE_EQ(a.reserved.disk_bytes, 10 * kMiB);
  EXPECT_EQ(a.attributes, (Attributes{{"big", "1000000"},
                                      {"empty", ""},
                                      {"frac", "0.125"},
                                      {"int", "32"},
                                      {"neg", "-2.5"}}));
}

TEST(MesosV0SlavesTest, MalformedTruncatedOrWrongShapeIsParseError) {
  const std::string full = ReadFixture("mesos/v0/master_slaves.json");
  ExpectParseError(ParseMasterSlaves(full.substr(0, full.size() / 2)).status(), "/master/slaves");
  ExpectParseError(ParseMasterSlaves("").status(), "/master/slaves");
  ExpectParseError(ParseMasterSlaves("No leader elected").status(), "/master/slaves");
  ExpectParseError(ParseMasterSlaves("[]").status(), "/master/slaves");
  ExpectParseError(ParseMasterSlaves("{}").status(), "/master/slaves");
  ExpectParseError(ParseMasterSlaves(R"({"slaves": {}})").status(), "/master/slaves");
  EXPECT_TRUE(ParseMasterSlaves(R"({"slaves": []})").ok());
}

// --- /master/state-summary ------------------------------------------------------------------

TEST(MesosV0StateSummaryTest, FrameworksWithTaskCountsSortedById) {
  auto s = ParseMasterStateSummary(ReadFixture("mesos/v0/master_state_summary.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->tasks.empty());
  ASSERT_EQ(s->frameworks.size(), 2u);

  const MesosFrameworkRecord& marathon = s->frameworks[0];
  EXPECT_EQ(marathon.id, FrameworkId("0000"));
  EXPECT_EQ(marathon.name, "marathon");
  ASSERT_TRUE(marathon.task_counts.has_value());
  EXPECT_EQ(Count(marathon, MesosTaskState::kRunning), 1);
  EXPECT_EQ(Count(marathon, MesosTaskState::kFinished), 4);
  EXPECT_EQ(Count(marathon, MesosTaskState::kFailed), 0);

  const MesosFrameworkRecord& flink = s->frameworks[1];
  EXPECT_EQ(flink.id, FrameworkId("0012"));
  EXPECT_EQ(flink.name, "Flink");
  EXPECT_EQ(flink.webui_url, "http://jobmanager-1.dc1.example:8081");
  EXPECT_EQ(flink.role, "") << "the summary writer emits no role";
  EXPECT_TRUE(flink.active);
  EXPECT_TRUE(flink.connected);
  EXPECT_DOUBLE_EQ(flink.used.cpus, 7.5);
  EXPECT_DOUBLE_EQ(flink.used.memory_bytes, 15360 * kMiB);
  EXPECT_DOUBLE_EQ(flink.used.disk_bytes, 512 * kMiB);
  ASSERT_TRUE(flink.task_counts.has_value());
  const std::array<int64_t, kMesosTaskStateCount> expected = [] {
    std::array<int64_t, kMesosTaskStateCount> c{};
    c[static_cast<size_t>(MesosTaskState::kStaging)] = 1;
    c[static_cast<size_t>(MesosTaskState::kRunning)] = 3;
    c[static_cast<size_t>(MesosTaskState::kKilled)] = 1;
    c[static_cast<size_t>(MesosTaskState::kFailed)] = 2;
    c[static_cast<size_t>(MesosTaskState::kLost)] = 1;
    return c;
  }();
  EXPECT_EQ(*flink.task_counts, expected);
}

TEST(MesosV0StateSummaryTest, AgentsAsInSlaves) {
  auto s = ParseMasterStateSummary(ReadFixture("mesos/v0/master_state_summary.json"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->agents.size(), 2u);
  EXPECT_EQ(s->agents[0].id, AgentId("S0"));
  const MesosAgentRecord& b = s->agents[1];
  EXPECT_EQ(b.id, AgentId("S1"));
  EXPECT_EQ(b.hostname, "agent-b.dc1.example");
  EXPECT_DOUBLE_EQ(b.total.memory_bytes, 31744 * kMiB);
  EXPECT_DOUBLE_EQ(b.used.cpus, 5.0);
  EXPECT_DOUBLE_EQ(b.reserved.cpus, 4.0);
  EXPECT_DOUBLE_EQ(b.reserved.memory_bytes, 8192 * kMiB);
  EXPECT_EQ(b.attributes, (Attributes{{"gpu_model", "none"}, {"rack", "r1"}}));
}

TEST(MesosV0StateSummaryTest, CountsAbsentWhenNoTaskKeys) {
  auto s = ParseMasterStateSummary(
      R"({"slaves": [], "frameworks": [{"id": "f1", "name": "x"}, {"name": "no id"}]})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->frameworks.size(), 1u);
  EXPECT_FALSE(s->frameworks[0].task_counts.has_value());
  EXPECT_FALSE(s->frameworks[0].active);
  EXPECT_EQ(s->frameworks[0].webui_url, "");
}

TEST(MesosV0StateSummaryTest, MalformedTruncatedOrWrongShapeIsParseError) {
  const std::string full = ReadFixture("mesos/v0/master_state_summary.json");
  ExpectParseError(ParseMasterStateSummary(full.substr(0, full.size() - 3)).status(),
                   "/master/state-summary");
  ExpectParseError(ParseMasterStateSummary(R"({"slaves": []})").status(), "/master/state-summary");
  ExpectParseError(ParseMasterStateSummary(R"({"frameworks": []})").status(),
                   "/master/state-summary");
  ExpectParseError(ParseMasterStateSummary("null").status(), "/master/state-summary");
}

// --- /master/frameworks ---------------------------------------------------------------------

TEST(MesosV0FrameworksTest, RegisteredFrameworksOnlyWithRoles) {
  auto fs = ParseMasterFrameworks(ReadFixture("mesos/v0/master_frameworks.json"));
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  ASSERT_EQ(fs->size(), 3u) << "completed_frameworks are left out";

  const MesosFrameworkRecord& marathon = (*fs)[0];
  EXPECT_EQ(marathon.id, FrameworkId("0000"));
  EXPECT_EQ(marathon.role, "slave_public,marathon");
  EXPECT_EQ(marathon.webui_url, "http://marathon-1.dc1.example:8080");
  EXPECT_DOUBLE_EQ(marathon.used.cpus, 2.0) << "used_resources, not the legacy `resources`";
  EXPECT_DOUBLE_EQ(marathon.used.memory_bytes, 4096 * kMiB);

  const MesosFrameworkRecord& gone = (*fs)[1];
  EXPECT_EQ(gone.id, FrameworkId("0009"));
  EXPECT_EQ(gone.name, "Flink");
  EXPECT_EQ(gone.role, "flink");
  EXPECT_FALSE(gone.active);
  EXPECT_FALSE(gone.connected);
  EXPECT_EQ(gone.webui_url, "");

  const MesosFrameworkRecord& flink = (*fs)[2];
  EXPECT_EQ(flink.id, FrameworkId("0012"));
  EXPECT_EQ(flink.name, "Flink");
  EXPECT_EQ(flink.role, "*");
  EXPECT_EQ(flink.webui_url, "http://jobmanager-1.dc1.example:8081");
  EXPECT_TRUE(flink.active);
  EXPECT_TRUE(flink.connected);
  EXPECT_DOUBLE_EQ(flink.used.cpus, 7.5);
  EXPECT_DOUBLE_EQ(flink.used.disk_bytes, 512 * kMiB);
  EXPECT_FALSE(flink.task_counts.has_value()) << "tasks are not read";
}

TEST(MesosV0FrameworksTest, EmptyRolesFallsBackToRole) {
  auto fs = ParseMasterFrameworks(R"({"frameworks": [
    {"id": "f1", "roles": [], "role": "r"},
    {"id": "f2", "roles": ["a", 7, "b"]},
    {"id": "f3"}
  ]})");
  ASSERT_TRUE(fs.ok()) << fs.status().ToString();
  ASSERT_EQ(fs->size(), 3u);
  EXPECT_EQ((*fs)[0].role, "r");
  EXPECT_EQ((*fs)[1].role, "a,b");
  EXPECT_EQ((*fs)[2].role, "");
}

TEST(MesosV0FrameworksTest, MalformedTruncatedOrWrongShapeIsParseError) {
  const std::string full = ReadFixture("mesos/v0/master_frameworks.json");
  ExpectParseError(ParseMasterFrameworks(full.substr(0, 200)).status(), "/master/frameworks");
  ExpectParseError(ParseMasterFrameworks(R"({"completed_frameworks": []})").status(),
                   "/master/frameworks");
  ExpectParseError(ParseMasterFrameworks(R"({"frameworks": "x"})").status(), "/master/frameworks");
}

// --- /master/tasks --------------------------------------------------------------------------

TEST(MesosV0TasksTest, TasksSortedByFrameworkAndIdWithLatestStatus) {
  auto tasks = ParseMasterTasks(ReadFixture("mesos/v0/master_tasks.json"));
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 5u);

  const MesosTaskRecord& nginx = (*tasks)[0];
  EXPECT_EQ(nginx.framework_id, FrameworkId("0000"));
  EXPECT_EQ(nginx.name, "nginx");
  EXPECT_EQ(nginx.executor_id, "nginx.7c0e5a3b-1f2d-11ef-9b1a-0242ac110002");
  EXPECT_EQ(nginx.agent_id, AgentId("S0"));
  EXPECT_EQ(nginx.state, MesosTaskState::kRunning);
  EXPECT_DOUBLE_EQ(nginx.resources.cpus, 1.0) << "resources, not limits";
  EXPECT_DOUBLE_EQ(nginx.resources.memory_bytes, 2048 * kMiB);
  ASSERT_TRUE(nginx.status.has_value());
  EXPECT_EQ(nginx.status->state, MesosTaskState::kRunning);
  EXPECT_OPT_DOUBLE(nginx.status->timestamp, 1717200003.5);
  EXPECT_EQ(nginx.status->reason, "") << "v0 statuses carry no reason";
  EXPECT_EQ(nginx.status->source, "");
  EXPECT_EQ(nginx.status->message, "");

  EXPECT_EQ((*tasks)[1].id, "taskmanager-00000");
  EXPECT_EQ((*tasks)[2].id, "taskmanager-00001");
  EXPECT_EQ((*tasks)[3].id, "taskmanager-00002");
  EXPECT_EQ((*tasks)[4].id, "taskmanager-00003");

  const MesosTaskRecord& failed = (*tasks)[1];
  EXPECT_EQ(failed.framework_id, FrameworkId("0012"));
  EXPECT_EQ(failed.agent_id, AgentId("S1"));
  EXPECT_EQ(failed.executor_id, "");
  EXPECT_EQ(failed.state, MesosTaskState::kFailed);
  ASSERT_TRUE(failed.status.has_value());
  EXPECT_EQ(failed.status->state, MesosTaskState::kFailed);
  EXPECT_OPT_DOUBLE(failed.status->timestamp, 1717100040.125);
  EXPECT_DOUBLE_EQ(failed.resources.cpus, 2.5);
  EXPECT_DOUBLE_EQ(failed.resources.memory_bytes, 5368709120.0);  // 5120 MB

  const MesosTaskRecord& running = (*tasks)[3];
  EXPECT_EQ(running.name, "taskmanager-00002");
  EXPECT_EQ(running.state, MesosTaskState::kRunning);
  ASSERT_TRUE(running.status.has_value());
  EXPECT_OPT_DOUBLE(running.status->timestamp, 1717100062.75);

  const MesosTaskRecord& staging = (*tasks)[4];
  EXPECT_EQ(staging.state, MesosTaskState::kStaging);
  EXPECT_EQ(staging.agent_id, AgentId("S0"));
  EXPECT_FALSE(staging.status.has_value()) << "a staging task has no status yet";
}

TEST(MesosV0TasksTest, NormalizesSlaveSpellingAndToleratesGaps) {
  auto tasks = ParseMasterTasks(R"({"tasks": [
    {"id": "t1", "framework_id": "f", "slave_id": "s", "state": "TASK_LOST",
     "statuses": [{"state": "TASK_RUNNING", "timestamp": 1.0},
                  {"state": "TASK_LOST", "timestamp": 2.5, "reason": "REASON_SLAVE_REMOVED",
                   "source": "SOURCE_SLAVE", "message": "agent removed"}]},
    {"id": "t2", "framework_id": "f", "statuses": [{"state": "TASK_KILLED"}]},
    {"id": "t3", "framework_id": "f", "state": "TASK_SOMETHING_NEW"},
    {"name": "no id"}
  ]})");
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 3u);
  const MesosTaskRecord& lost = (*tasks)[0];
  ASSERT_TRUE(lost.status.has_value());
  EXPECT_EQ(lost.status->state, MesosTaskState::kLost);
  EXPECT_EQ(lost.status->reason, "REASON_AGENT_REMOVED");
  EXPECT_EQ(lost.status->source, "SOURCE_AGENT");
  EXPECT_EQ(lost.status->message, "agent removed");
  EXPECT_OPT_DOUBLE(lost.status->timestamp, 2.5);

  const MesosTaskRecord& no_state = (*tasks)[1];
  EXPECT_EQ(no_state.state, MesosTaskState::kKilled) << "falls back to the latest status";
  EXPECT_EQ(no_state.agent_id, "");
  ASSERT_TRUE(no_state.status.has_value());
  EXPECT_FALSE(no_state.status->timestamp.has_value());

  EXPECT_EQ((*tasks)[2].state, MesosTaskState::kUnrecognized);
  EXPECT_FALSE((*tasks)[2].status.has_value());
}

TEST(MesosV0TasksTest, MalformedTruncatedOrWrongShapeIsParseError) {
  const std::string full = ReadFixture("mesos/v0/master_tasks.json");
  ExpectParseError(ParseMasterTasks(full.substr(0, full.size() - 10)).status(), "/master/tasks");
  ExpectParseError(ParseMasterTasks(R"([{"id": "t"}])").status(), "/master/tasks");
  ExpectParseError(ParseMasterTasks(R"({"tasks": null})").status(), "/master/tasks");
  auto empty = ParseMasterTasks(R"({"tasks": []})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

// --- /version -------------------------------------------------------------------------------

TEST(MesosV0VersionTest, ReadsVersion) {
  auto v = ParseMesosVersion(ReadFixture("mesos/v0/version.json"));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v, "1.11.0");
  ASSERT_TRUE(ParseMesosVersion(R"({"version": "1.7.3"})").ok());
}

TEST(MesosV0VersionTest, MissingOrMalformedIsParseError) {
  ExpectParseError(ParseMesosVersion(R"({"version": 1.11})").status(), "/version");
  ExpectParseError(ParseMesosVersion(R"({"git_tag": "1.11.0"})").status(), "/version");
  ExpectParseError(ParseMesosVersion(R"({"version": "1.11.0")").status(), "/version");
  ExpectParseError(ParseMesosVersion(R"("1.11.0")").status(), "/version");
}

TEST(MesosV0RolesTest, MapsFrameworksToTheirRoles) {
  auto roles = ParseMasterRoles(ReadFixture("mesos/v0/master_roles.json"));
  ASSERT_TRUE(roles.ok()) << roles.status().ToString();
  EXPECT_EQ(roles->size(), 2u);
  EXPECT_EQ(roles->at("5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-0012"), "*");
  EXPECT_EQ(roles->at("5c1b7a2e-93d4-4f0a-b6e1-0a9c8d7e6f51-0000"), "marathon,slave_public")
      << "a multi-role framework under each of its roles, joined";
}

TEST(MesosV0RolesTest, MalformedOrWrongShapeIsParseError) {
  ExpectParseError(ParseMasterRoles(R"({"roles":[{"name":"*")").status(), "/master/roles");
  ExpectParseError(ParseMasterRoles(R"({"role":[]})").status(), "/master/roles");
  auto odd = ParseMasterRoles(R"({"roles":[{"name":"a","frameworks":[7,"f1"]},{"frameworks":["f2"]}]})");
  ASSERT_TRUE(odd.ok());
  EXPECT_EQ(odd->size(), 1u) << "non-string ids and nameless roles are skipped";
  EXPECT_EQ(odd->at("f1"), "a");
}

}  // namespace
}  // namespace fme
