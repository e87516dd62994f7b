#include "cli/flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fme {
namespace {

TEST(FlagsTest, Defaults) {
  auto f = ParseFlags({});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->listen_address, ":22105");
  EXPECT_EQ(f->telemetry_path, "/metrics");
  EXPECT_EQ(f->log_format, "logfmt");
  EXPECT_FALSE(f->config_check);
}

TEST(FlagsTest, BothSpellingsOfValues) {
  auto f = ParseFlags({"--config.file=a.yml", "--web.listen-address", "127.0.0.1:0",
                       "--config.check", "--log.level=debug"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->config_file, "a.yml");
  EXPECT_EQ(f->listen_address, "127.0.0.1:0");
  EXPECT_TRUE(f->config_check);
  EXPECT_EQ(f->log_level, "debug");
}

TEST(FlagsTest, Errors) {
  EXPECT_NE(ParseFlags({"--nope"}).status().message().find("unknown flag --nope"), std::string::npos);
  EXPECT_FALSE(ParseFlags({"--config.file"}).ok());
  EXPECT_FALSE(ParseFlags({"--version=maybe"}).ok());
  EXPECT_FALSE(ParseFlags({"--web.telemetry-path=metrics"}).ok());
  EXPECT_FALSE(ParseFlags({"--web.telemetry-path=/-/x"}).ok());
}

TEST(FlagsTest, ShardDefaultsToTheOnlyShard) {
  auto f = ParseFlags({});
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->shard_index, 0);
  EXPECT_EQ(f->shard_count, 1);
}

TEST(FlagsTest, ShardIndexAndCountInBothSpellings) {
  auto f = ParseFlags({"--shard.index=2", "--shard.count", "3"});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->shard_index, 2);
  EXPECT_EQ(f->shard_count, 3);
}

TEST(FlagsTest, ShardSettingsOutOfRangeOrNotNumbersAreErrors) {
  auto message = [](std::vector<std::string> args) { return ParseFlags(args).status().message(); };
  EXPECT_NE(message({"--shard.index=3", "--shard.count=3"}).find("--shard.index must be between 0 and --shard.count - 1 (2), got 3"),
            std::string::npos);
  EXPECT_NE(message({"--shard.index=1"}).find("--shard.index must be between 0"), std::string::npos);
  EXPECT_NE(message({"--shard.count=0"}).find("--shard.count must be between 1 and 1000, got 0"),
            std::string::npos);
  EXPECT_NE(message({"--shard.count=1001"}).find("--shard.count must be between 1 and 1000"),
            std::string::npos);
  for (const char* bad : {"--shard.index=-1", "--shard.index=+1", "--shard.index=1x",
                          "--shard.index=", "--shard.index= 1", "--shard.count=99999999999"}) {
    auto f = ParseFlags({bad, "--shard.count=3"});
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_NE(f.status().message().find("takes a whole number"), std::string::npos) << bad;
  }
  EXPECT_NE(message({"--shard.count"}).find("--shard.count needs a value"), std::string::npos);
}

TEST(FlagsTest, HelpMentionsEveryFlag) {
  std::string help = HelpText();
  for (const char* f : {"--config.file", "--config.check", "--web.listen-address",
                        "--web.telemetry-path", "--web.config.file", "--log.level", "--log.format", "--version", "--help",
                        "--shard.index", "--shard.count"}) {
    EXPECT_NE(help.find(f), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace fme
