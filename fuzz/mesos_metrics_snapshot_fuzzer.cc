// A master's GET /metrics/snapshot: cluster figures, termination counters and the per-framework
// task counters whose keys carry percent-encoded framework names.
#include <cmath>
#include <tuple>

#include "mesos/metrics_snapshot_parser.h"
#include "mesos_check.h"

using fme::fuzz::Finite;

namespace {

void CheckTerminations(const std::vector<fme::MesosTermination>& v, bool known_cause) {
  for (std::size_t i = 0; i < v.size(); ++i) {
    const fme::MesosTermination& t = v[i];
    FME_FUZZ_CHECK(fme::fuzz::ValidTaskState(t.state) &&
                   t.state != fme::MesosTaskState::kUnrecognized);
    FME_FUZZ_CHECK(std::isfinite(t.count));
    if (known_cause) {
      FME_FUZZ_CHECK(t.source.starts_with("SOURCE_") && t.reason.starts_with("REASON_"));
      FME_FUZZ_CHECK(fme::fuzz::IsEnumLabel(t.source) && fme::fuzz::IsEnumLabel(t.reason));
    } else {
      FME_FUZZ_CHECK(t.source == "unknown" && t.reason == "unknown");
    }
    // Sorted, and one entry per (state, reason, source): duplicates are summed.
    if (i > 0) {
      const fme::MesosTermination& p = v[i - 1];
      FME_FUZZ_CHECK(std::tie(p.state, p.reason, p.source) < std::tie(t.state, t.reason, t.source));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto m = fme::ParseMasterMetricsSnapshot(fme::fuzz::AsText(data, size));
  if (!m.ok()) {
    fme::fuzz::CheckError(m.status(), fme::StatusCode::kParseError);
    return 0;
  }
  FME_FUZZ_CHECK(m->self.elected || m->self.uptime_seconds);
  FME_FUZZ_CHECK(m->self.url.empty() && !m->self.reachable);  // left to the caller
  const fme::MesosClusterMetrics& c = m->cluster;
  FME_FUZZ_CHECK(Finite(c.agents_active) && Finite(c.cpus_total) && Finite(c.tasks_running));
  CheckTerminations(m->terminations, /*known_cause=*/true);
  for (std::size_t i = 0; i < m->frameworks.size(); ++i) {
    const auto& f = m->frameworks[i];
    FME_FUZZ_CHECK(!f.framework_id.empty());
    FME_FUZZ_CHECK(f.framework_id.find('/') == std::string::npos);
    FME_FUZZ_CHECK(i == 0 || m->frameworks[i - 1].framework_id < f.framework_id);
    for (int64_t n : f.active) FME_FUZZ_CHECK(n >= 0);
    CheckTerminations(f.terminal, /*known_cause=*/false);
    for (const auto& t : f.terminal) FME_FUZZ_CHECK(fme::IsTerminal(t.state));
  }
  return 0;
}
