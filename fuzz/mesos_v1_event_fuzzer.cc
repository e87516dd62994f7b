// One record of the v1 operator event stream (SUBSCRIBED with its GET_STATE, TASK_*, AGENT_*,
// FRAMEWORK_*, HEARTBEAT), and a bare GET_STATE payload; each parsed one is applied to a state
// model, which must stay well formed.
#include "mesos/mesos_state_model.h"
#include "mesos/mesos_v1_parser.h"
#include "mesos_check.h"

namespace {

constexpr fme::MesosStateModelOptions kOptions{/*max_tasks=*/16,
                                               /*max_counted_tasks_per_framework=*/4};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view record = fme::fuzz::AsText(data, size);

  auto event = fme::ParseMesosEvent(record);
  if (event.ok()) {
    fme::fuzz::CheckEvent(*event);
    fme::MesosStateModel model(kOptions);
    model.Apply(*event);
    fme::fuzz::CheckModel(model, kOptions.max_tasks);
    // The same event again (a replay after a resubscribe) must not break anything either.
    model.Apply(*event);
    fme::fuzz::CheckModel(model, kOptions.max_tasks);
  } else {
    fme::fuzz::CheckError(event.status(), fme::StatusCode::kParseError);
  }

  auto state = fme::ParseMesosGetState(record);
  if (state.ok()) {
    fme::MesosStateModel model(kOptions);
    model.Reset(*state);
    fme::fuzz::CheckModel(model, kOptions.max_tasks);
    model.Reset(std::move(*state));  // a resubscribe with the same state counts nothing twice
    fme::fuzz::CheckModel(model, kOptions.max_tasks);
  } else {
    fme::fuzz::CheckError(state.status(), fme::StatusCode::kParseError);
  }
  return 0;
}
