// ThreadPool: a fixed set of threads running submitted tasks in FIFO order.
// Thread-safe. The destructor finishes queued tasks and joins the threads.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "fme/poller.h"

namespace fme {

class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Submit(std::function<void()> task) override;

  // Adds threads until there are `threads` (never removes any). Not concurrent with the destructor.
  void Grow(int threads);

 private:
  void Work();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;  // guarded by mu_ when growing
};

}  // namespace fme
