#include "log/rate_limited_log.h"

#include <utility>
#include <vector>

namespace fme {

RateLimitedLog::RateLimitedLog(Clock& clock, Duration interval)
    : RateLimitedLog(clock, interval, nullptr) {}

RateLimitedLog::RateLimitedLog(Clock& clock, Duration interval, EmitFn emit)
    : clock_(clock), interval_(interval), emit_(std::move(emit)) {}

void RateLimitedLog::Failure(std::string_view key, std::string_view msg,
                             std::initializer_list<log::Field> fields) {
  const SteadyTime now = clock_.Steady();
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) {
    try {
      keys_.emplace(std::string(key), KeyState{now, 0, 1});
    } catch (...) {
      return;  // out of memory: drop the line rather than throw from a logging helper
    }
    Emit(log::Level::kWarn, msg, fields, std::nullopt);
    return;
  }
  KeyState& state = it->second;
  ++state.total;
  if (now - state.last_line < interval_) {
    ++state.suppressed;
    return;
  }
  const std::uint64_t suppressed = state.suppressed;
  state.last_line = now;
  state.suppressed = 0;
  Emit(log::Level::kWarn, msg, fields, log::Field("suppressed", suppressed));
}

void RateLimitedLog::Recovered(std::string_view key, std::string_view msg,
                               std::initializer_list<log::Field> fields) {
  std::lock_guard lock(mu_);
  auto it = keys_.find(key);
  if (it == keys_.end()) return;
  const std::uint64_t total = it->second.total;
  keys_.erase(it);
  Emit(log::Level::kInfo, msg, fields, log::Field("failures", total));
}

bool RateLimitedLog::IsFailing(std::string_view key) const {
  std::lock_guard lock(mu_);
  return keys_.find(key) != keys_.end();
}

void RateLimitedLog::Emit(log::Level level, std::string_view msg,
                          std::initializer_list<log::Field> fields,
                          std::optional<log::Field> extra) noexcept {
  try {
    std::vector<log::Field> all(fields);
    if (extra.has_value()) all.push_back(std::move(*extra));
    if (emit_) {
      emit_(level, msg, all);
    } else {
      log::Log(level, msg, all);
    }
  } catch (...) {
    // Never throw from logging.
  }
}

}  // namespace fme
