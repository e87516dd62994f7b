// The configuration file: ParseConfig on arbitrary YAML text. It must return kInvalidConfig
// with `<origin>:<line>: ...` lines, never throw or crash, and a config it accepts must
// satisfy everything the loader validates.
#include <cstdlib>
#include <exception>
#include <set>
#include <string>

#include "fme/config.h"
#include "fuzz_check.h"

namespace {

constexpr const char* kOrigin = "fuzz.yml";
// Relative *_file paths resolve here; it does not exist, so only absolute paths are read.
constexpr const char* kBaseDir = "/nonexistent-fme-fuzz-dir";

// One trailing slash is removed ("http://a/" -> "http://a"); "http://a//" keeps one (pinned by
// ConfigLoaderTest.NormalisesUrls), so a final '/' is not checked here.
bool IsBaseUrl(const std::string& url) {
  const bool scheme = url.starts_with("http://") || url.starts_with("https://");
  return scheme && url.find_first_of(" ?#@") == std::string::npos;
}

void CheckPoll(const fme::PollSettings& p) {
  FME_FUZZ_CHECK(p.interval > fme::Duration::zero());
  FME_FUZZ_CHECK(p.timeout > fme::Duration::zero());
  FME_FUZZ_CHECK(p.timeout <= p.interval);
  FME_FUZZ_CHECK(p.jitter >= 0 && p.jitter < 0.5);
}

void CheckAuth(const fme::HttpAuth& a) {
  FME_FUZZ_CHECK(!(a.basic_username && a.bearer_token));
  if (a.bearer_token) {
    FME_FUZZ_CHECK(!a.bearer_token->empty());
    for (char c : *a.bearer_token) {
      const auto u = static_cast<unsigned char>(c);
      FME_FUZZ_CHECK(u >= 0x20 && u != 0x7f);  // it goes into a header verbatim
    }
  }
  if (a.basic_username) FME_FUZZ_CHECK(a.basic_username->find(':') == std::string::npos);
}

void CheckCollect(const fme::FlinkCollectSettings& c) {
  FME_FUZZ_CHECK(c.max_concurrent_requests >= 1 && c.max_concurrent_requests <= 64);
  FME_FUZZ_CHECK(c.terminal_job_ttl > fme::Duration::zero());
  FME_FUZZ_CHECK(c.backpressure_sampling_interval >= std::chrono::seconds(10));
}

void CheckConfig(const fme::Config& c) {
  CheckPoll(c.poll);
  FME_FUZZ_CHECK(c.http.max_response_bytes > 0);
  FME_FUZZ_CHECK(c.http.max_redirects >= 0 && c.http.max_redirects <= 20);
  std::set<std::string> mesos_names;
  for (const fme::MesosClusterConfig& m : c.mesos_clusters) {
    FME_FUZZ_CHECK(!m.name.empty() && mesos_names.insert(m.name).second);
    FME_FUZZ_CHECK(!m.masters.empty());
    std::set<std::string> masters;
    for (const std::string& url : m.masters) {
      FME_FUZZ_CHECK(IsBaseUrl(url) && masters.insert(url).second);
    }
    CheckPoll(m.poll);
    CheckAuth(m.auth);
    FME_FUZZ_CHECK(m.collect.task_page_size >= 10 && m.collect.task_page_size <= 100000);
    FME_FUZZ_CHECK(m.collect.event_stream_idle_timeout >= std::chrono::seconds(1));
    if (m.discover_flink) {
      const fme::FlinkDiscoveryConfig& d = *m.discover_flink;
      FME_FUZZ_CHECK(m.collect.state != fme::MesosStateMode::kOff);  // discovery needs state
      FME_FUZZ_CHECK(!d.framework_names.empty() || d.taskmanager_tasks);
      FME_FUZZ_CHECK(d.drop_after > fme::Duration::zero());
      CheckPoll(d.poll);
      CheckAuth(d.auth);
      CheckCollect(d.collect);
    }
  }
  std::set<std::string> flink_names;
  for (const fme::FlinkClusterConfig& f : c.flink_clusters) {
    FME_FUZZ_CHECK(!f.name.empty() && flink_names.insert(f.name).second);
    FME_FUZZ_CHECK(IsBaseUrl(f.rest_url));
    CheckPoll(f.poll);
    CheckAuth(f.auth);
    CheckCollect(f.collect);
    // The Mesos join names a configured cluster and a framework, or neither.
    FME_FUZZ_CHECK(f.mesos_cluster.empty() == f.mesos_framework.empty());
    FME_FUZZ_CHECK(f.mesos_cluster.empty() || mesos_names.count(f.mesos_cluster) == 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  // Referenced as ${...} by the seeds and the dictionary; FME_FUZZ_UNSET stays unset.
  setenv("FME_FUZZ_HOST", "jobmanager.example:8081", 1);
  setenv("FME_FUZZ_TOKEN", "token-value", 1);
  setenv("FME_FUZZ_EMPTY", "", 1);
  unsetenv("FME_FUZZ_UNSET");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fme::fuzz::AsText(data, size));
  try {
    auto config = fme::ParseConfig(text, kOrigin, kBaseDir);
    if (config.ok()) {
      CheckConfig(*config);
    } else {
      fme::fuzz::CheckError(config.status(), fme::StatusCode::kInvalidConfig);
      FME_FUZZ_CHECK(config.status().message().starts_with(std::string(kOrigin) + ":"));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ParseConfig threw: %s\n", e.what());
    __builtin_trap();
  } catch (...) {
    std::fprintf(stderr, "ParseConfig threw a non-standard exception\n");
    __builtin_trap();
  }
  return 0;
}
