#include "config/duration.h"

#include <gtest/gtest.h>

#include <limits>

namespace fme {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

Duration Parsed(std::string_view text) {
  Result<Duration> d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status().ToString();
  return d.ok() ? *d : Duration::min();
}

TEST(ParseDurationTest, AcceptsSingleUnits) {
  EXPECT_EQ(Parsed("500ms"), milliseconds(500));
  EXPECT_EQ(Parsed("15s"), seconds(15));
  EXPECT_EQ(Parsed("1m"), minutes(1));
  EXPECT_EQ(Parsed("2h"), hours(2));
  EXPECT_EQ(Parsed("2d"), hours(48));
  EXPECT_EQ(Parsed("1w"), hours(7 * 24));
  EXPECT_EQ(Parsed("90s"), seconds(90));  // a unit need not be "normalised"
  EXPECT_EQ(Parsed("007s"), seconds(7));
}

TEST(ParseDurationTest, AcceptsConcatenatedUnitsLargestFirst) {
  EXPECT_EQ(Parsed("1h30m"), minutes(90));
  EXPECT_EQ(Parsed("1m0s"), minutes(1));
  EXPECT_EQ(Parsed("1s500ms"), milliseconds(1500));
  EXPECT_EQ(Parsed("1w2d3h4m5s6ms"),
            hours(7 * 24 + 2 * 24 + 3) + minutes(4) + seconds(5) + milliseconds(6));
}

TEST(ParseDurationTest, AcceptsZero) {
  EXPECT_EQ(Parsed("0"), Duration::zero());
  EXPECT_EQ(Parsed("0s"), Duration::zero());
  EXPECT_EQ(Parsed("0ms"), Duration::zero());
}

TEST(ParseDurationTest, RejectsMalformedWithExampleMessage) {
  for (const char* text : {"", "5x", "15", "1.5s", "-1s", "+1s", " 15s", "15s ", "s", "ms", "1mss",
                           "1 s", "1S", "1y", "00", "1h30"}) {
    Result<Duration> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(d.status().message(),
              "invalid duration \"" + std::string(text) + "\" (expected e.g. 15s, 1m, 500ms)");
  }
}

TEST(ParseDurationTest, RejectsUnitsOutOfOrderOrRepeated) {
  for (const char* text : {"1m1h", "1s1s", "1ms1s", "30m1h", "1d1w"}) {
    Result<Duration> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().message(), "invalid duration \"" + std::string(text) +
                                        "\" (units must go from largest to smallest, each once, "
                                        "e.g. 1h30m)");
  }
}

TEST(ParseDurationTest, RejectsValuesThatDoNotFit) {
  for (const char* text : {"99999999999999999999999s", "1000000w", "15251w", "15250w300d"}) {
    Result<Duration> d = ParseDuration(text);
    ASSERT_FALSE(d.ok()) << text;
    EXPECT_EQ(d.status().message(), "invalid duration \"" + std::string(text) + "\" (too large)");
  }
}

TEST(ParseDurationTest, EscapesControlCharactersInMessage) {
  Result<Duration> d = ParseDuration("1\n\"s");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "invalid duration \"1\\x0a\\\"s\" (expected e.g. 15s, 1m, 500ms)");
}

TEST(FormatDurationTest, UsesLargestUnitsFirst) {
  EXPECT_EQ(FormatDuration(seconds(15)), "15s");
  EXPECT_EQ(FormatDuration(seconds(90)), "1m30s");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(minutes(90)), "1h30m");
  EXPECT_EQ(FormatDuration(hours(24 * 8)), "1w1d");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1s500ms");
  EXPECT_EQ(FormatDuration(Duration::zero()), "0s");
  EXPECT_EQ(FormatDuration(-seconds(15)), "-15s");
}

TEST(FormatDurationTest, ShowsSubMillisecondParts) {
  EXPECT_EQ(FormatDuration(std::chrono::microseconds(1500)), "1ms500us");
  EXPECT_EQ(FormatDuration(std::chrono::nanoseconds(1)), "1ns");
}

TEST(FormatDurationTest, RoundTripsThroughParse) {
  for (const char* text : {"15s", "1m30s", "250ms", "1h30m", "2d", "1w1d1h1m1s1ms"}) {
    EXPECT_EQ(FormatDuration(Parsed(text)), text);
  }
}

std::size_t ParsedSize(std::string_view text) {
  Result<std::size_t> s = ParseByteSize(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status().ToString();
  return s.ok() ? *s : 0;
}

TEST(ParseByteSizeTest, AcceptsPlainBytesAndUnits) {
  EXPECT_EQ(ParsedSize("1048576"), 1048576u);
  EXPECT_EQ(ParsedSize("0"), 0u);
  EXPECT_EQ(ParsedSize("1B"), 1u);
  EXPECT_EQ(ParsedSize("512KiB"), 512u * 1024);
  EXPECT_EQ(ParsedSize("64MiB"), 64u << 20);
  EXPECT_EQ(ParsedSize("1GiB"), 1u << 30);
  EXPECT_EQ(ParsedSize("1TiB"), std::size_t{1} << 40);
  EXPECT_EQ(ParsedSize("1KB"), 1000u);
  EXPECT_EQ(ParsedSize("10MB"), 10u * 1000 * 1000);
  EXPECT_EQ(ParsedSize("2GB"), std::size_t{2} * 1000 * 1000 * 1000);
}

TEST(ParseByteSizeTest, RejectsMalformed) {
  for (const char* text : {"", "10XB", "64 MiB", "1.5MiB", "-1", "64mib", "MiB", "64M", " 1"}) {
    Result<std::size_t> s = ParseByteSize(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(s.status().message(), "invalid size \"" + std::string(text) +
                                        "\" (expected a byte count or e.g. 512KiB, 64MiB, 10MB)");
  }
}

TEST(ParseByteSizeTest, RejectsValuesThatDoNotFit) {
  static_assert(std::numeric_limits<std::size_t>::max() == 18446744073709551615ull);
  for (const char* text : {"18446744073709551616", "20000000TiB"}) {
    Result<std::size_t> s = ParseByteSize(text);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().message(), "invalid size \"" + std::string(text) + "\" (too large)");
  }
  EXPECT_EQ(ParsedSize("18446744073709551615"), std::numeric_limits<std::size_t>::max());
}

}  // namespace
}  // namespace fme
