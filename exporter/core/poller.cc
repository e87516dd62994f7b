#include "fme/poller.h"

#include <algorithm>

#include "core/heap_trim.h"

namespace fme {
namespace {

// Polls free their answers as they finish, in the arenas of a hundred threads; what stays free
// there is given back to the kernel this often (a trim costs a walk over the heap).
constexpr Duration kHeapTrimGap = std::chrono::seconds(10);

}  // namespace

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
  entry->source->SetChangeListener(
      [this, weak = std::weak_ptr<Entry>(entry)] { PollEarly(weak); });
  entries_.push_back(std::move(entry));
  cv_.notify_all();  // Run() may be waiting for a later target
}

void Poller::PollEarly(const std::weak_ptr<Entry>& weak) {
  std::shared_ptr<Entry> e = weak.lock();
  if (!e) return;
  std::lock_guard lock(mu_);
  // A failing target keeps its backoff: early polls are for fresh news from a live upstream.
  if (e->removed || stopping_ || e->early_due || e->failures > 0) return;
  // Never sooner than the gap after the last start; a poll in flight takes the change along
  // only if it reads the source after it, so one more is due after it in any case.
  e->early_due = std::max(clock_.Steady(), e->last_start + kMinEarlyPollGap);
  cv_.notify_all();
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

Duration Poller::Backoff(const PollSettings& s, int failures) {
  const Duration cap = std::max(s.backoff_max, s.interval);
  Duration wait = s.interval;
  for (int i = 1; i < failures && wait < cap; ++i) wait *= 2;
  wait = std::min(wait, cap);
  if (s.jitter <= 0) return wait;
  std::uniform_real_distribution<double> dist(-s.jitter, s.jitter);
  return std::chrono::duration_cast<Duration>(wait * (1.0 + dist(rng_)));
}

SteadyTime Poller::RunDue() {
  std::vector<std::shared_ptr<Entry>> due;
  SteadyTime next = SteadyTime::max();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return next;
    const SteadyTime now = clock_.Steady();
    for (auto& e : entries_) {
      bool is_due = false;
      if (e->next_due <= now) {
        // Fixed rate: advance from the due time, skipping rounds missed while in flight.
        while (e->next_due <= now) e->next_due += Jittered(e->settings);
        is_due = true;
      }
      if (e->early_due && *e->early_due <= now && !e->in_flight) is_due = true;
      if (is_due && !e->in_flight) {
        e->in_flight = true;
        e->early_due.reset();
        e->last_start = now;
        ++in_flight_;
        due.push_back(e);
      }
      next = std::min(next, e->next_due);
      if (e->early_due && !e->in_flight) next = std::min(next, *e->early_due);
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

  // The entry keeps the poll status only; the observation goes to the store without a copy (at
  // scale a Mesos cluster's observation is megabytes, and a second copy per target doubled it).
  TargetState& st = entry.state;
  std::optional<Observation> observation;
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
    observation = std::move(result).value();
  } else {
    st.up = false;
    st.last_error = result.status().ToString();
  }
  bool removed;
  {
    std::lock_guard lock(mu_);
    removed = entry.removed;
    if (outcome.status.ok()) {
      entry.failures = 0;
    } else if (++entry.failures >= 2) {
      // Backing off: the next attempt no sooner than the backoff after this one started.
      entry.next_due = std::max(entry.next_due, start + Backoff(entry.settings, entry.failures));
    }
  }
  if (!removed) {
    // Observer first: the store update triggers a render, which then sees the new self-metrics.
    if (observer_ != nullptr) {
      observer_->OnPollDone(st.target, outcome);
    }
    TargetState published = st;
    published.observation = std::move(observation);
    store_.Update(std::move(published));
  }
  TrimHeapAtMostEvery(kHeapTrimGap, clock_.Steady());

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
