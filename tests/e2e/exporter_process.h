// Running real processes in end-to-end tests: the exporter binary (ExporterProcess) and other
// programs such as Prometheus (Subprocess), plus the waiting and exposition helpers the tests
// share. Nothing here sleeps for a fixed time to let something happen: waits poll a condition
// with short steps and a generous bound.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace fme::e2e {

using namespace std::chrono_literals;

// Calls `condition` every `step` until it returns true (true) or `timeout` has passed (false).
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds step = 20ms);

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // Writes `contents` to path()/name and returns the file's path.
  std::string Write(const std::string& name, const std::string& contents) const;

 private:
  std::string path_;
};

// Reads a whole file; empty if it cannot be read.
std::string ReadFile(const std::string& path);

// Locates a program: `configured` if it names an executable file, otherwise `name` searched on
// $PATH. Empty when not found.
std::string FindProgram(const std::string& configured, const std::string& name);

// A child process started with posix_spawn, stdin from /dev/null and stdout/stderr to files.
// The destructor kills it (SIGKILL) if it is still running.
class Subprocess {
 public:
  Subprocess() = default;
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  ::testing::AssertionResult Start(const std::vector<std::string>& argv,
                                   const std::string& stdout_path, const std::string& stderr_path);
  // True while the child has not exited (reaps it when it has).
  bool Running();
  // The wait status once the child has exited and been reaped.
  std::optional<int> WaitStatus() const { return wait_status_; }
  // Sends SIGTERM and waits up to `grace` for the exit; kills it with SIGKILL after that.
  // Returns the wait status, or nothing when the child had to be killed.
  std::optional<int> Terminate(std::chrono::milliseconds grace);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> wait_status_;
};

// "exited with code 3", "killed by signal 9", ...
std::string DescribeWaitStatus(int status);

// The exporter binary started on a configuration text, listening on 127.0.0.1 and a port it
// picks itself. The destructor stops it (see Stop()) and, when the test failed, prints its log.
class ExporterProcess {
 public:
  ExporterProcess() = default;
  ~ExporterProcess();
  ExporterProcess(const ExporterProcess&) = delete;
  ExporterProcess& operator=(const ExporterProcess&) = delete;

  // Writes the configuration to a temporary file, starts the binary with
  // --web.listen-address=127.0.0.1:0 (plus `extra_flags`) and waits up to 20 s for its
  // `msg=listening address=127.0.0.1:<port>` log line.
  ::testing::AssertionResult Start(const std::string& config_yaml,
                                   const std::vector<std::string>& extra_flags = {});
  // Polls /-/ready until it answers 200.
  ::testing::AssertionResult WaitReady(std::chrono::milliseconds timeout = 20s);
  // SIGTERM, then waits up to 10 s; succeeds when the process exited with code 0.
  ::testing::AssertionResult Stop();

  // GET on the exporter. An Accept-Encoding header is always sent ("identity" unless the caller
  // gives one: httplib would otherwise add its own), and the body is returned as received,
  // never decompressed.
  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) const;
  // The body of a plain GET of /metrics; empty (with a test failure) unless it answered 200.
  std::string Metrics() const;

  // Everything the process wrote to stderr so far.
  std::string ReadLog() const;

  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }
  // The configuration file the process was started on (rewrite it to test reloads).
  std::string config_path() const { return dir_.path() + "/exporter.yml"; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_.path(); }

 private:
  TempDir dir_;
  Subprocess process_;
  std::string log_path_;
  int port_ = -1;
  bool stopped_ = false;
};

// --- Exposition helpers -------------------------------------------------------------------

// The value of the sample whose name and labels are exactly `series`
// (e.g. `flink_up{flink_cluster="a"}`), if the body has it.
std::optional<double> SampleValue(const std::string& body, const std::string& series);

// The lines of `text`, without their line breaks.
std::vector<std::string> Lines(const std::string& text);

// The lines of `text` that contain every one of `parts` (log lines, say).
std::vector<std::string> LinesWith(const std::string& text, const std::vector<std::string>& parts);

// Runs `promtool check metrics` on `body`; succeeds when it exits 0 and prints nothing.
::testing::AssertionResult PromtoolAccepts(const std::string& promtool, const std::string& body);

// The path of promtool (configured at build time or on $PATH); empty when missing.
std::string Promtool();

}  // namespace fme::e2e
