#include "mesos/recordio_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace fme {
namespace {

std::string Frame(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) out += std::to_string(r.size()) + "\n" + r;
  return out;
}

// Records whose content would confuse a sloppy reader: digits, newlines, an empty record.
std::vector<std::string> SampleRecords(std::size_t large_size) {
  std::string large;
  large.reserve(large_size);
  for (std::size_t i = 0; large.size() < large_size; ++i) {
    large += static_cast<char>('a' + i % 26);
    if (i % 97 == 0) large += "\n12\n";
  }
  large.resize(large_size);
  return {
      R"({"type":"SUBSCRIBED","subscribed":{"get_state":{}}})",
      "",
      R"({"type":"HEARTBEAT"})",
      "7\n1234\n",
      large,
      "x",
      "",
  };
}

// Feeds `stream` split at `cuts` (increasing offsets) and returns every record.
std::vector<std::string> FeedChunks(const std::string& stream, const std::vector<std::size_t>& cuts) {
  RecordIoReader reader;
  std::vector<std::string> records;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= cuts.size(); ++i) {
    const std::size_t end = i < cuts.size() ? cuts[i] : stream.size();
    Status s = reader.Feed(std::string_view(stream).substr(begin, end - begin), records);
    EXPECT_TRUE(s.ok()) << s.ToString();
    begin = end;
  }
  EXPECT_TRUE(reader.AtRecordBoundary());
  return records;
}

TEST(RecordIoReaderTest, WholeStream) {
  const auto expected = SampleRecords(20000);
  EXPECT_EQ(FeedChunks(Frame(expected), {}), expected);
}

TEST(RecordIoReaderTest, OneByteAtATime) {
  const auto expected = SampleRecords(20000);
  const std::string stream = Frame(expected);
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < stream.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(FeedChunks(stream, cuts), expected);
}

TEST(RecordIoReaderTest, SplitAtEveryByteBoundary) {
  const auto expected = SampleRecords(20000);
  const std::string stream = Frame(expected);
  for (std::size_t cut = 0; cut <= stream.size(); ++cut) {
    ASSERT_EQ(FeedChunks(stream, {cut}), expected) << "split at " << cut;
  }
}

TEST(RecordIoReaderTest, RandomChunkings) {
  const auto expected = SampleRecords(1 << 20);
  const std::string stream = Frame(expected);
  std::mt19937 rng(20240401);
  for (int round = 0; round < 50; ++round) {
    // Chunk sizes from 1 byte to 64 KiB, as a proxy may re-chunk.
    std::uniform_int_distribution<std::size_t> size(1, round % 2 == 0 ? 16 : 65536);
    std::vector<std::size_t> cuts;
    for (std::size_t at = size(rng); at < stream.size(); at += size(rng)) cuts.push_back(at);
    ASSERT_EQ(FeedChunks(stream, cuts), expected) << "round " << round;
  }
}

TEST(RecordIoReaderTest, EmptyChunksChangeNothing) {
  RecordIoReader reader;
  std::vector<std::string> records;
  EXPECT_TRUE(reader.Feed("", records).ok());
  EXPECT_TRUE(reader.Feed("3\nab", records).ok());
  EXPECT_TRUE(reader.Feed("", records).ok());
  EXPECT_TRUE(reader.Feed("c", records).ok());
  EXPECT_EQ(records, std::vector<std::string>({"abc"}));
}

TEST(RecordIoReaderTest, LeadingZerosAndTwentyDigitsAreALength) {
  RecordIoReader reader;
  std::vector<std::string> records;
  EXPECT_TRUE(reader.Feed("00000000000000000002\nok0\n", records).ok());
  EXPECT_EQ(records, std::vector<std::string>({"ok", ""}));
}

