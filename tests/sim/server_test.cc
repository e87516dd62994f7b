// The HTTP layer, in-process on port 0: Flink and Mesos endpoints through httplib::Client, the
// SUBSCRIBE stream (RecordIO framing, SUBSCRIBED + HEARTBEAT first, events in scenario order,
// health-check duplicates, end on leader failover), the admin API, every fault type, and
// discovery.yml on the wire (ports file framework names, late registration, teardown).
// Simulated time is frozen (speed 0) and moved by POST /admin/advance; waits on the stream are
// bounded by real-time deadlines, nothing sleeps for a fixed time.
#include <gtest/gtest.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <functional>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "scenario/scenario_loader.h"
#include "server/sim_server.h"
#include "world/engine.h"

#ifndef FME_SIM_SCENARIOS_DIR
#define FME_SIM_SCENARIOS_DIR "config/scenarios"
#endif

namespace fme::sim {
namespace {

constexpr Millis kStart = 1714564800000;  // 2024-05-01T12:00:00Z

constexpr const char* kScenario = R"(name: server-test
seed: 5
start: 2024-05-01T12:00:00Z
mesos:
  agents: 3
  frameworks:
    - {name: marathon, task_prefix: web, tasks: 3}
flink:
  - name: Flink
    version: 1.13.6
    taskmanagers: 2
    jobs:
      - {name: wordcount, vertices: 3, parallelism: 2}
  - name: standalone
    version: 1.18.1
    on_mesos: false
    jobs:
      - {name: rollup, vertices: 2, parallelism: 1}
timeline:
  - {at: 10s, until: 25s, type: health_check, cluster: Flink, taskmanager: taskmanager-00001, interval: 10s}
  - {at: 30s, type: taskmanager_oom, cluster: Flink, taskmanager: taskmanager-00002}
  - {at: 60s, until: 70s, type: jobmanager_unreachable, cluster: standalone}
  - {at: 90s, type: leader_failover}
faults:
  - {at: 40s, until: 50s, target: "flink:Flink", path: "^/overview$", type: status, status: 503}
)";

// Incremental RecordIO parser: "<size>\n<data>" records.
class RecordIoReader {
 public:
  void Feed(const char* data, std::size_t n, std::vector<std::string>* out) {
    buf_.append(data, n);
    for (;;) {
      const auto nl = buf_.find('\n');
      if (nl == std::string::npos) return;
      const std::size_t size = std::stoul(buf_.substr(0, nl));
      if (buf_.size() < nl + 1 + size) return;
      out->push_back(buf_.substr(nl + 1, size));
      buf_.erase(0, nl + 1 + size);
    }
  }
  const std::string& rest() const { return buf_; }

