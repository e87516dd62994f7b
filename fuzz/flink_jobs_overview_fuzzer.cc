// GET /jobs/overview (1.5+) and GET /joboverview (1.4).
#include "flink/flink_jobs_parser.h"
#include "fuzz_check.h"

using fme::fuzz::PositiveFinite;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto jobs = fme::ParseFlinkJobsOverview(fme::fuzz::AsText(data, size));
  if (!jobs.ok()) {
    fme::fuzz::CheckError(jobs.status(), fme::StatusCode::kParseError);
    return 0;
  }
  FME_FUZZ_CHECK(
      fme::fuzz::SortedBy(*jobs, [](const auto& j) -> const std::string& { return j.id; }));
  for (const fme::FlinkJobSummary& j : *jobs) {
    FME_FUZZ_CHECK(!j.id.empty());
    FME_FUZZ_CHECK(static_cast<int>(j.state) < fme::kFlinkJobStateCount);
    // Every known state reads back from its own name.
    FME_FUZZ_CHECK(fme::ParseFlinkJobState(fme::FlinkJobStateName(j.state)) == j.state);
    FME_FUZZ_CHECK(PositiveFinite(j.start_timestamp));
    FME_FUZZ_CHECK(PositiveFinite(j.end_timestamp));
    FME_FUZZ_CHECK(PositiveFinite(j.last_modification_timestamp));
  }
  return 0;
}
