#include "cli/flags.h"

#include <charconv>

#include "sharding/shard.h"

namespace fme {
namespace {

struct StringFlag {
  const char* name;
  std::string Flags::*field;
};
constexpr StringFlag kStringFlags[] = {
    {"--config.file", &Flags::config_file},
    {"--web.listen-address", &Flags::listen_address},
    {"--web.telemetry-path", &Flags::telemetry_path},
    {"--web.config.file", &Flags::web_config_file},
    {"--log.level", &Flags::log_level},
    {"--log.format", &Flags::log_format},
};

struct IntFlag {
  const char* name;
  int Flags::*field;
};
constexpr IntFlag kIntFlags[] = {
    {"--shard.index", &Flags::shard_index},
    {"--shard.count", &Flags::shard_count},
};

// A whole decimal number, nothing else (no sign, spaces or suffix).
bool ParseCount(const std::string& text, int& out) {
  if (text.empty() || text.size() > 9) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && text[0] != '-' && text[0] != '+';
}

struct BoolFlag {
  const char* name;
  bool Flags::*field;
};
constexpr BoolFlag kBoolFlags[] = {
    {"--config.check", &Flags::config_check},
    {"--version", &Flags::version},
    {"--help", &Flags::help},
    {"-h", &Flags::help},
};

}  // namespace

Result<Flags> ParseFlags(const std::vector<std::string>& args) {
  Flags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::string name = arg.substr(0, arg.find('='));
    bool has_value = arg.find('=') != std::string::npos;
    bool matched = false;
    for (const auto& f : kStringFlags) {
      if (name != f.name) continue;
      matched = true;
      if (has_value) {
        flags.*f.field = arg.substr(arg.find('=') + 1);
      } else if (i + 1 < args.size()) {
        flags.*f.field = args[++i];
      } else {
        return Status::InvalidArgument("flag " + name + " needs a value");
      }
    }
    for (const auto& f : kIntFlags) {
      if (name != f.name) continue;
      matched = true;
      std::string v;
      if (has_value) {
        v = arg.substr(arg.find('=') + 1);
      } else if (i + 1 < args.size()) {
        v = args[++i];
      } else {
        return Status::InvalidArgument("flag " + name + " needs a value");
      }
      if (!ParseCount(v, flags.*f.field)) {
        return Status::InvalidArgument("flag " + name + " takes a whole number, got \"" + v + "\"");
      }
    }
    for (const auto& f : kBoolFlags) {
      if (name != f.name) continue;
      matched = true;
      std::string v = has_value ? arg.substr(arg.find('=') + 1) : "true";
      if (v != "true" && v != "false") return Status::InvalidArgument("flag " + name + " takes true or false");
      flags.*f.field = v == "true";
    }
    if (!matched) {
      return Status::InvalidArgument("unknown flag " + name + " (see --help)");
    }
  }
  if (flags.telemetry_path.empty() || flags.telemetry_path[0] != '/' ||
      flags.telemetry_path.rfind("/-/", 0) == 0 || flags.telemetry_path == "/") {
    return Status::InvalidArgument("--web.telemetry-path must start with \"/\" and not be \"/\" or under \"/-/\"");
  }
  if (Result<Shard> shard = Shard::Make(flags.shard_index, flags.shard_count); !shard.ok()) {
    return shard.status();
  }
  return flags;
}

std::string HelpText() {
  return R"(usage: flink-mesos-exporter [<flags>]

Prometheus exporter for Apache Flink on Apache Mesos.

Flags:
  --config.file=flink-mesos-exporter.yml  Path to the configuration file.
  --config.check                          Validate the configuration file (and the web
                                          configuration file, if given), print problems, exit 0/1.
  --web.listen-address=:22105             Address to listen on (host:port; port 0 picks a free one).
  --web.telemetry-path=/metrics           Path under which to expose metrics.
  --web.config.file=""                    Web configuration file for TLS and basic auth
                                          (exporter-toolkit format); read at start.
  --log.level=info                        Only log messages with this severity or above:
                                          debug, info, warn, error.
  --log.format=logfmt                     Log format: logfmt or json.
  --shard.index=0                         This exporter's shard, 0 to --shard.count - 1: it
                                          polls and exports only the clusters it owns.
  --shard.count=1                         Number of shards sharing the clusters (1 to 1000).
  --version                               Print version information and exit.
  -h, --help                              Show this help and exit.
)";
}

}  // namespace fme
