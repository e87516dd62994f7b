#include "mesos/mesos_event_stream.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <functional>
#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/eventually.h"
#include "support/fake_clock.h"
#include "support/fake_http_client.h"
#include "support/fixture.h"

namespace fme {
namespace {

using std::chrono::milliseconds;
using testing::Eventually;
using testing::FakeClock;
using testing::FakeHttpClient;
using testing::ReadFixture;
using testing::StreamEnd;

const std::string kPrefix = "9d5f0c3e-4b7a-4e21-8c6d-1f2e3a4b5c6d";
const std::string kFlink = kPrefix + "-0004";
const std::string kMarathon = kPrefix + "-0001";
const std::string kS1 = kPrefix + "-S1";

const std::string kM1 = "http://m1:5050";
const std::string kM2 = "http://m2:5050";
const std::string kM3 = "http://m3:5050";

std::string Api(const std::string& master) { return master + "/api/v1"; }

// One RecordIO record: "<length>\n<data>".
std::string Record(std::string_view data) {
  return std::to_string(data.size()) + "\n" + std::string(data);
}

std::string V1(const std::string& name) { return ReadFixture("mesos/v1/" + name); }

// The SUBSCRIBED fixture without the marathon framework (and its tasks) and without agent S1.
std::string SubscribedWithoutMarathonAndS1() {
  auto doc = nlohmann::json::parse(V1("subscribed.json"));
  nlohmann::json& state = doc["subscribed"]["get_state"];
  auto drop = [](nlohmann::json& list, const std::function<bool(const nlohmann::json&)>& pred) {
    list.erase(std::remove_if(list.begin(), list.end(), pred), list.end());
  };
  drop(state["get_frameworks"]["frameworks"], [](const nlohmann::json& f) {
    return f["framework_info"]["id"]["value"] == kMarathon;
  });
  for (const char* kind : {"tasks", "unreachable_tasks", "completed_tasks"}) {
    drop(state["get_tasks"][kind],
         [](const nlohmann::json& t) { return t["framework_id"]["value"] == kMarathon; });
  }
  drop(state["get_agents"]["agents"],
       [](const nlohmann::json& a) { return a["agent_info"]["id"]["value"] == kS1; });
  return doc.dump();
}

// `data` cut at the given offsets (ascending), giving chunks that split records anywhere.
std::vector<std::string> CutAt(const std::string& data, std::vector<std::size_t> offsets) {
  std::vector<std::string> chunks;
  std::size_t from = 0;
  for (std::size_t at : offsets) {
    chunks.push_back(data.substr(from, at - from));
    from = at;
  }
  chunks.push_back(data.substr(from));
  return chunks;
}

MesosObservation Observe(const MesosEventStream& s) {
  MesosObservation obs;
  s.Fill(obs);
  return obs;
}

const MesosFramework* FindFramework(const MesosObservation& obs, const std::string& id) {
  for (const auto& f : obs.frameworks) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

bool HasAgent(const MesosObservation& obs, const std::string& id) {
  return std::any_of(obs.agents.begin(), obs.agents.end(),
                     [&](const MesosAgent& a) { return a.id == id; });
}

double EventCount(const MesosObservation& obs, std::string_view type) {
  if (!obs.event_stream) return -1;
  for (const auto& [name, n] : obs.event_stream->events_by_type) {
    if (name == type) return n;
  }
  return 0;
}

int64_t Tasks(const MesosFramework& f, MesosTaskState s) {
  return f.tasks[static_cast<std::size_t>(s)];
}

class MesosEventStreamTest : public ::testing::Test {
 protected:
  MesosEventStreamTest() {
    options.idle_timeout = std::chrono::seconds(45);
    auth.basic_username = "exporter";
    auth.basic_password = "s3cret";
  }

  MesosEventStream& Stream() {
    if (!stream_) {
      stream_ = std::make_unique<MesosEventStream>("prod", options, auth, http, clock, 7);
    }
    return *stream_;
  }

  // A complete subscription: the snapshot, then a clean end.
  void Subscribed(const std::string& master, const std::string& snapshot) {
    http.RespondStream(Api(master), 200, {Record(snapshot)});
    ASSERT_EQ(Stream().SubscribeOnce(master).code(), StatusCode::kUnavailable);
    ASSERT_TRUE(Stream().HasState());
  }

  MesosEventStreamOptions options;
  HttpAuth auth;
  FakeHttpClient http;
  FakeClock clock;

 private:
  std::unique_ptr<MesosEventStream> stream_;
};

TEST_F(MesosEventStreamTest, SubscribesWithAPostToTheLeadersOperatorApi) {
  http.RespondStream(Api(kM1), 200, {Record(V1("event_heartbeat.json"))});
  Stream().SubscribeOnce(kM1);

  const auto sent = http.RequestsTo(Api(kM1));
  ASSERT_EQ(sent.size(), 1u);
  const HttpRequest& req = sent[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.body, R"({"type":"SUBSCRIBE"})");
  EXPECT_EQ(req.content_type, "application/json") << "exactly; the master rejects parameters";
  EXPECT_EQ(req.headers.at("Accept"), "application/json");
  EXPECT_EQ(req.auth.basic_username, "exporter");
  EXPECT_EQ(req.auth.basic_password, "s3cret");
  EXPECT_TRUE(static_cast<bool>(req.on_body)) << "a streaming request";
  EXPECT_EQ(req.idle_timeout, options.idle_timeout) << "the heartbeat watchdog";
  EXPECT_EQ(req.deadline, clock.Steady() + options.subscribe_timeout);
}

TEST_F(MesosEventStreamTest, RecordsSplitAnywhereFillTheModel) {
  const std::string subscribed = Record(V1("subscribed.json"));
  const std::string heartbeat = Record(V1("event_heartbeat.json"));
  const std::string added = Record(V1("event_task_added.json"));
  const std::string running = Record(V1("event_task_updated_running.json"));
  const std::string oom = Record(V1("event_task_updated_oom.json"));
  const std::string wire = subscribed + heartbeat + added + running + oom;
  const std::size_t digits = subscribed.find('\n');
  const std::size_t b1 = subscribed.size();             // SUBSCRIBED | HEARTBEAT
  const std::size_t b2 = b1 + heartbeat.size();         // HEARTBEAT | TASK_ADDED
  const std::size_t b3 = b2 + added.size();             // TASK_ADDED | TASK_UPDATED
  const std::size_t b4 = b3 + running.size();           // TASK_UPDATED | TASK_UPDATED
  std::vector<std::size_t> cuts = {
      1,                 // inside the first length
      digits,            // just before its newline
      digits + 1,        // just after it
      digits + 2,        // one byte of data
      b1 / 2,            // the middle of the snapshot
      b1 - 1,            // one byte before its end
      b1 + 1,            // the heartbeat's length, split after its first digit
  };
  for (std::size_t i = b1 + 2; i < b2; ++i) cuts.push_back(i);  // the heartbeat a byte at a time
  cuts.insert(cuts.end(), {b2 + 1, b3 - 3, b3 + 2, b4, b4 + 1});
  http.RespondStream(Api(kM1), 200, CutAt(wire, cuts));

  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kUnavailable);
  EXPECT_NE(end.message().find("ended"), std::string::npos) << end.ToString();
  EXPECT_EQ(end.message().find("inside a record"), std::string::npos) << end.ToString();

  ASSERT_TRUE(Stream().HasState());
  EXPECT_FALSE(Stream().Refused());
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(obs.origin, MesosStateOrigin::kEventStream);
  EXPECT_EQ(obs.agents.size(), 3u);
  ASSERT_EQ(obs.frameworks.size(), 2u);
  const MesosFramework* flink = FindFramework(obs, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 2) << "00001 and the new 00004; 00002 failed";
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 1);
  EXPECT_EQ(flink->taskmanager_tasks.size(), 4u);
  ASSERT_EQ(flink->terminations.size(), 1u);
  EXPECT_EQ(flink->terminations[0].reason, "REASON_CONTAINER_LIMITATION_MEMORY");

