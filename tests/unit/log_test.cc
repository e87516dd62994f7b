#include "log/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/fake_clock.h"

namespace fme {
namespace {

using namespace std::chrono_literals;
using log::Field;
using log::Format;
using log::Level;

static_assert(noexcept(log::Info("x")), "logging must never throw");
static_assert(noexcept(log::Log(Level::kError, "x", {})), "logging must never throw");

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Routes the process logger to a string for the duration of a test, stamped by a FakeClock
// (2026-01-01T00:00:00Z), and restores the defaults afterwards.
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetClock(&clock_);
    Use(Level::kDebug, Format::kLogfmt);
  }
  void TearDown() override {
    log::Init(Level::kInfo, Format::kLogfmt);
    log::SetClock(nullptr);
  }
  void Use(Level level, Format format) {
    out_.str("");
    log::Init(level, format, std::make_shared<spdlog::sinks::ostream_sink_mt>(out_));
  }
  std::string Output() const { return out_.str(); }
  std::vector<std::string> Lines() const { return SplitLines(out_.str()); }

  // Streams outlive TearDown(), which still flushes the logger that writes to them.
  testing::FakeClock clock_;
  std::ostringstream out_;
  std::ostringstream second_;
};

// ---- logfmt ----------------------------------------------------------------------------------

TEST_F(LogTest, LogfmtLineHasTimestampLevelMessageAndFields) {
  clock_.Advance(1234ms);
  log::Info("starting", {{"port", 9100}, {"target", "mesos"}});
  EXPECT_EQ(Output(),
            "ts=2026-01-01T00:00:01.234Z level=info msg=starting port=9100 target=mesos\n");
}

TEST_F(LogTest, LogfmtEachLevelHasItsName) {
  log::Debug("a");
  log::Info("b");
  log::Warn("c");
  log::Error("d");
  EXPECT_EQ(Lines(), (std::vector<std::string>{
                         "ts=2026-01-01T00:00:00.000Z level=debug msg=a",
                         "ts=2026-01-01T00:00:00.000Z level=info msg=b",
                         "ts=2026-01-01T00:00:00.000Z level=warn msg=c",
                         "ts=2026-01-01T00:00:00.000Z level=error msg=d",
                     }));
}

TEST_F(LogTest, LogfmtQuotesMessageOnlyWhenNeeded) {
  log::Warn("poll failed", {});
  log::Warn("poll_failed", {});
  EXPECT_EQ(Lines(), (std::vector<std::string>{
                         "ts=2026-01-01T00:00:00.000Z level=warn msg=\"poll failed\"",
                         "ts=2026-01-01T00:00:00.000Z level=warn msg=poll_failed",
                     }));
}

struct EscapeCase {
  std::string value;
  std::string logfmt;  // as written after `k=`
  std::string json;    // as written after `"k":`
};

std::vector<EscapeCase> EscapeCases() {
  return {
      {"plain", "plain", "\"plain\""},
      {"", "\"\"", "\"\""},
      {"two words", "\"two words\"", "\"two words\""},
      {"a=b", "\"a=b\"", "\"a=b\""},
      {"say \"hi\"", "\"say \\\"hi\\\"\"", "\"say \\\"hi\\\"\""},
      {"quote\"only", "\"quote\\\"only\"", "\"quote\\\"only\""},
      // A backslash alone does not force quoting in logfmt (as in go-logfmt)...
      {"C:\\dir", "C:\\dir", "\"C:\\\\dir\""},
      // ...but is escaped once the value is quoted.
      {"C:\\my dir", "\"C:\\\\my dir\"", "\"C:\\\\my dir\""},
      {"line1\nline2", "\"line1\\nline2\"", "\"line1\\nline2\""},
      {"a\tb\rc", "\"a\\tb\\rc\"", "\"a\\tb\\rc\""},
      {std::string("nul\0bell\x07", 9), "\"nul\\u0000bell\\u0007\"", "\"nul\\u0000bell\\u0007\""},
      {"\x1b[31m", "\"\\u001b[31m\"", "\"\\u001b[31m\""},
      {"del\x7f", "\"del\\u007f\"", "\"del\\u007f\""},
      {"back\bform\f", "\"back\\u0008form\\u000c\"", "\"back\\bform\\f\""},
      // UTF-8 is kept as is and needs no quoting by itself.
      {"Zürich→東京😀", "Zürich→東京😀", "\"Zürich→東京😀\""},
      {"grüße welt", "\"grüße welt\"", "\"grüße welt\""},
      // Invalid UTF-8 (stray byte, truncated sequence, overlong '/', surrogate) → U+FFFD.
      {"a\xff"
       "b",
       "\"a\\ufffdb\"", "\"a\\ufffdb\""},
      {"trunc\xe2\x82", "\"trunc\\ufffd\\ufffd\"", "\"trunc\\ufffd\\ufffd\""},
      {"\xc0\xaf", "\"\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\""},
      {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"", "\"\\ufffd\\ufffd\\ufffd\""},
  };
}

