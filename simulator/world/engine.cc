#include "world/engine.h"

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

Engine::Engine(Scenario scenario, TimeSource time_source)
    : scenario_(std::move(scenario)), time_source_(std::move(time_source)) {
  start_ = scenario_.start ? *scenario_.start : time_source_();
  sim_ = std::make_unique<Simulation>(scenario_, start_, world_);
}

Engine::~Engine() = default;

void Engine::AdvanceTo(Millis now) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    sim_->AdvanceTo(now);
  }
  cv_.notify_all();
}

void Engine::Sync() { AdvanceTo(time_source_()); }

Millis Engine::Now() const {
  std::lock_guard<std::mutex> lock(mu_);
  return world_.now;
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
