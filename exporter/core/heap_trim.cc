#include "core/heap_trim.h"

#include <malloc.h>

#include <atomic>

namespace fme {
namespace {

// Steady time of the last trim, in the clock's ticks; min() before the first.
std::atomic<Duration::rep> last_trim{SteadyTime::min().time_since_epoch().count()};

}  // namespace

void TrimHeap() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

bool TrimHeapAtMostEvery(Duration min_gap, SteadyTime now) {
  Duration::rep last = last_trim.load(std::memory_order_relaxed);
  const Duration::rep now_ticks = now.time_since_epoch().count();
  if (last != SteadyTime::min().time_since_epoch().count() &&
      now_ticks - last < min_gap.count()) {
    return false;
  }
  // One thread wins the slot; the others skip this round.
  if (!last_trim.compare_exchange_strong(last, now_ticks, std::memory_order_relaxed)) return false;
  TrimHeap();
  return true;
}

}  // namespace fme
