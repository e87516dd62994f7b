#include "support/sim_http_client.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <string_view>
#include <utility>

#include "flink/flink_api.h"

namespace fme::testing {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decoding as the simulator's HTTP layer applies it ('+' is a space in queries only).
std::string Decode(std::string_view s, bool query) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && HexDigit(s[i + 1]) >= 0 && HexDigit(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexDigit(s[i + 1]) * 16 + HexDigit(s[i + 2])));
      i += 2;
    } else if (query && s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

sim::QueryParams ParseQuery(std::string_view q) {
  sim::QueryParams params;
  while (!q.empty()) {
    const std::size_t amp = q.find('&');
    const std::string_view pair = q.substr(0, amp);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      params.emplace(Decode(pair.substr(0, eq), true),
                     eq == std::string_view::npos ? std::string() : Decode(pair.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    q.remove_prefix(amp + 1);
  }
  return params;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// The routing outcome and, when the handlers were asked, their answer.
struct Routed {
  bool found = false;
  bool reachable = true;
  std::optional<sim::FaultTable::Entry> fault;
  bool answered = false;
  sim::ApiResponse response;
};

// Faults that replace the answer entirely; the others alter the handlers' answer.
bool FaultWithoutAnswer(const sim::FaultTable::Entry& f) {
  return f.spec.type != "malformed" && f.spec.type != "truncate" && f.spec.type != "latency";
}

}  // namespace

SimHttpClient::SimHttpClient(sim::Engine& engine) : engine_(engine) {
  engine_.Mutate([](sim::World& w) {
    for (std::size_t i = 0; i < w.flink.size(); ++i) {
      if (w.flink[i].rest_url.empty()) w.flink[i].rest_url = "http://jobmanager-" + std::to_string(i) + ".sim:8081";
    }
  });
  faults_.AddScheduled(engine_.scenario().faults, engine_.StartTime());
}

std::string SimHttpClient::UrlOf(const std::string& cluster) const {
  return engine_.Read([&](const sim::World& w) {
    for (const sim::FlinkCluster& c : w.flink) {
      if (c.name == cluster) return c.rest_url;
    }
    return std::string();
  });
}

Result<HttpResponse> SimHttpClient::Send(const HttpRequest& request) {
  const sim::Millis now = engine_.Now();
  {
    std::lock_guard lock(mu_);
    requests_.push_back({request.url, request.endpoint, now});
  }

  const std::string& url = request.url;
  const std::size_t q = url.find('?');
  const std::string_view query = q == std::string::npos ? std::string_view() : std::string_view(url).substr(q + 1);
  const sim::QueryParams params = ParseQuery(query);

  // Routing, fault matching and answering happen in one critical section, so the answer belongs
  // to the world the routing saw (the test may advance the timeline between requests).
  Routed r = engine_.Read([&](const sim::World& w) {
    Routed out;
    const sim::FlinkCluster* cluster = nullptr;
    for (const sim::FlinkCluster& c : w.flink) {
      const std::string& base = c.rest_url;
      if (base.empty() || (cluster != nullptr && base.size() <= cluster->rest_url.size())) continue;
      if (url.compare(0, base.size(), base) != 0) continue;
      if (url.size() > base.size() && url[base.size()] != '/' && url[base.size()] != '?') continue;
      cluster = &c;  // the longest base URL wins
    }
    if (cluster == nullptr) return out;
    out.found = true;
    out.reachable = cluster->reachable;
    if (!out.reachable) return out;
    const std::size_t base = cluster->rest_url.size();
    const std::string rest = url.substr(base, q == std::string::npos ? std::string::npos : q - base);
    const std::string path = rest.empty() ? "/" : Decode(rest, false);
    out.fault = faults_.Match({"*", "flink", "flink:" + cluster->name}, path, now);
    if (out.fault && FaultWithoutAnswer(*out.fault)) return out;
    out.answered = true;
    out.response = sim::HandleFlinkRequest(w, *cluster, request.method, path, params);
    return out;
  });

  if (!r.found) return Status::Unavailable("connection refused: no simulated JobManager at " + url);
  if (!r.reachable) return Status::Unavailable("connection reset by " + url);
  HttpResponse res;
  res.final_url = url;
  if (r.answered) {
    res.status = r.response.status;
    res.body = std::move(r.response.body);
    res.headers["content-type"] = r.response.content_type;
    for (const auto& [name, value] : r.response.headers) res.headers[Lower(name)] = value;
  }
  if (!r.fault) return res;
  const sim::FaultSpec& f = r.fault->spec;
  if (f.type == "status") {
    res.status = f.status;
    res.headers["content-type"] = "application/json; charset=UTF-8";
    res.body = R"({"errors":["injected fault: HTTP )" + std::to_string(f.status) + R"("]})";
    return res;
  }
  if (f.type == "reset") return Status::Unavailable("connection reset by " + url);
  if (f.type == "hang") return Status::Timeout("no answer from " + url + " before the deadline");
  if (f.type == "oversize") return Status::TooLarge("response of " + url + " exceeds the limit");
  if (f.type == "redirect_loop") return Status::Redirect("redirect loop at " + url);
  if (f.type == "malformed") res.body = sim::MalformJson(res.body);
  if (f.type == "truncate") res.body.resize(res.body.size() / 2);
  return res;  // latency: the answer, as no real time passes here
}

std::vector<SimHttpClient::Recorded> SimHttpClient::requests() const {
  std::lock_guard lock(mu_);
  return requests_;
}

void SimHttpClient::ClearRequests() {
  std::lock_guard lock(mu_);
  requests_.clear();
}

std::size_t SimHttpClient::Count(const std::string& endpoint) const {
  return CountIf([&](const Recorded& r) { return r.endpoint == endpoint; });
}

std::size_t SimHttpClient::CountIf(const std::function<bool(const Recorded&)>& pred) const {
  std::lock_guard lock(mu_);
  return static_cast<std::size_t>(std::count_if(requests_.begin(), requests_.end(), pred));
}

}  // namespace fme::testing
