#include "core/heap_trim.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fme {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

// The rate limit is process-wide; times far beyond any other test's clock keep this test's
// calls apart from theirs.
SteadyTime FarAhead(Duration offset) { return SteadyTime(hours(24 * 365 * 100)) + offset; }

TEST(HeapTrimTest, TrimsAtMostOncePerGap) {
  const Duration gap = seconds(10);
  EXPECT_TRUE(TrimHeapAtMostEvery(gap, FarAhead(seconds(0))));
  EXPECT_FALSE(TrimHeapAtMostEvery(gap, FarAhead(seconds(1))));
  EXPECT_FALSE(TrimHeapAtMostEvery(gap, FarAhead(seconds(10) - milliseconds(1))));
  EXPECT_TRUE(TrimHeapAtMostEvery(gap, FarAhead(seconds(10))));
  EXPECT_FALSE(TrimHeapAtMostEvery(gap, FarAhead(seconds(15))));
  EXPECT_TRUE(TrimHeapAtMostEvery(gap, FarAhead(seconds(21))));
}

TEST(HeapTrimTest, FreedMemoryStaysUsable) {
  // A trim must leave the allocator consistent: memory freed before it can be allocated again.
  std::vector<std::string> blocks;
  for (int i = 0; i < 1000; ++i) blocks.emplace_back(4096, static_cast<char>('a' + i % 26));
  for (std::size_t i = 0; i < blocks.size(); i += 2) std::string().swap(blocks[i]);
  TrimHeap();
  for (std::size_t i = 0; i < blocks.size(); i += 2) blocks[i].assign(8192, 'z');
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    ASSERT_EQ(blocks[i].size(), i % 2 == 0 ? 8192u : 4096u);
    EXPECT_EQ(blocks[i].front(), i % 2 == 0 ? 'z' : static_cast<char>('a' + i % 26));
  }
}

}  // namespace
}  // namespace fme
