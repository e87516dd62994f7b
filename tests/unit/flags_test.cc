#include "cli/flags.h"

#include <gtest/gtest.h>

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

TEST(FlagsTest, HelpMentionsEveryFlag) {
  std::string help = HelpText();
  for (const char* f : {"--config.file", "--config.check", "--web.listen-address",
                        "--web.telemetry-path", "--web.config.file", "--log.level", "--log.format", "--version", "--help"}) {
    EXPECT_NE(help.find(f), std::string::npos) << f;
  }
}

}  // namespace
}  // namespace fme