TEST_F(LogTest, LogfmtEscapesValues) {
  for (const EscapeCase& c : EscapeCases()) {
    Use(Level::kInfo, Format::kLogfmt);
    log::Info("m", {{"k", c.value}});
    EXPECT_EQ(Output(), "ts=2026-01-01T00:00:00.000Z level=info msg=m k=" + c.logfmt + "\n")
        << "value: " << c.value;
  }
}

TEST_F(LogTest, LogfmtEscapesMessageLikeValues) {
  log::Info("first \"line\"\nsecond\\", {});
  EXPECT_EQ(Output(),
            "ts=2026-01-01T00:00:00.000Z level=info msg=\"first \\\"line\\\"\\nsecond\\\\\"\n");
}

TEST_F(LogTest, LogfmtReplacesCharactersAKeyCannotHold) {
  log::Info("m", {{"bad key", "v"}, {"a=b", "v"}, {"q\"", "v"}, {"", "v"}, {"ключ", "v"}});
  EXPECT_EQ(Output(),
            "ts=2026-01-01T00:00:00.000Z level=info msg=m bad_key=v a_b=v q_=v _=v ключ=v\n");
}

TEST_F(LogTest, LogfmtEveryLineIsOneLine) {
  log::Error("multi\nline\r\nmessage", {{"body", "<html>\n<body>\n</html>\n"}});
  EXPECT_EQ(Lines().size(), 1u);
}

// ---- JSON ------------------------------------------------------------------------------------

TEST_F(LogTest, JsonLineIsOneObject) {
  Use(Level::kInfo, Format::kJson);
  clock_.Advance(17ms);
  log::Warn("poll failed", {{"target", "mesos"}, {"attempt", 3}, {"ok", false}, {"ratio", 0.25}});
  EXPECT_EQ(Output(),
            "{\"ts\":\"2026-01-01T00:00:00.017Z\",\"level\":\"warn\",\"msg\":\"poll failed\","
            "\"target\":\"mesos\",\"attempt\":3,\"ok\":false,\"ratio\":0.25}\n");
}

TEST_F(LogTest, JsonEscapesValues) {
  for (const EscapeCase& c : EscapeCases()) {
    Use(Level::kInfo, Format::kJson);
    log::Info("m", {{"k", c.value}});
    EXPECT_EQ(Output(),
              "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"m\","
              "\"k\":" +
                  c.json + "}\n")
        << "value: " << c.value;
  }
}

TEST_F(LogTest, JsonEscapesMessageAndKeys) {
  Use(Level::kInfo, Format::kJson);
  log::Info("a \"b\"\n\\", {{"we\"ird\nkey", "v"}});
  EXPECT_EQ(Output(),
            "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"info\","
            "\"msg\":\"a \\\"b\\\"\\n\\\\\",\"we\\\"ird\\nkey\":\"v\"}\n");
}

