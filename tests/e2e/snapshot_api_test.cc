// /api/v1/snapshot of the real binary: configured with a basic_auth password (Flink) and a
// bearer token (Mesos), neither appears in the JSON, whether the target is up or failing, even
// when an upstream's error answer quotes a URL carrying the password; and the JSON's values are
// those /metrics shows for the same targets.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "exporter_process.h"
#include "fake_upstream.h"
#include "fixture_routes.h"

namespace fme::e2e {
namespace {

using nlohmann::json;

constexpr char kPassword[] = "flink-Pa55word-e2e";
constexpr char kToken[] = "mesos-bearer-T0ken-e2e";

const json* Named(const json& list, const std::string& name) {
  for (const json& item : list) {
    if (item.value("name", "") == name) return &item;
  }
  return nullptr;
}

bool IsUp(const json& target) {
  const json poll = target.value("poll", json::object());
  return poll.contains("up") && poll["up"] == true;
}

class SnapshotApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(flink_.ok() && mesos_.ok() && echo_.ok());
    ServeFixtureRoutes(flink_, "flink/1.13");
    mesos_.SetRoute("/metrics/snapshot",
                    Route::Json(Fixture("mesos/leader_metrics_snapshot_full.json")));
    mesos_.SetRoute("/master/slaves", Route::Json(Fixture("mesos/v0/master_slaves.json")));
    mesos_.SetRoute("/master/state-summary",
                    Route::Json(Fixture("mesos/v0/master_state_summary.json")));
    mesos_.SetRoute("/master/tasks", Route::Json(Fixture("mesos/v0/master_tasks.json")));
    mesos_.SetRoute("/master/roles", Route::Json(Fixture("mesos/v0/master_roles.json")));
    // An upstream whose error page quotes a URL with the configured credentials in it.
    echo_.SetFallback(Route::Text(
        500, std::string("retry at http://exporter:") + kPassword + "@jm.internal:8081/config"));
    const int refused = ClosedPort();
    ASSERT_GT(refused, 0);

    // The failing cluster carries the same credentials: its error text must not leak them.
    const std::string auth = std::string("    basic_auth:\n") +
                             "      username: exporter\n"
                             "      password: " +
                             kPassword + "\n";
    const std::string config =
        "global:\n"
        "  poll_interval: 500ms\n"
        "  poll_timeout: 400ms\n"
        "  connect_timeout: 400ms\n"
        "mesos_clusters:\n"
        "  - name: mesos-prod\n"
        "    masters: [" +
        mesos_.url() +
        "]\n"
        "    state: polling\n"
        "    bearer_token: " +
        kToken +
        "\n"
        "flink_clusters:\n"
        "  - name: flink-up\n"
        "    rest_url: " +
        flink_.url() +
        "\n"
        "    terminal_job_ttl: 5200w\n" +
        auth +
        "  - name: flink-down\n"
        "    rest_url: http://127.0.0.1:" +
        std::to_string(refused) + "\n" + auth +
        "  - name: flink-echo\n"
        "    rest_url: " +
        echo_.url() + "\n" + auth;
    ASSERT_TRUE(exporter_.Start(config));
    ASSERT_TRUE(exporter_.WaitReady());
  }

  // The snapshot as JSON once both healthy targets are up and the failing one has failed.
  json SettledSnapshot() {
    json doc;
    const bool settled = WaitFor(
        [&] {
          auto res = exporter_.Get("/api/v1/snapshot");
          if (!res || res->status != 200) return false;
          doc = json::parse(res->body, nullptr, false);
          if (doc.is_discarded()) return false;
          const json* up = Named(doc["flink_clusters"], "flink-up");
          const json* down = Named(doc["flink_clusters"], "flink-down");
          const json* echo = Named(doc["flink_clusters"], "flink-echo");
          const json* mesos = Named(doc["mesos_clusters"], "mesos-prod");
          if (up == nullptr || down == nullptr || echo == nullptr || mesos == nullptr) return false;
          return IsUp(*up) && !up->value("jobs", json::array()).empty() && IsUp(*mesos) &&
                 !mesos->value("agents", json::array()).empty() &&
                 down->at("poll").contains("last_error") && echo->at("poll").contains("last_error");
        },
        20s, 100ms);
    EXPECT_TRUE(settled) << "targets did not settle within 20 s; last snapshot:\n" << doc.dump(2);
    return doc;
  }

  FakeUpstream flink_, mesos_, echo_;
  ExporterProcess exporter_;
};