 private:
  std::string buf_;
};

// A SUBSCRIBE client on its own thread collecting frames.
class Subscriber {
 public:
  Subscriber(int port, const std::string& path) {
    cli_ = std::make_unique<httplib::Client>("127.0.0.1", port);
    thread_ = std::thread([this, path] {
      httplib::Client& cli = *cli_;
      cli.set_read_timeout(30, 0);
      httplib::Request req;
      req.method = "POST";
      req.path = path;
      req.body = R"({"type":"SUBSCRIBE"})";
      req.set_header("Content-Type", "application/json");
      req.set_header("Accept", "application/json");
      req.response_handler = [this](const httplib::Response& r) {
        std::lock_guard<std::mutex> lock(mu_);
        status_ = r.status;
        content_type_ = r.get_header_value("Content-Type");
        chunked_ = r.get_header_value("Transfer-Encoding") == "chunked";
        return true;
      };
      req.content_receiver = [this](const char* data, std::size_t n, uint64_t, uint64_t) {
        std::lock_guard<std::mutex> lock(mu_);
        reader_.Feed(data, n, &frames_);
        cv_.notify_all();
        return !stop_;
      };
      auto res = cli.send(req);
      std::lock_guard<std::mutex> lock(mu_);
      ended_ = true;
      clean_end_ = static_cast<bool>(res);
      cv_.notify_all();
    });
  }
  ~Subscriber() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cli_->stop();  // abort a stream that is waiting for data
    thread_.join();
  }
  // Waits (bounded) until at least n frames arrived; returns a copy of all frames.
  std::vector<std::string> WaitFrames(std::size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return frames_.size() >= n || ended_; });
    return frames_;
  }
  bool WaitEnd() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return ended_; });
  }
  int status() {
    std::lock_guard<std::mutex> lock(mu_);
    return status_;
  }
  std::string content_type() {
    std::lock_guard<std::mutex> lock(mu_);
    return content_type_;
  }
  bool chunked() {
    std::lock_guard<std::mutex> lock(mu_);
    return chunked_;
  }
  bool clean_end() {
    std::lock_guard<std::mutex> lock(mu_);
    return clean_end_;
  }
  std::string rest() {
    std::lock_guard<std::mutex> lock(mu_);
    return reader_.rest();
  }

 private:
  std::unique_ptr<httplib::Client> cli_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  RecordIoReader reader_;
  std::vector<std::string> frames_;
  int status_ = 0;
  std::string content_type_;
  bool chunked_ = false;
  bool ended_ = false, clean_end_ = false, stop_ = false;
};

std::string TypeOf(const std::string& frame) {
  const auto j = nlohmann::json::parse(frame, nullptr, false);
  return j.is_object() && j.contains("type") ? j["type"].get<std::string>() : "<not json>";
}

class SimServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = ParseScenario(kScenario, "server-test");
    ASSERT_TRUE(r.ok()) << r.error;
    StartWith(*r.scenario);
  }
  void StartWith(const Scenario& scenario) {
    clock_ = std::make_unique<SimClock>(kStart, 0.0);
    engine_ = std::make_unique<Engine>(scenario, [this] { return clock_->Now(); });
    ServerOptions opts;
    opts.ports_file = PortsFile();
    server_ = std::make_unique<SimServer>(*engine_, *clock_, opts);
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    std::remove(PortsFile().c_str());
  }
  // One file per process and test: ctest may run tests of this binary in parallel processes.
  static std::string PortsFile() {
    return ::testing::TempDir() + "/sim_ports_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".json";
  }

  httplib::Client Mesos() {
    httplib::Client c("127.0.0.1", server_->mesos_port());
    c.set_read_timeout(10, 0);
    return c;
  }
  httplib::Client Flink(std::size_t i) {
    httplib::Client c(server_->FlinkUrl(i));
    c.set_read_timeout(10, 0);
    return c;
  }
  void Advance(int seconds) {
    auto res = Mesos().Post("/admin/advance?seconds=" + std::to_string(seconds));
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }
  void AddFault(const std::string& json) {
    auto res = Mesos().Post("/admin/faults", json, "application/json");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200) << res->body;
  }

  std::unique_ptr<SimClock> clock_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<SimServer> server_;
};

