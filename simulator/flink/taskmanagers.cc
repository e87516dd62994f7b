// GET /taskmanagers and /taskmanagers/:taskmanagerid (TaskManagerInfo / TaskManagerDetailsInfo).
#include <algorithm>
#include <string>

#include "flink/flink_internal.h"

namespace fme::sim::flink {
namespace {

std::string RpcPath(const Ctx& ctx, const TaskManager& tm) {
  const std::string addr = "flink@" + tm.host + ":" + std::to_string(tm.rpc_port);
  if (ctx.Legacy()) return "akka.tcp://" + addr + "/user/taskmanager";
  if (!ctx.Since(FlinkDialect::k1_13)) return "akka.tcp://" + addr + "/user/taskmanager_0";
  if (!ctx.Since(FlinkDialect::k1_18)) return "akka.tcp://" + addr + "/user/rpc/taskmanager_0";
  return "pekko.tcp://" + addr + "/user/rpc/taskmanager_0";  // Akka -> Pekko in 1.18
}

// ResourceProfileInfo: cpuCores (double) and memory sizes in MB; `fraction` of the TM's total.
Json ResourceJson(const TaskManager& tm, double fraction) {
  const TmMemory m = TaskManagerMemory(tm);
  auto mb = [&](int64_t bytes) {
    return static_cast<int64_t>(static_cast<double>(bytes) * fraction) / kMiB;
  };
  Json j;
  j["cpuCores"] = static_cast<double>(tm.cpu_cores) * fraction;
  j["taskHeapMemory"] = mb(m.task_heap);
  j["taskOffHeapMemory"] = mb(m.task_off_heap);
  j["managedMemory"] = mb(m.managed);
  j["networkMemory"] = mb(m.network);
  j["extendedResources"] = Json::object();
  return j;
}

double FreeFraction(const TaskManager& tm) {
  return tm.slots > 0 ? static_cast<double>(tm.free_slots) / tm.slots : 0.0;
}

Json TaskManagerJson(const Ctx& ctx, const TaskManager& tm) {
  Json j;
  j["id"] = tm.id;
  j["path"] = RpcPath(ctx, tm);
  j["dataPort"] = tm.data_port;
  if (ctx.Since(FlinkDialect::k1_13)) j["jmxPort"] = -1;
  j["timeSinceLastHeartbeat"] = tm.last_heartbeat;  // misnamed: epoch ms of the last heartbeat
  j["slotsNumber"] = tm.slots;
  j["freeSlots"] = tm.free_slots;
  if (ctx.Legacy()) {  // 1.4: flat hardware fields
    j["cpuCores"] = tm.cpu_cores;
    j["physicalMemory"] = tm.physical_memory;
    j["freeMemory"] = tm.free_memory;
    j["managedMemory"] = tm.managed_memory;
    return j;
  }
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.11
    j["totalResource"] = ResourceJson(tm, 1.0);
    j["freeResource"] = ResourceJson(tm, FreeFraction(tm));
  }
  Json hw;
  hw["cpuCores"] = tm.cpu_cores;
  hw["physicalMemory"] = tm.physical_memory;
  hw["freeMemory"] = tm.free_memory;
  hw["managedMemory"] = tm.managed_memory;
  j["hardware"] = hw;
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.12
    const TmMemory m = TaskManagerMemory(tm);
    Json mc;
    mc["frameworkHeap"] = m.framework_heap;
    mc["taskHeap"] = m.task_heap;
    mc["frameworkOffHeap"] = m.framework_off_heap;
    mc["taskOffHeap"] = m.task_off_heap;
    mc["networkMemory"] = m.network;
    mc["managedMemory"] = m.managed;
    mc["jvmMetaspace"] = m.metaspace;
    mc["jvmOverhead"] = m.overhead;
    mc["totalFlinkMemory"] = m.total_flink;
    mc["totalProcessMemory"] = m.total_process;
    j["memoryConfiguration"] = mc;
  }
  if (ctx.Since(FlinkDialect::k1_18)) j["blocked"] = false;  // 1.16
  return j;
}

}  // namespace

