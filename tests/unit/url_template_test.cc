#include "discovery/url_template.h"

#include <gtest/gtest.h>

namespace fme {
namespace {

const UrlTemplateValues kValues{"http://10.16.0.4:31234/", "617c-0002", "flink-legacy", "prod"};

TEST(UrlTemplateTest, DefaultTemplateIsTheWebUiUrlWithoutTrailingSlash) {
  Result<std::string> url = ExpandUrlTemplate("{webui_url}", kValues);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, "http://10.16.0.4:31234");
}

TEST(UrlTemplateTest, EveryPlaceholderIsFilledIn) {
  Result<std::string> url = ExpandUrlTemplate(
      "https://dcos.example.com/{mesos_cluster}/service/{framework_name}/?id={framework_id}", kValues);
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(*url, "https://dcos.example.com/prod/service/flink-legacy/?id=617c-0002");
}

TEST(UrlTemplateTest, WebUiUrlAsPrefixDropsItsSlashBeforeAPath) {
  Result<std::string> url = ExpandUrlTemplate("{webui_url}/proxy", kValues);
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(*url, "http://10.16.0.4:31234/proxy");
}

TEST(UrlTemplateTest, MissingWebUiUrlIsAnErrorNamingIt) {
  UrlTemplateValues v = kValues;
  v.webui_url = "";
  Result<std::string> url = ExpandUrlTemplate("{webui_url}", v);
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("no webui_url"), std::string::npos);
}

TEST(UrlTemplateTest, CredentialsInTheResultAreRefusedWithoutEchoingThem) {
  UrlTemplateValues v = kValues;
  v.webui_url = "http://admin:hunter2@10.0.0.1:8081";
  Result<std::string> url = ExpandUrlTemplate("{webui_url}", v);
  ASSERT_FALSE(url.ok());
  EXPECT_EQ(url.status().message().find("hunter2"), std::string::npos);
}

TEST(UrlTemplateTest, ANonUrlWebUiIsRefused) {
  UrlTemplateValues v = kValues;
  v.webui_url = "10.0.0.1:8081";  // no scheme
  EXPECT_FALSE(ExpandUrlTemplate("{webui_url}", v).ok());
}

TEST(UrlTemplateTest, CheckRejectsUnknownPlaceholdersAndBadBraces) {
  std::string problem;
  EXPECT_TRUE(CheckUrlTemplate("{webui_url}", &problem)) << problem;
  EXPECT_TRUE(CheckUrlTemplate("https://proxy/{framework_name}", &problem)) << problem;
  EXPECT_FALSE(CheckUrlTemplate("https://proxy/{name}", &problem));
  EXPECT_NE(problem.find("unknown placeholder {name}"), std::string::npos) << problem;
  EXPECT_FALSE(CheckUrlTemplate("https://proxy/{framework_name", &problem));
  EXPECT_NE(problem.find("unclosed"), std::string::npos) << problem;
  EXPECT_FALSE(CheckUrlTemplate("https://proxy/}", &problem));
  EXPECT_FALSE(CheckUrlTemplate("proxy/{framework_name}", &problem));  // not a URL
}

}  // namespace
}  // namespace fme
