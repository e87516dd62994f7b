#include "server/sim_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <regex>

#include "flink/flink_api.h"
#include "mesos/mesos_api.h"
#include "mesos/v1_json.h"

namespace fme::sim {
namespace {

constexpr Millis kDefaultLatency = 1000;
constexpr Millis kDefaultHang = 3'600'000;
constexpr Millis kDefaultDripPause = 1000;

enum class BodyMode { kNormal, kTruncate, kMalformed, kOversize, kSlowDrip, kResetMidBody };

// What a body fault needs from the server: a pause that ends early on Stop() (false then), and
// the abort of this request's connection.
struct BodyFaultHooks {
  std::function<bool(Millis)> pause;
  std::function<void()> abort;
};

void SetError(httplib::Response& res, int status, const std::string& message) {
  res.status = status;
  res.set_content(nlohmann::json{{"error", message}}.dump(), "application/json");
}

int PortOf(const sockaddr_storage& a) {
  if (a.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&a)->sin_port);
  if (a.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6*>(&a)->sin6_port);
  return -1;
}

void AbortConnection(int local_port, int remote_port) {
  // httplib does not expose the socket: find it by its address pair, then abort it so the client
  // gets no more of the answer (RST; what httplib writes afterwards goes nowhere).
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return;
  while (dirent* e = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    sockaddr_storage local{}, peer{};
    socklen_t ll = sizeof(local), pl = sizeof(peer);
    const int s = static_cast<int>(fd);
    if (getsockname(s, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    if (getpeername(s, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (PortOf(local) != local_port || PortOf(peer) != remote_port) continue;
    linger lg{1, 0};
    setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    shutdown(s, SHUT_RDWR);
    break;
  }
  closedir(dir);
}

bool IsSubscribe(const httplib::Request& req) {
  if (req.method != "POST") return false;
  const auto ct = req.get_header_value("Content-Type");
  if (ct != "application/json") return false;  // Mesos compares the media type exactly
  const auto doc = nlohmann::json::parse(req.body, nullptr, false);
  return doc.is_object() && doc.contains("type") && doc["type"] == "SUBSCRIBE";
}

void WriteApiResponse(const ApiResponse& r, BodyMode mode, const FaultSpec* fault, const BodyFaultHooks& hooks,
                      httplib::Response& res) {
  res.status = r.status;
  for (const auto& [k, v] : r.headers) res.set_header(k, v);
  switch (mode) {
    case BodyMode::kNormal:
      res.set_content(r.body, r.content_type);
      return;
    case BodyMode::kMalformed:
      res.set_content(MalformJson(r.body), r.content_type);
      return;
    case BodyMode::kTruncate: {
      // Announce the full length, send half of it, then close the connection.
      auto body = std::make_shared<std::string>(r.body.empty() ? std::string("{}") : r.body);
      res.set_header("Connection", "close");
      res.set_content_provider(body->size(), r.content_type,
                               [body](size_t offset, size_t length, httplib::DataSink& sink) {
                                 const std::size_t half = body->size() / 2;
                                 if (offset >= half || half == 0) return false;
                                 sink.write(body->data() + offset, std::min(length, half - offset));
                                 return true;
                               });
      return;
    }
    case BodyMode::kSlowDrip: {
      // The whole body, announced by Content-Length, in pieces of `bytes` with `ms` between them:
      // bytes keep arriving, so only a deadline on the whole exchange ends it early.
      auto body = std::make_shared<std::string>(r.body);
      const auto piece = static_cast<std::size_t>(FaultBytes(*fault));
      const Millis pause = fault->ms > 0 ? fault->ms : kDefaultDripPause;
      res.set_content_provider(
          body->size(), r.content_type,
          [body, piece, pause, hooks](size_t offset, size_t length, httplib::DataSink& sink) {
            if (offset > 0 && !hooks.pause(pause)) return false;
            const std::size_t n = std::min({piece, length, body->size() - offset});
            return sink.write(body->data() + offset, n);
          });
      return;
    }
    case BodyMode::kResetMidBody: {
      // Status, headers with the full Content-Length and the first `bytes` of the body, then the
      // connection is aborted.
      auto body = std::make_shared<std::string>(r.body.empty() ? std::string("{}") : r.body);
      const auto sent = std::min(static_cast<std::size_t>(FaultBytes(*fault)), body->size() - 1);
      res.set_content_provider(
          body->size(), r.content_type,
          [body, sent, hooks](size_t offset, size_t length, httplib::DataSink& sink) {
            if (offset < sent) return sink.write(body->data() + offset, std::min(length, sent - offset));
            hooks.abort();
            return false;
          });
      return;
    }
    case BodyMode::kOversize: {
      const auto total_bytes = static_cast<std::size_t>(FaultBytes(*fault));
      auto o = std::make_shared<Oversized>(OversizeJson(r.body, total_bytes));
      const std::size_t total = o->prefix.size() + o->padding + o->suffix.size();
      res.set_content_provider(total, r.content_type, [o](size_t offset, size_t length, httplib::DataSink& sink) {
        std::string chunk;
        const std::size_t want = std::min<std::size_t>(length, 64 * 1024);
        std::size_t pos = offset;
        while (chunk.size() < want) {
          if (pos < o->prefix.size()) {
            const auto n = std::min(want - chunk.size(), o->prefix.size() - pos);
            chunk.append(o->prefix, pos, n);
            pos += n;
          } else if (pos < o->prefix.size() + o->padding) {
            const auto n = std::min(want - chunk.size(), o->prefix.size() + o->padding - pos);
            chunk.append(n, 'x');
            pos += n;
          } else {
            const auto s = pos - o->prefix.size() - o->padding;
            if (s >= o->suffix.size()) break;
            const auto n = std::min(want - chunk.size(), o->suffix.size() - s);
            chunk.append(o->suffix, s, n);
            pos += n;
          }
        }
        return !chunk.empty() && sink.write(chunk.data(), chunk.size());
      });
      return;
    }
  }
}

}  // namespace

SimServer::SimServer(Engine& engine, SimClock& clock, ServerOptions options)
    : engine_(engine), clock_(clock), options_(std::move(options)) {
  faults_.AddScheduled(engine_.scenario().faults, engine_.StartTime());
}

SimServer::~SimServer() { Stop(); }

std::string SimServer::Host() const {
  if (!options_.advertise_host.empty()) return options_.advertise_host;
  if (options_.listen_host == "0.0.0.0" || options_.listen_host == "::" || options_.listen_host.empty()) {
    return "127.0.0.1";
  }
  return options_.listen_host;
}

std::string SimServer::MesosUrl() const { return "http://" + Host() + ":" + std::to_string(mesos_port_); }

std::string SimServer::MasterUrl(std::size_t i) const {
  if (options_.master_ports && i < master_ports_.size()) {
    return "http://" + Host() + ":" + std::to_string(master_ports_[i]);
  }
  return MesosUrl() + "/m" + std::to_string(i + 1);
}

std::string SimServer::FlinkUrl(std::size_t i) const {
  return "http://" + Host() + ":" + std::to_string(flink_ports_.at(i));
}

std::unique_ptr<httplib::Server> SimServer::MakeServer(Kind kind, std::size_t index, int threads) {
  auto svr = std::make_unique<httplib::Server>();
  const auto n = static_cast<std::size_t>(std::max(1, threads));
  svr->new_task_queue = [n] { return new httplib::ThreadPool(n); };
  svr->set_keep_alive_timeout(1);
  svr->set_read_timeout(10);
  svr->set_write_timeout(10);
  auto handler = [this, kind, index](const httplib::Request& req, httplib::Response& res) {
    Handle(kind, index, req, res);
  };
  svr->Get(".*", handler);
  svr->Post(".*", handler);
  svr->Put(".*", handler);
  svr->Patch(".*", handler);
  svr->Delete(".*", handler);
  svr->Options(".*", handler);
  svr->set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    SetError(res, 500, "simulator error: " + what);
  });
  return svr;
}

bool SimServer::Start(std::string* error) {
  if (started_) return true;
  std::signal(SIGPIPE, SIG_IGN);  // writes to reset/closed sockets must not kill the process
  const auto [masters, clusters] =
      engine_.Read([](const World& w) { return std::make_pair(w.mesos.masters.size(), w.flink.size()); });

  auto bind = [&](Kind kind, std::size_t index, int threads, int port) -> int {
    Listener l{kind, index, 0, MakeServer(kind, index, threads), {}};
    if (port == 0) {
      l.port = l.server->bind_to_any_port(options_.listen_host);
    } else {
      l.port = l.server->bind_to_port(options_.listen_host, port) ? port : -1;
    }
    if (l.port <= 0) {
      if (error) *error = "cannot bind " + options_.listen_host + ":" + std::to_string(port);
      return -1;
    }
    const int bound = l.port;
    listeners_.push_back(std::move(l));
    return bound;
  };

  mesos_port_ = bind(Kind::kMesosShared, 0, options_.mesos_threads, options_.mesos_port);
  if (mesos_port_ < 0) return false;
  if (options_.master_ports) {
    for (std::size_t i = 0; i < masters; ++i) {
      const int want = options_.mesos_port == 0 ? 0 : options_.mesos_port + 1 + static_cast<int>(i);
      const int p = bind(Kind::kMaster, i, options_.mesos_threads, want);
      if (p < 0) return false;
      master_ports_.push_back(p);
    }
  }
  for (std::size_t i = 0; i < clusters; ++i) {
    const int want = options_.flink_base_port == 0 ? 0 : options_.flink_base_port + static_cast<int>(i);
    const int p = bind(Kind::kFlink, i, options_.flink_threads, want);
    if (p < 0) return false;
    flink_ports_.push_back(p);
  }

  engine_.Mutate([&](World& w) {
    for (std::size_t i = 0; i < w.mesos.masters.size(); ++i) {
      auto& m = w.mesos.masters[i];
      m.hostname = Host();
      if (options_.master_ports) {
        m.port = master_ports_[i];
        m.path_prefix.clear();
      } else {
        m.port = mesos_port_;
        m.path_prefix = "/m" + std::to_string(i + 1);
      }
    }
    for (std::size_t i = 0; i < w.flink.size(); ++i) {
      auto& c = w.flink[i];
      c.rest_url = FlinkUrl(i);
      for (auto& f : w.mesos.frameworks) {
        if (c.on_mesos && f.id == c.framework_id) f.webui_url = c.rest_url;
      }
    }
  });

  if (!options_.ports_file.empty()) {
    std::ofstream out(options_.ports_file);
    out << PortsJson() << "\n";
    if (!out) {
      if (error) *error = "cannot write " + options_.ports_file;
      return false;
    }
  }

  for (auto& l : listeners_) {
    httplib::Server* s = l.server.get();
    l.thread = std::thread([s] { s->listen_after_bind(); });
  }
  for (auto& l : listeners_) {
    while (!l.server->is_running()) std::this_thread::yield();
  }
  started_ = true;
  return true;
}

void SimServer::Stop() {
  if (!started_) return;
  started_ = false;
  stopping_ = true;
  stop_cv_.notify_all();
  engine_.Interrupt();
  for (auto& l : listeners_) l.server->stop();
  for (auto& l : listeners_) {
    if (l.thread.joinable()) l.thread.join();
  }
}

std::string SimServer::PortsJson() const {
  nlohmann::json j;
  engine_.Read([&](const World& w) {
    auto masters = nlohmann::json::array();
    for (std::size_t i = 0; i < w.mesos.masters.size(); ++i) masters.push_back(MasterUrl(i));
    auto agents = nlohmann::json::array();
    for (const auto& a : w.mesos.agents) {
      agents.push_back({{"id", a.id}, {"hostname", a.hostname}, {"url", MesosUrl() + "/agents/" + a.id}});
    }
    j["mesos"] = {{"url", MesosUrl()},
                  {"masters", masters},
                  {"leader", w.mesos.leader},
                  {"agents_url", MesosUrl() + "/agents"},
                  {"agents", agents},
                  {"admin_url", MesosUrl() + "/admin"}};
    auto flink = nlohmann::json::array();
    for (std::size_t i = 0; i < w.flink.size(); ++i) {
      const auto& c = w.flink[i];
      nlohmann::json e = {{"name", c.name},
                          {"rest_url", i < flink_ports_.size() ? FlinkUrl(i) : c.rest_url},
                          {"version", c.version},
                          {"on_mesos", c.on_mesos}};
      if (c.on_mesos) {
        e["framework_id"] = c.framework_id;
        e["framework_name"] = c.framework_name;
      }
      flink.push_back(std::move(e));
    }
    j["flink"] = flink;
    j["scenario"] = engine_.scenario().name;
  });
  return j.dump(2);
}

void SimServer::Handle(Kind kind, std::size_t index, const httplib::Request& req, httplib::Response& res) {
  const std::string& full = req.path;
  if (kind == Kind::kMesosShared && (full == "/admin" || full.rfind("/admin/", 0) == 0)) {
    HandleAdmin(req, res);
    return;
  }
  engine_.Sync();

  enum class Target { kMaster, kAgent, kFlink } target = Target::kMaster;
  std::size_t idx = index;
  std::string path = full;
  if (kind == Kind::kFlink) {
    target = Target::kFlink;
  } else if (kind == Kind::kMesosShared) {
    static const std::regex kMasterPrefix("^/m([0-9]+)(/.*)?$");
    std::smatch m;
    if (std::regex_match(full, m, kMasterPrefix)) {
      idx = static_cast<std::size_t>(std::stoul(m[1].str())) - 1;
      path = m[2].matched ? m[2].str() : "/";
    } else if (full.rfind("/agents/", 0) == 0) {
      target = Target::kAgent;
      const std::string rest = full.substr(8);
      const auto slash = rest.find('/');
      const std::string id = rest.substr(0, slash);
      path = slash == std::string::npos ? "/" : rest.substr(slash);
      const int found = engine_.Read([&](const World& w) {
        for (std::size_t i = 0; i < w.mesos.agents.size(); ++i) {
          if (w.mesos.agents[i].id == id) return static_cast<int>(i);
        }
        return -1;
      });
      if (found < 0) return SetError(res, 404, "no agent '" + id + "'");
      idx = static_cast<std::size_t>(found);
    } else {
      idx = 0;  // unprefixed: the first master
    }
  }

  // The names this request's target answers to, for fault matching; and Flink reachability.
  TargetNames names = {"*"};
  bool reachable = true;
  bool valid = true;
  engine_.Read([&](const World& w) {
    switch (target) {
      case Target::kMaster:
        valid = idx < w.mesos.masters.size();
        names.insert(names.end(), {"mesos", "masters", "m" + std::to_string(idx + 1)});
        break;
      case Target::kAgent:
        names.insert(names.end(), {"mesos", "agents", "agent:" + w.mesos.agents[idx].id,
                                   "agent:" + w.mesos.agents[idx].hostname});
        break;
      case Target::kFlink:
        valid = idx < w.flink.size();
        if (valid) {
          names.insert(names.end(), {"flink", "flink:" + w.flink[idx].name});
          reachable = w.flink[idx].reachable;
        }
        break;
    }
  });
  if (!valid) return SetError(res, 404, "no such master or cluster");
  if (!reachable) return Reset(req);

  BodyMode mode = BodyMode::kNormal;
  // Scheduled faults follow the timeline, so they come back on every pass of --repeat.
  std::optional<FaultTable::Entry> fault = faults_.Match(names, full, engine_.TimelineNow());
  if (fault) {
    bool serve = false;
    int body_mode = 0;
    if (!ApplyFault(*fault, req, res, &serve, &body_mode) || !serve) return;
    mode = static_cast<BodyMode>(body_mode);
  }

  if (target == Target::kMaster && path == "/api/v1" && IsSubscribe(req)) {
    const bool leader = engine_.Read([&](const World& w) { return w.mesos.leader == static_cast<int>(idx); });
    if (leader) {
      return Subscribe(idx, req, res, static_cast<int>(mode), fault ? FaultBytes(fault->spec) : 0);
    }
  }

  QueryParams query(req.params.begin(), req.params.end());
  ApiResponse r = engine_.Read([&](const World& w) {
    switch (target) {
      case Target::kMaster:
        return HandleMesosMasterRequest(w, idx, req.method, path, query, req.body,
                                        req.get_header_value("Content-Type"));
      case Target::kAgent:
        return HandleMesosAgentRequest(w, idx, req.method, path, query);
      case Target::kFlink:
        break;
    }
    return HandleFlinkRequest(w, w.flink[idx], req.method, path, query);
  });
  if (mode != BodyMode::kNormal) const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  BodyFaultHooks hooks;
  if (mode == BodyMode::kSlowDrip) hooks.pause = [this](Millis ms) { return SleepUnlessStopped(ms, 0); };
  if (mode == BodyMode::kResetMidBody) {
    hooks.abort = [local = req.local_port, remote = req.remote_port] { AbortConnection(local, remote); };
  }
  WriteApiResponse(r, mode, fault ? &fault->spec : nullptr, hooks, res);
}

bool SimServer::SleepUnlessStopped(Millis ms, uint64_t fault_id) {
  // Returns false when interrupted by Stop(); true when the time passed or the fault was removed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  std::unique_lock<std::mutex> lock(stop_mu_);
  while (!stopping_) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    if (fault_id != 0 && !faults_.Contains(fault_id)) return true;
    stop_cv_.wait_for(lock, std::min<std::chrono::steady_clock::duration>(deadline - now, std::chrono::milliseconds(50)));
  }
  return false;
}

bool SimServer::ApplyFault(const FaultTable::Entry& fault, const httplib::Request& req, httplib::Response& res,
                           bool* serve, int* body_mode) {
  const auto& f = fault.spec;
  *serve = false;
  if (f.type == "latency") {
    *serve = SleepUnlessStopped(f.ms > 0 ? f.ms : kDefaultLatency, 0);
  } else if (f.type == "hang") {
    // Hang until the time passes (then drop the connection unanswered) or the fault is deleted
    // (then answer normally).
    if (SleepUnlessStopped(f.ms > 0 ? f.ms : kDefaultHang, fault.id) && !faults_.Contains(fault.id)) {
      *serve = true;
    } else {
      Reset(req);
    }
  } else if (f.type == "status") {
    res.status = f.status;
    res.set_content(nlohmann::json{{"errors", {"injected fault: HTTP " + std::to_string(f.status)}}}.dump(),
                    "application/json; charset=UTF-8");
  } else if (f.type == "reset") {
    if (FaultBytes(f) > 0) {
      *serve = true;
      *body_mode = static_cast<int>(BodyMode::kResetMidBody);
    } else {
      Reset(req);
    }
  } else if (f.type == "wrong_content_type") {
    res.status = 200;
    res.set_content(WrongContentTypePage(), "text/html; charset=utf-8");
  } else if (f.type == "slow_drip") {
    *serve = true;
    *body_mode = static_cast<int>(BodyMode::kSlowDrip);
  } else if (f.type == "redirect_loop") {
    res.status = 307;
    res.set_header("Location", "http://" + Host() + ":" + std::to_string(req.local_port) + req.target);
  } else if (f.type == "truncate") {
    *serve = true;
    *body_mode = static_cast<int>(BodyMode::kTruncate);
  } else if (f.type == "malformed") {
    *serve = true;
    *body_mode = static_cast<int>(BodyMode::kMalformed);
  } else if (f.type == "oversize") {
    *serve = true;
    *body_mode = static_cast<int>(BodyMode::kOversize);
  }
  return true;
}

void SimServer::Reset(const httplib::Request& req) { AbortConnection(req.local_port, req.remote_port); }

void SimServer::Subscribe(std::size_t master, const httplib::Request& req, httplib::Response& res, int body_mode,
                          int64_t fault_bytes) {
  struct Stream {
    uint64_t last_sequence = 0;
    Millis next_heartbeat = 0;
    std::string pending;  // SUBSCRIBED + HEARTBEAT, sent on the first call
    bool end_after_pending = false;  // a fault: the stream ends (or is aborted) after `pending`
  };
  auto st = std::make_shared<Stream>();
  engine_.Read([&](const World& w) {
    const std::string subscribed = RecordIoFrame(SubscribedEventJson(w));
    st->pending = subscribed + RecordIoFrame(HeartbeatEventJson());
    switch (static_cast<BodyMode>(body_mode)) {
      case BodyMode::kTruncate:  // ends cleanly inside the first record
        st->pending = subscribed.substr(0, subscribed.size() / 2);
        st->end_after_pending = true;
        break;
      case BodyMode::kMalformed:  // well framed, but the record is not JSON
        st->pending = RecordIoFrame(MalformJson(SubscribedEventJson(w))) + RecordIoFrame(HeartbeatEventJson());
        break;
      case BodyMode::kResetMidBody:
        st->pending.resize(std::min(st->pending.size() - 1, static_cast<std::size_t>(fault_bytes)));
        st->end_after_pending = true;
        break;
      default:
        break;
    }
    st->last_sequence = w.mesos.next_event_sequence - 1;
    st->next_heartbeat = w.now + options_.heartbeat_interval;
  });
  const bool abort_after_pending = static_cast<BodyMode>(body_mode) == BodyMode::kResetMidBody;
  // Compression would buffer the stream: never compress it.
  const_cast<httplib::Request&>(req).headers.erase("Accept-Encoding");
  res.status = 200;
  res.set_header("Cache-Control", "no-cache");
  const Millis interval = options_.heartbeat_interval;
  const std::string heartbeat = RecordIoFrame(HeartbeatEventJson());
  res.set_chunked_content_provider(
      "application/json", [this, st, master, interval, heartbeat, abort_after_pending,
                           local = req.local_port, remote = req.remote_port](size_t, httplib::DataSink& sink) {
        if (!st->pending.empty()) {
          std::string first;
          first.swap(st->pending);
          return sink.write(first.data(), first.size());
        }
        if (st->end_after_pending) {
          if (abort_after_pending) {
            AbortConnection(local, remote);
            return false;
          }
          sink.done();
          return true;
        }
        while (!stopping_) {
          if (!sink.is_writable()) return false;
          engine_.Sync();
          std::string out;
          bool end = false;
          engine_.Read([&](const World& w) {
            const auto& events = w.mesos.events;
            if (!events.empty() && events.front().sequence > st->last_sequence + 1) {
              end = true;  // fell behind the bounded log: close, the client resubscribes
              return;
            }
            std::size_t i = events.empty() ? 0 : static_cast<std::size_t>(st->last_sequence + 1 - events.front().sequence);
            for (; i < events.size(); ++i) {
              const auto& e = events[i];
              while (e.time >= st->next_heartbeat) {
                out += heartbeat;
                st->next_heartbeat += interval;
              }
              st->last_sequence = e.sequence;
              if (e.type == "LEADER_CHANGED") {
                end = true;
                return;
              }
              out += RecordIoFrame(e.json);
            }
            while (w.now >= st->next_heartbeat) {
              out += heartbeat;
              st->next_heartbeat += interval;
            }
            if (w.mesos.leader != static_cast<int>(master)) end = true;
          });
          if (!out.empty() && !sink.write(out.data(), out.size())) return false;
          if (end) {
            sink.done();
            return true;
          }
          if (!out.empty()) return true;
          engine_.WaitForEvents(st->last_sequence, std::chrono::milliseconds(100));
        }
        return false;
      });
}

void SimServer::HandleAdmin(const httplib::Request& req, httplib::Response& res) {
  const std::string& path = req.path;
  if (path == "/admin/faults") {
    if (req.method == "GET") {
      engine_.Sync();
      res.set_content(faults_.ListJson(engine_.TimelineNow()), "application/json");
    } else if (req.method == "POST") {
      std::string error;
      const auto ids = faults_.AddJson(req.body, &error);
      if (ids.empty()) return SetError(res, 400, error);
      res.set_content(nlohmann::json{{"ids", ids}}.dump(), "application/json");
    } else if (req.method == "DELETE") {
      std::size_t deleted = 0;
      if (req.has_param("id")) {
        deleted = faults_.Remove(std::stoull(req.get_param_value("id"))) ? 1 : 0;
      } else {
        faults_.Clear();
        deleted = 1;
      }
      stop_cv_.notify_all();  // hanging requests re-check their fault
      res.set_content(nlohmann::json{{"deleted", deleted}}.dump(), "application/json");
    } else {
      SetError(res, 405, "use GET, POST or DELETE");
    }
    return;
  }
  if (path == "/admin/advance") {
    if (req.method != "POST") return SetError(res, 405, "use POST");
    double seconds = 0;
    try {
      if (req.has_param("seconds")) seconds = std::stod(req.get_param_value("seconds"));
      if (req.has_param("ms")) seconds += std::stod(req.get_param_value("ms")) / 1000.0;
    } catch (const std::exception&) {
      return SetError(res, 400, "seconds/ms must be numbers");
    }
    if (seconds < 0) return SetError(res, 400, "time only moves forward");
    clock_.Advance(static_cast<Millis>(seconds * 1000));
    engine_.Sync();
    res.set_content(nlohmann::json{{"now", engine_.Now()}, {"start", engine_.StartTime()}}.dump(), "application/json");
    return;
  }
  if (path == "/admin/world") {
    engine_.Sync();
    nlohmann::json j;
    engine_.Read([&](const World& w) {
      const auto s = Measure(w);
      j = {{"now", w.now},
           {"start", engine_.StartTime()},
           {"leader", w.mesos.leader},
           {"flink_clusters", s.flink_clusters},
           {"jobs", s.jobs},
           {"vertices", s.vertices},
           {"taskmanagers", s.taskmanagers},
           {"agents", s.agents},
           {"frameworks", s.frameworks},
           {"tasks", s.tasks},
           {"completed_tasks", s.completed_tasks},
           {"last_event_sequence", w.mesos.next_event_sequence - 1}};
    });
    j["warnings"] = engine_.Warnings();
    res.set_content(j.dump(), "application/json");
    return;
  }
  if (path == "/admin/ports") {
    res.set_content(PortsJson(), "application/json");
    return;
  }
  SetError(res, 404, "admin endpoints: /admin/faults, /admin/advance, /admin/world, /admin/ports");
}

}  // namespace fme::sim
