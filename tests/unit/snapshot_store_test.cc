#include "fme/snapshot_store.h"

#include <gtest/gtest.h>

#include "support/fake_clock.h"

namespace fme {
namespace {

TargetInfo Flink(const std::string& name) { return {SourceKind::kFlink, name, "http://" + name}; }
TargetInfo Mesos(const std::string& name) { return {SourceKind::kMesos, name, "http://" + name}; }

TEST(SnapshotStoreTest, StartsEmptyAndOrdersTargets) {
  testing::FakeClock clock;
  SnapshotStore store(clock);
  EXPECT_TRUE(store.Current()->targets.empty());
  EXPECT_TRUE(store.Current()->AllPolled());
  store.SetTargets({Mesos("b"), Flink("z"), Flink("a")});
  auto snap = store.Current();
  ASSERT_EQ(snap->targets.size(), 3u);
  EXPECT_EQ(snap->targets[0]->target.name, "a");
  EXPECT_EQ(snap->targets[1]->target.name, "z");
  EXPECT_EQ(snap->targets[2]->target.kind, SourceKind::kMesos);
  EXPECT_FALSE(snap->AllPolled());
}

TEST(SnapshotStoreTest, UpdateReplacesOneTargetAndSharesTheOthers) {
  testing::FakeClock clock;
  SnapshotStore store(clock);
  store.SetTargets({Flink("a"), Flink("b")});
  auto before = store.Current();
  TargetState st;
  st.target = Flink("a");
  st.polled = true;
  st.up = true;
  store.Update(st);
  auto after = store.Current();
  EXPECT_EQ(after->generation, before->generation + 1);
  EXPECT_TRUE(after->targets[0]->up);
  EXPECT_FALSE(before->targets[0]->up) << "published snapshots never change";
  EXPECT_EQ(after->targets[1].get(), before->targets[1].get());
  EXPECT_FALSE(after->AllPolled());
}

TEST(SnapshotStoreTest, UpdateOfAnUnknownTargetIsIgnored) {
  testing::FakeClock clock;
  SnapshotStore store(clock);
  store.SetTargets({Flink("a")});
  auto gen = store.Current()->generation;
  TargetState st;
  st.target = Flink("gone");
  store.Update(st);
  EXPECT_EQ(store.Current()->generation, gen);
}

TEST(SnapshotStoreTest, SetTargetsKeepsStateOfUnchangedTargets) {
  testing::FakeClock clock;
  SnapshotStore store(clock);
  store.SetTargets({Flink("a"), Flink("b")});
  TargetState st;
  st.target = Flink("a");
  st.polled = true;
  store.Update(st);
  store.SetTargets({Flink("a"), Flink("c")});
  auto snap = store.Current();
  ASSERT_EQ(snap->targets.size(), 2u);
  EXPECT_TRUE(snap->targets[0]->polled);
  EXPECT_EQ(snap->targets[1]->target.name, "c");
  EXPECT_FALSE(snap->targets[1]->polled);
}

TEST(SnapshotStoreTest, ListenerSeesEveryPublish) {
  testing::FakeClock clock;
  SnapshotStore store(clock);
  std::vector<uint64_t> seen;
  store.SetListener([&](const SnapshotPtr& s) { seen.push_back(s->generation); });
  store.SetTargets({Flink("a")});
  TargetState st;
  st.target = Flink("a");
  store.Update(st);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_LT(seen[0], seen[1]);
}

}  // namespace
}  // namespace fme
