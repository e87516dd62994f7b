#include "fme/poller.h"

#include <algorithm>

namespace fme {

Poller::Poller(Clock& clock, Executor& executor, SnapshotStore& store, PollObserver* observer,
               uint64_t seed)
    : clock_(clock), executor_(executor), store_(store), observer_(observer), rng_(seed) {}

Poller::~Poller() {
  Stop();
  // Polls hold references to entries; wait until they are done.
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return in_flight_ == 0; });
}

void Poller::AddTarget(std::unique_ptr<Source> source, PollSettings settings) {
  std::lock_guard lock(mu_);
  auto entry = std::make_shared<Entry>();
  entry->state.target = source->target();
  entry->source = std::move(source);
  entry->settings = settings;
  // First poll soon, spread over the first tenth of an interval.
  std::uniform_real_distribution<double> spread(0.0, 0.1);
  entry->next_due = clock_.Steady() + std::chrono::duration_cast<Duration>(
                                          settings.interval * spread(rng_));
  entries_.push_back(std::move(entry));
  cv_.notify_all();  // Run() may be waiting for a later target
}

bool Poller::RemoveTarget(SourceKind kind, const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) {
    return e->state.target.kind == kind && e->state.target.name == name;
  });
  if (it == entries_.end()) return false;
  (*it)->removed = true;
  entries_.erase(it);
  return true;
}

Duration Poller::Jittered(const PollSettings& s) {
  if (s.jitter <= 0) return s.interval;
  std::uniform_real_distribution<double> dist(-s.jitter, s.jitter);
  return std::chrono::duration_cast<Duration>(s.interval * (1.0 + dist(rng_)));
}

SteadyTime Poller::RunDue() {
  std::vector<std::shared_ptr<Entry>> due;
  SteadyTime next = SteadyTime::max();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return next;
    const SteadyTime now = clock_.Steady();
    for (auto& e : entries_) {
      if (e->next_due <= now) {
        // Fixed rate: advance from the due time, skipping rounds missed while in flight.
        while (e->next_due <= now) e->next_due += Jittered(e->settings);
        if (!e->in_flight) {
          e->in_flight = true;
          ++in_flight_;
          due.push_back(e);
        }
      }
      next = std::min(next, e->next_due);
    }
  }
  for (auto& e : due) {
    executor_.Submit([this, e = std::move(e)] { PollOnce(*e); });
  }
  return next;
}

void Poller::PollOnce(Entry& entry) {
  const SteadyTime start = clock_.Steady();
  Result<Observation> result = entry.source->Poll(start + entry.settings.timeout);
  const SteadyTime end = clock_.Steady();

  TargetState& st = entry.state;
  st.polled = true;
  st.last_poll = clock_.Now();
  st.last_poll_duration = end - start;
  PollOutcome outcome{st.last_poll_duration, result.status(), {}};
  if (result.ok()) {
    if (const auto* flink = std::get_if<FlinkObservation>(&*result)) {
      outcome.endpoint_errors = flink->endpoint_errors;
      outcome.series_dropped = flink->series_dropped;
    } else if (const auto* mesos = std::get_if<MesosObservation>(&*result)) {
      outcome.endpoint_errors = mesos->endpoint_errors;  // failed state polls and reconciliations
    }
    st.up = true;
    st.last_success = st.last_poll;
    st.observation = std::move(result).value();
  } else {
    st.up = false;
    st.last_error = result.status().ToString();
    st.observation.reset();
  }
  bool removed;
  {
    std::lock_guard lock(mu_);
    removed = entry.removed;
  }
  if (!removed) {
    // Observer first: the store update triggers a render, which then sees the new self-metrics.
    if (observer_ != nullptr) {
      observer_->OnPollDone(st.target, outcome);
    }
    store_.Update(st);
  }

  std::lock_guard lock(mu_);
  entry.in_flight = false;
  --in_flight_;
  cv_.notify_all();
}

void Poller::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    lock.unlock();
    SteadyTime next = RunDue();
    lock.lock();
    if (stopping_) break;
    // The condition variable waits on the real steady clock; `next` came from clock_, which in
    // production is the system clock. Cap the wait so a clock mismatch cannot stall polling.
    Duration wait = std::min<Duration>(next - clock_.Steady(), std::chrono::seconds(1));
    if (wait > Duration::zero()) cv_.wait_for(lock, wait, [&] { return stopping_; });
  }
}

void Poller::Stop() {
  std::lock_guard lock(mu_);
  stopping_ = true;
  cv_.notify_all();
}

int Poller::InFlight() const {
  std::lock_guard lock(mu_);
  return in_flight_;
}

}  // namespace fme
