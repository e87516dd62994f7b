// Wire spellings of Mesos' TaskState (v1 and v0 use the same names).
#include <array>
#include <string_view>

#include "fme/model/mesos.h"

namespace fme {
namespace {

// Indexed by the enum value; the last entry is the kUnrecognized placeholder.
constexpr std::array<std::string_view, kMesosTaskStateCount> kStateNames = {
    "TASK_STAGING",  "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE",
    "TASK_UNKNOWN",  "TASK_FINISHED", "TASK_FAILED",  "TASK_KILLED",  "TASK_ERROR",
    "TASK_LOST",     "TASK_DROPPED",  "TASK_GONE",    "TASK_GONE_BY_OPERATOR", "UNRECOGNIZED",
};

char AsciiUpper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

// ASCII only, as the wire names are; std::toupper would consult the locale for every character
// of every task's state.
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (AsciiUpper(a[i]) != AsciiUpper(b[i])) return false;
  }
  return true;
}

}  // namespace

std::string_view MesosTaskStateName(MesosTaskState s) {
  auto i = static_cast<size_t>(s);
  return i < kStateNames.size() ? kStateNames[i] : kStateNames.back();
}

MesosTaskState ParseMesosTaskState(std::string_view s) {
  // The placeholder is never a match for wire text.
  for (size_t i = 0; i + 1 < kStateNames.size(); ++i) {
    if (EqualsIgnoreCase(kStateNames[i], s)) return static_cast<MesosTaskState>(i);
  }
  return MesosTaskState::kUnrecognized;
}

bool IsTerminal(MesosTaskState s) {
  switch (s) {
    case MesosTaskState::kFinished:
    case MesosTaskState::kFailed:
    case MesosTaskState::kKilled:
    case MesosTaskState::kError:
    case MesosTaskState::kLost:
    case MesosTaskState::kDropped:
    case MesosTaskState::kGone:
    case MesosTaskState::kGoneByOperator:
      return true;
    default:
      return false;
  }
}

}  // namespace fme
