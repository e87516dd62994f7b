// RunTimesReporter: Google Benchmark's console reporter that also keeps every run's time per
// iteration by benchmark name, so that a program can print a summary of medians and ratios
// against its baseline once all runs (--benchmark_repetitions) are done.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace fme::bench {

// printf into a stream: the summaries are tables of fixed-width columns.
__attribute__((format(printf, 2, 3))) void Print(std::ostream& out, const char* format, ...);

class RunTimesReporter : public benchmark::ConsoleReporter {
 public:
  // Which time a run is judged by: CPU time for single-threaded work on a shared machine (the
  // wall time also counts other processes' turns), wall time where waiting is part of the cost.
  enum class Time { kCpu, kWall };

  struct Summary {
    double median = 0, min = 0, max = 0;  // seconds per iteration over the runs
    std::size_t runs = 0;
  };

  RunTimesReporter(Time time, OutputOptions options) : ConsoleReporter(options), time_(time) {}

  void ReportRuns(const std::vector<Run>& reports) override;

  // The runs of the benchmark named `name` (its function name, arguments included), if any.
  std::optional<Summary> Stats(const std::string& name) const;

  // Console colours only when the output is a terminal.
  static OutputOptions DefaultOutputOptions();

 private:
  Time time_;
  std::map<std::string, std::vector<double>> seconds_;
};

}  // namespace fme::bench