TEST_F(LogTest, JsonRoundTripsThroughAParser) {
  Use(Level::kInfo, Format::kJson);
  const std::string tricky = "q\"b\\n\nt\tc\x01 ü→😀 {} =end";
  log::Error(tricky, {{"value", tricky},
                      {"count", std::uint64_t{18446744073709551615u}},
                      {"neg", -42},
                      {"big", 1e21},
                      {"nan", std::numeric_limits<double>::quiet_NaN()},
                      {"inf", -std::numeric_limits<double>::infinity()},
                      {"flag", true}});
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 1u);
  const nlohmann::json j = nlohmann::json::parse(lines[0]);  // throws if not valid JSON
  EXPECT_EQ(j.at("ts"), "2026-01-01T00:00:00.000Z");
  EXPECT_EQ(j.at("level"), "error");
  EXPECT_EQ(j.at("msg"), tricky);
  EXPECT_EQ(j.at("value"), tricky);
  EXPECT_EQ(j.at("count").get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_EQ(j.at("neg").get<int>(), -42);
  EXPECT_DOUBLE_EQ(j.at("big").get<double>(), 1e21);
  EXPECT_EQ(j.at("nan"), "NaN");  // not a JSON number
  EXPECT_EQ(j.at("inf"), "-Inf");
  EXPECT_EQ(j.at("flag"), true);
}

