// Validates simulated Flink REST responses against the REST API stability-test snapshots that
// Flink generates from its message classes (rest_api_v1-<version>.snapshot.json in
// FME_SHARED_REFERENCE_DIR/flink): the 1.9 and 1.13 dialects against their own snapshots and the
// newest dialect (2.0) against the newest snapshot (2.3-SNAPSHOT, a superset for the fields 2.0
// serves). Skipped when the reference folder or file is missing.
//
// The checker understands the Jackson-schema subset those files use: type (object, array,
// string, integer, number, boolean, any), properties, additionalProperties, items, enum, id/$ref.
// It ignores fields the schema allows but the simulator does not serve, and reports fields the
// simulator serves that the schema does not know, type mismatches and unknown enum values.
// null is accepted for every type (Jackson writes absent objects as null).
//
// Known gaps of the snapshots (not failures; printed as notes):
// - polymorphic checkpoint entries: the type id property (`@class` / `className`) is not part of
//   the schema, and `history[]` items are typed with the base class; the subclass schema
//   (CompletedCheckpointStatistics, FailedCheckpointStatistics) is used when the tag names one;
// - `plan` (JobPlanInfo, @JsonRawValue) is typed "string" in 1.9/1.13 but is an object on the wire;
// - metric endpoints are typed "any": their array shape is checked by hand instead.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "flink/flink_api.h"
#include "sim/sim_world_fixture.h"

#ifndef FME_SHARED_REFERENCE_DIR
#define FME_SHARED_REFERENCE_DIR ""
#endif

namespace fme::sim {
namespace {

using Json = nlohmann::json;
using D = FlinkDialect;

std::string JsonTypeName(const Json& v) {
  if (v.is_object()) return "object";
  if (v.is_array()) return "array";
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_null()) return "null";
  return "unknown";
}

// One snapshot file: the calls and an index of the schemas named by "id" (targets of "$ref").
class SnapshotSchema {
 public:
  static std::optional<SnapshotSchema> Load(const std::filesystem::path& file) {
    std::ifstream in(file);
    if (!in) return std::nullopt;
    SnapshotSchema s;
    s.doc_ = Json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (s.doc_.is_discarded() || !s.doc_.contains("calls")) return std::nullopt;
    s.Index(s.doc_);
    return s;
  }

  const Json* Response(const std::string& url, const std::string& method = "GET") const {
    for (const Json& call : doc_["calls"]) {
      if (call.value("url", "") == url && call.value("method", "") == method && call.contains("response")) {
        return &call["response"];
      }
    }
    return nullptr;
  }

  struct Result {
    std::vector<std::string> findings;  // real mismatches
    std::vector<std::string> notes;     // known snapshot gaps
  };

  Result Check(const Json& value, const Json& schema) const {
    Result r;
    Walk(value, schema, "$", &r);
    return r;
  }

 private:
  void Index(const Json& node) {
    if (node.is_object()) {
      auto id = node.find("id");
      if (id != node.end() && id->is_string() && !ids_.count(id->get<std::string>())) {
        ids_[id->get<std::string>()] = &node;
      }
      for (const auto& [k, v] : node.items()) Index(v);
    } else if (node.is_array()) {
      for (const Json& v : node) Index(v);
    }
  }

  const Json& Resolve(const Json& schema) const {
    auto ref = schema.find("$ref");
    if (ref != schema.end() && ref->is_string()) {
      auto it = ids_.find(ref->get<std::string>());
      if (it != ids_.end()) return *it->second;
    }
    return schema;
  }

  // "in_progress" + "CheckpointStatistics" -> the schema "...:InProgressCheckpointStatistics".
  const Json* Subclass(const Json& base, const std::string& tag) const {
    const std::string base_id = base.value("id", "");
    const std::string simple = base_id.substr(base_id.rfind(':') + 1);
    std::string camel;
    bool up = true;
    for (char c : tag) {
      if (c == '_') {
        up = true;
        continue;
      }
      camel.push_back(up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c);
      up = false;
    }
    const std::string suffix = ":" + camel + simple;
    for (const auto& [id, node] : ids_) {
      if (id.size() >= suffix.size() && id.compare(id.size() - suffix.size(), suffix.size(), suffix) == 0) {
        return node;
      }
    }
    return nullptr;
  }