  ASSERT_TRUE(obs.event_stream.has_value());
  const MesosEventStreamStatus& st = *obs.event_stream;
  EXPECT_EQ(EventCount(obs, "SUBSCRIBED"), 1);
  EXPECT_EQ(EventCount(obs, "HEARTBEAT"), 1);
  EXPECT_EQ(EventCount(obs, "TASK_ADDED"), 1);
  EXPECT_EQ(EventCount(obs, "TASK_UPDATED"), 2);
  EXPECT_EQ(st.events_by_type.size(), 4u);
  EXPECT_FALSE(st.connected) << "the stream has ended";
  EXPECT_EQ(st.leader, kM1);
  EXPECT_EQ(st.reconnects, 1) << "a connected stream ended";
  ASSERT_TRUE(st.last_event_timestamp.has_value());
  EXPECT_DOUBLE_EQ(*st.last_event_timestamp, ToUnixSeconds(clock.Now()));
  EXPECT_EQ(st.last_error, end.ToString());
}

TEST_F(MesosEventStreamTest, OneByteChunks) {
  const std::string wire = Record(V1("subscribed.json")) + Record(V1("event_task_added.json"));
  std::vector<std::string> chunks;
  for (char c : wire) chunks.emplace_back(1, c);
  http.RespondStream(Api(kM1), 200, std::move(chunks));
  Stream().SubscribeOnce(kM1);
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(EventCount(obs, "SUBSCRIBED"), 1);
  EXPECT_EQ(EventCount(obs, "TASK_ADDED"), 1);
  const MesosFramework* flink = FindFramework(obs, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 2);
}

TEST_F(MesosEventStreamTest, AWholeStreamInOneChunk) {
  http.Respond(Api(kM1), 200, Record(V1("subscribed.json")) + Record(V1("event_heartbeat.json")));
  EXPECT_EQ(Stream().SubscribeOnce(kM1).code(), StatusCode::kUnavailable);
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(EventCount(obs, "SUBSCRIBED"), 1);
  EXPECT_EQ(EventCount(obs, "HEARTBEAT"), 1);
  EXPECT_EQ(obs.agents.size(), 3u);
}

TEST_F(MesosEventStreamTest, ConnectedWhileTheStreamLasts) {
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kHang);
  MesosEventStream& stream = Stream();
  EXPECT_FALSE(Observe(stream).event_stream->connected);

