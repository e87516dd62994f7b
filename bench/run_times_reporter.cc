#include "run_times_reporter.h"

#include <unistd.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace fme::bench {

void Print(std::ostream& out, const char* format, ...) {
  char buf[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(buf, sizeof buf, format, args);
  va_end(args);
  out << buf;
}

void RunTimesReporter::ReportRuns(const std::vector<Run>& reports) {
  ConsoleReporter::ReportRuns(reports);
  for (const Run& r : reports) {
    if (r.run_type != Run::RT_Iteration || r.error_occurred || r.iterations == 0) continue;
    const double total = time_ == Time::kCpu ? r.cpu_accumulated_time : r.real_accumulated_time;
    seconds_[r.run_name.function_name].push_back(total / static_cast<double>(r.iterations));
  }
}

std::optional<RunTimesReporter::Summary> RunTimesReporter::Stats(const std::string& name) const {
  auto it = seconds_.find(name);
  if (it == seconds_.end() || it->second.empty()) return std::nullopt;
  std::vector<double> v = it->second;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return Summary{median, v.front(), v.back(), n};
}

benchmark::ConsoleReporter::OutputOptions RunTimesReporter::DefaultOutputOptions() {
  return isatty(STDOUT_FILENO) != 0 ? OO_ColorTabular : OO_Tabular;
}

}  // namespace fme::bench
