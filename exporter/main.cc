// flink-mesos-exporter: flags, configuration, signals. Everything else lives in App.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "cli/flags.h"
#include "fme/config.h"
#include "log/log.h"

namespace {

int Fail(const std::string& what, const fme::Status& status) {
  fme::log::Error(what, {{"err", status.message()}});
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace fme;
  std::vector<std::string> args(argv + 1, argv + argc);
  Result<Flags> flags = ParseFlags(args);
  if (!flags.ok()) {
    std::cerr << "flink-mesos-exporter: " << flags.status().message() << "\n";
    return 2;
  }
  if (flags->help) {
    std::cout << HelpText();
    return 0;
  }
  if (flags->version) {
    std::cout << "flink-mesos-exporter, version " << FME_VERSION << " (revision: " << FME_REVISION
              << ")\n";
    return 0;
  }
  auto level = log::ParseLevel(flags->log_level);
  if (!level.ok()) return Fail("invalid --log.level", level.status());
  auto format = log::ParseFormat(flags->log_format);
  if (!format.ok()) return Fail("invalid --log.format", format.status());
  log::Init(*level, *format);

  Result<Config> config = LoadConfigFile(flags->config_file);
  if (flags->config_check) {
    if (!config.ok()) {
      std::cerr << config.status().message() << "\n";
      return 1;
    }
    const auto discovering =
        std::count_if(config->mesos_clusters.begin(), config->mesos_clusters.end(),
                      [](const MesosClusterConfig& m) { return m.discover_flink.has_value(); });
    std::cout << flags->config_file << ": OK (" << config->mesos_clusters.size()
              << " Mesos clusters, " << config->flink_clusters.size() << " Flink clusters";
    if (discovering > 0) std::cout << ", Flink discovery on " << discovering << " Mesos clusters";
    std::cout << ")\n";
    return 0;
  }
  if (!config.ok()) {
    // One line per problem, each naming file, line and key.
    const std::string& all = config.status().message();
    for (std::size_t start = 0; start < all.size();) {
      std::size_t end = std::min(all.find('\n', start), all.size());
      log::Error("invalid configuration", {{"problem", all.substr(start, end - start)}});
      start = end + 1;
    }
    return 1;
  }

  auto listen = ParseListenAddress(flags->listen_address);
  if (!listen.ok()) return Fail("invalid --web.listen-address", listen.status());
  WebServerOptions web;
  web.host = listen->first;
  web.port = listen->second;
  web.telemetry_path = flags->telemetry_path;
  web.version = FME_VERSION;
  web.revision = FME_REVISION;

  // A peer closing a TLS connection mid-write must not kill the process.
  std::signal(SIGPIPE, SIG_IGN);
  // Signals are taken synchronously by this thread; every thread started later inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  log::Info("starting flink-mesos-exporter", {{"version", FME_VERSION}, {"revision", FME_REVISION},
                                              {"config", flags->config_file}});
  const std::string config_file = flags->config_file;
  App app(std::move(config).value(), web, SystemClock(),
          [config_file] { return LoadConfigFile(config_file); });
  Status st = app.Start();
  if (!st.ok()) return Fail("cannot start", st);
  log::Info("listening", {{"address", web.host + ":" + std::to_string(app.port())},
                          {"telemetry_path", web.telemetry_path}});

  for (;;) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGHUP) {
      log::Info("SIGHUP received, reloading the configuration", {{"config", config_file}});
      app.Reload();  // logs the outcome
      continue;
    }
    log::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
    break;
  }
  app.Stop();
  log::Info("stopped");
  return 0;
}