  auto done = std::async(std::launch::async, [&] { return stream.SubscribeOnce(kM1); });
  ASSERT_TRUE(Eventually([&] { return stream.HasState(); }));
  MesosObservation obs = Observe(stream);
  EXPECT_TRUE(obs.event_stream->connected);
  EXPECT_EQ(obs.event_stream->leader, kM1);
  EXPECT_EQ(obs.event_stream->reconnects, 0);

  stream.SetLeader(kM2);  // ends the subscription to m1
  ASSERT_EQ(done.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  const Status end = done.get();
  EXPECT_EQ(end.code(), StatusCode::kUnavailable);
  EXPECT_NE(end.message().find("cancelled"), std::string::npos) << end.ToString();
  obs = Observe(stream);
  EXPECT_FALSE(obs.event_stream->connected);
  EXPECT_EQ(obs.event_stream->reconnects, 1);
  EXPECT_EQ(obs.agents.size(), 3u) << "the last model is still served";
}

TEST_F(MesosEventStreamTest, StreamCutInsideARecordKeepsTheLastModel) {
  Subscribed(kM1, V1("subscribed.json"));
  const std::string added = Record(V1("event_task_added.json"));
  const std::string running = Record(V1("event_task_updated_running.json"));
  const std::string cut = added + running.substr(0, running.size() / 2);

  // The server ends the body cleanly, but half-way through a record.
  http.RespondStream(Api(kM1), 200, {cut}, StreamEnd::kClose);
  Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kUnavailable);
  EXPECT_NE(end.message().find("inside a record"), std::string::npos) << end.ToString();

  // The connection is reset half-way through a record.
  http.RespondStream(Api(kM1), 200, {cut}, StreamEnd::kReset);
  end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kUnavailable);
  EXPECT_NE(end.message().find("inside a record"), std::string::npos) << end.ToString();
  EXPECT_NE(end.message().find("reset"), std::string::npos) << end.ToString();

  EXPECT_TRUE(Stream().HasState());
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(obs.origin, MesosStateOrigin::kEventStream);
  EXPECT_EQ(obs.agents.size(), 3u);
  EXPECT_EQ(obs.frameworks.size(), 2u);
  const MesosFramework* flink = FindFramework(obs, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 2) << "the whole TASK_ADDED was applied";
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kRunning), 2) << "the partial TASK_UPDATED was not";
  // Only the first subscription got its SUBSCRIBED; the two cut ones never worked.
  EXPECT_EQ(obs.event_stream->reconnects, 1);
  EXPECT_FALSE(obs.event_stream->connected);
  EXPECT_EQ(obs.event_stream->last_error, end.ToString());
  // Every end of a stream is an error of the stream, by kind: the first (a clean end after the
  // snapshot) and the two cuts.
  const std::vector<EndpointError> errors = Stream().TakeErrors();
  ASSERT_EQ(errors.size(), 3u);
  for (const EndpointError& e : errors) {
    EXPECT_EQ(e.endpoint, "/api/v1 SUBSCRIBE");
    EXPECT_EQ(e.kind, "connect");
  }
  EXPECT_TRUE(Stream().TakeErrors().empty()) << "taken once";
}

