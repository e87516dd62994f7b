// GET /jobs/:jid/checkpoints and /checkpoints/config, and the exception class read from a
// failure message.
#include "flink/flink_checkpoints_parser.h"
#include "fuzz_check.h"

using fme::fuzz::NonNegativeFinite;
using fme::fuzz::PositiveFinite;

namespace {

void CheckClass(const std::string& cls) {
  if (cls.empty()) return;
  FME_FUZZ_CHECK(fme::fuzz::IsOneToken(cls));
  FME_FUZZ_CHECK(cls.front() != '.' && cls.back() != '.');
  FME_FUZZ_CHECK(cls.find("..") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = fme::fuzz::AsText(data, size);

  auto stats = fme::ParseFlinkCheckpointStats(body);
  if (stats.ok()) {
    FME_FUZZ_CHECK(PositiveFinite(stats->last_completed_timestamp));
    FME_FUZZ_CHECK(PositiveFinite(stats->last_failure_timestamp));
    FME_FUZZ_CHECK(PositiveFinite(stats->last_savepoint_timestamp));
    FME_FUZZ_CHECK(PositiveFinite(stats->last_restore_timestamp));
    FME_FUZZ_CHECK(NonNegativeFinite(stats->last_duration_seconds));
    FME_FUZZ_CHECK(NonNegativeFinite(stats->last_size_bytes));
    FME_FUZZ_CHECK(NonNegativeFinite(stats->last_state_size_bytes));
    FME_FUZZ_CHECK(NonNegativeFinite(stats->last_processed_bytes));
    FME_FUZZ_CHECK(NonNegativeFinite(stats->last_persisted_bytes));
    CheckClass(stats->last_failure_exception);
  } else {
    fme::fuzz::CheckError(stats.status(), fme::StatusCode::kParseError);
  }

  auto config = fme::ParseFlinkCheckpointConfig(body);
  if (config.ok()) {
    // An interval exactly when checkpointing is periodic, and then a positive one.
    FME_FUZZ_CHECK(config->periodic == config->interval_seconds.has_value());
    FME_FUZZ_CHECK(PositiveFinite(config->interval_seconds));
    FME_FUZZ_CHECK(NonNegativeFinite(config->timeout_seconds));
    FME_FUZZ_CHECK(NonNegativeFinite(config->min_pause_seconds));
    for (char c : config->mode) FME_FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
  } else {
    fme::fuzz::CheckError(config.status(), fme::StatusCode::kParseError);
  }

  CheckClass(fme::ExceptionClassOf(body));
  return 0;
}
