// Eventually: waits in real time, bounded, for a condition another thread brings about. For
// the few tests that must meet a real thread (event streams); everything else uses FakeClock.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace fme::testing {

inline bool Eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace fme::testing