  void Walk(const Json& value, const Json& raw_schema, const std::string& path, Result* r) const {
    const Json& schema = Resolve(raw_schema);
    const std::string type = schema.value("type", "any");
    if (type == "any" || value.is_null()) return;
    const std::string actual = JsonTypeName(value);
    bool ok = type == actual || (type == "number" && actual == "integer");
    if (!ok && type == "string" && actual == "object" && path.size() >= 5 &&
        path.compare(path.size() - 5, 5, ".plan") == 0) {
      r->notes.push_back(path + ": raw JSON plan typed \"string\" by the snapshot");
      return;
    }
    if (!ok) {
      r->findings.push_back(path + ": served " + actual + ", schema says " + type);
      return;
    }
    if (auto e = schema.find("enum"); e != schema.end() && value.is_string()) {
      bool found = false;
      for (const Json& allowed : *e) found = found || allowed == value;
      if (!found) r->findings.push_back(path + ": value " + value.dump() + " not in enum " + e->dump());
    }
    if (value.is_array()) {
      if (auto items = schema.find("items"); items != schema.end()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
          Walk(value[i], *items, path + "[" + std::to_string(i) + "]", r);
        }
      }
      return;
    }
    if (!value.is_object()) return;
    const Json* effective = &schema;
    for (const char* tag_key : {"@class", "className"}) {
      if (value.contains(tag_key) && value[tag_key].is_string()) {
        r->notes.push_back(path + "." + tag_key + ": type id property, not in the snapshot schema");
        if (const Json* sub = Subclass(schema, value[tag_key].get<std::string>())) effective = sub;
      }
    }
    auto props = effective->find("properties");
    auto addl = effective->find("additionalProperties");
    const bool has_props = props != effective->end() && props->is_object();
    const bool has_addl = addl != effective->end() && addl->is_object();
    if (!has_props && !has_addl) return;  // opaque object (e.g. RawJson)
    for (const auto& [key, child] : value.items()) {
      if (key == "@class" || key == "className") {
        if (!has_props || !props->contains(key)) continue;
      }
      if (has_props && props->contains(key)) {
        Walk(child, (*props)[key], path + "." + key, r);
      } else if (has_addl) {
        Walk(child, *addl, path + "{" + key + "}", r);
      } else {
        r->findings.push_back(path + "." + key + ": served field unknown to the schema");
      }
    }
  }

  Json doc_;
  std::map<std::string, const Json*> ids_;
};

// Metric endpoints are "any" in the snapshots; check the wire shape instead.
std::vector<std::string> CheckMetricArray(const Json& v, bool aggregated) {
  std::vector<std::string> out;
  if (!v.is_array()) return {"metrics: not an array"};
  for (std::size_t i = 0; i < v.size(); ++i) {
    const Json& e = v[i];
    const std::string p = "[" + std::to_string(i) + "]";
    if (!e.is_object() || !e.contains("id") || !e["id"].is_string()) {
      out.push_back(p + ": element without string id");
      continue;
    }
    for (const auto& [k, val] : e.items()) {
      if (k == "id") continue;
      if (!aggregated && k == "value") {
        if (!val.is_string()) out.push_back(p + ".value: not a string");
      } else if (aggregated && (k == "min" || k == "max" || k == "avg" || k == "sum" || k == "skew")) {
        if (!val.is_number()) out.push_back(p + "." + k + ": not a number");
      } else {
        out.push_back(p + "." + k + ": unexpected key");
      }
    }
  }
  return out;
}

struct Probe {
  std::string url;   // snapshot url template
  std::string path;  // concrete request path
  QueryParams query;
};

