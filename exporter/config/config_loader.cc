// ParseConfig / LoadConfigFile: YAML text -> validated Config.
//
// The loader walks the document once, collecting every problem instead of stopping at the
// first, so that `--config.check` can show them all. Each problem is formatted as
// `<origin>:<line>: <key path>: <problem>`; the problems are sorted by line and joined with
// newlines into one kInvalidConfig Status. yaml-cpp exceptions never escape.
//
// Secrets (passwords, bearer tokens, URLs carrying credentials) are never put in a message.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/duration.h"
#include "config/message_quote.h"
#include "config/secret_file.h"
#include "config/tls_files.h"
#include "config/yaml_reader.h"
#include "discovery/url_template.h"
#include "fme/config.h"

namespace fme {
namespace {

constexpr int kMaxRedirectsLimit = 20;



bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Replaces ${NAME} with the environment variable NAME and $$ with $. Any other `$` is kept as
// is, so that passwords containing `$` need no escaping unless followed by `{` or `$`.
bool ExpandEnv(std::string_view in, std::string* out, std::string* problem) {
  out->clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '$' || i + 1 == in.size() || (in[i + 1] != '$' && in[i + 1] != '{')) {
      *out += in[i];
      continue;
    }
    if (in[i + 1] == '$') {
      *out += '$';
      ++i;
      continue;
    }
    const std::size_t close = in.find('}', i + 2);
    if (close == std::string_view::npos) {
      *problem = "unterminated ${ (write $$ for a literal $)";
      return false;
    }
    const std::string_view name = in.substr(i + 2, close - i - 2);
    const bool valid_name = !name.empty() && !(name[0] >= '0' && name[0] <= '9') &&
                            std::all_of(name.begin(), name.end(), [](char c) {
                              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                     (c >= '0' && c <= '9') || c == '_';
                            });
    if (!valid_name) {
      *problem = "invalid environment variable name " + QuoteForMessage(name);
      return false;
    }
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
      *problem = "environment variable " + std::string(name) + " is not set";
      return false;
    }
    *out += value;
    i = close;
  }
  return true;
}

// Checks an absolute http(s) base URL and normalises it: lower-case scheme, one trailing
// slash removed. The URL is echoed in problems unless it may contain credentials.
bool NormalizeUrl(std::string_view url, std::string* out, std::string* problem) {
  if (url.find('@') != std::string_view::npos) {
    *problem = "URL must not contain '@' or credentials (put them in basic_auth)";
    return false;
  }
  const std::string quoted = QuoteForMessage(url);
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    *problem = "invalid URL " + quoted + " (expected http(s)://host[:port][/path])";
    return false;
  }
  std::string scheme(url.substr(0, sep));
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (scheme != "http" && scheme != "https") {
    *problem = "URL " + quoted + " must use http or https";
    return false;
  }
  if (HasControlChar(url) || url.find(' ') != std::string_view::npos) {
    *problem = "URL " + quoted + " contains spaces or control characters";
    return false;
  }
  if (url.find_first_of("?#") != std::string_view::npos) {
    *problem = "URL " + quoted + " must not have a query or fragment";
    return false;
  }
  const std::string_view rest = url.substr(sep + 3);
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);

  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority[0] == '[') {  // IPv6 literal
    const std::size_t close = authority.find(']');
    const std::string_view after =
        close == std::string_view::npos ? "" : authority.substr(close + 1);
    const std::string_view inner =
        close == std::string_view::npos ? "" : authority.substr(1, close - 1);
    const bool ok = close != std::string_view::npos && !inner.empty() &&
                    inner.find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos &&
                    (after.empty() || after[0] == ':');
    if (!ok) {
      *problem = "URL " + quoted + " has an invalid IPv6 host";
      return false;
    }
    host = authority.substr(0, close + 1);
    has_port = !after.empty();
    if (has_port) port = after.substr(1);
  } else {
    const std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':', colon + 1) != std::string_view::npos) {
        *problem = "URL " + quoted + " has an invalid host (IPv6 addresses go in [brackets])";
        return false;
      }
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      has_port = true;
    }
    const bool host_ok = std::all_of(host.begin(), host.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.' || c == '_' || c == '~';
    });
    if (!host_ok) {
      *problem = "URL " + quoted + " has an invalid host";
      return false;
    }
  }
  if (host.empty()) {
    *problem = "URL " + quoted + " has no host";
    return false;
  }
  if (has_port) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
        value > 65535) {
      *problem = "URL " + quoted + " has an invalid port (expected 1..65535)";
      return false;
    }
  }
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);
  *out = scheme + "://" + std::string(authority) + std::string(path);
  return true;
}


using Field = YamlField;
using Fields = YamlFields;

// A per-target (or global) poll setting as written, with where it was written.
struct PollKeys {
  std::optional<Duration> interval, timeout, backoff_max;
  std::optional<double> jitter;
  int interval_line = 0, timeout_line = 0;
};

class Loader : private YamlReader {
 public:
  Loader(std::string origin, std::string base_dir)
      : YamlReader(std::move(origin)), base_dir_(std::move(base_dir)) {}

  Result<Config> Load(const std::string& text);

