#include "log/rate_limited_log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "log/log.h"
#include "support/fake_clock.h"

namespace fme {
namespace {

using namespace std::chrono_literals;
using log::Level;
using Fields = std::vector<std::pair<std::string, std::string>>;

struct Line {
  Level level;
  std::string msg;
  Fields fields;

  bool operator==(const Line&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Line& l) {
  os << log::LevelName(l.level) << " \"" << l.msg << "\"";
  for (const auto& [k, v] : l.fields) os << " " << k << "=" << v;
  return os;
}

// Records what a RateLimitedLog emits, through its hook.
class Recorder {
 public:
  RateLimitedLog::EmitFn Hook() {
    return [this](Level level, std::string_view msg, std::span<const log::Field> fields) {
      Line line{level, std::string(msg), {}};
      for (const log::Field& f : fields) line.fields.emplace_back(f.key, f.value);
      std::lock_guard lock(mu_);
      lines_.push_back(std::move(line));
    };
  }
  std::vector<Line> Lines() const {
    std::lock_guard lock(mu_);
    return lines_;
  }
  std::size_t Count() const { return Lines().size(); }

 private:
  mutable std::mutex mu_;
  std::vector<Line> lines_;
};

class RateLimitedLogTest : public ::testing::Test {
 protected:
  void Fail(std::string_view key = "mesos") {
    limiter_.Failure(key, "poll failed", {{"target", key}, {"err", "connection refused"}});
  }

  testing::FakeClock clock_;
  Recorder rec_;
  RateLimitedLog limiter_{clock_, 5min, rec_.Hook()};
};

TEST_F(RateLimitedLogTest, FirstFailureIsLoggedAtWarnWithItsFields) {
  Fail();
  EXPECT_EQ(
      rec_.Lines(),
      (std::vector<Line>{
          {Level::kWarn, "poll failed", {{"target", "mesos"}, {"err", "connection refused"}}}}));
  EXPECT_TRUE(limiter_.IsFailing("mesos"));
}

TEST_F(RateLimitedLogTest, TenFailuresWithinTheIntervalGiveOneLine) {
  for (int i = 0; i < 10; ++i) {
    Fail();
    clock_.Advance(29s);  // 10 polls span 4m21s < 5m
  }
  EXPECT_EQ(rec_.Count(), 1u);
}

TEST_F(RateLimitedLogTest, AfterTheIntervalOneMoreLineCarriesTheSuppressedCount) {
  for (int i = 0; i < 10; ++i) {
    Fail();
    clock_.Advance(15s);  // the last failure is at 2m15s
  }
  ASSERT_EQ(rec_.Count(), 1u);
  clock_.Advance(5min);
  Fail();
  const std::vector<Line> lines = rec_.Lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1],
            (Line{Level::kWarn,
                  "poll failed",
                  {{"target", "mesos"}, {"err", "connection refused"}, {"suppressed", "9"}}}));
}

TEST_F(RateLimitedLogTest, IntervalIsMeasuredFromTheLastLine) {
  Fail();  // t=0: logged
  clock_.Advance(4min);
  Fail();  // t=4m: suppressed
  clock_.Advance(1min - 1ms);
  Fail();  // t=4m59.999s: suppressed
  EXPECT_EQ(rec_.Count(), 1u);
  clock_.Advance(1ms);
  Fail();  // t=5m exactly: logged, suppressed=2
  ASSERT_EQ(rec_.Count(), 2u);
  EXPECT_EQ(rec_.Lines()[1].fields.back(),
            (std::pair<std::string, std::string>{"suppressed", "2"}));

  clock_.Advance(4min);
  Fail();  // t=9m: within 5m of the line at t=5m, suppressed
  clock_.Advance(30s);
  Fail();  // t=9m30s: suppressed
  clock_.Advance(30s);
  Fail();  // t=10m: logged, suppressed=2
  ASSERT_EQ(rec_.Count(), 3u);
  EXPECT_EQ(rec_.Lines()[2].fields.back(),
            (std::pair<std::string, std::string>{"suppressed", "2"}));
}

TEST_F(RateLimitedLogTest, ALateFailureAfterAQuietPeriodReportsZeroSuppressed) {
  Fail();
  clock_.Advance(1h);
  Fail();
  ASSERT_EQ(rec_.Count(), 2u);
  EXPECT_EQ(rec_.Lines()[1].fields.back(),
            (std::pair<std::string, std::string>{"suppressed", "0"}));
}

TEST_F(RateLimitedLogTest, RecoveryLogsOneInfoLineWithTheTotalAndResets) {
  for (int i = 0; i < 10; ++i) Fail();
  clock_.Advance(5min);
  Fail();  // logged, suppressed=9
  for (int i = 0; i < 3; ++i) Fail();
  limiter_.Recovered("mesos", "target recovered", {{"target", "mesos"}});
  std::vector<Line> lines = rec_.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2],
            (Line{Level::kInfo, "target recovered", {{"target", "mesos"}, {"failures", "14"}}}));
  EXPECT_FALSE(limiter_.IsFailing("mesos"));

  // A second recovery has nothing to report.
  limiter_.Recovered("mesos", "target recovered", {{"target", "mesos"}});
  EXPECT_EQ(rec_.Count(), 3u);

  // The next failure is a first failure again: logged at once, without suppressed=.
  clock_.Advance(1s);
  Fail();
  lines = rec_.Lines();
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(
      lines[3],
      (Line{Level::kWarn, "poll failed", {{"target", "mesos"}, {"err", "connection refused"}}}));
}

