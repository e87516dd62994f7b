// RateLimitedLog: one line per interval for a failure that repeats on every poll or scrape.
//
// A failing target is keyed (e.g. by target name). Its first failure is logged at warn; later
// failures are counted but not logged until `interval` has passed since the last line, when one
// warn line is written with suppressed=<failures not logged since the last line>. Recovered()
// logs one info line with failures=<failures since the first one> and forgets the key. Keys are
// independent. Time comes from the injected Clock's Steady(), never from real time.
//
// The key itself is not written; pass it as a field (e.g. {"target", name}) if it should be.
// Thread-safe. Lines are emitted under the internal lock, so they appear in decision order.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "fme/clock.h"
#include "log/log.h"

namespace fme {

class RateLimitedLog {
 public:
  // Receives every line to be written; the default is log::Log. Called under the internal lock:
  // it must not call back into the same RateLimitedLog.
  using EmitFn =
      std::function<void(log::Level, std::string_view msg, std::span<const log::Field> fields)>;

  explicit RateLimitedLog(Clock& clock, Duration interval = std::chrono::minutes(5));
  RateLimitedLog(Clock& clock, Duration interval, EmitFn emit);

  RateLimitedLog(const RateLimitedLog&) = delete;
  RateLimitedLog& operator=(const RateLimitedLog&) = delete;

  void Failure(std::string_view key, std::string_view msg,
               std::initializer_list<log::Field> fields);
  void Recovered(std::string_view key, std::string_view msg,
                 std::initializer_list<log::Field> fields);

  // Whether `key` has failed since its last recovery (or ever).
  bool IsFailing(std::string_view key) const;

 private:
  struct KeyState {
    SteadyTime last_line;
    std::uint64_t suppressed = 0;  // failures not logged since last_line
    std::uint64_t total = 0;       // failures since the first one
  };

  void Emit(log::Level level, std::string_view msg, std::initializer_list<log::Field> fields,
            std::optional<log::Field> extra) noexcept;

  Clock& clock_;
  const Duration interval_;
  const EmitFn emit_;
  mutable std::mutex mu_;
  std::map<std::string, KeyState, std::less<>> keys_;
};

}  // namespace fme
