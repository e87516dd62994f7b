// ParseConfig / LoadConfigFile: YAML text -> validated Config.
//
// The loader walks the document once, collecting every problem instead of stopping at the
// first, so that `--config.check` can show them all. Each problem is formatted as
// `<origin>:<line>: <key path>: <problem>`; the problems are sorted by line and joined with
// newlines into one kInvalidConfig Status. yaml-cpp exceptions never escape.
//
// Secrets (passwords, bearer tokens, URLs carrying credentials) are never put in a message.
#include <yaml-cpp/eventhandler.h>
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
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/duration.h"
#include "config/message_quote.h"
#include "discovery/url_template.h"
#include "fme/config.h"

namespace fme {
namespace {

constexpr std::size_t kMaxSecretFileBytes = std::size_t{64} * 1024;
constexpr int kMaxRedirectsLimit = 20;



std::string Describe(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Scalar: return "a scalar";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    default: return "nothing";
  }
}

std::string JoinPath(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string IndexPath(const std::string& path, std::size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

// Levenshtein distance, for "did you mean" hints on unknown keys.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
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

// A value in a mapping, with the 1-based line of its key.
struct Field {
  YAML::Node value;
  int line = 0;
};
using Fields = std::map<std::string, Field, std::less<>>;

// A per-target (or global) poll setting as written, with where it was written.
struct PollKeys {
  std::optional<Duration> interval, timeout, backoff_max;
  std::optional<double> jitter;
  int interval_line = 0, timeout_line = 0;
};

class Loader {
 public:
  Loader(std::string origin, std::string base_dir)
      : origin_(std::move(origin)), base_dir_(std::move(base_dir)) {}

  Result<Config> Load(const std::string& text);

 private:
  void Error(int line, const std::string& path, const std::string& problem) {
    problems_.push_back(
        {line, origin_ + ":" + std::to_string(line) + ": " + path + ": " + problem});
  }

  static int LineOf(const YAML::Node& n, int fallback) {
    return n.Mark().is_null() ? fallback : n.Mark().line + 1;
  }
  // Where a value problem is reported: the value itself unless it is empty (yaml-cpp puts an
  // empty value's mark on the following line).
  static int ValueLine(const Field& f) {
    return f.value.IsNull() ? f.line : LineOf(f.value, f.line);
  }

  std::optional<Fields> ReadMap(const YAML::Node& node, const std::string& path, int line,
                                std::initializer_list<std::string_view> known);
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
  std::optional<std::string> ReadSecretFile(const Field& f, const std::string& path);

  PollKeys ReadPollKeys(const Fields& fields, const std::string& path);
  PollSettings ApplyPoll(const PollSettings& base, const PollKeys& own, const std::string& path,
                         bool is_global);
  void ReadGlobal(const Field& f, Config* config);
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

  struct Problem {
    int line;
    std::string text;
  };
  std::string origin_;
  std::string base_dir_;
  std::vector<Problem> problems_;
};

std::optional<Fields> Loader::ReadMap(const YAML::Node& node, const std::string& path, int line,
                                      std::initializer_list<std::string_view> known) {
  Fields fields;
  if (node.IsNull()) return fields;  // `key:` with nothing under it: an empty mapping
  if (!node.IsMap()) {
    Error(LineOf(node, line), path, "expected a mapping, got " + Describe(node));
    return std::nullopt;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const int key_line = LineOf(it->first, line);
    if (!it->first.IsScalar()) {
      Error(key_line, path, "mapping keys must be plain strings, got " + Describe(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    const std::string key_path = JoinPath(path, EscapeForMessage(key));
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string problem = "unknown key";
      for (std::string_view candidate : known) {
        if (EditDistance(key, candidate) <= 2) {
          problem += " (did you mean " + std::string(candidate) + "?)";
          break;
        }
      }
      Error(key_line, key_path, problem);
      continue;
    }
    if (auto prev = fields.find(key); prev != fields.end()) {
      Error(key_line, key_path,
            "duplicate key (first at line " + std::to_string(prev->second.line) + ")");
      continue;
    }
    fields.emplace(key, Field{it->second, key_line});
  }
  return fields;
}

std::optional<std::string> Loader::ReadString(const Field& f, const std::string& path) {
  if (f.value.IsNull()) {
    Error(f.line, path, "missing value");
    return std::nullopt;
  }
  if (!f.value.IsScalar()) {
    Error(ValueLine(f), path, "expected a single value, got " + Describe(f.value));
    return std::nullopt;
  }
  std::string out, problem;
  if (!ExpandEnv(f.value.Scalar(), &out, &problem)) {
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
    Error(ValueLine(f), path, "expected a list of regular expressions, got " + Describe(f.value));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < f.value.size(); ++i) {
    const Field entry{f.value[i], LineOf(f.value[i], f.line)};
    const std::string epath = IndexPath(path, i);
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
    if (auto d = ReadDuration(*f, JoinPath(path, "terminal_job_ttl"))) out->terminal_job_ttl = *d;
  }
  if (const Field* f = key("max_concurrent_requests")) {
    if (auto n = ReadInt(*f, JoinPath(path, "max_concurrent_requests"), 1, 64)) {
      out->max_concurrent_requests = *n;
    }
  }
  if (const Field* f = key("jobs")) {
    const std::string jpath = JoinPath(path, "jobs");
    if (std::optional<Fields> jobs = ReadMap(f->value, jpath, f->line, {"include", "exclude"})) {
      if (auto it = jobs->find("include"); it != jobs->end()) {
        if (auto p = ReadPatterns(it->second, JoinPath(jpath, "include"))) out->include_jobs = *p;
      }
      if (auto it = jobs->find("exclude"); it != jobs->end()) {
        if (auto p = ReadPatterns(it->second, JoinPath(jpath, "exclude"))) out->exclude_jobs = *p;
      }
    }
  }
  if (const Field* f = key("expected_jobs")) {
    if (auto p = ReadPatterns(*f, JoinPath(path, "expected_jobs"))) out->expected_jobs = *p;
  }
  if (const Field* f = key("taskmanager_metrics")) {
    if (auto b = ReadBool(*f, JoinPath(path, "taskmanager_metrics"))) out->taskmanager_metrics = *b;
  }
  if (const Field* f = key("subtask_metrics")) {
    if (auto b = ReadBool(*f, JoinPath(path, "subtask_metrics"))) out->subtask_metrics = *b;
  }
  if (const Field* f = key("max_subtask_series")) {
    if (auto n = ReadInt(*f, JoinPath(path, "max_subtask_series"), 0, 10000000)) {
      out->max_subtask_series = *n;
    }
  }
  if (const Field* f = key("backpressure_sampling")) {
    if (auto b = ReadBool(*f, JoinPath(path, "backpressure_sampling"))) {
      out->backpressure_sampling = *b;
    }
  }
  if (const Field* f = key("backpressure_sampling_interval")) {
    const std::string ipath = JoinPath(path, "backpressure_sampling_interval");
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
          JoinPath(path, has_cluster ? "mesos_framework" : "mesos_cluster"),
          "required with " + std::string(has_cluster ? "mesos_cluster" : "mesos_framework") +
              " (the join needs both the Mesos cluster and the framework)");
    return;
  }
  const std::string cpath = JoinPath(path, "mesos_cluster");
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
  const std::string fpath = JoinPath(path, "mesos_framework");
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
    const std::string spath = JoinPath(path, "state");
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
    if (auto d = ReadDuration(*f, JoinPath(path, "state_poll_interval"))) {
      out->state_poll_interval = *d;
    }
  }
  if (const Field* f = key("task_frameworks")) {
    if (auto p = ReadPatterns(*f, JoinPath(path, "task_frameworks"))) out->task_frameworks = *p;
  }
  if (const Field* f = key("task_page_size")) {
    if (auto n = ReadInt(*f, JoinPath(path, "task_page_size"), 10, 100000)) {
      out->task_page_size = *n;
    }
  }
  if (const Field* f = key("event_stream_idle_timeout")) {
    const std::string ipath = JoinPath(path, "event_stream_idle_timeout");
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
    if (auto d = ReadDuration(*f, JoinPath(path, "reconnect_backoff_max"))) {
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
               "token_scheme", "terminal_job_ttl", "max_concurrent_requests", "jobs",
               "expected_jobs", "taskmanager_metrics", "subtask_metrics", "max_subtask_series",
               "backpressure_sampling", "backpressure_sampling_interval"});
  if (!fields) return;
  if (mesos.collect.state == MesosStateMode::kOff) {
    Error(f.line, path, "needs the frameworks' state: set state to events or polling");
  }
  out->poll = ApplyPoll(global, ReadPollKeys(*fields, path), path, false);
  out->auth = ReadAuth(*fields, path);
  ReadFlinkCollect(*fields, path, &out->collect);
  if (auto it = fields->find("frameworks"); it != fields->end()) {
    if (auto p = ReadPatterns(it->second, JoinPath(path, "frameworks"))) out->framework_names = *p;
  }
  if (auto it = fields->find("taskmanager_tasks"); it != fields->end()) {
    if (auto b = ReadBool(it->second, JoinPath(path, "taskmanager_tasks"))) {
      out->taskmanager_tasks = *b;
    }
  }
  if (out->framework_names.empty() && !out->taskmanager_tasks) {
    Error(f.line, path, "finds nothing: frameworks is empty and taskmanager_tasks is false");
  }
  if (auto it = fields->find("url_template"); it != fields->end()) {
    const std::string tpath = JoinPath(path, "url_template");
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
    if (auto d = ReadDuration(it->second, JoinPath(path, "drop_after"))) out->drop_after = *d;
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

// Reads a secret from a file named relative to the config file's directory. Only the path
// and the system's reason ever appear in a message, never the contents.
std::optional<std::string> Loader::ReadSecretFile(const Field& f, const std::string& path) {
  const std::optional<std::string> name = ReadString(f, path);
  if (!name) return std::nullopt;
  if (name->empty()) {
    Error(ValueLine(f), path, "must not be empty");
    return std::nullopt;
  }
  std::filesystem::path file(*name);
  if (file.is_relative() && !base_dir_.empty()) file = std::filesystem::path(base_dir_) / file;
  const std::string shown = QuoteForMessage(file.string());

  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    Error(ValueLine(f), path, "cannot read " + shown + ": is a directory");
    return std::nullopt;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(file.c_str(), "rb"), &std::fclose);
  if (!fp) {
    Error(ValueLine(f), path, "cannot read " + shown + ": " + std::strerror(errno));
    return std::nullopt;
  }
  std::string secret;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, fp.get())) > 0) {
    secret.append(buf, n);
    if (secret.size() > kMaxSecretFileBytes) {
      Error(ValueLine(f), path,
            "cannot read " + shown + ": larger than " + std::to_string(kMaxSecretFileBytes) +
                " bytes");
      return std::nullopt;
    }
  }
  if (std::ferror(fp.get())) {
    Error(ValueLine(f), path, "cannot read " + shown + ": " + std::strerror(errno));
    return std::nullopt;
  }
  // Files written by editors and `echo` end with a newline that is not part of the secret.
  // "\r\n" counts as one newline.
  if (!secret.empty() && secret.back() == '\n') {
    secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  }
  return secret;
}

PollKeys Loader::ReadPollKeys(const Fields& fields, const std::string& path) {
  PollKeys keys;
  if (auto it = fields.find("poll_interval"); it != fields.end()) {
    keys.interval = ReadDuration(it->second, JoinPath(path, "poll_interval"));
    keys.interval_line = ValueLine(it->second);
  }
  if (auto it = fields.find("poll_timeout"); it != fields.end()) {
    keys.timeout = ReadDuration(it->second, JoinPath(path, "poll_timeout"));
    keys.timeout_line = ValueLine(it->second);
  }
  if (auto it = fields.find("poll_jitter"); it != fields.end()) {
    keys.jitter = ReadJitter(it->second, JoinPath(path, "poll_jitter"));
  }
  if (auto it = fields.find("poll_backoff_max"); it != fields.end()) {
    keys.backoff_max = ReadDuration(it->second, JoinPath(path, "poll_backoff_max"));
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
    Error(own.timeout_line, JoinPath(path, "poll_timeout"),
          "poll_timeout (" + timeout + ") must not exceed poll_interval (" + interval +
              (own.interval ? "" : ", " + inherited) + ")");
  } else if (own.interval) {
    Error(own.interval_line, JoinPath(path, "poll_interval"),
          "poll_interval (" + interval + ") must not be shorter than poll_timeout (" + timeout +
              ", " + inherited + ")");
  }
  return poll;
}

void Loader::ReadGlobal(const Field& f, Config* config) {
  const std::string path = "global";
  const std::optional<Fields> fields =
      ReadMap(f.value, path, f.line,
              {"poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max", "connect_timeout",
               "max_response_size", "max_redirects"});
  if (!fields) return;
  config->poll = ApplyPoll(PollSettings{}, ReadPollKeys(*fields, path), path, true);

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

HttpAuth Loader::ReadAuth(const Fields& fields, const std::string& path) {
  HttpAuth auth;
  const auto basic = fields.find("basic_auth");
  const auto token = fields.find("bearer_token");
  const auto token_file = fields.find("bearer_token_file");

  if (basic != fields.end()) {
    const std::string bpath = JoinPath(path, "basic_auth");
    if (token != fields.end() || token_file != fields.end()) {
      const Field& other = token != fields.end() ? token->second : token_file->second;
      Error(other.line,
            JoinPath(path, token != fields.end() ? "bearer_token" : "bearer_token_file"),
            "basic_auth and bearer tokens are mutually exclusive");
    }
    const std::optional<Fields> b = ReadMap(basic->second.value, bpath, basic->second.line,
                                            {"username", "password", "password_file"});
    if (!b) return auth;
    const auto user = b->find("username");
    const auto pass = b->find("password");
    const auto pass_file = b->find("password_file");
    if (user == b->end()) {
      Error(basic->second.line, JoinPath(bpath, "username"), "required key is missing");
    } else if (auto u = ReadString(user->second, JoinPath(bpath, "username"))) {
      // RFC 7617: the user-id cannot contain a colon (it separates user and password).
      if (u->find(':') != std::string::npos) {
        Error(ValueLine(user->second), JoinPath(bpath, "username"), "must not contain ':'");
      } else {
        auth.basic_username = *u;
      }
    }
    if (pass != b->end() && pass_file != b->end()) {
      Error(pass_file->second.line, JoinPath(bpath, "password_file"),
            "password and password_file are mutually exclusive");
    } else if (pass != b->end()) {
      auth.basic_password = ReadString(pass->second, JoinPath(bpath, "password"));
    } else if (pass_file != b->end()) {
      auth.basic_password = ReadSecretFile(pass_file->second, JoinPath(bpath, "password_file"));
    } else {
      Error(basic->second.line, JoinPath(bpath, "password"),
            "required key is missing (set password or password_file)");
    }
    return auth;
  }

  if (token != fields.end() && token_file != fields.end()) {
    Error(token_file->second.line, JoinPath(path, "bearer_token_file"),
          "bearer_token and bearer_token_file are mutually exclusive");
    return auth;
  }
  const bool from_file = token_file != fields.end();
  if (!from_file && token == fields.end()) return auth;
  const Field& f = from_file ? token_file->second : token->second;
  const std::string tpath = JoinPath(path, from_file ? "bearer_token_file" : "bearer_token");
  std::optional<std::string> value = from_file ? ReadSecretFile(f, tpath) : ReadString(f, tpath);
  if (!value) return auth;
  // The token goes into an HTTP header verbatim; a line break there would split the header.
  if (value->empty()) {
    Error(ValueLine(f), tpath, from_file ? "the token file is empty" : "must not be empty");
  } else if (HasControlChar(*value)) {
    Error(ValueLine(f), tpath, "the token contains a line break or other control character");
  } else {
    auth.bearer_token = std::move(value);
  }
  if (auto scheme = fields.find("token_scheme"); scheme != fields.end()) {
    const std::string spath = JoinPath(path, "token_scheme");
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
    Error(line, JoinPath(path, "name"), "required key is missing");
  } else if (auto name = ReadString(it->second, JoinPath(path, "name"))) {
    const int name_line = ValueLine(it->second);
    if (name->empty()) {
      Error(name_line, JoinPath(path, "name"), "must not be empty");
    } else if (auto [prev, inserted] = names->emplace(*name, name_line); !inserted) {
      Error(name_line, JoinPath(path, "name"),
            "duplicate cluster name " + QuoteForMessage(*name) + " (first at line " +
                std::to_string(prev->second) + ")");
    }
    out->name = *name;
  }
  out->poll = ApplyPoll(global, ReadPollKeys(*fields, path), path, false);
  out->auth = ReadAuth(*fields, path);
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
    Error(ValueLine(f), "mesos_clusters", "expected a list of clusters, got " + Describe(f.value));
    return;
  }
  std::map<std::string, int> names;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string path = IndexPath("mesos_clusters", i);
    const int line = LineOf(item, f.line);
    MesosClusterConfig cluster;
    const std::optional<Fields> fields =
        ReadClusterCommon(item, path, line,
                          {"name", "masters", "poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max",
                           "basic_auth", "bearer_token", "bearer_token_file", "token_scheme", "state",
                           "state_poll_interval", "task_frameworks", "task_page_size",
                           "event_stream_idle_timeout", "reconnect_backoff_max", "discover_flink"},
                          &names, config->poll, &cluster);
    if (!fields) continue;
    ReadMesosCollect(*fields, path, &cluster.collect);
    if (auto it = fields->find("discover_flink"); it != fields->end()) {
      FlinkDiscoveryConfig discovery;
      ReadDiscovery(it->second, JoinPath(path, "discover_flink"), config->poll, cluster, &discovery);
      cluster.discover_flink = std::move(discovery);
    }

    const std::string mpath = JoinPath(path, "masters");
    const auto masters = fields->find("masters");
    if (masters == fields->end()) {
      Error(line, mpath, "required key is missing");
    } else if (!masters->second.value.IsSequence() || masters->second.value.size() == 0) {
      Error(ValueLine(masters->second), mpath,
            "expected a non-empty list of URLs, got " + (masters->second.value.IsSequence()
                                                             ? "an empty list"
                                                             : Describe(masters->second.value)));
    } else {
      std::map<std::string, int> seen;
      const YAML::Node& list = masters->second.value;
      for (std::size_t j = 0; j < list.size(); ++j) {
        const Field entry{list[j], LineOf(list[j], masters->second.line)};
        const std::string epath = IndexPath(mpath, j);
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
    Error(ValueLine(f), "flink_clusters", "expected a list of clusters, got " + Describe(f.value));
    return;
  }
  std::map<std::string, int> names;
  for (std::size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& item = (*items)[i];
    const std::string path = IndexPath("flink_clusters", i);
    const int line = LineOf(item, f.line);
    FlinkClusterConfig cluster;
    const std::optional<Fields> fields =
        ReadClusterCommon(item, path, line,
                          {"name", "rest_url", "poll_interval", "poll_timeout", "poll_jitter", "poll_backoff_max",
                           "basic_auth", "bearer_token", "bearer_token_file", "token_scheme", "terminal_job_ttl",
                           "max_concurrent_requests", "jobs", "expected_jobs", "taskmanager_metrics", "mesos_cluster",
                           "mesos_framework",
                           "subtask_metrics", "max_subtask_series", "backpressure_sampling",
                           "backpressure_sampling_interval"},
                          &names, config->poll, &cluster);
    if (!fields) continue;
    ReadFlinkCollect(*fields, path, &cluster.collect);
    ReadMesosLink(*fields, path, *config, &cluster);
    if (auto it = fields->find("rest_url"); it == fields->end()) {
      Error(line, JoinPath(path, "rest_url"), "required key is missing");
    } else if (auto url = ReadUrl(it->second, JoinPath(path, "rest_url"))) {
      cluster.rest_url = std::move(*url);
    }
    config->flink_clusters.push_back(std::move(cluster));
  }
}

// Where the documents of a YAML stream start, read without building them: yaml-cpp 0.7's
// LoadAll never returns on some malformed input (a ',' outside a flow collection), because its
// parser then reports the same empty document again and again without consuming anything, and
// LoadAll collects them until memory runs out. So at most two documents are read here, and a
// second document that starts where the first one did is that stuck parser: a syntax error.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;  // of each document
  std::vector<YAML::Mark> roots;   // of each document's root node

  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { Root(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { Root(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    Root(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    Root(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    Root(mark);
  }
  void OnMapEnd() override {}

 private:
  void Root(const YAML::Mark& mark) {
    if (roots.size() < starts.size()) roots.push_back(mark);
  }
};

Result<Config> Loader::Load(const std::string& text) {
  Config config;
  try {
    std::istringstream stream(text);
    YAML::Parser parser(stream);
    DocumentStarts marks;
    for (int i = 0; i < 2 && parser.HandleNextDocument(marks); ++i) {
    }
    const bool stuck = marks.starts.size() > 1 && marks.starts[1].pos == marks.starts[0].pos;
    if (stuck) {
      const YAML::Mark& at = marks.starts[0];
      const std::size_t pos = std::min(static_cast<std::size_t>(std::max(at.pos, 0)), text.size());
      Error(at.line + 1, "yaml",
            "syntax error: unexpected " + QuoteForMessage(std::string_view(text).substr(pos, 1)) +
                " (column " + std::to_string(at.column + 1) + ")");
    } else if (marks.starts.size() > 1) {
      const YAML::Mark& at = marks.roots.size() > 1 ? marks.roots[1] : marks.starts[1];
      Error(at.line + 1, "top level", "only one YAML document is allowed");
    }
    std::vector<YAML::Node> docs;
    if (!marks.starts.empty() && !stuck) docs.push_back(YAML::Load(text));
    // No document (empty file, only comments) or an explicitly empty one: no targets.
    if (!docs.empty() && !docs[0].IsNull()) {
      const YAML::Node& root = docs[0];
      if (!root.IsMap()) {
        Error(LineOf(root, 1), "top level",
              "expected a mapping with keys global, mesos_clusters, flink_clusters, got " +
                  Describe(root));
      } else if (std::optional<Fields> top =
                     ReadMap(root, "", 1, {"global", "mesos_clusters", "flink_clusters"})) {
        // Global first, whatever the order in the file: the clusters inherit from it.
        if (auto it = top->find("global"); it != top->end()) ReadGlobal(it->second, &config);
        if (auto it = top->find("mesos_clusters"); it != top->end()) ReadMesos(it->second, &config);
        if (auto it = top->find("flink_clusters"); it != top->end()) ReadFlink(it->second, &config);
      }
    }
  } catch (const YAML::Exception& e) {
    const int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    std::string where =
        e.mark.is_null() ? "" : " (column " + std::to_string(e.mark.column + 1) + ")";
    Error(line, "yaml", "syntax error: " + e.msg + where);
  }
  if (problems_.empty()) return config;

  std::stable_sort(problems_.begin(), problems_.end(),
                   [](const Problem& a, const Problem& b) { return a.line < b.line; });
  std::string message;
  for (const Problem& p : problems_) {
    if (!message.empty()) message += '\n';
    message += p.text;
  }
  return Status::InvalidConfig(std::move(message));
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