TEST_F(SimServerTest, FlinkAndMesosEndpoints) {
  auto overview = Flink(0).Get("/overview");
  ASSERT_TRUE(overview);
  EXPECT_EQ(overview->status, 200);
  const auto o = nlohmann::json::parse(overview->body);
  EXPECT_EQ(o["flink-version"], "1.13.6");
  auto jobs = Flink(1).Get("/jobs/overview");
  ASSERT_TRUE(jobs);
  EXPECT_EQ(jobs->status, 200);
  EXPECT_NE(jobs->body.find("rollup"), std::string::npos);

  auto state = Mesos().Get("/m1/master/state");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 200);
  const auto s = nlohmann::json::parse(state->body);
  ASSERT_TRUE(s.contains("frameworks"));
  bool flink = false;
  for (const auto& f : s["frameworks"]) {
    if (f["name"] == "Flink") {
      flink = true;
      EXPECT_EQ(f["webui_url"], server_->FlinkUrl(0));  // the framework points at the JobManager
    }
  }
  EXPECT_TRUE(flink);

  // Non-leaders redirect to the leader's prefix.
  auto redirect = Mesos().Get("/m2/master/state");
  ASSERT_TRUE(redirect);
  EXPECT_EQ(redirect->status, 307);
  EXPECT_NE(redirect->get_header_value("Location").find(":" + std::to_string(server_->mesos_port()) + "/m1/master/state"),
            std::string::npos)
      << redirect->get_header_value("Location");

  // Agents live under /agents/<id>.
  const auto agent_id = engine_->Read([](const World& w) { return w.mesos.agents[0].id; });
  auto agent = Mesos().Get("/agents/" + agent_id + "/state");
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->status, 200);
  EXPECT_NE(agent->body.find(agent_id), std::string::npos);
  auto missing = Mesos().Get("/agents/nope/state");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
}