TEST_F(LogTest, JsonReplacesInvalidUtf8SoTheLineStaysValid) {
  Use(Level::kInfo, Format::kJson);
  log::Info("m", {{"body", std::string("ok\xff\xfe\xc3")}});
  const nlohmann::json j = nlohmann::json::parse(Lines().at(0));
  EXPECT_EQ(j.at("body"), "ok\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

// ---- fields, timestamps, payload -------------------------------------------------------------

TEST(LogFieldTest, ConvertsScalars) {
  EXPECT_EQ(Field("k", 42).value, "42");
  EXPECT_EQ(Field("k", -7L).value, "-7");
  EXPECT_EQ(Field("k", std::int64_t{-9223372036854775807 - 1}).value, "-9223372036854775808");
  EXPECT_EQ(Field("k", std::uint64_t{18446744073709551615u}).value, "18446744073709551615");
  EXPECT_EQ(Field("k", std::uint8_t{200}).value, "200");
  EXPECT_EQ(Field("k", 0.5).value, "0.5");
  EXPECT_EQ(Field("k", 0.1).value, "0.1");
  EXPECT_EQ(Field("k", 2.0).value, "2");
  EXPECT_EQ(Field("k", 1.5f).value, "1.5");
  EXPECT_EQ(Field("k", true).value, "true");
  EXPECT_EQ(Field("k", false).value, "false");
  EXPECT_TRUE(Field("k", 1).literal());
  EXPECT_TRUE(Field("k", 1.0).literal());
  EXPECT_TRUE(Field("k", true).literal());

  const Field nan("k", std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(nan.value, "NaN");
  EXPECT_FALSE(nan.literal());
  EXPECT_EQ(Field("k", std::numeric_limits<double>::infinity()).value, "+Inf");
  EXPECT_EQ(Field("k", -std::numeric_limits<double>::infinity()).value, "-Inf");
}

TEST(LogFieldTest, KeepsStrings) {
  const std::string s = "owned";
  const std::string_view sv = "view";
  const char* null_cstr = nullptr;
  EXPECT_EQ(Field("k", s).value, "owned");
  EXPECT_EQ(Field("k", sv).value, "view");
  EXPECT_EQ(Field("k", "literal").value, "literal");
  EXPECT_EQ(Field("k", null_cstr).value, "");
  EXPECT_FALSE(Field("k", "123").literal());  // a string stays a string in JSON
  EXPECT_EQ(Field("key", "v").key, "key");
}

TEST(LogFormatLineTest, TimestampIsRfc3339UtcWithTruncatedMilliseconds) {
  using namespace std::chrono;
  const WallTime t = sys_days{year{2026} / 11 / 23} + 19h + 30min + 17s + 123ms + 999us;
  EXPECT_EQ(log::FormatLine(Format::kLogfmt, t, Level::kWarn, "m", {}),
            "ts=2026-11-23T19:30:17.123Z level=warn msg=m");
  const WallTime epoch{};
  EXPECT_EQ(log::FormatLine(Format::kJson, epoch, Level::kDebug, "m", {}),
            "{\"ts\":\"1970-01-01T00:00:00.000Z\",\"level\":\"debug\",\"msg\":\"m\"}");
  const WallTime leap = sys_days{year{2028} / 2 / 29} + 23h + 59min + 59s + 999ms;
  EXPECT_EQ(log::FormatLine(Format::kLogfmt, leap, Level::kInfo, "m", {}),
            "ts=2028-02-29T23:59:59.999Z level=info msg=m");
}

TEST_F(LogTest, PayloadIsNeverUsedAsAFormatString) {
  log::Info("{} {:d} %v %s", {{"k", "{0}"}});
  EXPECT_EQ(Output(), "ts=2026-01-01T00:00:00.000Z level=info msg=\"{} {:d} %v %s\" k={0}\n");
}

TEST_F(LogTest, LogTakesASpanOfFields) {
  const std::vector<Field> fields = {{"a", 1}, {"b", "x y"}};
  log::Log(Level::kWarn, "m", fields);
  EXPECT_EQ(Output(), "ts=2026-01-01T00:00:00.000Z level=warn msg=m a=1 b=\"x y\"\n");
}

// ---- levels and Init -------------------------------------------------------------------------

TEST_F(LogTest, LevelFiltersLowerLevels) {
  Use(Level::kWarn, Format::kLogfmt);
  log::Debug("d");
  log::Info("i");
  log::Warn("w");
  log::Error("e");
  EXPECT_EQ(Lines(), (std::vector<std::string>{
                         "ts=2026-01-01T00:00:00.000Z level=warn msg=w",
                         "ts=2026-01-01T00:00:00.000Z level=error msg=e",
                     }));
  EXPECT_FALSE(log::Enabled(Level::kDebug));
  EXPECT_FALSE(log::Enabled(Level::kInfo));
  EXPECT_TRUE(log::Enabled(Level::kWarn));
  EXPECT_TRUE(log::Enabled(Level::kError));
}

TEST_F(LogTest, ErrorLevelKeepsOnlyErrors) {
  Use(Level::kError, Format::kJson);
  log::Warn("w");
  log::Error("e");
  ASSERT_EQ(Lines().size(), 1u);
  EXPECT_NE(Output().find("\"level\":\"error\""), std::string::npos);
}

TEST_F(LogTest, DebugLevelKeepsEverything) {
  Use(Level::kDebug, Format::kLogfmt);
  EXPECT_TRUE(log::Enabled(Level::kDebug));
  log::Debug("d");
  EXPECT_EQ(Lines().size(), 1u);
}

TEST_F(LogTest, InitReplacesSinkAndFormat) {
  log::Info("to first");
  log::Init(Level::kInfo, Format::kJson, std::make_shared<spdlog::sinks::ostream_sink_mt>(second_));
  log::Info("to second");
  EXPECT_EQ(Output(), "ts=2026-01-01T00:00:00.000Z level=info msg=\"to first\"\n");
  EXPECT_EQ(second_.str(),
            "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"info\",\"msg\":\"to second\"}\n");
}

TEST_F(LogTest, ConcurrentLinesStayWhole) {
  constexpr int kThreads = 8;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) log::Info("concurrent line", {{"thread", t}, {"i", i}});
    });
  }
  for (std::thread& t : threads) t.join();
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  // Every line arrives whole, exactly once.
  std::multiset<std::string> got(lines.begin(), lines.end());
  std::multiset<std::string> want;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kLines; ++i) {
      want.insert("ts=2026-01-01T00:00:00.000Z level=info msg=\"concurrent line\" thread=" +
                  std::to_string(t) + " i=" + std::to_string(i));
    }
  }
  EXPECT_TRUE(got == want);
}