TEST_F(MesosEventStreamTest, MalformedEventEndsTheStreamKeepsTheModel) {
  Subscribed(kM1, V1("subscribed.json"));
  http.RespondStream(Api(kM1), 200,
                     {Record(V1("event_heartbeat.json")) + Record(R"({"type":"TASK_ADDED",)") +
                      Record(V1("event_task_added.json"))});
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kParseError);
  EXPECT_NE(end.message().find("event stream of " + kM1), std::string::npos) << end.ToString();

  EXPECT_TRUE(Stream().HasState());
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(obs.agents.size(), 3u);
  EXPECT_EQ(EventCount(obs, "HEARTBEAT"), 1);
  EXPECT_EQ(EventCount(obs, "TASK_ADDED"), 0) << "nothing after the bad record is applied";
  const MesosFramework* flink = FindFramework(obs, kFlink);
  ASSERT_NE(flink, nullptr);
  EXPECT_EQ(Tasks(*flink, MesosTaskState::kStaging), 1);
  EXPECT_EQ(obs.event_stream->last_error, end.ToString());
}

TEST_F(MesosEventStreamTest, MalformedFramingEndsTheStream) {
  Subscribed(kM1, V1("subscribed.json"));
  http.RespondStream(Api(kM1), 200, {Record(V1("event_heartbeat.json")) + "12x\n{}"});
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kParseError);
  EXPECT_NE(end.message().find("RecordIO"), std::string::npos) << end.ToString();
  EXPECT_TRUE(Stream().HasState());
  EXPECT_EQ(Observe(Stream()).agents.size(), 3u);
}

// A sign-in page or a proxy's error page answering 200 in place of the stream: named by its
// Content-Type, not reported as broken RecordIO framing.
TEST_F(MesosEventStreamTest, APageThatIsNotJsonIsAParseErrorNamingItsContentType) {
  http.RespondStream(Api(kM1), 200, {"<html><body>Sign in</body></html>"}, StreamEnd::kClose,
                     "text/html; charset=utf-8");
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kParseError) << end.ToString();
  EXPECT_NE(end.message().find("Content-Type text/html; charset=utf-8"), std::string::npos)
      << end.ToString();
  EXPECT_EQ(end.message().find("RecordIO"), std::string::npos) << end.ToString();
  EXPECT_FALSE(Stream().HasState());
  const std::vector<EndpointError> errors = Stream().TakeErrors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, "parse");
}

// The stream's own framing (Mesos answers application/json, never application/recordio) and a
// missing Content-Type are both accepted.
TEST_F(MesosEventStreamTest, JsonOrMissingContentTypeIsAccepted) {
  for (const std::string type : {"application/json", ""}) {
    http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kClose, type);
    EXPECT_EQ(Stream().SubscribeOnce(kM1).code(), StatusCode::kUnavailable) << type;
    EXPECT_TRUE(Stream().HasState()) << type;
  }
}

// A record whose announced length is above max_record_bytes is too large, like an oversized
// response body, and ends the stream before any of it is buffered.
TEST_F(MesosEventStreamTest, ARecordAboveTheMaximumIsTooLarge) {
  options.max_record_bytes = 1000;
  http.RespondStream(Api(kM1), 200, {"1001\n" + std::string(1001, ' ')});
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kTooLarge) << end.ToString();
  EXPECT_NE(end.message().find("maximum of 1000 bytes"), std::string::npos) << end.ToString();
  EXPECT_FALSE(Stream().HasState());
  const std::vector<EndpointError> errors = Stream().TakeErrors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].kind, "too_large");
}

TEST_F(MesosEventStreamTest, SilenceBeyondTheIdleTimeoutIsATimeout) {
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kIdleTimeout);
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kTimeout) << end.ToString();
  EXPECT_TRUE(Stream().HasState());
  const MesosObservation obs = Observe(Stream());
  EXPECT_EQ(obs.event_stream->reconnects, 1);
  EXPECT_FALSE(obs.event_stream->connected);
  EXPECT_NE(obs.event_stream->last_error.find("read timeout"), std::string::npos);
  EXPECT_EQ(obs.agents.size(), 3u);
}

