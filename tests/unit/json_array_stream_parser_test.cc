#include "mesos/json_array_stream_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/json_util.h"

namespace fme::json {
namespace {

using Json = nlohmann::json;

// Streams the arrays at `paths`; collects what each one delivered and how often it was reset.
struct Collector {
  std::vector<std::vector<Json>> elements;
  std::vector<int> resets;

  Result<Json> Parse(std::string_view body, const std::vector<std::vector<std::string_view>>& paths) {
    elements.assign(paths.size(), {});
    resets.assign(paths.size(), 0);
    std::vector<StreamedArray> arrays;
    for (std::size_t i = 0; i < paths.size(); ++i) {
      arrays.push_back({paths[i], [this, i](const Json& e) { elements[i].push_back(e); },
                        [this, i] {
                          ++resets[i];
                          elements[i].clear();
                        }});
    }
    return ParseStreamingArrays(body, "test body", arrays);
  }
};

TEST(JsonArrayStreamParserTest, StreamsTheElementsAndBuildsTheRest) {
  const std::string body = R"({"type":"X","state":{"n":-3,"u":18446744073709551615,"f":1.5,
      "tasks":[{"id":1,"r":[1,2,{"a":null}]},"scalar",[true,false],{"id":2}],"after":"kept"}})";
  Collector c;
  Result<Json> doc = c.Parse(body, {{"state", "tasks"}});
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();

  Json expected = Json::parse(body);
  const Json elements = expected["state"]["tasks"];
  expected["state"]["tasks"] = Json::array();
  EXPECT_EQ(*doc, expected);
  // Number types survive as the DOM parser makes them.
  EXPECT_TRUE((*doc)["state"]["n"].is_number_integer());
  EXPECT_TRUE((*doc)["state"]["u"].is_number_unsigned());
  EXPECT_TRUE((*doc)["state"]["f"].is_number_float());

  ASSERT_EQ(c.elements[0].size(), elements.size());
  for (std::size_t i = 0; i < elements.size(); ++i) EXPECT_EQ(c.elements[0][i], elements[i]) << i;
  EXPECT_EQ(c.resets[0], 2) << "once for \"state\", once for \"tasks\"";
}

TEST(JsonArrayStreamParserTest, OnlyTheExactPathThroughObjectsIsStreamed) {
  // "tasks" at the wrong depth, under another member, or below an array stays in the DOM.
  const std::string body = R"({"tasks":[1],"other":{"tasks":[2]},"state":[{"tasks":[3]}],
      "state2":{"tasks":{"not":"an array"}}})";
  Collector c;
  Result<Json> doc = c.Parse(body, {{"state", "tasks"}, {"state2", "tasks"}});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc, Json::parse(body));
  EXPECT_TRUE(c.elements[0].empty());
  EXPECT_TRUE(c.elements[1].empty());
}

TEST(JsonArrayStreamParserTest, RepeatedMembersOnThePathKeepTheLastOne) {
  Collector c;
  // As in a DOM, the last "tasks" wins; a later non-array "state" leaves nothing.
  ASSERT_TRUE(c.Parse(R"({"state":{"tasks":[1,2],"tasks":[3]}})", {{"state", "tasks"}}).ok());
  EXPECT_EQ(c.elements[0], std::vector<Json>{Json(3)});

  ASSERT_TRUE(c.Parse(R"({"state":{"tasks":[1]},"state":null})", {{"state", "tasks"}}).ok());
  EXPECT_TRUE(c.elements[0].empty());

  // A repeated member elsewhere does not reset.
  ASSERT_TRUE(c.Parse(R"({"state":{"tasks":[1],"x":1,"x":2}})", {{"state", "tasks"}}).ok());
  EXPECT_EQ(c.elements[0], std::vector<Json>{Json(1)});
}

TEST(JsonArrayStreamParserTest, MalformedInputFailsLikeTheDomParser) {
  for (const std::string body : {R"({"state":{"tasks":[{"id":1},)", R"({"a":1} trailing)", "",
                                 R"({"state":{"tasks":[1,]}})"}) {
    Collector c;
    Result<Json> doc = c.Parse(body, {{"state", "tasks"}});
    ASSERT_FALSE(doc.ok()) << body;
    EXPECT_EQ(doc.status().code(), StatusCode::kParseError);
    EXPECT_EQ(doc.status().ToString(), json::Parse(body, "test body").status().ToString()) << body;
  }
}

TEST(JsonArrayStreamParserTest, WithoutArraysItIsAPlainParse) {
  const std::string body = R"([{"a":[1,{"b":"c"}]},null,"s",2.5e3])";
  Result<Json> doc = ParseStreamingArrays(body, "test body", {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(*doc, Json::parse(body));
}

}  // namespace
}  // namespace fme::json
