#include "world/engine.h"

#include <algorithm>

#include "world/simulation.h"

namespace fme::sim {

WorldSizes Measure(const World& world) {
  WorldSizes s;
  s.flink_clusters = world.flink.size();
  for (const auto& c : world.flink) {
    s.flink_on_mesos += c.on_mesos ? 1 : 0;
    s.jobs += c.jobs.size();
    s.taskmanagers += c.taskmanagers.size();
    for (const auto& j : c.jobs) {
      s.vertices += j.vertices.size();
      for (const auto& v : j.vertices) s.subtasks += v.subtasks.size();
    }
  }
  s.masters = world.mesos.masters.size();
  s.agents = world.mesos.agents.size();
  s.frameworks = world.mesos.frameworks.size();
  s.tasks = world.mesos.tasks.size();
  s.completed_tasks = world.mesos.completed_tasks.size();
  return s;
}

Millis TimelineEnd(const Scenario& scenario) {
  Millis end = 0;
  for (const auto& i : scenario.incidents) end = std::max({end, i.at + i.downtime, i.until});
  for (const auto& f : scenario.faults) end = std::max({end, f.at, f.until});
  return end;
}

Engine::Engine(Scenario scenario, TimeSource time_source)
    : scenario_(std::move(scenario)), time_source_(std::move(time_source)) {
  first_start_ = scenario_.start ? *scenario_.start : time_source_();
  start_ = first_start_;
  sim_ = std::make_unique<Simulation>(scenario_, first_start_, world_);
}

Engine::~Engine() = default;

void Engine::RepeatEvery(Millis period) {
  std::lock_guard<std::mutex> lock(mu_);
  repeat_every_ = std::max<Millis>(period, 0);
}

void Engine::AdvanceTo(Millis now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (repeat_every_ > 0 && now >= start_ + repeat_every_) {
      const Millis end = start_ + repeat_every_;
      sim_->AdvanceTo(end - 1);  // the last steps of this pass
      Restart(end);
    }
    sim_->AdvanceTo(now);
  }
  cv_.notify_all();
}

void Engine::Restart(Millis at) {
  // What the server wrote into the world when it bound its ports.
  struct MasterPlace {
    std::string hostname, path_prefix;
    int port;
  };
  std::vector<MasterPlace> masters;
  for (const auto& m : world_.mesos.masters) masters.push_back({m.hostname, m.path_prefix, m.port});
  std::vector<std::string> rest_urls;
  for (const auto& c : world_.flink) rest_urls.push_back(c.rest_url);
  const uint64_t next_sequence = world_.mesos.next_event_sequence;

  sim_.reset();
  world_ = World{};
  sim_ = std::make_unique<Simulation>(scenario_, at, world_);  // valid: the same scenario built before
  start_ = at;
  ++passes_;

  for (std::size_t i = 0; i < world_.mesos.masters.size() && i < masters.size(); ++i) {
    auto& m = world_.mesos.masters[i];
    m.hostname = masters[i].hostname;
    m.path_prefix = masters[i].path_prefix;
    m.port = masters[i].port;
  }
  for (std::size_t i = 0; i < world_.flink.size() && i < rest_urls.size(); ++i) {
    auto& c = world_.flink[i];
    c.rest_url = rest_urls[i];
    for (auto& f : world_.mesos.frameworks) {
      if (c.on_mesos && f.id == c.framework_id) f.webui_url = c.rest_url;
    }
  }
  // Skip one sequence number: a stream that has seen the old pass's events notices the gap.
  world_.mesos.next_event_sequence = next_sequence + 1;
}

void Engine::Sync() { AdvanceTo(time_source_()); }

Millis Engine::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return world_.now;
}

Millis Engine::TimelineNow() const {
  std::lock_guard<std::mutex> lock(mu_);
  return first_start_ + (world_.now - start_);
}

uint64_t Engine::Passes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return passes_;
}

std::vector<std::string> Engine::Warnings() const {
  std::lock_guard<std::mutex> lock(mu_);
  return sim_->warnings();
}

bool Engine::WaitForEvents(uint64_t after_sequence, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mu_);
  auto has = [&] { return world_.mesos.next_event_sequence > after_sequence + 1; };
  if (has()) return true;
  cv_.wait_for(lock, timeout);
  return has();
}

}  // namespace fme::sim
