#include "sources/bounded_runner.h"

#include <algorithm>
#include <atomic>
#include <thread>

namespace fme {

void RunBounded(const std::vector<std::function<void()>>& tasks, int max_concurrency) {
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i = next++; i < tasks.size(); i = next++) tasks[i]();
  };
  const std::size_t helpers =
      std::min<std::size_t>(tasks.size(), static_cast<std::size_t>(std::max(max_concurrency, 1))) -
      (tasks.empty() ? 0 : 1);
  std::vector<std::jthread> threads;
  threads.reserve(helpers);
  for (std::size_t i = 0; i < helpers; ++i) threads.emplace_back(worker);
  worker();
}  // the jthreads join here

}  // namespace fme