TEST_F(RateLimitedLogTest, RecoveryOfAKeyThatNeverFailedIsANoOp) {
  limiter_.Recovered("mesos", "target recovered", {{"target", "mesos"}});
  EXPECT_EQ(rec_.Count(), 0u);
  EXPECT_FALSE(limiter_.IsFailing("mesos"));
}

TEST_F(RateLimitedLogTest, RecoveryAfterOneFailureReportsOne) {
  Fail();
  limiter_.Recovered("mesos", "target recovered", {});
  ASSERT_EQ(rec_.Count(), 2u);
  EXPECT_EQ(rec_.Lines()[1], (Line{Level::kInfo, "target recovered", {{"failures", "1"}}}));
}

TEST_F(RateLimitedLogTest, KeysAreIndependent) {
  Fail("mesos");  // logged
  Fail("flink");  // logged: another key
  Fail("mesos");  // suppressed
  Fail("flink");  // suppressed
  EXPECT_EQ(rec_.Count(), 2u);

  limiter_.Recovered("flink", "target recovered", {{"target", "flink"}});  // logged
  Fail("mesos");  // still suppressed: flink's recovery does not touch mesos
  ASSERT_EQ(rec_.Count(), 3u);
  EXPECT_EQ(rec_.Lines()[2],
            (Line{Level::kInfo, "target recovered", {{"target", "flink"}, {"failures", "2"}}}));
  EXPECT_TRUE(limiter_.IsFailing("mesos"));
  EXPECT_FALSE(limiter_.IsFailing("flink"));

  Fail("flink");  // a first failure again for flink: logged
  ASSERT_EQ(rec_.Count(), 4u);
  EXPECT_EQ(rec_.Lines()[3].fields.size(), 2u);  // no suppressed=

  clock_.Advance(5min);
  Fail("mesos");  // logged with mesos' own count (2 suppressed), flink's are not mixed in
  ASSERT_EQ(rec_.Count(), 5u);
  EXPECT_EQ(rec_.Lines()[4].fields.back(),
            (std::pair<std::string, std::string>{"suppressed", "2"}));
}