TmMemory TaskManagerMemory(const TaskManager& tm) {
  TmMemory m;
  m.task_heap = std::max<int64_t>(0, tm.heap_max - m.framework_heap);
  m.managed = tm.managed_memory;
  const int64_t rest =
      m.framework_heap + m.task_heap + m.framework_off_heap + m.task_off_heap + m.managed;
  m.network = std::clamp<int64_t>(rest / 9, 64 * kMiB, 1024 * kMiB);
  m.total_flink = rest + m.network;
  m.overhead = std::clamp<int64_t>((m.total_flink + m.metaspace) / 9, 192 * kMiB, 1024 * kMiB);
  m.total_process = m.total_flink + m.metaspace + m.overhead;
  return m;
}

int64_t TaskManagerFreeSegments(const TaskManager& tm) {
  return static_cast<int64_t>(static_cast<double>(TaskManagerMemory(tm).segments_total()) *
                              FreeFraction(tm));
}

ApiResponse HandleTaskManagers(const Ctx& ctx) {
  Json list = Json::array();
  for (const TaskManager& tm : ctx.cluster.taskmanagers) list.push_back(TaskManagerJson(ctx, tm));
  Json j;
  j["taskmanagers"] = list;
  return JsonOk(j);
}

ApiResponse HandleTaskManagerDetails(const Ctx& ctx, const TaskManager& tm) {
  Json j = TaskManagerJson(ctx, tm);
  const TmMemory mem = TaskManagerMemory(tm);
  const int64_t segments_total = mem.segments_total();
  const int64_t segments_free = TaskManagerFreeSegments(tm);

  if (ctx.Since(FlinkDialect::k1_13)) {  // allocatedSlots: one per used slot
    std::vector<std::string> job_ids;
    for (const Job& job : ctx.cluster.jobs) {
      if (IsGloballyTerminal(job.state)) continue;
      bool on_tm = false;
      for (const Vertex& v : job.vertices) {
        for (const Subtask& s : v.subtasks) on_tm = on_tm || s.taskmanager_id == tm.id;
      }
      if (on_tm) job_ids.push_back(job.id);
    }
    Json slots = Json::array();
    const int used = std::max(0, tm.slots - tm.free_slots);
    for (int i = 0; i < used && !job_ids.empty(); ++i) {
      Json s;
      s["jobId"] = job_ids[std::min<std::size_t>(static_cast<std::size_t>(i), job_ids.size() - 1)];
      s["resource"] = ResourceJson(tm, tm.slots > 0 ? 1.0 / tm.slots : 0.0);
      slots.push_back(s);
    }
    j["allocatedSlots"] = slots;
  }

  Json m;
  m["heapUsed"] = tm.heap_used;
  m["heapCommitted"] = tm.heap_committed;
  m["heapMax"] = tm.heap_max;
  m["nonHeapUsed"] = tm.non_heap_used;
  m["nonHeapCommitted"] = tm.non_heap_used;
  m["nonHeapMax"] = tm.non_heap_max;
  // Direct memory = the network buffer pool; no memory-mapped buffers.
  m["directCount"] = segments_total;
  m["directUsed"] = mem.network;
  m["directMax"] = mem.network;
  m["mappedCount"] = 0;
  m["mappedUsed"] = 0;
  m["mappedMax"] = 0;
  if (!ctx.Since(FlinkDialect::k2_0)) {  // removed in 2.0
    m["memorySegmentsAvailable"] = segments_free;
    m["memorySegmentsTotal"] = segments_total;
  }
  if (ctx.Since(FlinkDialect::k1_13)) {  // 1.12
    m["nettyShuffleMemorySegmentsAvailable"] = segments_free;
    m["nettyShuffleMemorySegmentsUsed"] = segments_total - segments_free;
    m["nettyShuffleMemorySegmentsTotal"] = segments_total;
    m["nettyShuffleMemoryAvailable"] = segments_free * kSegmentSize;
    m["nettyShuffleMemoryUsed"] = (segments_total - segments_free) * kSegmentSize;
    m["nettyShuffleMemoryTotal"] = segments_total * kSegmentSize;
  }
  Json gcs = Json::array();
  for (const TaskManager::Gc& gc : tm.gcs) {
    Json g;
    g["name"] = gc.name;
    g["count"] = gc.count;
    g["time"] = gc.time_ms;
    gcs.push_back(g);
  }
  m["garbageCollectors"] = gcs;
  if (ctx.Legacy()) {
    m["totalCommitted"] = tm.heap_committed + tm.non_heap_used;
    m["totalUsed"] = tm.heap_used + tm.non_heap_used;
    m["totalMax"] = tm.heap_max + tm.non_heap_max;
  }
  j["metrics"] = m;
  return JsonOk(j);
}

}  // namespace fme::sim::flink
