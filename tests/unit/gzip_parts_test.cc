#include "exposition/gzip_parts.h"

#include <gtest/gtest.h>

#include <random>

namespace fme {
namespace {

std::string Gunzip(const std::string& gz) {
  std::string out;
  EXPECT_TRUE(GunzipForTest(gz, out)) << "not a valid gzip file";
  return out;
}

TEST(GzipPartsTest, BodyPlusTailDecompressesToTheConcatenation) {
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "metric{i=\"" + std::to_string(i) + "\"} " + std::to_string(i * 7) + "\n";
  std::string tail = "# HELP self h\n# TYPE self gauge\nself 1\n";
  DeflatedPart part = DeflateBody(body);
  EXPECT_LT(part.deflate.size(), body.size() / 3);
  EXPECT_EQ(Gunzip(ComposeGzip(part, tail)), body + tail);
}

TEST(GzipPartsTest, EmptyPartsAreFine) {
  EXPECT_EQ(Gunzip(ComposeGzip(DeflateBody(""), "")), "");
  EXPECT_EQ(Gunzip(ComposeGzip(DeflateBody(""), "tail")), "tail");
  EXPECT_EQ(Gunzip(ComposeGzip(DeflateBody("body"), "")), "body");
}

TEST(GzipPartsTest, ManyTailsShareOneBody) {
  std::mt19937 rng(7);
  std::string body(100000, '\0');
  for (char& c : body) c = static_cast<char>('a' + rng() % 26);  // poorly compressible
  DeflatedPart part = DeflateBody(body);
  for (int i = 0; i < 5; ++i) {
    std::string tail = "age " + std::to_string(i) + "\n";
    std::string gz = std::string(GzipHeader()) + part.deflate + GzipSuffix(part, tail);
    EXPECT_EQ(Gunzip(gz), body + tail);
  }
}

TEST(GzipPartsTest, CorruptInputIsRejected) {
  std::string gz = ComposeGzip(DeflateBody("hello world"), "!");
  gz[gz.size() - 6] ^= 0x55;  // damage the CRC
  std::string out;
  EXPECT_FALSE(GunzipForTest(gz, out));
}

}  // namespace
}  // namespace fme
