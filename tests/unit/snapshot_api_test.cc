#include "server/snapshot_api.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/fake_clock.h"

namespace fme {
namespace {

using nlohmann::json;

class SnapshotApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store.SetTargets({{SourceKind::kFlink, "a", "http://jm-a:8081"},
                      {SourceKind::kFlink, "b", "http://jm-b:8081"},
                      {SourceKind::kMesos, "m", "http://m1:5050"}});
  }
  void Poll(const std::string& name) {
    TargetState st;
    st.target = {SourceKind::kFlink, name, "http://jm-" + name + ":8081"};
    st.polled = true;
    st.up = true;
    st.observation = FlinkObservation{};
    store.Update(st);
  }

  testing::FakeClock clock;
  SnapshotStore store{clock};
  SnapshotApi api{store};
};

TEST_F(SnapshotApiTest, ServesTheCurrentSnapshot) {
  const SnapshotApiResponse res = api.Get({});
  EXPECT_EQ(res.status, 200);
  const json j = json::parse(*res.body);
  EXPECT_EQ(j["generation"], store.Current()->generation);
  EXPECT_EQ(j["flink_clusters"].size(), 2u);
  EXPECT_EQ(j["mesos_clusters"].size(), 1u);
}

TEST_F(SnapshotApiTest, RepeatedRequestsBetweenSnapshotsReuseTheBody) {
  const auto first = api.Get({{"flink_cluster", "a"}});
  EXPECT_EQ(api.Get({{"flink_cluster", "a"}}).body.get(), first.body.get());

  // Another filter is another body; asking for the first again builds it again (only the
  // last request is kept).
  const auto other = api.Get({{"flink_cluster", "b"}});
  EXPECT_NE(other.body.get(), first.body.get());
  EXPECT_EQ(json::parse(*other.body)["flink_clusters"][0]["name"], "b");

  // A new snapshot is a new body.
  const auto before = api.Get({});
  Poll("a");
  const auto after = api.Get({});
  EXPECT_NE(after.body.get(), before.body.get());
  EXPECT_EQ(json::parse(*after.body)["generation"], store.Current()->generation);
  EXPECT_EQ(json::parse(*after.body)["flink_clusters"][0]["poll"]["up"], true);
}

TEST_F(SnapshotApiTest, BadQueryIs400WithAJsonError) {
  const auto res = api.Get({{"flink_clusters", "a"}});
  EXPECT_EQ(res.status, 400);
  const json j = json::parse(*res.body);
  EXPECT_EQ(j["error"],
            "unknown query parameter \"flink_clusters\" (known: flink_cluster, mesos_cluster, "
            "job_id)");
  EXPECT_EQ(j.size(), 1u);
}

}  // namespace
}  // namespace fme
