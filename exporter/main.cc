// flink-mesos-exporter: flags, configuration, signals. Everything else lives in App.
#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "cli/flags.h"
#include "fme/config.h"
#include "log/log.h"
#include "server/tls_context.h"
#include "server/web_config.h"
#include "sharding/shard.h"
#include "sharding/shard_targets.h"

namespace {

int Fail(const std::string& what, const fme::Status& status) {
  fme::log::Error(what, {{"err", status.message()}});
  return 1;
}

// Logs each line of a multi-line problem list as its own line.
void LogProblems(const std::string& what, const std::string& all) {
  for (std::size_t start = 0; start < all.size();) {
    std::size_t end = std::min(all.find('\n', start), all.size());
    fme::log::Error(what, {{"problem", all.substr(start, end - start)}});
    start = end + 1;
  }
}

// The web configuration of --web.config.file, with its TLS files loaded once to check them;
// the default (plain HTTP, no auth) without the flag.
fme::Result<fme::WebConfig> LoadWebConfig(const std::string& path) {
  if (path.empty()) return fme::WebConfig{};
  fme::Result<fme::WebConfig> web = fme::LoadWebConfigFile(path);
  if (!web.ok()) return web;
  if (fme::Status tls = fme::CheckServerTls(*web); !tls.ok()) return tls;
  return web;
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
  Result<WebConfig> web_config = LoadWebConfig(flags->web_config_file);
  if (flags->config_check) {
    if (!config.ok() || !web_config.ok()) {
      if (!config.ok()) std::cerr << config.status().message() << "\n";
      if (!web_config.ok()) std::cerr << web_config.status().message() << "\n";
      return 1;
    }
    const auto discovering =
        std::count_if(config->mesos_clusters.begin(), config->mesos_clusters.end(),
                      [](const MesosClusterConfig& m) { return m.discover_flink.has_value(); });
    std::cout << flags->config_file << ": OK (" << config->mesos_clusters.size()
              << " Mesos clusters, " << config->flink_clusters.size() << " Flink clusters";
    if (discovering > 0) std::cout << ", Flink discovery on " << discovering << " Mesos clusters";
    std::cout << ")\n";
    if (flags->shard_count > 1) {
      const Shard shard{flags->shard_index, flags->shard_count};
      const ShardTargets mine = SelectTargets(*config, shard);
      std::cout << "shard " << shard.index << " of " << shard.count << ": exports "
                << config->flink_clusters.size() - mine.other_flink << " of "
                << config->flink_clusters.size() << " configured Flink clusters and "
                << config->mesos_clusters.size() - mine.other_mesos << " of "
                << config->mesos_clusters.size() << " Mesos clusters; polls "
                << mine.mesos.size() - (config->mesos_clusters.size() - mine.other_mesos)
                << " more Mesos clusters for discovery or the join\n";
    }
    if (!flags->web_config_file.empty()) {
      std::cout << flags->web_config_file << ": OK (" << DescribeWebConfig(*web_config) << ")\n";
    }
    return 0;
  }
  if (!config.ok()) {
    // One line per problem, each naming file, line and key.
    LogProblems("invalid configuration", config.status().message());
    return 1;
  }
  if (!web_config.ok()) {
    LogProblems("invalid web configuration", web_config.status().message());
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
  web.web_config = std::move(web_config).value();

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
                                              {"config", flags->config_file},
                                              {"shard", static_cast<int64_t>(flags->shard_index)},
                                              {"shards", static_cast<int64_t>(flags->shard_count)}});
  if (!flags->web_config_file.empty()) {
    log::Info("web configuration loaded (users and headers follow a reload; TLS needs a restart)",
              {{"web_config", flags->web_config_file}, {"security", DescribeWebConfig(web.web_config)}});
  }
  const std::string config_file = flags->config_file;
  App app(std::move(config).value(), web, SystemClock(),
          [config_file] { return LoadConfigFile(config_file); },
          Shard{flags->shard_index, flags->shard_count});  // validated by ParseFlags
  if (!flags->web_config_file.empty()) {
    const std::string web_config_file = flags->web_config_file;
    app.SetWebConfigSource([web_config_file] { return LoadWebConfig(web_config_file); });
  }
  Status st = app.Start();
  if (!st.ok()) return Fail("cannot start", st);
  log::Info("listening", {{"address", web.host + ":" + std::to_string(app.port())},
                          {"telemetry_path", web.telemetry_path},
                          {"tls", web.web_config.tls},
                          {"basic_auth", !web.web_config.users.empty()}});

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