TEST_F(SimServerTest, PortsFileAndAdminWorld) {
  std::ifstream in(PortsFile());
  ASSERT_TRUE(in);
  const auto ports = nlohmann::json::parse(in);
  ASSERT_EQ(ports["mesos"]["masters"].size(), 3u);
  EXPECT_EQ(ports["mesos"]["masters"][0], server_->MasterUrl(0));
  EXPECT_EQ(ports["mesos"]["masters"][1], "http://127.0.0.1:" + std::to_string(server_->mesos_port()) + "/m2");
  ASSERT_EQ(ports["flink"].size(), 2u);
  EXPECT_EQ(ports["flink"][0]["name"], "Flink");
  EXPECT_EQ(ports["flink"][0]["on_mesos"], true);
  EXPECT_EQ(ports["flink"][0]["rest_url"], server_->FlinkUrl(0));
  EXPECT_FALSE(ports["flink"][0]["framework_id"].get<std::string>().empty());
  EXPECT_EQ(ports["flink"][1]["on_mesos"], false);
  EXPECT_EQ(ports["mesos"]["agents"].size(), 3u);

  auto world = Mesos().Get("/admin/world");
  ASSERT_TRUE(world);
  const auto w = nlohmann::json::parse(world->body);
  EXPECT_EQ(w["now"], kStart);
  EXPECT_EQ(w["flink_clusters"], 2);
  EXPECT_EQ(w["agents"], 3);
  Advance(12);
  EXPECT_EQ(engine_->Now(), kStart + 12'000);
  auto bad = Mesos().Post("/admin/advance?seconds=-1");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
}

TEST_F(SimServerTest, SubscribeStream) {
  // Only the leader streams; others redirect.
  {
    auto cli = Mesos();
    auto res = cli.Post("/m2/api/v1", R"({"type":"SUBSCRIBE"})", "application/json");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 307);
  }
  Subscriber sub(server_->mesos_port(), "/m1/api/v1");
  auto frames = sub.WaitFrames(2);
  ASSERT_GE(frames.size(), 2u);
  EXPECT_EQ(sub.status(), 200);
  EXPECT_EQ(sub.content_type(), "application/json");
  EXPECT_TRUE(sub.chunked());
  EXPECT_EQ(TypeOf(frames[0]), "SUBSCRIBED");
  const auto subscribed = nlohmann::json::parse(frames[0]);
  EXPECT_EQ(subscribed["subscribed"]["heartbeat_interval_seconds"], 15);
  EXPECT_EQ(TypeOf(frames[1]), "HEARTBEAT");
  EXPECT_EQ(frames.size(), 2u);  // frozen time: nothing else yet

  // 40 s: health checks at 10 s and 20 s, heartbeats at 15 s and 30 s, TaskManager OOM at 30 s
  // followed by its replacement's TASK_ADDED / STARTING / RUNNING.
  Advance(40);
  frames = sub.WaitFrames(2 + 8);
  std::vector<std::string> types;
  std::vector<nlohmann::json> events;
  for (std::size_t i = 2; i < frames.size(); ++i) {
    types.push_back(TypeOf(frames[i]));
    events.push_back(nlohmann::json::parse(frames[i]));
  }
  ASSERT_EQ(types.size(), 8u) << frames.back();
  EXPECT_EQ(types, (std::vector<std::string>{"TASK_UPDATED", "HEARTBEAT", "TASK_UPDATED", "HEARTBEAT", "TASK_UPDATED",
                                             "TASK_ADDED", "TASK_UPDATED", "TASK_UPDATED"}));
  // Health-check updates: same state, reason set, healthy flips.
  for (int i : {0, 2}) {
    const auto& u = events[static_cast<std::size_t>(i)]["task_updated"];
    EXPECT_EQ(u["status"]["task_id"]["value"], "taskmanager-00001");
    EXPECT_EQ(u["status"]["state"], "TASK_RUNNING");
    EXPECT_EQ(u["state"], "TASK_RUNNING");
    EXPECT_EQ(u["status"]["reason"], "REASON_TASK_HEALTH_CHECK_STATUS_UPDATED");
  }
  EXPECT_EQ(events[0]["task_updated"]["status"]["healthy"], false);
  EXPECT_EQ(events[2]["task_updated"]["status"]["healthy"], true);
  const auto& failed = events[4]["task_updated"];
  EXPECT_EQ(failed["status"]["task_id"]["value"], "taskmanager-00002");
  EXPECT_EQ(failed["status"]["state"], "TASK_FAILED");
  EXPECT_EQ(failed["status"]["reason"], "REASON_CONTAINER_LIMITATION_MEMORY");
  EXPECT_EQ(failed["status"]["source"], "SOURCE_EXECUTOR");
  EXPECT_EQ(events[5]["task_added"]["task"]["task_id"]["value"], "taskmanager-00003");
  EXPECT_EQ(events[6]["task_updated"]["status"]["state"], "TASK_STARTING");
  EXPECT_EQ(events[7]["task_updated"]["status"]["state"], "TASK_RUNNING");
  EXPECT_EQ(events[7]["task_updated"]["status"]["task_id"]["value"], "taskmanager-00003");

  // 95 s: heartbeats at 45..90 s, then the leader fails over and the stream ends.
  Advance(55);
  ASSERT_TRUE(sub.WaitEnd());
  frames = sub.WaitFrames(0);
  std::size_t heartbeats = 0;
  for (std::size_t i = 10; i < frames.size(); ++i) heartbeats += TypeOf(frames[i]) == "HEARTBEAT";
  EXPECT_EQ(heartbeats, 4u);  // 45, 60, 75, 90 (the 90 s one precedes the failover at 90 s)
  EXPECT_EQ(frames.size(), 14u);
  EXPECT_TRUE(sub.rest().empty());  // every byte belonged to a complete record
  for (const auto& f : frames) EXPECT_NE(TypeOf(f), "LEADER_CHANGED");  // internal marker never sent

  // The new leader is m2: m1 redirects there, and a new subscription on m2 works.
  auto state = Mesos().Get("/m1/master/state");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->status, 307);
  EXPECT_NE(state->get_header_value("Location").find("/m2/master/state"), std::string::npos);
  Subscriber again(server_->mesos_port(), "/m2/api/v1");
  EXPECT_EQ(TypeOf(again.WaitFrames(1).at(0)), "SUBSCRIBED");
}

TEST_F(SimServerTest, ScheduledFaultAndUnreachableJobManager) {
  Advance(41);
  auto res = Flink(0).Get("/overview");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  auto other = Flink(0).Get("/jobs/overview");  // path does not match
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  Advance(10);
  res = Flink(0).Get("/overview");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);

  Advance(10);  // 61 s: the standalone JobManager is unreachable until 70 s
  auto down = Flink(1).Get("/overview");
  EXPECT_FALSE(down);
  Advance(10);
  auto up = Flink(1).Get("/overview");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200);
}