std::vector<Probe> Probes(D d) {
  using namespace simtest;
  const std::string job = "/jobs/" + kJobRunning;
  const std::string vertex = job + "/vertices/" + kVertexSource;
  std::vector<Probe> p = {
      {"/config", "/config", {}},
      {"/overview", "/overview", {}},
      {"/jobs", "/jobs", {}},
      {"/jobs/overview", "/jobs/overview", {}},
      {"/jobs/:jobid", job, {}},
      {"/jobs/:jobid", "/jobs/" + kJobBatch, {}},
      {"/jobs/:jobid", "/jobs/" + kJobFailed, {}},
      {"/jobs/:jobid/checkpoints", job + "/checkpoints", {}},
      {"/jobs/:jobid/checkpoints", "/jobs/" + kJobNoPeriodic + "/checkpoints", {}},
      {"/jobs/:jobid/checkpoints/config", job + "/checkpoints/config", {}},
      {"/jobs/:jobid/checkpoints/config", "/jobs/" + kJobNoPeriodic + "/checkpoints/config", {}},
      {"/jobs/:jobid/checkpoints/details/:checkpointid", job + "/checkpoints/details/43", {}},
      {"/jobs/:jobid/checkpoints/details/:checkpointid", job + "/checkpoints/details/42", {}},
      {"/jobs/:jobid/checkpoints/details/:checkpointid", job + "/checkpoints/details/41", {}},
      {"/jobs/:jobid/exceptions", job + "/exceptions", {}},
      {"/jobs/:jobid/exceptions", "/jobs/" + kJobNoPeriodic + "/exceptions", {}},
      {"/jobs/:jobid/exceptions", "/jobs/" + kJobFailed + "/exceptions", {{"maxExceptions", "1"}}},
      {"/jobs/:jobid/vertices/:vertexid", vertex, {}},
      {"/jobs/:jobid/vertices/:vertexid/backpressure", vertex + "/backpressure", {}},
      {"/jobs/:jobid/vertices/:vertexid/backpressure",
       "/jobs/" + kJobBatch + "/vertices/" + kVertexBatch + "/backpressure", {}},
      {"/taskmanagers", "/taskmanagers", {}},
      {"/taskmanagers/:taskmanagerid", "/taskmanagers/" + kTm1, {}},
      {"/taskmanagers/:taskmanagerid", "/taskmanagers/" + kTm2, {}},
  };
  if (d >= D::k1_18) p.push_back({"/jobs/:jobid/status", job + "/status", {}});
  return p;
}

class FlinkConformanceTest : public ::testing::TestWithParam<std::pair<D, std::string>> {
 protected:
  void SetUp() override {
    const std::filesystem::path dir = std::filesystem::path(FME_SHARED_REFERENCE_DIR) / "flink";
    const std::filesystem::path file = dir / GetParam().second;
    if (std::string(FME_SHARED_REFERENCE_DIR).empty() || !std::filesystem::exists(file)) {
      GTEST_SKIP() << "REST API snapshot not available: " << file.string();
    }
    schema_ = SnapshotSchema::Load(file);
    ASSERT_TRUE(schema_.has_value()) << "cannot parse " << file.string();
  }

  ApiResponse Get(const std::string& path, const QueryParams& q = {}) {
    return HandleFlinkRequest(world_, simtest::ClusterFor(world_, GetParam().first), "GET", path, q);
  }

  World world_ = simtest::MakeSimWorld();
  std::optional<SnapshotSchema> schema_;
};

TEST_P(FlinkConformanceTest, ResponsesMatchSnapshotSchemas) {
  const D d = GetParam().first;
  std::vector<std::string> findings;
  std::map<std::string, int> notes;
  int checked = 0;
  for (const Probe& probe : Probes(d)) {
    const Json* schema = schema_->Response(probe.url);
    if (schema == nullptr) {
      ++notes["not in snapshot: " + probe.url];
      continue;
    }
    ApiResponse r = Get(probe.path, probe.query);
    ASSERT_EQ(r.status, 200) << probe.path << " -> " << r.body;
    const Json body = Json::parse(r.body);
    auto result = schema_->Check(body, *schema);
    for (const std::string& f : result.findings) findings.push_back(probe.path + " " + f);
    for (const std::string& n : result.notes) {
      // Collapse array indices so repeated notes count once per kind.
      std::string key;
      bool in_index = false;
      for (char c : n) {
        if (c == '[') in_index = true;
        if (!in_index) key.push_back(c);
        if (c == ']') {
          in_index = false;
          key += "[]";
        }
      }
      ++notes[probe.url + " " + key.substr(key.find('$'))];
    }
    ++checked;
  }
  EXPECT_GE(checked, 20);
  for (const auto& [note, count] : notes) std::cout << "  note: " << note << " (x" << count << ")\n";
  EXPECT_TRUE(findings.empty()) << [&] {
    std::string all;
    for (const std::string& f : findings) all += "\n  " + f;
    return all;
  }();
}