TEST_F(SnapshotApiTest, HoldsNoCredentials) {
  const json doc = SettledSnapshot();
  auto res = exporter_.Get("/api/v1/snapshot");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(res->body.find(kPassword), std::string::npos) << res->body;
  EXPECT_EQ(res->body.find(kToken), std::string::npos) << res->body;

  const json* down = Named(doc["flink_clusters"], "flink-down");
  ASSERT_NE(down, nullptr);
  EXPECT_EQ((*down)["poll"]["up"], false);
  EXPECT_FALSE(down->contains("overview")) << "a failing target keeps no data";

  // The error is shown, with the URL's credentials masked.
  const json* echo = Named(doc["flink_clusters"], "flink-echo");
  ASSERT_NE(echo, nullptr);
  const std::string error = (*echo)["poll"]["last_error"].get<std::string>();
  EXPECT_NE(error.find("http://***@jm.internal:8081/config"), std::string::npos) << error;
}

TEST_F(SnapshotApiTest, ValuesEqualTheMetrics) {
  const json doc = SettledSnapshot();
  const std::string metrics = exporter_.Metrics();

  const json* flink = Named(doc["flink_clusters"], "flink-up");
  ASSERT_NE(flink, nullptr);
  const std::string cluster = R"(flink_cluster="flink-up")";
  EXPECT_EQ(SampleValue(metrics, "flink_cluster_taskmanagers{" + cluster + "}"),
            (*flink)["overview"]["taskmanagers"].get<double>());
  EXPECT_EQ((*flink)["taskmanagers"].size(),
            (*flink)["overview"]["taskmanagers"].get<std::size_t>());
  EXPECT_EQ(SampleValue(metrics, "flink_cluster_task_slots{" + cluster + "}"),
            (*flink)["overview"]["task_slots"].get<double>());
  for (const json& job : (*flink)["jobs"]) {
    SCOPED_TRACE(job.dump());
    const std::string labels = cluster + R"(,job_id=")" + job["id"].get<std::string>() +
                               R"(",job_name=")" + job["name"].get<std::string>() + "\"";
    EXPECT_EQ(SampleValue(metrics, "flink_job_state{" + labels + R"(,state=")" +
                                       job["state"].get<std::string>() + "\"}"),
              1.0);
    if (!job.contains("checkpoints")) continue;
    EXPECT_EQ(
        SampleValue(metrics, "flink_job_checkpoints_total{" + labels + R"(,result="completed"})"),
        job["checkpoints"]["completed"].get<double>());
    EXPECT_EQ(SampleValue(metrics,
                          "flink_job_last_checkpoint_completed_timestamp_seconds{" + labels + "}"),
              job["checkpoints"]["last_completed_timestamp_seconds"].get<double>());
  }

  const json* mesos = Named(doc["mesos_clusters"], "mesos-prod");
  ASSERT_NE(mesos, nullptr);
  EXPECT_EQ((*mesos)["state_origin"], "polling");
  for (const json& agent : (*mesos)["agents"]) {
    SCOPED_TRACE(agent.dump());
    EXPECT_EQ(
        SampleValue(metrics, R"(mesos_agent_cpus{mesos_cluster="mesos-prod",agent_id=")" +
                                 agent["id"].get<std::string>() + R"(",hostname=")" +
                                 agent["hostname"].get<std::string>() + R"(",usage="total"})"),
        agent["cpus"]["total"].get<double>());
  }
  for (const json& fw : (*mesos)["frameworks"]) {
    SCOPED_TRACE(fw.dump());
    EXPECT_EQ(
        SampleValue(metrics, R"(mesos_framework_tasks{mesos_cluster="mesos-prod",framework_id=")" +
                                 fw["id"].get<std::string>() + R"(",state="TASK_RUNNING"})"),
        fw["tasks"]["TASK_RUNNING"].get<double>());
  }
}

TEST_F(SnapshotApiTest, FiltersAndBadQueries) {
  SettledSnapshot();
  auto res = exporter_.Get("/api/v1/snapshot?flink_cluster=flink-up");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200);
  json doc = json::parse(res->body);
  ASSERT_EQ(doc["flink_clusters"].size(), 1u);
  EXPECT_EQ(doc["mesos_clusters"], json::array());

  res = exporter_.Get("/api/v1/snapshot?job_id=no-such-job");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  doc = json::parse(res->body);
  EXPECT_EQ(doc["flink_clusters"], json::array());

  res = exporter_.Get("/api/v1/snapshot?flink=flink-up");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_TRUE(json::parse(res->body, nullptr, false).contains("error")) << res->body;
}

}  // namespace
}  // namespace fme::e2e
