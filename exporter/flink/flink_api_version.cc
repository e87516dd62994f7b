#include "flink/flink_api_version.h"

#include <charconv>

namespace fme {
namespace {

// Reads a run of decimal digits at `pos`; -1 when there is none or it overflows.
int ReadNumber(std::string_view s, size_t& pos) {
  int value = 0;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + s.size(), value);
  if (ec != std::errc() || end == s.data() + pos) return -1;
  pos = static_cast<size_t>(end - s.data());
  return value;
}

}  // namespace

FlinkApiVersion ParseFlinkApiVersion(std::string_view version) {
  // Flink writes versions like "1.13.6", "1.9-SNAPSHOT", "2.0.0" or "1.4.2"; trim stray spaces.
  while (!version.empty() && (version.front() == ' ' || version.front() == '\t')) {
    version.remove_prefix(1);
  }
  while (!version.empty() && (version.back() == ' ' || version.back() == '\t')) {
    version.remove_suffix(1);
  }
  size_t pos = 0;
  const int major = ReadNumber(version, pos);
  if (major < 1 || pos >= version.size() || version[pos] != '.') return {};
  ++pos;
  const int minor = ReadNumber(version, pos);
  if (minor < 0) return {};
  // After major.minor only a patch level or a qualifier may follow ("1.13.6", "1.9-SNAPSHOT").
  if (pos < version.size() && version[pos] != '.' && version[pos] != '-') return {};
  FlinkApiVersion v;
  v.major = major;
  v.minor = minor;
  v.known = true;
  return v;
}

}  // namespace fme
