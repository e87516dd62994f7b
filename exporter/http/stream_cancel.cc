#include "fme/http_client.h"

namespace fme {

void StreamCancel::Cancel() {
  // Under the lock: once Detach() has returned, the request's resources may be gone, so `stop`
  // must never run after it.
  std::lock_guard lock(mu_);
  cancelled_ = true;
  if (stop_) stop_();
}

bool StreamCancel::cancelled() const {
  std::lock_guard lock(mu_);
  return cancelled_;
}

bool StreamCancel::Attach(std::function<void()> stop) {
  std::lock_guard lock(mu_);
  if (cancelled_) return false;
  stop_ = std::move(stop);
  return true;
}

void StreamCancel::Detach() {
  std::lock_guard lock(mu_);
  stop_ = nullptr;
}

}  // namespace fme
