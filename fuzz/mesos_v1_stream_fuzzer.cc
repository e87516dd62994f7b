// A whole v1 event stream: RecordIO framing, then every record parsed and applied in order to
// one state model, the way the event stream thread does it. Records that fail to parse are
// skipped (the real stream would reconnect and keep the model), so later events still run.
#include <vector>

#include "mesos/mesos_state_model.h"
#include "mesos/mesos_v1_parser.h"
#include "mesos/recordio_reader.h"
#include "mesos_check.h"

namespace {

constexpr fme::MesosStateModelOptions kOptions{/*max_tasks=*/16,
                                               /*max_counted_tasks_per_framework=*/4};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fme::RecordIoReader reader(/*max_record_bytes=*/size);
  std::vector<std::string> records;
  (void)reader.Feed(fme::fuzz::AsText(data, size), records);

  fme::MesosStateModel model(kOptions);
  for (const std::string& record : records) {
    auto event = fme::ParseMesosEvent(record);
    if (!event.ok()) continue;
    fme::fuzz::CheckEvent(*event);
    model.Apply(*event);
  }
  fme::fuzz::CheckModel(model, kOptions.max_tasks);
  return 0;
}