TEST_F(LogTest, ConcurrentInitKeepsLinesWhole) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop.load()) log::Warn("spinning", {{"k", "v"}});
  });
  std::vector<std::unique_ptr<std::ostringstream>> outs;
  for (int i = 0; i < 50; ++i) {
    outs.push_back(std::make_unique<std::ostringstream>());
    log::Init(Level::kInfo, i % 2 == 0 ? Format::kJson : Format::kLogfmt,
              std::make_shared<spdlog::sinks::ostream_sink_mt>(*outs.back()));
  }
  stop.store(true);
  writer.join();
  log::Init(Level::kInfo, Format::kLogfmt);  // before `outs` goes away
  for (const auto& o : outs) {
    for (const std::string& line : SplitLines(o->str())) {
      EXPECT_TRUE(line == "ts=2026-01-01T00:00:00.000Z level=warn msg=spinning k=v" ||
                  line ==
                      "{\"ts\":\"2026-01-01T00:00:00.000Z\",\"level\":\"warn\","
                      "\"msg\":\"spinning\",\"k\":\"v\"}")
          << line;
    }
  }
}

// Switches death tests to the "threadsafe" style, which re-executes the binary for the one test,
// so the child sees the logger exactly as it is before anyone calls Init.
class ThreadsafeDeathTestStyle {
 public:
  ThreadsafeDeathTestStyle() : saved_(GTEST_FLAG_GET(death_test_style)) {
    GTEST_FLAG_SET(death_test_style, "threadsafe");
  }
  ~ThreadsafeDeathTestStyle() { GTEST_FLAG_SET(death_test_style, saved_); }

 private:
  std::string saved_;
};

TEST(LogDefaultsDeathTest, BeforeInitLogsInfoLogfmtToStderr) {
  ThreadsafeDeathTestStyle style;
  EXPECT_EXIT(
      {
        log::Debug("hidden");
        log::Info("hello world", {{"k", "v"}});
        std::exit(log::Enabled(Level::kDebug) || !log::Enabled(Level::kInfo) ? 1 : 0);
      },
      ::testing::ExitedWithCode(0),
      "ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z level=info "
      "msg=\"hello world\" k=v");
}

TEST(LogDefaultsDeathTest, InitWithoutSinkWritesToStderr) {
  ThreadsafeDeathTestStyle style;
  EXPECT_EXIT(
      {
        log::Init(Level::kDebug, Format::kJson);
        log::Debug("dbg");
        std::exit(0);
      },
      ::testing::ExitedWithCode(0), "\\{\"ts\":\"[^\"]+\",\"level\":\"debug\",\"msg\":\"dbg\"\\}");
}

// ---- parsing ---------------------------------------------------------------------------------

TEST(LogParseTest, ParsesLevels) {
  EXPECT_EQ(log::ParseLevel("debug").value(), Level::kDebug);
  EXPECT_EQ(log::ParseLevel("info").value(), Level::kInfo);
  EXPECT_EQ(log::ParseLevel("warn").value(), Level::kWarn);
  EXPECT_EQ(log::ParseLevel("error").value(), Level::kError);
  for (Level l : {Level::kDebug, Level::kInfo, Level::kWarn, Level::kError}) {
    EXPECT_EQ(log::ParseLevel(log::LevelName(l)).value(), l);
  }
}

TEST(LogParseTest, RejectsUnknownLevelsListingTheValidOnes) {
  for (std::string_view bad : {"verbose", "", "INFO", "warning", "err", " info"}) {
    const Result<Level> r = log::ParseLevel(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("debug, info, warn, error"), std::string::npos)
        << r.status().message();
    std::string quoted = "\"";  // built by appending: GCC 12 -Wrestrict misfires on "\"" + s
    quoted += bad;
    quoted += '"';
    EXPECT_NE(r.status().message().find(quoted), std::string::npos) << r.status().message();
  }
}

TEST(LogParseTest, ParsesFormats) {
  EXPECT_EQ(log::ParseFormat("logfmt").value(), Format::kLogfmt);
  EXPECT_EQ(log::ParseFormat("json").value(), Format::kJson);
  EXPECT_EQ(log::FormatName(Format::kJson), "json");
  EXPECT_EQ(log::FormatName(Format::kLogfmt), "logfmt");
}

TEST(LogParseTest, RejectsUnknownFormatsListingTheValidOnes) {
  for (std::string_view bad : {"text", "", "JSON", "logfmt "}) {
    const Result<Format> r = log::ParseFormat(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("logfmt, json"), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace fme
