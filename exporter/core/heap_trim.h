// Giving freed heap memory back to the kernel.
//
// glibc's malloc keeps what a thread frees in that thread's arena (up to 8 arenas per core) and
// returns it to the kernel only from the top of each heap. One-off peaks therefore stay resident:
// the JSON document of a Mesos SUBSCRIBED snapshot (hundreds of MB for 100,000 tasks), the
// answers of a hundred Flink polls running at once. malloc_trim() releases the free pages inside
// the heaps too. It walks every arena under its lock, so it is called rarely: after such a peak,
// and at most once per interval otherwise.
#pragma once

#include "fme/clock.h"

namespace fme {

// Releases free heap pages now. Safe from any thread.
void TrimHeap();

// Calls TrimHeap() unless some thread did within `min_gap` (steady time `now`); true when it did.
bool TrimHeapAtMostEvery(Duration min_gap, SteadyTime now);

}  // namespace fme
