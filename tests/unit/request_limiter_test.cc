#include "sources/request_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace fme {
namespace {

// Holds every non-streaming request until Open() is called, counting those it holds.
class GateClient final : public HttpClient {
 public:
  Result<HttpResponse> Send(const HttpRequest& request) override {
    std::unique_lock lock(mu_);
    ++entered_;
    changed_.notify_all();
    if (!request.on_body) changed_.wait(lock, [&] { return open_; });
    HttpResponse r;
    r.status = 200;
    return r;
  }
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    changed_.notify_all();
  }
  void WaitEntered(int n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return entered_ >= n; });
  }
  int entered() {
    std::lock_guard lock(mu_);
    return entered_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  int entered_ = 0;
  bool open_ = false;
};

HttpRequest Get(SteadyTime deadline) {
  HttpRequest r;
  r.url = "http://jm:8081/overview";
  r.deadline = deadline;
  return r;
}

SteadyTime Later() { return std::chrono::steady_clock::now() + std::chrono::hours(1); }
SteadyTime Passed() { return std::chrono::steady_clock::now() - std::chrono::seconds(1); }

TEST(RequestLimiterTest, ARequestBeyondTheCapWaitsAndFailsAtItsDeadline) {
  GateClient inner;
  RequestLimiter limiter(2);
  LimitedHttpClient client(inner, limiter);
  std::vector<std::thread> held;
  for (int i = 0; i < 2; ++i) held.emplace_back([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  inner.WaitEntered(2);
  EXPECT_EQ(limiter.in_flight(), 2);

  Result<HttpResponse> refused = client.Send(Get(Passed()));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kTimeout);
  EXPECT_NE(refused.status().message().find("limits.max_concurrent_requests"), std::string::npos);
  EXPECT_EQ(inner.entered(), 2) << "the refused request never reached the upstream";

  inner.Open();
  for (auto& t : held) t.join();
  EXPECT_EQ(limiter.in_flight(), 0);
  EXPECT_TRUE(client.Send(Get(Passed())).ok()) << "a free slot is taken even past the deadline";
}

TEST(RequestLimiterTest, AWaitingRequestGoesAsSoonAsASlotIsFreed) {
  GateClient inner;
  RequestLimiter limiter(1);
  LimitedHttpClient client(inner, limiter);
  std::thread first([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  inner.WaitEntered(1);
  std::thread second([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  inner.Open();  // the first returns, its slot goes to the second
  first.join();
  second.join();
  EXPECT_EQ(inner.entered(), 2);
  EXPECT_EQ(limiter.in_flight(), 0);
}

TEST(RequestLimiterTest, RaisingTheCapReleasesWaiters) {
  GateClient inner;
  RequestLimiter limiter(1);
  LimitedHttpClient client(inner, limiter);
  std::thread first([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  inner.WaitEntered(1);
  std::thread second([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  limiter.SetCapacity(2);
  inner.WaitEntered(2);  // reached while the first still holds its slot
  EXPECT_EQ(limiter.in_flight(), 2);
  inner.Open();
  first.join();
  second.join();
}

TEST(RequestLimiterTest, StreamsAndAZeroCapAreNotCounted) {
  GateClient inner;
  RequestLimiter limiter(1);
  LimitedHttpClient client(inner, limiter);
  std::thread held([&] { EXPECT_TRUE(client.Send(Get(Later())).ok()); });
  inner.WaitEntered(1);
  HttpRequest stream = Get(Passed());
  stream.on_body = [](std::string_view) { return true; };
  EXPECT_TRUE(client.Send(stream).ok()) << "the event stream does not wait for a slot";

  limiter.SetCapacity(0);
  std::thread unlimited([&] { EXPECT_TRUE(client.Send(Get(Passed())).ok()); });
  inner.WaitEntered(3);
  EXPECT_EQ(limiter.in_flight(), 2);
  inner.Open();
  held.join();
  unlimited.join();
}

}  // namespace
}  // namespace fme
