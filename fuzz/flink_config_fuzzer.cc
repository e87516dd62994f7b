// GET /config and GET /overview of a JobManager, and the version string that picks the API
// dialect.
#include "flink/flink_api_version.h"
#include "flink/flink_parser.h"
#include "fuzz_check.h"

namespace {

void CheckVersion(std::string_view text) {
  const fme::FlinkApiVersion v = fme::ParseFlinkApiVersion(text);
  if (v.known) {
    FME_FUZZ_CHECK(v.major >= 1 && v.minor >= 0);
  } else {
    FME_FUZZ_CHECK(v.major == 0 && v.minor == 0);
    FME_FUZZ_CHECK(!v.Legacy() && !v.SamplesBackpressure());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = fme::fuzz::AsText(data, size);

  auto config = fme::ParseFlinkConfig(body);
  if (config.ok()) {
    CheckVersion(config->version);
  } else {
    fme::fuzz::CheckError(config.status(), fme::StatusCode::kParseError);
  }

  auto overview = fme::ParseFlinkOverview(body);
  if (overview.ok()) {
    CheckVersion(overview->version);
  } else {
    fme::fuzz::CheckError(overview.status(), fme::StatusCode::kParseError);
  }

  CheckVersion(body);
  return 0;
}
