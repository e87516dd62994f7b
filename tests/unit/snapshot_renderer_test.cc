#include "exposition/snapshot_renderer.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "support/golden.h"

namespace fme {
namespace {

std::shared_ptr<const TargetState> FlinkTarget(const std::string& name, bool up) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kFlink, name, "http://" + name + ":8081"};
  t->polled = true;
  t->up = up;
  if (up) {
    FlinkObservation o;
    o.overview = {"1.13.6", "b2ca390 @ 2022-02-03T14:54:22+01:00", 4, 16, 3, 2, 5, 1, 1};
    t->observation = o;
  }
  return t;
}

std::shared_ptr<const TargetState> MesosTarget(const std::string& name) {
  auto t = std::make_shared<TargetState>();
  t->target = {SourceKind::kMesos, name, "http://m1:5050,http://m2:5050"};
  t->polled = true;
  t->up = true;
  MesosObservation o;
  MesosMasterStatus standby{"http://m1:5050", true, "", 0.0, 86400.0, 0.0};
  MesosMasterStatus leader{"http://m2:5050", true, "", 1.0, 3600.5, 12.0};
  MesosMasterStatus dead{"http://m3:5050", false, "connect: refused", {}, {}, {}};
  o.masters = {standby, leader, dead};
  o.leader = 1;
  o.cluster.agents_active = 40;
  o.cluster.agents_inactive = 1;
  o.cluster.agents_unreachable = 2;
  o.cluster.tasks_running = 310;
  o.cluster.cpus_total = 640;
  o.cluster.cpus_used = 400.5;
  o.cluster.memory_total_bytes = 2147483648.0;
  o.cluster.memory_used_bytes = 1074266112.0;
  t->observation = o;
  return t;
}

Snapshot Sample() {
  Snapshot s;
  s.targets = {FlinkTarget("analytics", true), FlinkTarget("billing", false), MesosTarget("prod")};
  auto pending = std::make_shared<TargetState>();
  pending->target = {SourceKind::kFlink, "not-yet", "http://x"};
  s.targets.insert(s.targets.begin() + 2, pending);
  return s;
}

TEST(SnapshotRendererTest, MatchesGolden) {
  std::string out;
  std::size_t series = RenderSnapshot(Sample(), out);
  testing::ExpectMatchesGolden(out, "render_basic.prom");
  std::size_t lines = 0, comments = 0;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    ++lines;
    comments += line.rfind('#', 0) == 0;
  }
  EXPECT_EQ(series, lines - comments);
}

TEST(SnapshotRendererTest, EveryFamilyOnceAndNoTimestamps) {
  std::string out;
  RenderSnapshot(Sample(), out);
  std::map<std::string, int> types;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# TYPE ", 0) == 0) {
      ++types[line.substr(7, line.find(' ', 7) - 7)];
    } else if (line[0] != '#') {
      // name{labels} value — exactly one space after the closing brace, nothing after the value.
      std::size_t brace = line.rfind('}');
      std::string rest = line.substr(brace == std::string::npos ? line.find(' ') : brace + 1);
      EXPECT_EQ(std::count(rest.begin(), rest.end(), ' '), 1) << line;
    }
  }
  for (const auto& [name, n] : types) EXPECT_EQ(n, 1) << name;
  EXPECT_GT(types.size(), 10u);
}

TEST(SnapshotRendererTest, DownTargetKeepsOnlyItsUpSeries) {
  std::string out;
  RenderSnapshot(Sample(), out);
  EXPECT_NE(out.find("flink_up{flink_cluster=\"billing\"} 0\n"), std::string::npos);
  EXPECT_EQ(out.find("flink_cluster_taskmanagers{flink_cluster=\"billing\"}"), std::string::npos);
  EXPECT_EQ(out.find("not-yet"), std::string::npos) << "no series before the first poll";
}

TEST(SnapshotRendererTest, EmptySnapshotRendersNothing) {
  std::string out;
  EXPECT_EQ(RenderSnapshot(Snapshot{}, out), 0u);
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace fme