 private:
  std::optional<std::string> ReadString(const Field& f, const std::string& path);
  std::optional<Duration> ReadDuration(const Field& f, const std::string& path);
  std::optional<double> ReadJitter(const Field& f, const std::string& path);
  std::optional<bool> ReadBool(const Field& f, const std::string& path);
  std::optional<int> ReadInt(const Field& f, const std::string& path, int min, int max);
  std::optional<std::vector<std::string>> ReadPatterns(const Field& f, const std::string& path);
  void ReadFlinkCollect(const Fields& fields, const std::string& path, FlinkCollectSettings* out);
  void ReadMesosCollect(const Fields& fields, const std::string& path, MesosCollectSettings* out);
  void ReadDiscovery(const Field& f, const std::string& path, const PollSettings& global,
                     const MesosClusterConfig& mesos, FlinkDiscoveryConfig* out);
  void ReadMesosLink(const Fields& fields, const std::string& path, const Config& config,
                     FlinkClusterConfig* out);
  std::optional<std::string> ReadUrl(const Field& f, const std::string& path);
  std::optional<std::string> ReadSecretFile(const Field& f, const std::string& path,
                                            std::string* resolved);
  std::optional<std::string> ReadPath(const Field& f, const std::string& path);
  UpstreamTls ReadTls(const Field& f, const std::string& path, const UpstreamTls& base);

  PollKeys ReadPollKeys(const Fields& fields, const std::string& path);
  PollSettings ApplyPoll(const PollSettings& base, const PollKeys& own, const std::string& path,
                         bool is_global);
  void ReadGlobal(const Field& f, Config* config);
  void ReadLimits(const Field& f, Config* config);
  HttpAuth ReadAuth(const Fields& fields, const std::string& path);
  // Reads name, poll overrides and auth into *out; returns the item's keys, or nothing when
  // the item is not a mapping.
  template <typename Cluster>
  std::optional<Fields> ReadClusterCommon(const YAML::Node& item, const std::string& path, int line,
                                          std::initializer_list<std::string_view> known,
                                          std::map<std::string, int>* names,
                                          const PollSettings& global, Cluster* out);
  void ReadMesos(const Field& f, Config* config);
  void ReadFlink(const Field& f, Config* config);

  std::string base_dir_;
  UpstreamTls global_tls_;  // global.tls: what every target's tls block starts from
};

// A single value with ${NAME} expanded.
std::optional<std::string> Loader::ReadString(const Field& f, const std::string& path) {
  const std::optional<std::string> text = ReadScalar(f, path);
  if (!text) return std::nullopt;
  std::string out, problem;
  if (!ExpandEnv(*text, &out, &problem)) {
    Error(ValueLine(f), path, problem);
    return std::nullopt;
  }
  return out;
}

std::optional<Duration> Loader::ReadDuration(const Field& f, const std::string& path) {
  const std::optional<std::string> text = ReadString(f, path);
  if (!text) return std::nullopt;
  Result<Duration> d = ParseDuration(*text);
  if (!d.ok()) {
    Error(ValueLine(f), path, d.status().message());
    return std::nullopt;
  }
  if (*d <= Duration::zero()) {
    Error(ValueLine(f), path, "must be greater than 0");
    return std::nullopt;
  }
  return *d;
}