TEST_F(MesosEventStreamTest, MastersWithoutTheV1ApiRefuse) {
  for (int status : {404, 405, 415, 501}) {
    SCOPED_TRACE(status);
    FakeHttpClient client;
    MesosEventStream stream("prod", options, auth, client, clock, 7);
    client.Respond(Api(kM1), status, "no such endpoint");
    const Status end = stream.SubscribeOnce(kM1);
    EXPECT_EQ(end.code(), StatusCode::kHttpStatus);
    EXPECT_NE(end.message().find("HTTP " + std::to_string(status)), std::string::npos);
    EXPECT_TRUE(stream.Refused());
    EXPECT_FALSE(stream.HasState());
    const MesosObservation obs = Observe(stream);
    EXPECT_EQ(obs.origin, MesosStateOrigin::kNone);
    EXPECT_EQ(obs.event_stream->reconnects, 0) << "never connected";
  }
}

TEST_F(MesosEventStreamTest, NoLeaderOrRecoveryIsNotARefusal) {
  http.Respond(Api(kM1), 503, "No leader elected");
  const Status end = Stream().SubscribeOnce(kM1);
  EXPECT_EQ(end.code(), StatusCode::kHttpStatus);
  EXPECT_NE(end.message().find("No leader elected"), std::string::npos);
  EXPECT_FALSE(Stream().Refused());
}

TEST_F(MesosEventStreamTest, ASubscriptionClearsAnEarlierRefusal) {
  http.Respond(Api(kM1), 404, "");
  Stream().SubscribeOnce(kM1);
  ASSERT_TRUE(Stream().Refused());
  // Another leader (or the upgraded one) serves the API: no reason to keep polling.
  Subscribed(kM2, V1("subscribed.json"));
  EXPECT_FALSE(Stream().Refused());
}

TEST_F(MesosEventStreamTest, ResubscribeReplacesTheModel) {
  Subscribed(kM1, V1("subscribed.json"));
  MesosObservation obs = Observe(Stream());
  ASSERT_NE(FindFramework(obs, kMarathon), nullptr);
  ASSERT_TRUE(HasAgent(obs, kS1));

  Subscribed(kM1, SubscribedWithoutMarathonAndS1());
  obs = Observe(Stream());
  EXPECT_EQ(obs.frameworks.size(), 1u);
  EXPECT_EQ(FindFramework(obs, kMarathon), nullptr) << "no leftovers";
  EXPECT_NE(FindFramework(obs, kFlink), nullptr);
  EXPECT_EQ(obs.agents.size(), 2u);
  EXPECT_FALSE(HasAgent(obs, kS1)) << "no leftovers";
  EXPECT_EQ(EventCount(obs, "SUBSCRIBED"), 2);
  EXPECT_EQ(obs.event_stream->reconnects, 2);
}

TEST_F(MesosEventStreamTest, StopBeforeSubscribingRefusesToStart) {
  Stream().Stop();
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kHang);
  EXPECT_EQ(Stream().SubscribeOnce(kM1).code(), StatusCode::kUnavailable);
  EXPECT_EQ(http.CountRequests(Api(kM1)), 0);
}

// The background thread.

TEST_F(MesosEventStreamTest, LeaderChangeCancelsAndResubscribesAtOnce) {
  // Long enough that a backoff before resubscribing would fail the test.
  options.backoff_initial = std::chrono::seconds(30);
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kHang);
  http.RespondStream(Api(kM2), 200, {Record(SubscribedWithoutMarathonAndS1())}, StreamEnd::kHang);
  MesosEventStream& stream = Stream();
  stream.Start();
  stream.SetLeader(kM1);
  ASSERT_TRUE(http.WaitForRequests(Api(kM1), 1));
  // `connected` turns true with the first bytes, the model with the first whole record.
  ASSERT_TRUE(Eventually([&] { return EventCount(Observe(stream), "SUBSCRIBED") == 1; }));
  EXPECT_TRUE(Observe(stream).event_stream->connected);
  EXPECT_EQ(Observe(stream).frameworks.size(), 2u);

  const auto start = std::chrono::steady_clock::now();
  stream.SetLeader(kM2);
  ASSERT_TRUE(http.WaitForRequests(Api(kM2), 1, milliseconds(3000)));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  const auto sent = http.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].url, Api(kM2)) << "the next subscription goes to the new leader";
  EXPECT_EQ(sent[1].method, "POST");

  ASSERT_TRUE(Eventually([&] {
    const MesosObservation obs = Observe(stream);
    return obs.event_stream->leader == kM2 && obs.event_stream->connected &&
           EventCount(obs, "SUBSCRIBED") == 2;
  }));
  const MesosObservation obs = Observe(stream);
  EXPECT_EQ(obs.frameworks.size(), 1u) << "the new leader's snapshot replaced the model";
  EXPECT_EQ(obs.agents.size(), 2u);
  EXPECT_EQ(http.CountRequests(Api(kM1)), 1);
  stream.Stop();
}

