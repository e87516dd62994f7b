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
  bool config_check = false;
  bool version = false;
  bool help = false;
};

// Parses argv[1..]. Unknown flags, missing values and bad telemetry paths are errors.
Result<Flags> ParseFlags(const std::vector<std::string>& args);

std::string HelpText();

}  // namespace fme