TEST_F(SimServerTest, FaultStatus) {
  AddFault(R"({"target":"flink:Flink","path":"^/jobs","type":"status","status":500})");
  auto res = Flink(0).Get("/jobs/overview");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  // Other targets are unaffected.
  auto standalone = Flink(1).Get("/jobs/overview");
  ASSERT_TRUE(standalone);
  EXPECT_EQ(standalone->status, 200);
  AddFault(R"({"target":"masters","path":"/master/state","type":"status","status":503})");
  auto m = Mesos().Get("/m1/master/state");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 503);

  auto list = Mesos().Get("/admin/faults");
  ASSERT_TRUE(list);
  EXPECT_EQ(nlohmann::json::parse(list->body).size(), 3u);  // 2 admin + 1 scheduled
  auto del = Mesos().Delete("/admin/faults");
  ASSERT_TRUE(del);
  res = Flink(0).Get("/jobs/overview");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(SimServerTest, FaultLatencyAndCount) {
  AddFault(R"({"target":"m1","type":"latency","ms":300,"count":1})");
  const auto t0 = std::chrono::steady_clock::now();
  auto res = Mesos().Get("/m1/master/state");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(300));
  const auto t1 = std::chrono::steady_clock::now();
  res = Mesos().Get("/m1/master/state");  // count exhausted
  ASSERT_TRUE(res);
  EXPECT_LT(std::chrono::steady_clock::now() - t1, std::chrono::milliseconds(300));
}

TEST_F(SimServerTest, FaultHang) {
  AddFault(R"({"target":"flink","path":"^/overview$","type":"hang"})");
  auto cli = Flink(0);
  cli.set_read_timeout(0, 300'000);
  const auto t0 = std::chrono::steady_clock::now();
  auto res = cli.Get("/overview");
  EXPECT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::Read);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(250));
  // A bounded hang drops the connection unanswered.
  ASSERT_TRUE(Mesos().Delete("/admin/faults"));
  AddFault(R"({"target":"flink","path":"^/overview$","type":"hang","ms":200})");
  auto dropped = Flink(0).Get("/overview");
  EXPECT_FALSE(dropped);
}

TEST_F(SimServerTest, FaultReset) {
  AddFault(R"({"target":"agents","type":"reset"})");
  const auto agent_id = engine_->Read([](const World& w) { return w.mesos.agents[1].id; });
  auto res = Mesos().Get("/agents/" + agent_id + "/state");
  EXPECT_FALSE(res);
  auto master = Mesos().Get("/m1/master/state");  // same listener, other target
  ASSERT_TRUE(master);
  EXPECT_EQ(master->status, 200);
}

TEST_F(SimServerTest, FaultTruncate) {
  const auto full = Flink(0).Get("/jobs/overview");
  ASSERT_TRUE(full);
  AddFault(R"({"target":"flink:Flink","path":"^/jobs/overview$","type":"truncate"})");
  std::string received;
  auto cli = Flink(0);
  auto res = cli.Get("/jobs/overview", [&](const char* data, std::size_t n) {
    received.append(data, n);
    return true;
  });
  EXPECT_FALSE(res);  // Content-Length promised more than was sent
  EXPECT_EQ(received.size(), full->body.size() / 2);
  EXPECT_EQ(received, full->body.substr(0, full->body.size() / 2));
}

TEST_F(SimServerTest, FaultMalformed) {
  AddFault(R"({"target":"mesos","path":"/master/state","type":"malformed"})");
  auto res = Mesos().Get("/m1/master/state");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).is_discarded());
}

TEST_F(SimServerTest, FaultOversize) {
  const auto normal = Flink(0).Get("/overview");
  ASSERT_TRUE(normal);
  AddFault(R"({"target":"flink:Flink","path":"^/overview$","type":"oversize","bytes":8388608})");
  auto res = Flink(0).Get("/overview");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body.size(), 8388608u);
  const auto doc = nlohmann::json::parse(res->body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded());
  EXPECT_EQ(doc["flink-version"], "1.13.6");  // still the real document, plus padding
  EXPECT_GT(doc["padding"].get<std::string>().size(), 8000000u);
}

