// GET /jobs/:jid/vertices/:vid/backpressure, sampled (1.4-1.12) and metric-based (1.13+).
#include <cmath>

#include "flink/flink_backpressure_parser.h"
#include "fuzz_check.h"

using fme::fuzz::NonNegativeFinite;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto sample = fme::ParseFlinkBackpressure(fme::fuzz::AsText(data, size));
  if (!sample.ok()) {
    fme::fuzz::CheckError(sample.status(), fme::StatusCode::kParseError);
    return 0;
  }
  FME_FUZZ_CHECK(sample->has_sample == !sample->subtasks.empty());
  FME_FUZZ_CHECK(fme::fuzz::SortedBy(sample->subtasks, [](const auto& s) { return s.index; }));
  std::optional<double> max;
  for (const fme::FlinkSubtaskLoad& s : sample->subtasks) {
    FME_FUZZ_CHECK(s.index >= 0);
    FME_FUZZ_CHECK(NonNegativeFinite(s.backpressured_ratio));
    FME_FUZZ_CHECK(NonNegativeFinite(s.busy_ratio));
    FME_FUZZ_CHECK(NonNegativeFinite(s.idle_ratio));
    if (s.backpressured_ratio && (!max || *s.backpressured_ratio > *max)) {
      max = s.backpressured_ratio;
    }
  }
  FME_FUZZ_CHECK(max == sample->max_ratio);
  if (sample->level) {
    FME_FUZZ_CHECK(*sample->level == fme::FlinkBackpressureLevel::kOk ||
                   *sample->level == fme::FlinkBackpressureLevel::kLow ||
                   *sample->level == fme::FlinkBackpressureLevel::kHigh);
  }
  // Without a level on the wire, a sample with ratios always gets one.
  FME_FUZZ_CHECK(!sample->max_ratio || sample->level);
  return 0;
}
