// Router of the simulated Flink JobManager REST API (see flink_api.h).
#include "flink/flink_api.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "flink/flink_internal.h"

namespace fme::sim {
namespace {

using flink::Ctx;
using Params = std::map<std::string, std::string>;
using Handler = std::function<ApiResponse(const Ctx&, const Params&)>;

struct Route {
  std::vector<std::string> pattern;  // literal segments or ":name"
  FlinkDialect since;
  FlinkDialect until;
  Handler handler;
};

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> segs;
  std::string cur;
  std::string p = path.substr(0, path.find('?'));
  for (char c : p) {
    if (c == '/') {
      if (!cur.empty()) segs.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) segs.push_back(cur);
  return segs;
}

bool Match(const Route& r, const std::vector<std::string>& segs, Params* params) {
  if (r.pattern.size() != segs.size()) return false;
  Params p;
  for (std::size_t i = 0; i < segs.size(); ++i) {
    const std::string& pat = r.pattern[i];
    if (!pat.empty() && pat[0] == ':') {
      p[pat.substr(1)] = segs[i];
    } else if (pat != segs[i]) {
      return false;
    }
  }
  *params = std::move(p);
  return true;
}

// Wraps a handler that needs an existing job (404 otherwise).
Handler WithJob(std::function<ApiResponse(const Ctx&, const Job&, const Params&)> fn) {
  return [fn](const Ctx& ctx, const Params& p) {
    const Job* job = flink::FindJob(ctx.cluster, p.at("job"));
    if (job == nullptr) return flink::JobNotFound(ctx, p.at("job"));
    return fn(ctx, *job, p);
  };
}

Handler WithVertex(std::function<ApiResponse(const Ctx&, const Job&, const Vertex&)> fn) {
  return WithJob([fn](const Ctx& ctx, const Job& job, const Params& p) {
    const Vertex* v = flink::FindVertex(job, p.at("vertex"));
    if (v == nullptr) return flink::VertexNotFound(ctx, p.at("vertex"));
    return fn(ctx, job, *v);
  });
}

const Job* OptJob(const Ctx& ctx, const Params& p) { return flink::FindJob(ctx.cluster, p.at("job")); }
const Vertex* OptVertex(const Ctx& ctx, const Params& p) {
  const Job* job = OptJob(ctx, p);
  return job == nullptr ? nullptr : flink::FindVertex(*job, p.at("vertex"));
}

const std::vector<Route>& Routes() {
  using D = FlinkDialect;
  using flink::LegacyOverview;
  static const std::vector<Route> routes = {
      {{"config"}, D::k1_4, D::k2_0, [](const Ctx& c, const Params&) { return flink::HandleConfig(c); }},
      {{"overview"}, D::k1_4, D::k2_0, [](const Ctx& c, const Params&) { return flink::HandleOverview(c); }},
      {{"jobs"}, D::k1_4, D::k2_0, [](const Ctx& c, const Params&) { return flink::HandleJobIds(c); }},
      {{"jobs", "overview"}, D::k1_9, D::k2_0,
       [](const Ctx& c, const Params&) { return flink::HandleJobsOverview(c); }},
      {{"joboverview"}, D::k1_4, D::k1_4,
       [](const Ctx& c, const Params&) { return flink::HandleLegacyJobOverview(c, LegacyOverview::kAll); }},
      {{"joboverview", "running"}, D::k1_4, D::k1_4,
       [](const Ctx& c, const Params&) { return flink::HandleLegacyJobOverview(c, LegacyOverview::kRunning); }},
      {{"joboverview", "completed"}, D::k1_4, D::k1_4,
       [](const Ctx& c, const Params&) { return flink::HandleLegacyJobOverview(c, LegacyOverview::kCompleted); }},
      {{"jobs", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params&) { return flink::HandleAggregatedJobMetrics(c); }},
      {{"jobs", ":job"}, D::k1_4, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params&) { return flink::HandleJobDetails(c, j); })},
      {{"jobs", ":job", "status"}, D::k1_18, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params&) { return flink::HandleJobStatus(c, j); })},
      {{"jobs", ":job", "checkpoints"}, D::k1_4, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params&) { return flink::HandleCheckpoints(c, j); })},
      {{"jobs", ":job", "checkpoints", "config"}, D::k1_4, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params&) { return flink::HandleCheckpointConfig(c, j); })},
      {{"jobs", ":job", "checkpoints", "details", ":cp"}, D::k1_4, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params& p) {
         return flink::HandleCheckpointDetails(c, j, p.at("cp"));
       })},
      {{"jobs", ":job", "exceptions"}, D::k1_4, D::k2_0,
       WithJob([](const Ctx& c, const Job& j, const Params&) { return flink::HandleExceptions(c, j); })},
      {{"jobs", ":job", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) { return flink::HandleJobMetrics(c, OptJob(c, p)); }},
      {{"jobs", ":job", "vertices", ":vertex"}, D::k1_4, D::k2_0,
       WithVertex([](const Ctx& c, const Job& j, const Vertex& v) { return flink::HandleVertexDetails(c, j, v); })},
      {{"jobs", ":job", "vertices", ":vertex", "backpressure"}, D::k1_4, D::k2_0,
       WithVertex([](const Ctx& c, const Job& j, const Vertex& v) { return flink::HandleBackpressure(c, j, v); })},
      {{"jobs", ":job", "vertices", ":vertex", "watermarks"}, D::k1_13, D::k2_0,
       WithVertex([](const Ctx& c, const Job& j, const Vertex& v) { return flink::HandleWatermarks(c, j, v); })},
      {{"jobs", ":job", "vertices", ":vertex", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) { return flink::HandleVertexMetrics(c, OptJob(c, p), OptVertex(c, p)); }},
      {{"jobs", ":job", "vertices", ":vertex", "subtasks", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) {
         return flink::HandleAggregatedSubtaskMetrics(c, OptJob(c, p), OptVertex(c, p));
       }},
      {{"jobs", ":job", "vertices", ":vertex", "subtasks", ":subtask", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) {
         return flink::HandleSubtaskMetrics(c, OptJob(c, p), OptVertex(c, p), p.at("subtask"));
       }},
      {{"taskmanagers"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params&) { return flink::HandleTaskManagers(c); }},
      {{"taskmanagers", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params&) { return flink::HandleAggregatedTaskManagerMetrics(c); }},
      {{"taskmanagers", ":tm"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) {
         const TaskManager* tm = flink::FindTaskManager(c.cluster, p.at("tm"));
         if (tm == nullptr) return flink::TaskManagerNotFound(c, p.at("tm"));
         return flink::HandleTaskManagerDetails(c, *tm);
       }},
      {{"taskmanagers", ":tm", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params& p) {
         return flink::HandleTaskManagerMetrics(c, flink::FindTaskManager(c.cluster, p.at("tm")));
       }},
      {{"jobmanager", "metrics"}, D::k1_4, D::k2_0,
       [](const Ctx& c, const Params&) { return flink::HandleJobManagerMetrics(c); }},
  };
  return routes;
}

}  // namespace

ApiResponse HandleFlinkRequest(const World& world, const FlinkCluster& cluster,
                               const std::string& method, const std::string& path,
                               const QueryParams& query) {
  const Ctx ctx{world, cluster, query, cluster.dialect};
  std::vector<std::string> segs = SplitPath(path);
  // Versioned URLs (/v1/...) exist since 1.7 (FLINK-7551).
  if (!segs.empty() && segs[0] == "v1" && ctx.Since(FlinkDialect::k1_9)) segs.erase(segs.begin());

  for (const Route& r : Routes()) {
    if (!ctx.Since(r.since) || static_cast<int>(ctx.dialect) > static_cast<int>(r.until)) continue;
    Params params;
    if (!Match(r, segs, &params)) continue;
    if (method != "GET") {
      ApiResponse resp = flink::ErrorResponse(ctx, 405, "Method " + method + " not allowed.");
      resp.headers["Allow"] = "GET";
      return resp;
    }
    return r.handler(ctx, params);
  }
  if (ctx.Legacy()) return flink::ErrorResponse(ctx, 404, "Not Found");
  return flink::ErrorResponse(ctx, 404, "Not found.");
}

}  // namespace fme::sim