TEST_F(SimServerTest, FaultRedirectLoop) {
  AddFault(R"({"target":"m1","path":"/master/state","type":"redirect_loop"})");
  auto plain = Mesos().Get("/m1/master/state?jsonp=x");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 307);
  EXPECT_EQ(plain->get_header_value("Location"),
            "http://127.0.0.1:" + std::to_string(server_->mesos_port()) + "/m1/master/state?jsonp=x");
  auto cli = Mesos();
  cli.set_follow_location(true);
  auto res = cli.Get("/m1/master/state");
  EXPECT_FALSE(res);
  EXPECT_EQ(res.error(), httplib::Error::ExceedRedirectCount);
}

TEST_F(SimServerTest, FaultResetMidBody) {
  const auto full = Flink(0).Get("/jobs/overview");
  ASSERT_TRUE(full);
  ASSERT_GT(full->body.size(), 10u);
  AddFault(R"({"target":"flink:Flink","path":"^/jobs/overview$","type":"reset","bytes":10})");
  std::string received;
  auto cli = Flink(0);
  auto res = cli.Get("/jobs/overview", [&](const char* data, std::size_t n) {
    received.append(data, n);
    return true;
  });
  EXPECT_FALSE(res);  // headers came, then the connection was aborted
  EXPECT_EQ(received, full->body.substr(0, 10));
}

TEST_F(SimServerTest, FaultSlowDrip) {
  const auto full = Flink(0).Get("/overview");
  ASSERT_TRUE(full);
  AddFault(R"({"target":"flink:Flink","path":"^/overview$","type":"slow_drip","ms":20,"bytes":64})");
  std::size_t pieces = 0;
  std::string received;
  const auto t0 = std::chrono::steady_clock::now();
  auto cli = Flink(0);
  auto res = cli.Get("/overview", [&](const char* data, std::size_t n) {
    received.append(data, n);
    ++pieces;
    return true;
  });
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(received, full->body);  // all of it, just slowly
  const std::size_t gaps = (full->body.size() + 63) / 64 - 1;
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20 * gaps));
  EXPECT_GE(pieces, 2u);
}

TEST_F(SimServerTest, FaultWrongContentType) {
  AddFault(R"({"target":"m1","path":"/metrics/snapshot","type":"wrong_content_type"})");
  auto res = Mesos().Get("/m1/metrics/snapshot");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_NE(res->body.find("<html>"), std::string::npos);
  EXPECT_TRUE(nlohmann::json::parse(res->body, nullptr, false).is_discarded());
  auto other = Mesos().Get("/m2/metrics/snapshot");  // another master answers as usual
  ASSERT_TRUE(other);
  EXPECT_EQ(other->get_header_value("Content-Type"), "application/json");
}

TEST_F(SimServerTest, AdminRejectsBadFaults) {
  auto res = Mesos().Post("/admin/faults", R"({"type":"explode"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = Mesos().Post("/admin/faults", R"({"type":"status","path":"(["})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = Mesos().Post("/admin/faults", R"({"type":"status","colour":"red"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = Mesos().Post("/admin/faults", "not json", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  res = Mesos().Post("/admin/faults", R"({"type":"slow_drip","ms":-1})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);  // the ranges the scenario loader enforces
  // The admin API itself is never faulted.
  AddFault(R"({"target":"*","type":"status","status":500})");
  auto list = Mesos().Get("/admin/faults");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->status, 200);
}

