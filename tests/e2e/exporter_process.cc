#include "exporter_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace fme::e2e {

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds step) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= give_up) return false;
    std::this_thread::sleep_for(step);
  }
}

// --- TempDir ------------------------------------------------------------------------------

TempDir::TempDir() {
  std::error_code ec;
  std::string pattern = (std::filesystem::temp_directory_path(ec) / "fme-e2e-XXXXXX").string();
  if (ec) pattern = "/tmp/fme-e2e-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp(" << pattern << "): " << std::strerror(errno);
    return;
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempDir::Write(const std::string& name, const std::string& contents) const {
  const std::string file = path_ + "/" + name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << contents;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << file;
  return file;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string FindProgram(const std::string& configured, const std::string& name) {
  if (!configured.empty() && ::access(configured.c_str(), X_OK) == 0) return configured;
  const char* path = std::getenv("PATH");
  if (path == nullptr) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// --- Subprocess ---------------------------------------------------------------------------

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "wait status " + std::to_string(status);
}

Subprocess::~Subprocess() {
  if (Running()) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

::testing::AssertionResult Subprocess::Start(const std::vector<std::string>& argv,
                                             const std::string& stdout_path,
                                             const std::string& stderr_path) {
  if (argv.empty()) return ::testing::AssertionFailure() << "no program to start";
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&files, STDOUT_FILENO, stdout_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // The child starts with no blocked signals and default dispositions, whatever the test
  // process set up (it ignores SIGPIPE).
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &files, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&files);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    return ::testing::AssertionFailure() << "cannot start " << argv[0] << ": " << std::strerror(rc);
  }
  pid_ = pid;
  wait_status_.reset();
  return ::testing::AssertionSuccess();
}

bool Subprocess::Running() {
  if (pid_ <= 0 || wait_status_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    wait_status_ = status;
    return false;
  }
  return r == 0;
}

std::optional<int> Subprocess::Terminate(std::chrono::milliseconds grace) {
  if (!Running()) return wait_status_;
  ::kill(pid_, SIGTERM);
  if (WaitFor([this] { return !Running(); }, grace, 10ms)) return wait_status_;
  ::kill(pid_, SIGKILL);
  WaitFor([this] { return !Running(); }, 10s, 10ms);
  return std::nullopt;
}

// --- ExporterProcess ----------------------------------------------------------------------

ExporterProcess::~ExporterProcess() {
  if (process_.pid() > 0 && !stopped_) {
    EXPECT_TRUE(Stop()) << "the exporter did not shut down cleanly";
  }
  if (process_.pid() > 0 && ::testing::Test::HasFailure()) {
    std::string log = ReadLog();
    constexpr std::size_t kMax = 20000;
    if (log.size() > kMax) log = "[...]\n" + log.substr(log.size() - kMax);
    std::fprintf(stderr, "---- exporter log (%s) ----\n%s---- end of exporter log ----\n",
                 log_path_.c_str(), log.c_str());
  }
}

::testing::AssertionResult ExporterProcess::Start(const std::string& config_yaml,
                                                  const std::vector<std::string>& extra_flags) {
  if (dir_.path().empty()) return ::testing::AssertionFailure() << "no temporary directory";
  const std::string config = dir_.Write("exporter.yml", config_yaml);
  log_path_ = dir_.path() + "/exporter.stderr";
  std::vector<std::string> argv = {FME_EXPORTER_BIN, "--config.file=" + config,
                                   "--web.listen-address=127.0.0.1:0"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  auto started = process_.Start(argv, dir_.path() + "/exporter.stdout", log_path_);
  if (!started) return started;

  static const std::regex kListening(R"(msg=listening address=127\.0\.0\.1:(\d+))");
  const bool found = WaitFor(
      [&] {
        std::smatch m;
        const std::string log = ReadLog();
        if (std::regex_search(log, m, kListening)) {
          port_ = std::stoi(m[1].str());
          return true;
        }
        return !process_.Running();
      },
      20s, 10ms);
  if (port_ > 0) return ::testing::AssertionSuccess();
  auto failure = ::testing::AssertionFailure();
  if (!process_.Running() && process_.WaitStatus()) {
    stopped_ = true;
    failure << "the exporter " << DescribeWaitStatus(*process_.WaitStatus())
            << " before listening";
  } else {
    failure << "no `msg=listening` line within 20 s" << (found ? "" : " (timed out)");
  }
  return failure << "; its log:\n" << ReadLog();
}

::testing::AssertionResult ExporterProcess::WaitReady(std::chrono::milliseconds timeout) {
  int last_status = 0;
  std::string last_body;
  const bool ready = WaitFor(
      [&] {
        auto res = Get("/-/ready");
        if (!res) return false;
        last_status = res->status;
        last_body = res->body;
        return res->status == 200;
      },
      timeout);
  if (ready) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "/-/ready not 200 within " << timeout.count()
                                       << " ms; last answer: " << last_status << " " << last_body;
}

::testing::AssertionResult ExporterProcess::Stop() {
  if (process_.pid() <= 0) return ::testing::AssertionFailure() << "the exporter was not started";
  stopped_ = true;
  std::optional<int> status = process_.Terminate(10s);
  if (!status) {
    return ::testing::AssertionFailure() << "the exporter did not exit within 10 s of SIGTERM";
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return ::testing::AssertionFailure() << "the exporter " << DescribeWaitStatus(*status)
                                         << " on SIGTERM, want exit code 0";
  }
  const std::string log = ReadLog();
  if (log.find("msg=stopped") == std::string::npos) {
    return ::testing::AssertionFailure() << "exit 0 but no `msg=stopped` line in the log";
  }
  return ::testing::AssertionSuccess();
}

httplib::Result ExporterProcess::Get(const std::string& path, const httplib::Headers& headers) const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(2s);
  client.set_read_timeout(5s);
  client.set_decompress(false);
  httplib::Headers h = headers;
  if (h.find("Accept-Encoding") == h.end()) h.emplace("Accept-Encoding", "identity");
  return client.Get(path, h);
}

std::string ExporterProcess::Metrics() const {
  auto res = Get("/metrics");
  if (!res) {
    ADD_FAILURE() << "GET /metrics failed: " << httplib::to_string(res.error());
    return "";
  }
  if (res->status != 200) {
    ADD_FAILURE() << "GET /metrics answered " << res->status;
    return "";
  }
  return res->body;
}

std::string ExporterProcess::ReadLog() const { return log_path_.empty() ? "" : ReadFile(log_path_); }

// --- Exposition helpers -------------------------------------------------------------------

std::optional<double> SampleValue(const std::string& body, const std::string& series) {
  const std::string prefix = series + " ";
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    if (body.compare(pos, prefix.size(), prefix) == 0 && end - pos > prefix.size()) {
      const std::string value = body.substr(pos + prefix.size(), end - pos - prefix.size());
      char* parsed_end = nullptr;
      const double v = std::strtod(value.c_str(), &parsed_end);
      if (parsed_end != value.c_str() && *parsed_end == '\0') return v;
      return std::nullopt;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::vector<std::string> LinesWith(const std::string& text, const std::vector<std::string>& parts) {
  std::vector<std::string> out;
  for (const std::string& line : Lines(text)) {
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& p) { return line.find(p) != std::string::npos; })) {
      out.push_back(line);
    }
  }
  return out;
}

std::string Promtool() { return FindProgram(FME_PROMTOOL, "promtool"); }

::testing::AssertionResult PromtoolAccepts(const std::string& promtool, const std::string& body) {
  TempDir dir;
  const std::string input = dir.Write("metrics.prom", body);
  const std::string command = "'" + promtool + "' check metrics < '" + input + "' 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return ::testing::AssertionFailure() << "cannot run " << command;
  std::string output;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  if (status == 0 && output.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "promtool check metrics " << DescribeWaitStatus(status)
                                       << " and said:\n" << output;
}

}  // namespace fme::e2e
