// GET /jobs/:jid/exceptions, every version (root-exception and exceptionHistory).
#include "flink/flink_exceptions_parser.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto failure = fme::ParseFlinkExceptions(fme::fuzz::AsText(data, size));
  if (!failure.ok()) {
    fme::fuzz::CheckError(failure.status(), fme::StatusCode::kParseError);
    return 0;
  }
  if (!failure->has_value()) return 0;
  const fme::FlinkJobFailure& f = **failure;
  // 0 when no timestamp was given; never negative or NaN.
  FME_FUZZ_CHECK(fme::fuzz::NonNegativeFinite(f.timestamp));
  FME_FUZZ_CHECK(fme::fuzz::IsOneToken(f.exception));
  return 0;
}