TEST_F(SimServerTest, StopEndsStreamsAndHangs) {
  AddFault(R"({"target":"flink","type":"hang"})");
  Subscriber sub(server_->mesos_port(), "/m1/api/v1");
  ASSERT_GE(sub.WaitFrames(2).size(), 2u);
  std::thread hung([this] {
    auto cli = Flink(0);
    cli.set_read_timeout(30, 0);
    auto res = cli.Get("/overview");
    EXPECT_FALSE(res);
  });
  const auto t0 = std::chrono::steady_clock::now();
  // Give the hanging request time to reach the server, bounded: poll the fault list.
  for (int i = 0; i < 100; ++i) {
    auto list = Mesos().Get("/admin/faults");
    if (list && list->body.find("\"type\":\"hang\"") != std::string::npos) break;
  }
  server_->Stop();
  EXPECT_TRUE(sub.WaitEnd());
  hung.join();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
}

// ------------------------------------------------------------------ discovery.yml on the wire

class DiscoveryServerTest : public SimServerTest {
 protected:
  void SetUp() override {
    auto r = LoadScenarioFile(std::string(FME_SIM_SCENARIOS_DIR) + "/discovery.yml");
    ASSERT_TRUE(r.ok()) << r.error;
    Scenario s = *r.scenario;
    s.start = kStart;
    StartWith(s);
  }
  // World indices of the scenario's clusters (on Mesos first, in file order).
  static constexpr std::size_t kA = 0, kB = 1, kLate = 2, kDoomed = 3, kReporting = 5;

  nlohmann::json MesosJson(const std::string& path) {
    auto res = Mesos().Get(path);
    if (!res || res->status != 200) {
      ADD_FAILURE() << path << ": " << (res ? res->body : "no answer");
      return nlohmann::json();
    }
    return nlohmann::json::parse(res->body);
  }
};

// The first frame after `from` of that type for which `match` holds; null when the stream
// ends or stays silent (bounded by Subscriber::WaitFrames).
nlohmann::json WaitForFrame(Subscriber& sub, std::size_t from, const std::string& type,
                            const std::function<bool(const nlohmann::json&)>& match) {
  for (std::size_t n = from + 1;; ++n) {
    const auto frames = sub.WaitFrames(n);
    if (frames.size() < n) return nlohmann::json();
    if (TypeOf(frames[n - 1]) != type) continue;
    auto j = nlohmann::json::parse(frames[n - 1]);
    if (match(j)) return j;
  }
}

TEST_F(DiscoveryServerTest, PortsFileNamesEveryClustersFramework) {
  std::ifstream in(PortsFile());
  ASSERT_TRUE(in);
  const auto ports = nlohmann::json::parse(in);
  const auto& flink = ports["flink"];
  ASSERT_EQ(flink.size(), 6u);
  EXPECT_EQ(flink[kA]["name"], "flink-a");
  EXPECT_EQ(flink[kA]["framework_name"], "Flink");
  EXPECT_EQ(flink[kB]["name"], "flink-b");
  EXPECT_EQ(flink[kB]["framework_name"], "Flink");
  EXPECT_NE(flink[kA]["framework_id"], flink[kB]["framework_id"]);
  EXPECT_EQ(flink[kLate]["framework_name"], "flink-late");
  EXPECT_FALSE(flink[kLate]["framework_id"].get<std::string>().empty());  // known before it registers
  EXPECT_EQ(flink[kReporting]["on_mesos"], false);
  EXPECT_FALSE(flink[kReporting].contains("framework_id"));
  EXPECT_FALSE(flink[kReporting].contains("framework_name"));
  auto admin = Mesos().Get("/admin/ports");
  ASSERT_TRUE(admin);
  EXPECT_EQ(nlohmann::json::parse(admin->body), ports);

  // Two frameworks named Flink, each pointing at its own JobManager.
  const auto frameworks = MesosJson("/m1/master/frameworks");
  int named_flink = 0;
  for (const auto& f : frameworks["frameworks"]) {
    if (f["name"] != "Flink") continue;
    ++named_flink;
    const std::size_t i = f["id"] == flink[kA]["framework_id"] ? kA : kB;
    EXPECT_EQ(f["id"], flink[i]["framework_id"]);
    EXPECT_EQ(f["webui_url"], server_->FlinkUrl(i));
  }
  EXPECT_EQ(named_flink, 2);
}