TEST_P(FlinkConformanceTest, MetricEndpointsAreArraysOfStringsOrNumbers) {
  const D d = GetParam().first;
  using namespace simtest;
  const std::string vertex = "/jobs/" + kJobRunning + "/vertices/" + kVertexSource;
  // Snapshot: metrics endpoints exist and are typed "any".
  for (const char* url : {"/jobmanager/metrics", "/jobs/:jobid/metrics", "/taskmanagers/:taskmanagerid/metrics",
                          "/jobs/:jobid/vertices/:vertexid/metrics",
                          "/jobs/:jobid/vertices/:vertexid/subtasks/metrics"}) {
    const Json* schema = schema_->Response(url);
    ASSERT_NE(schema, nullptr) << url;
    EXPECT_EQ(schema->value("type", ""), "any") << url;
  }
  auto ids = [&](const std::string& path) {
    std::string get;
    for (const Json& e : Json::parse(Get(path).body)) get += (get.empty() ? "" : ",") + e["id"].get<std::string>();
    return get;
  };
  for (const std::string& path : {std::string("/jobmanager/metrics"), "/jobs/" + kJobRunning + "/metrics",
                                  "/taskmanagers/" + kTm1 + "/metrics", vertex + "/metrics",
                                  vertex + "/subtasks/0/metrics"}) {
    const std::string get = ids(path);
    EXPECT_FALSE(get.empty()) << path;
    const Json v = Json::parse(Get(path, {{"get", get}}).body);
    EXPECT_EQ(v.size(), static_cast<std::size_t>(std::count(get.begin(), get.end(), ',') + 1)) << path;
    for (const std::string& f : CheckMetricArray(v, false)) ADD_FAILURE() << path << " " << f;
  }
  for (const std::string& path : {vertex + "/subtasks/metrics", std::string("/taskmanagers/metrics"),
                                  std::string("/jobs/metrics")}) {
    const Json v = Json::parse(Get(path, {{"get", ids(path)}}).body);
    EXPECT_FALSE(v.empty()) << path;
    for (const std::string& f : CheckMetricArray(v, true)) ADD_FAILURE() << path << " " << f;
  }
  if (d >= D::k1_13) {
    ASSERT_NE(schema_->Response("/jobs/:jobid/vertices/:vertexid/watermarks"), nullptr);
    const Json w = Json::parse(Get(vertex + "/watermarks").body);
    for (const std::string& f : CheckMetricArray(w, false)) ADD_FAILURE() << "watermarks " << f;
  } else {
    EXPECT_EQ(schema_->Response("/jobs/:jobid/vertices/:vertexid/watermarks"), nullptr);
  }
}