TEST_F(MesosEventStreamTest, StopEndsAHangingStreamPromptly) {
  options.backoff_initial = std::chrono::seconds(30);
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kHang);
  MesosEventStream& stream = Stream();
  stream.Start();
  stream.SetLeader(kM1);
  ASSERT_TRUE(Eventually([&] { return stream.HasState(); }));

  const auto start = std::chrono::steady_clock::now();
  stream.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_TRUE(stream.HasState()) << "the model outlives the thread";
  EXPECT_EQ(http.CountRequests(Api(kM1)), 1);
}

TEST_F(MesosEventStreamTest, StopDuringBackoffReturnsPromptly) {
  options.backoff_initial = std::chrono::seconds(30);
  http.Respond(Api(kM1), 503, "No leader elected");
  MesosEventStream& stream = Stream();
  stream.Start();
  stream.SetLeader(kM1);
  ASSERT_TRUE(http.WaitForRequests(Api(kM1), 1));
  const auto start = std::chrono::steady_clock::now();
  stream.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(http.CountRequests(Api(kM1)), 1) << "still backing off when stopped";
}

TEST_F(MesosEventStreamTest, ReconnectsAfterBackoff) {
  options.backoff_initial = milliseconds(2);
  options.backoff_max = milliseconds(5);
  http.RespondStream(Api(kM1), 200, {Record(V1("subscribed.json"))}, StreamEnd::kReset);
  MesosEventStream& stream = Stream();
  stream.Start();
  stream.SetLeader(kM1);
  ASSERT_TRUE(http.WaitForRequests(Api(kM1), 3));
  stream.Stop();
  const MesosObservation obs = Observe(stream);
  EXPECT_GE(obs.event_stream->reconnects, 2);
  EXPECT_GE(EventCount(obs, "SUBSCRIBED"), 2);
  EXPECT_TRUE(stream.HasState());
}

TEST_F(MesosEventStreamTest, WaitsForALeader) {
  options.backoff_initial = milliseconds(2);
  MesosEventStream& stream = Stream();
  stream.Start();
  std::this_thread::sleep_for(milliseconds(20));
  EXPECT_TRUE(http.requests().empty()) << "nobody to subscribe to";
  stream.Stop();
}

// A leader change landing at any moment of the thread's resubscription (right after it has read
// the previous change, say) still moves it to the leader named last.
TEST_F(MesosEventStreamTest, EndsUpOnTheLastLeaderNamed) {
  options.backoff_initial = std::chrono::seconds(30);
  const std::vector<std::string> masters = {kM1, kM2, kM3};
  for (const auto& m : masters) {
    http.RespondStream(Api(m), 200, {Record(V1("event_heartbeat.json"))}, StreamEnd::kHang);
  }
  MesosEventStream& stream = Stream();
  stream.Start();
  for (int i = 0; i < 300; ++i) {
    const std::string& first = masters[(2 * i + 1) % 3];
    const std::string& last = masters[(2 * i + 2) % 3];
    stream.SetLeader(first);
    // A few microseconds, varied, so that the second change falls into different moments.
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(i % 100);
    while (std::chrono::steady_clock::now() < until) {
    }
    stream.SetLeader(last);
    ASSERT_TRUE(Eventually(
        [&] {
          const MesosObservation obs = Observe(stream);
          return obs.event_stream->leader == last && obs.event_stream->connected;
        },
        milliseconds(3000)))
        << "round " << i << ": still on " << Observe(stream).event_stream->leader;
  }
  const auto start = std::chrono::steady_clock::now();
  stream.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

}  // namespace
}  // namespace fme