TEST_F(DiscoveryServerTest, LateRegistrationAndTeardownOnTheWire) {
  const std::string late = engine_->Read([](const World& w) { return w.flink[kLate].framework_id; });
  const std::string doomed = engine_->Read([](const World& w) { return w.flink[kDoomed].framework_id; });
  EXPECT_FALSE(Flink(kLate).Get("/overview"));  // not up yet: connection reset
  ASSERT_TRUE(Flink(kDoomed).Get("/overview"));

  Subscriber sub(server_->mesos_port(), "/m1/api/v1");
  auto frames = sub.WaitFrames(2);
  ASSERT_GE(frames.size(), 2u);
  const auto snapshot = nlohmann::json::parse(frames[0]);
  for (const auto& f : snapshot["subscribed"]["get_state"]["get_frameworks"]["frameworks"]) {
    EXPECT_NE(f["framework_info"]["id"]["value"], late);
  }

  // 1:00: FRAMEWORK_ADDED (with the JobManager's URL), then its TaskManagers' TASK_ADDED.
  Advance(61);
  const auto added = WaitForFrame(sub, 2, "FRAMEWORK_ADDED", [&](const nlohmann::json& e) {
    return e["framework_added"]["framework"]["framework_info"]["id"]["value"] == late;
  });
  ASSERT_FALSE(added.is_null());
  EXPECT_EQ(added["framework_added"]["framework"]["framework_info"]["name"], "flink-late");
  EXPECT_EQ(added["framework_added"]["framework"]["framework_info"]["webui_url"], server_->FlinkUrl(kLate));
  const auto task = WaitForFrame(sub, 2, "TASK_ADDED", [&](const nlohmann::json& e) {
    return e["task_added"]["task"]["framework_id"]["value"] == late;
  });
  ASSERT_FALSE(task.is_null());
  EXPECT_EQ(task["task_added"]["task"]["task_id"]["value"], "taskmanager-00001");
  auto up = Flink(kLate).Get("/overview");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200);

  // 3:00: the doomed framework's tasks are killed, FRAMEWORK_REMOVED follows; its JobManager is gone.
  Advance(120);
  const auto removed = WaitForFrame(sub, 2, "FRAMEWORK_REMOVED", [&](const nlohmann::json& e) {
    return e["framework_removed"]["framework_info"]["id"]["value"] == doomed;
  });
  ASSERT_FALSE(removed.is_null());
  EXPECT_EQ(removed["framework_removed"]["framework_info"]["name"], "flink-doomed");
  EXPECT_FALSE(Flink(kDoomed).Get("/overview"));
  const auto frameworks = MesosJson("/m1/master/frameworks");
  bool active = false, completed = false;
  for (const auto& f : frameworks["frameworks"]) active |= f["id"] == doomed;
  for (const auto& f : frameworks["completed_frameworks"]) completed |= f["id"] == doomed;
  EXPECT_FALSE(active);
  EXPECT_TRUE(completed);

  // A new subscriber's snapshot agrees.
  Subscriber again(server_->mesos_port(), "/m1/api/v1");
  const auto state = nlohmann::json::parse(again.WaitFrames(1).at(0))["subscribed"]["get_state"];
  bool late_active = false, doomed_completed = false;
  for (const auto& f : state["get_frameworks"]["frameworks"]) late_active |= f["framework_info"]["id"]["value"] == late;
  for (const auto& f : state["get_frameworks"]["completed_frameworks"]) {
    doomed_completed |= f["framework_info"]["id"]["value"] == doomed;
  }
  EXPECT_TRUE(late_active);
  EXPECT_TRUE(doomed_completed);
}

}  // namespace
}  // namespace fme::sim
