// GET /taskmanagers, 1.4 (flat fields) and 1.5+.
#include "flink/flink_taskmanagers_parser.h"
#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto tms = fme::ParseFlinkTaskManagers(fme::fuzz::AsText(data, size));
  if (!tms.ok()) {
    fme::fuzz::CheckError(tms.status(), fme::StatusCode::kParseError);
    return 0;
  }
  FME_FUZZ_CHECK(
      fme::fuzz::SortedBy(*tms, [](const auto& t) -> const std::string& { return t.id; }));
  for (const fme::FlinkTaskManager& tm : *tms) {
    FME_FUZZ_CHECK(!tm.id.empty());
    FME_FUZZ_CHECK(fme::fuzz::PositiveFinite(tm.last_heartbeat_timestamp));
    // The JVM figures come from another call.
    FME_FUZZ_CHECK(!tm.jvm.heap_used_bytes && tm.jvm.gc.empty());
  }
  return 0;
}
