// TextWriter: appends Prometheus text format 0.0.4 straight into a string.
//
// Families are opened with Family(); the HELP and TYPE lines are written lazily, with the first
// sample, so a family without samples leaves no trace. Label values are escaped (`\\`, `\"`,
// `\n`; UTF-8 kept as is), HELP text is sanitized, values are written in the shortest form that
// round-trips (NaN, +Inf, -Inf spelled as the format requires). No sample timestamps, ever.
// Not thread-safe: one writer per render.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace fme {

enum class MetricType { kGauge, kCounter, kUntyped };

using Label = std::pair<std::string_view, std::string_view>;

class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  // Starts a family. `name` and `help` must outlive the next Sample() calls.
  void Family(std::string_view name, std::string_view help, MetricType type);

  // One sample of the current family. Label names must be valid identifiers (callers pass
  // literals); values may be anything.
  void Sample(std::initializer_list<Label> labels, double value);
  // The same, with two label lists concatenated (identity labels + specific ones).
  void Sample(std::initializer_list<Label> identity, std::initializer_list<Label> labels,
              double value);

  // The same, with labels built at run time (self-metrics).
  void Sample(std::span<const Label> labels, double value);

  // Samples written so far.
  std::size_t samples() const { return samples_; }

  // Appends a label value escaped for the text format.
  static void AppendLabelValue(std::string& out, std::string_view value);
  // Appends HELP text: `\` and newline escaped as the format allows.
  static void AppendHelp(std::string& out, std::string_view help);
  // Appends a sample value.
  static void AppendValue(std::string& out, double value);
  // Writes a sample value at `out` (room for 32 bytes needed); returns the end.
  static char* WriteValue(char* out, double value);

 private:
  void WriteHeaderIfNeeded();
  void AppendLabels(std::span<const Label> a, std::span<const Label> b);
  void WriteSample(std::span<const Label> a, std::span<const Label> b, double value);

  std::string& out_;
  std::string_view name_;
  std::string_view help_;
  MetricType type_ = MetricType::kUntyped;
  bool header_written_ = true;
  std::size_t samples_ = 0;
};

}  // namespace fme