void ExpectFails(std::string_view stream, std::size_t max = 256u << 20,
                 StatusCode code = StatusCode::kParseError) {
  RecordIoReader reader(max);
  std::vector<std::string> records;
  Status s = reader.Feed(stream, records);
  EXPECT_EQ(s.code(), code) << stream;
  EXPECT_TRUE(records.empty()) << stream;
  EXPECT_FALSE(reader.AtRecordBoundary());
  // Failed for good: even well-formed input is refused until the stream is reconnected.
  Status again = reader.Feed("2\nok", records);
  EXPECT_EQ(again.code(), StatusCode::kParseError);
  EXPECT_TRUE(records.empty());
}

TEST(RecordIoReaderTest, BadLengthsFailForGood) {
  ExpectFails("abc\n");
  ExpectFails("1a\nx");
  ExpectFails("-1\n");
  ExpectFails(" 5\nhello");
  ExpectFails("5\r\nhello");
  ExpectFails("\n");                         // empty length
  ExpectFails("000000000000000000001\nx");   // 21 digits
}

// A well-formed length above the maximum is a record too large to take, not a framing error:
// it is counted as too_large, like an oversized response body.
TEST(RecordIoReaderTest, LengthAboveTheMaximumIsTooLarge) {
  ExpectFails("99999999999999999999\n", 256u << 20, StatusCode::kTooLarge);  // 20 digits
  ExpectFails("11\nhello world", 10, StatusCode::kTooLarge);
  // Past uint64 too, and no newline is needed to tell.
  ExpectFails("99999999999999999999999999", 256u << 20, StatusCode::kTooLarge);
}

TEST(RecordIoReaderTest, MaximumIsInclusive) {
  RecordIoReader reader(10);
  std::vector<std::string> records;
  EXPECT_TRUE(reader.Feed("10\n0123456789", records).ok());
  EXPECT_EQ(records.size(), 1u);
}

TEST(RecordIoReaderTest, RecordsBeforeABadLengthAreDelivered) {
  RecordIoReader reader;
  std::vector<std::string> records;
  Status s = reader.Feed("2\nok0\nx\n", records);
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(records, std::vector<std::string>({"ok", ""}));
}

TEST(RecordIoReaderTest, BadLengthSplitAcrossChunks) {
  RecordIoReader reader;
  std::vector<std::string> records;
  EXPECT_TRUE(reader.Feed("0000000000", records).ok());
  EXPECT_TRUE(reader.Feed("0000000000", records).ok());
  EXPECT_EQ(reader.Feed("1", records).code(), StatusCode::kParseError) << "21st digit";

  RecordIoReader small(100);
  EXPECT_TRUE(small.Feed("10", records).ok());
  EXPECT_EQ(small.Feed("1\n", records).code(), StatusCode::kTooLarge) << "101 > 100";
  EXPECT_TRUE(records.empty());
}

TEST(RecordIoReaderTest, AtRecordBoundaryTellsATruncatedRecord) {
  RecordIoReader reader;
  std::vector<std::string> records;
  EXPECT_TRUE(reader.AtRecordBoundary()) << "nothing read yet";
  ASSERT_TRUE(reader.Feed("1", records).ok());
  EXPECT_FALSE(reader.AtRecordBoundary()) << "inside the length";
  ASSERT_TRUE(reader.Feed("0\n", records).ok());
  EXPECT_FALSE(reader.AtRecordBoundary()) << "length read, no data yet";
  ASSERT_TRUE(reader.Feed("01234", records).ok());
  EXPECT_FALSE(reader.AtRecordBoundary()) << "an EOF here truncates a record";
  ASSERT_TRUE(reader.Feed("56789", records).ok());
  EXPECT_TRUE(reader.AtRecordBoundary());
  ASSERT_TRUE(reader.Feed("0\n", records).ok());
  EXPECT_TRUE(reader.AtRecordBoundary()) << "an empty record is complete at its newline";
  EXPECT_EQ(records, std::vector<std::string>({"0123456789", ""}));
}

}  // namespace
}  // namespace fme
