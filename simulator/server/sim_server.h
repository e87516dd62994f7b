// The HTTP layer of flink-mesos-sim (cpp-httplib).
//
// Listeners (all on `listen_host`; port 0 = any free port):
//  - the Mesos listener (`mesos_port`): master i under the path prefix /m<i+1> (the prefix is part
//    of every redirect Location), unprefixed paths go to the first master; agents under
//    /agents/<agent-id>/<agent path>; the admin API under /admin (never faulted);
//  - optionally one listener per master (`master_ports`), serving that master at the root; the
//    masters' world entries then advertise these ports (and no prefix) in redirects;
//  - one listener per Flink cluster (`flink_base_port` + i, or any port when 0). Its URL is
//    written into the world as the cluster's rest_url and its framework's webui_url.
// Every request first advances the engine to the clock's time, then passes fault injection,
// then the renderers (simulator/flink, simulator/mesos) answer under the engine's lock.
// SUBSCRIBE (POST /api/v1 {"type":"SUBSCRIBE"} on the leader) is streamed here.
//
// Admin API (Mesos listener): GET/POST/DELETE /admin/faults[?id=N], POST /admin/advance?seconds=N,
// GET /admin/world (sizes and times), GET /admin/ports (the ports JSON).
//
// Thread-safety: Start/Stop from one thread; request handling runs on httplib's pools.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "server/faults.h"
#include "server/sim_clock.h"
#include "world/engine.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace fme::sim {

struct ServerOptions {
  std::string listen_host = "127.0.0.1";
  std::string advertise_host;   // host written into URLs; default: listen_host (127.0.0.1 for 0.0.0.0)
  int mesos_port = 0;           // 0: any free port
  bool master_ports = false;    // also one listener per master
  int flink_base_port = 0;      // 0: any free port per cluster; else base + cluster index
  std::string ports_file;       // written after binding when not empty
  int mesos_threads = 32;       // worker threads of the Mesos listener (SUBSCRIBE streams hold one)
  int flink_threads = 4;        // worker threads per Flink listener
  Millis heartbeat_interval = 15'000;  // SUBSCRIBE HEARTBEATs, simulated time
};

class SimServer {
 public:
  SimServer(Engine& engine, SimClock& clock, ServerOptions options);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  // Binds every listener, writes URLs into the world and the ports file, starts serving.
  // Returns false with `error` set when a port cannot be bound.
  bool Start(std::string* error);
  // Stops the listeners, ends streams and hanging requests, joins the threads. Idempotent.
  void Stop();

  int mesos_port() const { return mesos_port_; }
  std::string MesosUrl() const;                  // http://host:port
  std::string MasterUrl(std::size_t i) const;    // http://host:port/m<i+1> (or its own port)
  std::string FlinkUrl(std::size_t i) const;     // http://host:port
  std::string PortsJson() const;
  FaultTable& faults() { return faults_; }

 private:
  enum class Kind { kMesosShared, kMaster, kFlink };
  struct Listener {
    Kind kind;
    std::size_t index = 0;  // master or cluster index
    int port = 0;
    std::unique_ptr<httplib::Server> server;
    std::thread thread;
  };
  struct Route;  // a resolved request target (server/sim_server.cc)

  std::unique_ptr<httplib::Server> MakeServer(Kind kind, std::size_t index, int threads);
  void Handle(Kind kind, std::size_t index, const httplib::Request& req, httplib::Response& res);
  void HandleAdmin(const httplib::Request& req, httplib::Response& res);
  // `body_mode` (a BodyMode, server/sim_server.cc) breaks the stream's first records: truncate,
  // malformed, or reset after `fault_bytes`.
  void Subscribe(std::size_t master, const httplib::Request& req, httplib::Response& res, int body_mode = 0,
                 int64_t fault_bytes = 0);
  bool ApplyFault(const FaultTable::Entry& fault, const httplib::Request& req, httplib::Response& res,
                  bool* serve_anyway, int* body_mode);
  void Reset(const httplib::Request& req);
  bool SleepUnlessStopped(Millis ms, uint64_t fault_id);
  std::string Host() const;

  Engine& engine_;
  SimClock& clock_;
  ServerOptions options_;
  FaultTable faults_;
  std::vector<Listener> listeners_;
  int mesos_port_ = 0;
  std::vector<int> master_ports_;
  std::vector<int> flink_ports_;
  std::atomic<bool> stopping_{false};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool started_ = false;
};

}  // namespace fme::sim