// The checker itself: it must flag unknown fields, wrong types and unknown enum values.
TEST(FlinkSchemaCheckerTest, ReportsMismatches) {
  const std::filesystem::path file =
      std::filesystem::path(FME_SHARED_REFERENCE_DIR) / "flink" / "rest_api_v1-1.13.snapshot.json";
  if (std::string(FME_SHARED_REFERENCE_DIR).empty() || !std::filesystem::exists(file)) {
    GTEST_SKIP() << "REST API snapshot not available: " << file.string();
  }
  auto schema = SnapshotSchema::Load(file);
  ASSERT_TRUE(schema.has_value());
  const Json* overview = schema->Response("/overview");
  ASSERT_NE(overview, nullptr);
  auto r = schema->Check(Json::parse(R"({"taskmanagers":"2","slots-total":8,"bogus":1})"), *overview);
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_NE(r.findings[0].find("bogus"), std::string::npos);
  EXPECT_NE(r.findings[1].find("taskmanagers: served string, schema says integer"), std::string::npos);
  const Json* bp = schema->Response("/jobs/:jobid/vertices/:vertexid/backpressure");
  ASSERT_NE(bp, nullptr);
  auto e = schema->Check(Json::parse(R"({"status":"OK","subtasks":[{"subtask":0,"ratio":"0.5"}]})"), *bp);
  ASSERT_EQ(e.findings.size(), 2u);
  EXPECT_NE(e.findings[0].find("not in enum"), std::string::npos);
  EXPECT_NE(e.findings[1].find("$.subtasks[0].ratio"), std::string::npos);
  // $ref + polymorphic subclass resolution: `discarded` is only known to the completed subclass.
  const Json* cps = schema->Response("/jobs/:jobid/checkpoints");
  ASSERT_NE(cps, nullptr);
  auto p = schema->Check(
      Json::parse(R"({"history":[{"@class":"completed","discarded":true},{"@class":"failed","discarded":true}]})"),
      *cps);
  ASSERT_EQ(p.findings.size(), 1u);
  EXPECT_NE(p.findings[0].find("$.history[1].discarded"), std::string::npos);
}

// The checker is not vacuous: newer dialects fail older snapshots on the fields added since.
TEST(FlinkSchemaCheckerTest, NewerDialectFailsOlderSnapshot) {
  const std::filesystem::path file =
      std::filesystem::path(FME_SHARED_REFERENCE_DIR) / "flink" / "rest_api_v1-1.9.snapshot.json";
  if (std::string(FME_SHARED_REFERENCE_DIR).empty() || !std::filesystem::exists(file)) {
    GTEST_SKIP() << "REST API snapshot not available: " << file.string();
  }
  auto schema = SnapshotSchema::Load(file);
  ASSERT_TRUE(schema.has_value());
  const World world = simtest::MakeSimWorld();
  const FlinkCluster& c20 = simtest::ClusterFor(world, D::k2_0);
  auto findings = [&](const std::string& url, const std::string& path) {
    const Json body = Json::parse(HandleFlinkRequest(world, c20, "GET", path, {}).body);
    std::string all;
    for (const std::string& f : schema->Check(body, *schema->Response(url)).findings) all += f + "\n";
    return all;
  };
  const std::string job = findings("/jobs/:jobid", "/jobs/" + simtest::kJobRunning);
  EXPECT_NE(job.find("$.maxParallelism: served field unknown"), std::string::npos) << job;
  EXPECT_NE(job.find("$.job-type: served field unknown"), std::string::npos) << job;
  const std::string tms = findings("/taskmanagers", "/taskmanagers");
  EXPECT_NE(tms.find("$.taskmanagers[0].jmxPort"), std::string::npos) << tms;
  const std::string vertex =
      findings("/jobs/:jobid/vertices/:vertexid", "/jobs/" + simtest::kJobRunning + "/vertices/" + simtest::kVertexSource);
  EXPECT_NE(vertex.find("$.subtasks[0].endpoint"), std::string::npos) << vertex;
}

INSTANTIATE_TEST_SUITE_P(
    Snapshots, FlinkConformanceTest,
    ::testing::Values(std::pair{D::k1_9, std::string("rest_api_v1-1.9.snapshot.json")},
                      std::pair{D::k1_13, std::string("rest_api_v1-1.13.snapshot.json")},
                      std::pair{D::k2_0, std::string("rest_api_v1-2.3-SNAPSHOT.snapshot.json")}),
    [](const ::testing::TestParamInfo<std::pair<D, std::string>>& param_info) {
      switch (param_info.param.first) {
        case D::k1_9: return std::string("Flink1_9");
        case D::k1_13: return std::string("Flink1_13");
        default: return std::string("Flink2_0_vs_2_3_snapshot");
      }
    });

}  // namespace
}  // namespace fme::sim
