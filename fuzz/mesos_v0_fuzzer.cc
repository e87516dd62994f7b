// The master's v0 endpoints of the polling mode: /master/slaves, /master/state-summary,
// /master/frameworks, /master/tasks, /master/roles and /version, each fed the same bytes.
#include <tuple>

#include "mesos/mesos_v0_parser.h"
#include "mesos_check.h"

using fme::fuzz::CheckError;
using fme::fuzz::SortedBy;

namespace {

const std::string& IdOf(const auto& record) { return record.id; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body = fme::fuzz::AsText(data, size);
  constexpr auto kParseError = fme::StatusCode::kParseError;

  if (auto agents = fme::ParseMasterSlaves(body); agents.ok()) {
    FME_FUZZ_CHECK(SortedBy(*agents, [](const auto& a) -> const std::string& { return IdOf(a); }));
    for (const auto& a : *agents) fme::fuzz::CheckAgent(a);
  } else {
    CheckError(agents.status(), kParseError);
  }

  if (auto summary = fme::ParseMasterStateSummary(body); summary.ok()) {
    FME_FUZZ_CHECK(summary->tasks.empty());
    FME_FUZZ_CHECK(
        SortedBy(summary->frameworks, [](const auto& f) -> const std::string& { return IdOf(f); }));
    FME_FUZZ_CHECK(
        SortedBy(summary->agents, [](const auto& a) -> const std::string& { return IdOf(a); }));
    for (const auto& f : summary->frameworks) fme::fuzz::CheckFramework(f);
    for (const auto& a : summary->agents) fme::fuzz::CheckAgent(a);
  } else {
    CheckError(summary.status(), kParseError);
  }

  if (auto frameworks = fme::ParseMasterFrameworks(body); frameworks.ok()) {
    FME_FUZZ_CHECK(
        SortedBy(*frameworks, [](const auto& f) -> const std::string& { return IdOf(f); }));
    for (const auto& f : *frameworks) {
      fme::fuzz::CheckFramework(f);
      FME_FUZZ_CHECK(!f.task_counts);  // only state-summary carries counts
    }
  } else {
    CheckError(frameworks.status(), kParseError);
  }

  if (auto tasks = fme::ParseMasterTasks(body); tasks.ok()) {
    FME_FUZZ_CHECK(SortedBy(*tasks, [](const auto& t) { return std::tie(t.framework_id, t.id); }));
    for (const auto& t : *tasks) fme::fuzz::CheckTask(t);
  } else {
    CheckError(tasks.status(), kParseError);
  }

  if (auto roles = fme::ParseMasterRoles(body); roles.ok()) {
    for (const auto& [framework, joined] : *roles) {
      FME_FUZZ_CHECK(!joined.empty());
    }
  } else {
    CheckError(roles.status(), kParseError);
  }

  if (auto version = fme::ParseMesosVersion(body); version.ok()) {
    FME_FUZZ_CHECK(!version->empty());
  } else {
    CheckError(version.status(), kParseError);
  }
  return 0;
}