std::optional<double> Loader::ReadJitter(const Field& f, const std::string& path) {
  const std::optional<std::string> text = ReadString(f, path);
  if (!text) return std::nullopt;
  double value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end || !std::isfinite(value)) {
    Error(ValueLine(f), path, "invalid number " + QuoteForMessage(*text) + " (expected e.g. 0.1)");
    return std::nullopt;
  }
  if (value < 0 || value >= 0.5) {
    Error(ValueLine(f), path, "must be at least 0 and less than 0.5, got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Loader::ReadBool(const Field& f, const std::string& path) {
  const std::optional<std::string> text = ReadString(f, path);
  if (!text) return std::nullopt;
  if (*text == "true") return true;
  if (*text == "false") return false;
  Error(ValueLine(f), path, "expected true or false, got " + QuoteForMessage(*text));
  return std::nullopt;
}

std::optional<int> Loader::ReadInt(const Field& f, const std::string& path, int min, int max) {
  const std::optional<std::string> text = ReadString(f, path);
  if (!text) return std::nullopt;
  int value = 0;
  const char* end = text->data() + text->size();
  const auto [ptr, ec] = std::from_chars(text->data(), end, value);
  if (text->empty() || ec != std::errc() || ptr != end) {
    Error(ValueLine(f), path, "invalid integer " + QuoteForMessage(*text));
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(ValueLine(f), path,
          "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + *text);
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> Loader::ReadPatterns(const Field& f,
                                                             const std::string& path) {
  if (f.value.IsNull()) return std::vector<std::string>{};
  if (!f.value.IsSequence()) {
    Error(ValueLine(f), path, "expected a list of regular expressions, got " + DescribeYamlNode(f.value));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const Field entry{f.value[i], LineOf(f.value[i], f.line)};
    const std::string epath = IndexKeyPath(path, i);
    std::optional<std::string> pattern = ReadString(entry, epath);
    if (!pattern) continue;
    try {
      std::regex compiled(*pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      Error(entry.line, epath,
            "invalid regular expression " + QuoteForMessage(*pattern) + ": " + e.what());
      continue;
    }
    out.push_back(std::move(*pattern));
  }
  return out;
}

void Loader::ReadFlinkCollect(const Fields& fields, const std::string& path,
                              FlinkCollectSettings* out) {
  auto key = [&](std::string_view name) -> const Field* {
    auto it = fields.find(std::string(name));
    return it == fields.end() ? nullptr : &it->second;
  };
  if (const Field* f = key("terminal_job_ttl")) {
    if (auto d = ReadDuration(*f, JoinKeyPath(path, "terminal_job_ttl"))) out->terminal_job_ttl = *d;
  }
  if (const Field* f = key("max_concurrent_requests")) {
    if (auto n = ReadInt(*f, JoinKeyPath(path, "max_concurrent_requests"), 1, 64)) {
      out->max_concurrent_requests = *n;
    }
  }
  if (const Field* f = key("jobs")) {
    const std::string jpath = JoinKeyPath(path, "jobs");
    if (std::optional<Fields> jobs = ReadMap(f->value, jpath, f->line, {"include", "exclude"})) {
      if (auto it = jobs->find("include"); it != jobs->end()) {
        if (auto p = ReadPatterns(it->second, JoinKeyPath(jpath, "include"))) out->include_jobs = *p;
      }
      if (auto it = jobs->find("exclude"); it != jobs->end()) {
        if (auto p = ReadPatterns(it->second, JoinKeyPath(jpath, "exclude"))) out->exclude_jobs = *p;
      }
    }
  }
  if (const Field* f = key("expected_jobs")) {
    if (auto p = ReadPatterns(*f, JoinKeyPath(path, "expected_jobs"))) out->expected_jobs = *p;
  }
  if (const Field* f = key("taskmanager_metrics")) {
    if (auto b = ReadBool(*f, JoinKeyPath(path, "taskmanager_metrics"))) out->taskmanager_metrics = *b;
  }
  if (const Field* f = key("subtask_metrics")) {
    if (auto b = ReadBool(*f, JoinKeyPath(path, "subtask_metrics"))) out->subtask_metrics = *b;
  }
  if (const Field* f = key("max_subtask_series")) {
    if (auto n = ReadInt(*f, JoinKeyPath(path, "max_subtask_series"), 0, 10000000)) {
      out->max_subtask_series = *n;
    }
  }
  if (const Field* f = key("backpressure_sampling")) {
    if (auto b = ReadBool(*f, JoinKeyPath(path, "backpressure_sampling"))) {
      out->backpressure_sampling = *b;
    }
  }
  if (const Field* f = key("backpressure_sampling_interval")) {
    const std::string ipath = JoinKeyPath(path, "backpressure_sampling_interval");
    if (auto d = ReadDuration(*f, ipath)) {
      if (*d < std::chrono::seconds(10)) {
        Error(ValueLine(*f), ipath, "must be at least 10s: each call makes the JobManager sample stack traces");
      } else {
        out->backpressure_sampling_interval = *d;
      }
    }
  }
}

void Loader::ReadMesosLink(const Fields& fields, const std::string& path, const Config& config,
                           FlinkClusterConfig* out) {
  const auto cluster = fields.find("mesos_cluster");
  const auto framework = fields.find("mesos_framework");
  if (cluster == fields.end() && framework == fields.end()) return;
  if (cluster == fields.end() || framework == fields.end()) {
    const bool has_cluster = cluster != fields.end();
    Error(has_cluster ? cluster->second.line : framework->second.line,
          JoinKeyPath(path, has_cluster ? "mesos_framework" : "mesos_cluster"),
          "required with " + std::string(has_cluster ? "mesos_cluster" : "mesos_framework") +
              " (the join needs both the Mesos cluster and the framework)");
    return;
  }
  const std::string cpath = JoinKeyPath(path, "mesos_cluster");
  if (auto name = ReadString(cluster->second, cpath)) {
    // mesos_clusters is read first whatever the order in the file (see Load()).
    const bool known = std::any_of(config.mesos_clusters.begin(), config.mesos_clusters.end(),
                                   [&](const MesosClusterConfig& m) { return m.name == *name; });
    if (!known) {
      Error(ValueLine(cluster->second), cpath,
            "no Mesos cluster named " + QuoteForMessage(*name) + " in mesos_clusters");
    } else {
      out->mesos_cluster = *name;
    }
  }
  const std::string fpath = JoinKeyPath(path, "mesos_framework");
  if (auto f = ReadString(framework->second, fpath)) {
    if (f->empty()) {
      Error(ValueLine(framework->second), fpath, "must not be empty");
    } else {
      out->mesos_framework = *f;
    }
  }
}

void Loader::ReadMesosCollect(const Fields& fields, const std::string& path,
                              MesosCollectSettings* out) {
  auto key = [&](std::string_view name) -> const Field* {
    auto it = fields.find(std::string(name));
    return it == fields.end() ? nullptr : &it->second;
  };
  if (const Field* f = key("state")) {
    const std::string spath = JoinKeyPath(path, "state");
    if (auto text = ReadString(*f, spath)) {
      if (*text == "events") {
        out->state = MesosStateMode::kEvents;
      } else if (*text == "polling") {
        out->state = MesosStateMode::kPolling;
      } else if (*text == "off") {
        out->state = MesosStateMode::kOff;
      } else {
        Error(ValueLine(*f), spath,
              "expected events, polling or off, got " + QuoteForMessage(*text));
      }
    }
  }
  if (const Field* f = key("state_poll_interval")) {
    if (auto d = ReadDuration(*f, JoinKeyPath(path, "state_poll_interval"))) {
      out->state_poll_interval = *d;
    }
  }
  if (const Field* f = key("task_frameworks")) {
    if (auto p = ReadPatterns(*f, JoinKeyPath(path, "task_frameworks"))) out->task_frameworks = *p;
  }
  if (const Field* f = key("task_page_size")) {
    if (auto n = ReadInt(*f, JoinKeyPath(path, "task_page_size"), 10, 100000)) {
      out->task_page_size = *n;
    }
  }
  if (const Field* f = key("event_stream_idle_timeout")) {
    const std::string ipath = JoinKeyPath(path, "event_stream_idle_timeout");
    if (auto d = ReadDuration(*f, ipath)) {
      // Values below the heartbeat interval only make sense against a test server.
      if (*d < std::chrono::seconds(1)) {
        Error(ValueLine(*f), ipath,
              "must be at least 1s (30s or more recommended: the master sends a heartbeat only "
              "every 15 s)");
      } else {
        out->event_stream_idle_timeout = *d;
      }
    }
  }
  if (const Field* f = key("reconnect_backoff_max")) {
    if (auto d = ReadDuration(*f, JoinKeyPath(path, "reconnect_backoff_max"))) {
      out->reconnect_backoff_max = *d;
    }
  }
}

void Loader::ReadDiscovery(const Field& f, const std::string& path, const PollSettings& global,
                           const MesosClusterConfig& mesos, FlinkDiscoveryConfig* out) {
  const std::optional<Fields> fields =
      ReadMap(f.value, path, f.line,
              {"frameworks", "taskmanager_tasks", "url_template", "drop_after", "poll_interval",
               "poll_timeout", "poll_jitter", "poll_backoff_max", "basic_auth", "bearer_token", "bearer_token_file",
               "token_scheme", "tls", "terminal_job_ttl", "max_concurrent_requests", "jobs",
               "expected_jobs", "taskmanager_metrics", "subtask_metrics", "max_subtask_series",
               "backpressure_sampling", "backpressure_sampling_interval"});
  if (!fields) return;
  if (mesos.collect.state == MesosStateMode::kOff) {
    Error(f.line, path, "needs the frameworks' state: set state to events or polling");
  }
  out->poll = ApplyPoll(global, ReadPollKeys(*fields, path), path, false);
  out->auth = ReadAuth(*fields, path);
  out->tls = global_tls_;
  if (auto it = fields->find("tls"); it != fields->end()) {
    out->tls = ReadTls(it->second, JoinKeyPath(path, "tls"), global_tls_);
  }
  ReadFlinkCollect(*fields, path, &out->collect);
  if (auto it = fields->find("frameworks"); it != fields->end()) {
    if (auto p = ReadPatterns(it->second, JoinKeyPath(path, "frameworks"))) out->framework_names = *p;
  }
  if (auto it = fields->find("taskmanager_tasks"); it != fields->end()) {
    if (auto b = ReadBool(it->second, JoinKeyPath(path, "taskmanager_tasks"))) {
      out->taskmanager_tasks = *b;
    }
  }
  if (out->framework_names.empty() && !out->taskmanager_tasks) {
    Error(f.line, path, "finds nothing: frameworks is empty and taskmanager_tasks is false");
  }
  if (auto it = fields->find("url_template"); it != fields->end()) {
    const std::string tpath = JoinKeyPath(path, "url_template");
    if (auto text = ReadString(it->second, tpath)) {
      std::string problem;
      if (!CheckUrlTemplate(*text, &problem)) {
        Error(ValueLine(it->second), tpath, problem);
      } else {
        out->url_template = *text;
      }
    }
  }
  if (auto it = fields->find("drop_after"); it != fields->end()) {
    if (auto d = ReadDuration(it->second, JoinKeyPath(path, "drop_after"))) out->drop_after = *d;
  }
}

std::optional<std::string> Loader::ReadUrl(const Field& f, const std::string& path) {
  const std::optional<std::string> text = ReadString(f, path);
  if (!text) return std::nullopt;
  std::string url, problem;
  if (!NormalizeUrl(*text, &url, &problem)) {
    Error(ValueLine(f), path, problem);
    return std::nullopt;
  }
  return url;
}

// Reads a secret from a file named relative to the config file's directory; `*resolved`
// receives the file's path. Only the path and the system's reason ever appear in a message,
// never the contents.
std::optional<std::string> Loader::ReadSecretFile(const Field& f, const std::string& path,
                                                  std::string* resolved) {
  const std::optional<std::string> file = ReadPath(f, path);
  if (!file) return std::nullopt;
  Result<std::string> secret = fme::ReadSecretFile(*file);
  if (!secret.ok()) {
    Error(ValueLine(f), path, secret.status().message());
    return std::nullopt;
  }
  *resolved = *file;
  return std::move(secret).value();
}

// A file name, resolved against the config file's directory.
std::optional<std::string> Loader::ReadPath(const Field& f, const std::string& path) {
  const std::optional<std::string> name = ReadString(f, path);
  if (!name) return std::nullopt;
  if (name->empty()) {
    Error(ValueLine(f), path, "must not be empty");
    return std::nullopt;
  }
  std::filesystem::path file(*name);
  if (file.is_relative() && !base_dir_.empty()) file = std::filesystem::path(base_dir_) / file;
  return file.string();
}

PollKeys Loader::ReadPollKeys(const Fields& fields, const std::string& path) {
  PollKeys keys;
  if (auto it = fields.find("poll_interval"); it != fields.end()) {
    keys.interval = ReadDuration(it->second, JoinKeyPath(path, "poll_interval"));
    keys.interval_line = ValueLine(it->second);
  }
  if (auto it = fields.find("poll_timeout"); it != fields.end()) {
    keys.timeout = ReadDuration(it->second, JoinKeyPath(path, "poll_timeout"));
    keys.timeout_line = ValueLine(it->second);
  }
  if (auto it = fields.find("poll_jitter"); it != fields.end()) {
    keys.jitter = ReadJitter(it->second, JoinKeyPath(path, "poll_jitter"));
  }
  if (auto it = fields.find("poll_backoff_max"); it != fields.end()) {
    keys.backoff_max = ReadDuration(it->second, JoinKeyPath(path, "poll_backoff_max"));
  }
  return keys;
}

// Overrides `base` field by field and checks timeout <= interval. The problem is reported at
// a key this mapping sets; when it sets neither, the mismatch is not its fault.
PollSettings Loader::ApplyPoll(const PollSettings& base, const PollKeys& own,
                               const std::string& path, bool is_global) {
  PollSettings poll = base;
  if (own.interval) poll.interval = *own.interval;
  if (own.timeout) poll.timeout = *own.timeout;
  if (own.jitter) poll.jitter = *own.jitter;
  if (own.backoff_max) poll.backoff_max = *own.backoff_max;
  if (poll.timeout <= poll.interval) return poll;

  const std::string inherited = is_global ? "the default" : "from global";
  const std::string interval = FormatDuration(poll.interval);
  const std::string timeout = FormatDuration(poll.timeout);
  if (own.timeout) {
    Error(own.timeout_line, JoinKeyPath(path, "poll_timeout"),
          "poll_timeout (" + timeout + ") must not exceed poll_interval (" + interval +
              (own.interval ? "" : ", " + inherited) + ")");
  } else if (own.interval) {
    Error(own.interval_line, JoinKeyPath(path, "poll_interval"),
          "poll_interval (" + interval + ") must not be shorter than poll_timeout (" + timeout +
              ", " + inherited + ")");
  }
  return poll;
}

// A tls block over `base`, key by key. The client certificate and its key are given together,
// in one block, so that a pair is never made of two blocks' halves.
UpstreamTls Loader::ReadTls(const Field& f, const std::string& path, const UpstreamTls& base) {
  UpstreamTls tls = base;
  const std::optional<Fields> fields =
      ReadMap(f.value, path, f.line,
              {"ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"},
              {{"ca", "inline certificates are not supported; put them in a file and use ca_file"},
               {"cert", "inline certificates are not supported; use cert_file"},
               {"key", "inline keys are not supported; use key_file"},
               {"ca_dir", "not supported; use ca_file with a PEM bundle"}});
  if (!fields) return tls;
  auto key = [&](std::string_view name) -> const Field* {
    auto it = fields->find(name);
    return it == fields->end() ? nullptr : &it->second;
  };
  if (const Field* ca = key("ca_file")) {
    const std::string cpath = JoinKeyPath(path, "ca_file");
    if (auto file = ReadPath(*ca, cpath)) {
      if (std::string problem = CaFileProblem(*file); !problem.empty()) {
        Error(ValueLine(*ca), cpath, problem);
      } else {
        tls.ca_file = *file;
      }
    }
  }
  const Field* cert = key("cert_file");
  const Field* pkey = key("key_file");
  if ((cert == nullptr) != (pkey == nullptr)) {
    const bool has_cert = cert != nullptr;
    Error(has_cert ? cert->line : pkey->line, JoinKeyPath(path, has_cert ? "key_file" : "cert_file"),
          std::string("required with ") + (has_cert ? "cert_file" : "key_file") +
              " (a client certificate and its key go together)");
  } else if (cert != nullptr) {
    const std::string cpath = JoinKeyPath(path, "cert_file");
    const std::string kpath = JoinKeyPath(path, "key_file");
    std::optional<std::string> cert_file = ReadPath(*cert, cpath);
    std::optional<std::string> key_file = ReadPath(*pkey, kpath);
    if (cert_file && key_file) {
      bool key_at_fault = false;
      if (std::string problem = ClientCertificateProblem(*cert_file, *key_file, &key_at_fault);
          !problem.empty()) {
        Error(ValueLine(key_at_fault ? *pkey : *cert), key_at_fault ? kpath : cpath, problem);
      } else {
        tls.cert_file = *cert_file;
        tls.key_file = *key_file;
      }
    }
  }
  if (const Field* name = key("server_name")) {
    const std::string npath = JoinKeyPath(path, "server_name");
    if (auto text = ReadString(*name, npath)) {
      const bool valid = !text->empty() && std::all_of(text->begin(), text->end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.' || c == '_';
      });
      if (!valid) {
        Error(ValueLine(*name), npath,
              "invalid server name " + QuoteForMessage(*text) + " (expected a DNS name)");
      } else {
        tls.server_name = *text;
      }
    }
  }
  if (const Field* skip = key("insecure_skip_verify")) {
    if (auto b = ReadBool(*skip, JoinKeyPath(path, "insecure_skip_verify"))) {
      tls.insecure_skip_verify = *b;
    }
  }
  return tls;
}

void Loader::ReadGlobal(const Field& f, Config* config) {
  const std::string path = "global";
  const std::optional<Fields> fields =
      ReadMap(f.value, path, f.line,
              {"poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max", "connect_timeout",
               "max_response_size", "max_redirects", "tls"});
  if (!fields) return;
  config->poll = ApplyPoll(PollSettings{}, ReadPollKeys(*fields, path), path, true);
  if (auto it = fields->find("tls"); it != fields->end()) {
    global_tls_ = ReadTls(it->second, "global.tls", UpstreamTls{});
  }

  if (auto it = fields->find("connect_timeout"); it != fields->end()) {
    if (auto d = ReadDuration(it->second, "global.connect_timeout"))
      config->http.connect_timeout = *d;
  }
  if (auto it = fields->find("max_response_size"); it != fields->end()) {
    const std::string key = "global.max_response_size";
    if (auto text = ReadString(it->second, key)) {
      Result<std::size_t> size = ParseByteSize(*text);
      if (!size.ok()) {
        Error(ValueLine(it->second), key, size.status().message());
      } else if (*size == 0) {
        Error(ValueLine(it->second), key, "must be greater than 0");
      } else {
        config->http.max_response_bytes = *size;
      }
    }
  }
  if (auto it = fields->find("max_redirects"); it != fields->end()) {
    const std::string key = "global.max_redirects";
    if (auto text = ReadString(it->second, key)) {
      int value = -1;
      const char* end = text->data() + text->size();
      const auto [ptr, ec] = std::from_chars(text->data(), end, value);
      if (text->empty() || ec != std::errc() || ptr != end || value < 0 ||
          value > kMaxRedirectsLimit) {
        Error(ValueLine(it->second), key,
              "invalid value " + QuoteForMessage(*text) + " (expected an integer from 0 to " +
                  std::to_string(kMaxRedirectsLimit) + ")");
      } else {
        config->http.max_redirects = value;
      }
    }
  }
}

void Loader::ReadLimits(const Field& f, Config* config) {
  const std::optional<Fields> fields =
      ReadMap(f.value, "limits", f.line,
              {"max_series_per_target", "max_series", "max_concurrent_requests"});
  if (!fields) return;
  constexpr int kMaxSeriesCap = 1'000'000'000;
  if (auto it = fields->find("max_series_per_target"); it != fields->end()) {
    if (auto n = ReadInt(it->second, "limits.max_series_per_target", 0, kMaxSeriesCap)) {
      config->limits.max_series_per_target = static_cast<std::size_t>(*n);
    }
  }
  if (auto it = fields->find("max_series"); it != fields->end()) {
    if (auto n = ReadInt(it->second, "limits.max_series", 0, kMaxSeriesCap)) {
      config->limits.max_series = static_cast<std::size_t>(*n);
    }
  }
  if (auto it = fields->find("max_concurrent_requests"); it != fields->end()) {
    if (auto n = ReadInt(it->second, "limits.max_concurrent_requests", 0, 4096)) {
      config->limits.max_concurrent_requests = *n;
    }
  }
}

HttpAuth Loader::ReadAuth(const Fields& fields, const std::string& path) {
  HttpAuth auth;
  const auto basic = fields.find("basic_auth");
  const auto token = fields.find("bearer_token");
  const auto token_file = fields.find("bearer_token_file");

  if (basic != fields.end()) {
    const std::string bpath = JoinKeyPath(path, "basic_auth");
    if (token != fields.end() || token_file != fields.end()) {
      const Field& other = token != fields.end() ? token->second : token_file->second;
      Error(other.line,
            JoinKeyPath(path, token != fields.end() ? "bearer_token" : "bearer_token_file"),
            "basic_auth and bearer tokens are mutually exclusive");
    }
    const std::optional<Fields> b = ReadMap(basic->second.value, bpath, basic->second.line,
                                            {"username", "password", "password_file"});
    if (!b) return auth;
    const auto user = b->find("username");
    const auto pass = b->find("password");
    const auto pass_file = b->find("password_file");
    if (user == b->end()) {
      Error(basic->second.line, JoinKeyPath(bpath, "username"), "required key is missing");
    } else if (auto u = ReadString(user->second, JoinKeyPath(bpath, "username"))) {
      // RFC 7617: the user-id cannot contain a colon (it separates user and password).
      if (u->find(':') != std::string::npos) {
        Error(ValueLine(user->second), JoinKeyPath(bpath, "username"), "must not contain ':'");
      } else {
        auth.basic_username = *u;
      }
    }
    if (pass != b->end() && pass_file != b->end()) {
      Error(pass_file->second.line, JoinKeyPath(bpath, "password_file"),
            "password and password_file are mutually exclusive");
    } else if (pass != b->end()) {
      auth.basic_password = ReadString(pass->second, JoinKeyPath(bpath, "password"));
    } else if (pass_file != b->end()) {
      auth.basic_password = ReadSecretFile(pass_file->second, JoinKeyPath(bpath, "password_file"),
                                           &auth.basic_password_file);
    } else {
      Error(basic->second.line, JoinKeyPath(bpath, "password"),
            "required key is missing (set password or password_file)");
    }
    return auth;
  }

  if (token != fields.end() && token_file != fields.end()) {
    Error(token_file->second.line, JoinKeyPath(path, "bearer_token_file"),
          "bearer_token and bearer_token_file are mutually exclusive");
    return auth;
  }
  const bool from_file = token_file != fields.end();
  if (!from_file && token == fields.end()) return auth;
  const Field& f = from_file ? token_file->second : token->second;
  const std::string tpath = JoinKeyPath(path, from_file ? "bearer_token_file" : "bearer_token");
  std::string token_path;
  std::optional<std::string> value =
      from_file ? ReadSecretFile(f, tpath, &token_path) : ReadString(f, tpath);
  if (!value) return auth;
  if (value->empty() && !from_file) {
    Error(ValueLine(f), tpath, "must not be empty");
  } else if (std::string problem = SecretProblem(SecretKind::kToken, *value); !problem.empty()) {
    Error(ValueLine(f), tpath, problem);
  } else {
    auth.bearer_token = std::move(value);
    auth.bearer_token_file = std::move(token_path);
  }
  if (auto scheme = fields.find("token_scheme"); scheme != fields.end()) {
    const std::string spath = JoinKeyPath(path, "token_scheme");
    if (auto text = ReadString(scheme->second, spath)) {
      if (*text == "dcos") {
        auth.dcos_token_scheme = true;
      } else if (*text != "bearer") {
        Error(ValueLine(scheme->second), spath,
              "expected bearer or dcos, got " + QuoteForMessage(*text));
      }
    }
  }
  return auth;
}

template <typename Cluster>
std::optional<Fields> Loader::ReadClusterCommon(const YAML::Node& item, const std::string& path,
                                                int line,
                                                std::initializer_list<std::string_view> known,
                                                std::map<std::string, int>* names,
                                                const PollSettings& global, Cluster* out) {
  std::optional<Fields> fields = ReadMap(item, path, line, known);
  if (!fields) return std::nullopt;
  if (auto it = fields->find("name"); it == fields->end()) {
    Error(line, JoinKeyPath(path, "name"), "required key is missing");
  } else if (auto name = ReadString(it->second, JoinKeyPath(path, "name"))) {
    const int name_line = ValueLine(it->second);
    if (name->empty()) {
      Error(name_line, JoinKeyPath(path, "name"), "must not be empty");
    } else if (auto [prev, inserted] = names->emplace(*name, name_line); !inserted) {
      Error(name_line, JoinKeyPath(path, "name"),
            "duplicate cluster name " + QuoteForMessage(*name) + " (first at line " +
                std::to_string(prev->second) + ")");
    }
    out->name = *name;
  }
  out->poll = ApplyPoll(global, ReadPollKeys(*fields, path), path, false);
  out->auth = ReadAuth(*fields, path);
  out->tls = global_tls_;
  if (auto it = fields->find("tls"); it != fields->end()) {
    out->tls = ReadTls(it->second, JoinKeyPath(path, "tls"), global_tls_);
  }
  return fields;
}

// The items of a top-level list section (none if it is empty), or nothing if it is not a list.
std::optional<std::vector<YAML::Node>> Items(const Field& f) {
  if (f.value.IsNull()) return std::vector<YAML::Node>{};
  if (!f.value.IsSequence()) return std::nullopt;
  return std::vector<YAML::Node>(f.value.begin(), f.value.end());
}

void Loader::ReadMesos(const Field& f, Config* config) {
  const std::optional<std::vector<YAML::Node>> items = Items(f);
  if (!items) {
    Error(ValueLine(f), "mesos_clusters", "expected a list of clusters, got " + DescribeYamlNode(f.value));
    return;
  }
  std::map<std::string, int> names;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string path = IndexKeyPath("mesos_clusters", i);
    const int line = LineOf(item, f.line);
    MesosClusterConfig cluster;
    const std::optional<Fields> fields =
        ReadClusterCommon(item, path, line,
                          {"name", "masters", "poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max",
                           "basic_auth", "bearer_token", "bearer_token_file", "token_scheme", "tls", "state",
                           "state_poll_interval", "task_frameworks", "task_page_size",
                           "event_stream_idle_timeout", "reconnect_backoff_max", "discover_flink"},
                          &names, config->poll, &cluster);
    if (!fields) continue;
    ReadMesosCollect(*fields, path, &cluster.collect);
    if (auto it = fields->find("discover_flink"); it != fields->end()) {
      FlinkDiscoveryConfig discovery;
      ReadDiscovery(it->second, JoinKeyPath(path, "discover_flink"), config->poll, cluster, &discovery);
      cluster.discover_flink = std::move(discovery);
    }

    const std::string mpath = JoinKeyPath(path, "masters");
    const auto masters = fields->find("masters");
    if (masters == fields->end()) {
      Error(line, mpath, "required key is missing");
    } else if (!masters->second.value.IsSequence() || masters->second.value.size() == 0) {
      Error(ValueLine(masters->second), mpath,
            "expected a non-empty list of URLs, got " + (masters->second.value.IsSequence()
                                                             ? "an empty list"
                                                             : DescribeYamlNode(masters->second.value)));
    } else {
      std::map<std::string, int> seen;
      const YAML::Node& list = masters->second.value;
      for (std::size_t j = 0; j < list.size(); ++j) {
        const Field entry{list[j], LineOf(list[j], masters->second.line)};
        const std::string epath = IndexKeyPath(mpath, j);
        std::optional<std::string> url = ReadUrl(entry, epath);
        if (!url) continue;
        if (auto [prev, inserted] = seen.emplace(*url, entry.line); !inserted) {
          Error(entry.line, epath,
                "duplicate master " + QuoteForMessage(*url) + " (first at line " +
                    std::to_string(prev->second) + ")");
          continue;
        }
        cluster.masters.push_back(std::move(*url));
      }
    }
    config->mesos_clusters.push_back(std::move(cluster));
  }
}

void Loader::ReadFlink(const Field& f, Config* config) {
  const std::optional<std::vector<YAML::Node>> items = Items(f);
  if (!items) {
    Error(ValueLine(f), "flink_clusters", "expected a list of clusters, got " + DescribeYamlNode(f.value));
    return;
  }
  std::map<std::string, int> names;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string path = IndexKeyPath("flink_clusters", i);
    const int line = LineOf(item, f.line);
    FlinkClusterConfig cluster;
    const std::optional<Fields> fields =
        ReadClusterCommon(item, path, line,
                          {"name", "rest_url", "poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max",
                           "basic_auth", "bearer_token", "bearer_token_file", "token_scheme", "tls", "terminal_job_ttl",
                           "max_concurrent_requests", "jobs", "expected_jobs", "taskmanager_metrics", "mesos_cluster",
                           "mesos_framework",
                           "subtask_metrics", "max_subtask_series", "backpressure_sampling",
                           "backpressure_sampling_interval"},
                          &names, config->poll, &cluster);
    if (!fields) continue;
    ReadFlinkCollect(*fields, path, &cluster.collect);
    ReadMesosLink(*fields, path, *config, &cluster);
    if (auto it = fields->find("rest_url"); it == fields->end()) {
      Error(line, JoinKeyPath(path, "rest_url"), "required key is missing");
    } else if (auto url = ReadUrl(it->second, JoinKeyPath(path, "rest_url"))) {
      cluster.rest_url = std::move(*url);
    }
    config->flink_clusters.push_back(std::move(cluster));
  }
}

Result<Config> Loader::Load(const std::string& text) {
  Config config;
  Status status = Parse(text, [&](const YAML::Node& root) {
    if (!root.IsMap()) {
      Error(LineOf(root, 1), "top level",
            "expected a mapping with keys global, mesos_clusters, flink_clusters, got " +
                DescribeYamlNode(root));
    } else if (std::optional<Fields> top = ReadMap(
                   root, "", 1, {"global", "limits", "mesos_clusters", "flink_clusters"})) {
      // Global first, whatever the order in the file: the clusters inherit from it.
      if (auto it = top->find("global"); it != top->end()) ReadGlobal(it->second, &config);
      if (auto it = top->find("limits"); it != top->end()) ReadLimits(it->second, &config);
      if (auto it = top->find("mesos_clusters"); it != top->end()) ReadMesos(it->second, &config);
      if (auto it = top->find("flink_clusters"); it != top->end()) ReadFlink(it->second, &config);
    }
  });
  if (!status.ok()) return status;
  return config;
}

}  // namespace

Result<Config> ParseConfig(const std::string& yaml_text, const std::string& origin,
                           const std::string& base_dir) {
  return Loader(origin, base_dir).Load(yaml_text);
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!fp) {
    const int err = errno;
    std::string message = path + ": cannot read config file: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(std::move(message))
                         : Status::InvalidConfig(std::move(message));
  }
  std::string text;
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, fp.get())) > 0) text.append(buf, n);
  if (std::ferror(fp.get())) {
    return Status::InvalidConfig(path + ": cannot read config file: " + std::strerror(errno));
  }
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  if (base_dir.empty()) base_dir = ".";
  return ParseConfig(text, path, base_dir);
}

}  // namespace fme
