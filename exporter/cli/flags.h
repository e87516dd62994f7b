// Command-line flags in the style of the Prometheus exporters: --name=value or --name value.
#pragma once

#include <string>
#include <vector>

#include "fme/status.h"

namespace fme {

struct Flags {
  std::string config_file = "flink-mesos-exporter.yml";
  std::string listen_address = ":22105";
  std::string telemetry_path = "/metrics";
  std::string web_config_file;  // empty: plain HTTP, no authentication
  std::string log_level = "info";
  std::string log_format = "logfmt";
  // This exporter's shard and the number of shards (docs/scaling.md); one shard: everything.
  int shard_index = 0;
  int shard_count = 1;
  bool config_check = false;
  bool version = false;
  bool help = false;
};

// Parses argv[1..]. Unknown flags, missing values, bad telemetry paths and shard settings
// outside 0 <= index < count <= kMaxShardCount are errors.
Result<Flags> ParseFlags(const std::vector<std::string>& args);

std::string HelpText();

}  // namespace fme