TEST_F(RateLimitedLogTest, DifferentMessagesForTheSameKeyAreSuppressedToo) {
  limiter_.Failure("mesos", "poll failed", {{"err", "timeout"}});
  limiter_.Failure("mesos", "parse failed", {{"err", "bad json"}});
  EXPECT_EQ(rec_.Count(), 1u);
  clock_.Advance(5min);
  limiter_.Failure("mesos", "parse failed", {{"err", "bad json"}});
  const std::vector<Line> lines = rec_.Lines();
  ASSERT_EQ(lines.size(), 2u);
  // The line carries the latest failure's message and fields.
  EXPECT_EQ(lines[1],
            (Line{Level::kWarn, "parse failed", {{"err", "bad json"}, {"suppressed", "1"}}}));
}

TEST(RateLimitedLogIntervalTest, HonoursACustomInterval) {
  testing::FakeClock clock;
  Recorder rec;
  RateLimitedLog limiter(clock, 10s, rec.Hook());
  limiter.Failure("k", "m", {});
  clock.Advance(9s);
  limiter.Failure("k", "m", {});
  EXPECT_EQ(rec.Count(), 1u);
  clock.Advance(1s);
  limiter.Failure("k", "m", {});
  EXPECT_EQ(rec.Count(), 2u);
}

TEST(RateLimitedLogConcurrencyTest, ConcurrentFailuresAreCountedExactly) {
  testing::FakeClock clock;
  Recorder rec;
  RateLimitedLog limiter(clock, 5min, rec.Hook());
  constexpr int kThreads = 8;
  constexpr int kFailures = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&limiter] {
      for (int i = 0; i < kFailures; ++i) limiter.Failure("shared", "poll failed", {});
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(rec.Count(), 1u);

  clock.Advance(5min);
  limiter.Failure("shared", "poll failed", {});
  limiter.Recovered("shared", "target recovered", {});
  const std::vector<Line> lines = rec.Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[1].fields, (Fields{{"suppressed", std::to_string(kThreads * kFailures - 1)}}));
  EXPECT_EQ(lines[2].fields, (Fields{{"failures", std::to_string(kThreads * kFailures + 1)}}));
}

// Without a hook, lines go through the process logger.
TEST(RateLimitedLogDefaultEmitTest, WritesThroughTheProcessLogger) {
  testing::FakeClock clock;
  std::ostringstream out;
  log::SetClock(&clock);
  log::Init(Level::kInfo, log::Format::kLogfmt,
            std::make_shared<spdlog::sinks::ostream_sink_mt>(out));

  RateLimitedLog limiter(clock);  // default interval: 5 minutes
  for (int i = 0; i < 10; ++i) {
    limiter.Failure("flink", "poll failed", {{"target", "flink"}, {"err", "timeout"}});
    clock.Advance(20s);
  }
  clock.Advance(2min);  // 10*20s + 2m = 5m20s since the first line
  limiter.Failure("flink", "poll failed", {{"target", "flink"}, {"err", "timeout"}});
  limiter.Recovered("flink", "target recovered", {{"target", "flink"}});

  log::Init(Level::kInfo, log::Format::kLogfmt);
  log::SetClock(nullptr);
  EXPECT_EQ(out.str(),
            "ts=2026-01-01T00:00:00.000Z level=warn msg=\"poll failed\" target=flink err=timeout\n"
            "ts=2026-01-01T00:05:20.000Z level=warn msg=\"poll failed\" target=flink err=timeout "
            "suppressed=9\n"
            "ts=2026-01-01T00:05:20.000Z level=info msg=\"target recovered\" target=flink "
            "failures=11\n");
}

TEST(RateLimitedLogDefaultEmitTest, RespectsTheLogLevel) {
  testing::FakeClock clock;
  std::ostringstream out;
  log::Init(Level::kError, log::Format::kLogfmt,
            std::make_shared<spdlog::sinks::ostream_sink_mt>(out));
  RateLimitedLog limiter(clock);
  limiter.Failure("k", "poll failed", {});
  limiter.Recovered("k", "target recovered", {});
  log::Init(Level::kInfo, log::Format::kLogfmt);
  EXPECT_EQ(out.str(), "");  // warn and info lines are below error
}

}  // namespace
}  // namespace fme
