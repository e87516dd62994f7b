// GET /jobs/:jid, every version.
#include "flink/flink_jobs_parser.h"
#include "fuzz_check.h"

using fme::fuzz::PositiveFinite;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto job = fme::ParseFlinkJobDetails(fme::fuzz::AsText(data, size));
  if (!job.ok()) {
    fme::fuzz::CheckError(job.status(), fme::StatusCode::kParseError);
    return 0;
  }
  FME_FUZZ_CHECK(!job->id.empty());
  FME_FUZZ_CHECK(static_cast<int>(job->state) < fme::kFlinkJobStateCount);
  FME_FUZZ_CHECK(PositiveFinite(job->start_timestamp));
  FME_FUZZ_CHECK(PositiveFinite(job->end_timestamp));
  FME_FUZZ_CHECK(PositiveFinite(job->state_since_timestamp));
  // Filled by other calls, never by this parser.
  FME_FUZZ_CHECK(!job->restarts && !job->checkpoints && !job->checkpoint_config &&
                 !job->last_failure);
  for (const fme::FlinkVertex& v : job->vertices) {
    FME_FUZZ_CHECK(!v.id.empty());
    for (int64_t n : v.subtasks_by_state) FME_FUZZ_CHECK(n >= 0);
    FME_FUZZ_CHECK(!v.backpressure_level && !v.records_in && !v.watermark_seconds);
    FME_FUZZ_CHECK(v.subtasks.empty());
  }
  return 0;
}
