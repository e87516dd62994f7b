#include "sources/request_limiter.h"

#include <string>

namespace fme {

void RequestLimiter::SetCapacity(int capacity) {
  {
    std::lock_guard lock(mu_);
    capacity_ = capacity;
  }
  freed_.notify_all();  // a larger cap frees slots for waiting requests
}

bool RequestLimiter::Acquire(SteadyTime deadline) {
  std::unique_lock lock(mu_);
  const auto free = [&] { return capacity_ <= 0 || in_flight_ < capacity_; };
  if (!free() && !freed_.wait_until(lock, deadline, free)) return false;
  ++in_flight_;
  return true;
}

void RequestLimiter::Release() {
  {
    std::lock_guard lock(mu_);
    --in_flight_;
  }
  freed_.notify_one();
}

int RequestLimiter::in_flight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

int RequestLimiter::capacity() const {
  std::lock_guard lock(mu_);
  return capacity_;
}

Result<HttpResponse> LimitedHttpClient::Send(const HttpRequest& request) {
  if (request.on_body) return inner_.Send(request);
  if (!limiter_.Acquire(request.deadline)) {
    return Status::Timeout("no free upstream connection before the poll's deadline: " +
                           std::to_string(limiter_.capacity()) +
                           " requests to all upstreams were already in flight "
                           "(limits.max_concurrent_requests)");
  }
  struct Slot {
    RequestLimiter& limiter;
    ~Slot() { limiter.Release(); }
  } slot{limiter_};
  return inner_.Send(request);
}

}  // namespace fme
