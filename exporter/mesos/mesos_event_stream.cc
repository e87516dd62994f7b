#include "mesos/mesos_event_stream.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/heap_trim.h"
#include "http/media_type.h"
#include "log/log.h"
#include "mesos/mesos_v1_parser.h"
#include "mesos/recordio_reader.h"

namespace fme {
namespace {

// A record this large (a SUBSCRIBED snapshot of a big cluster) leaves hundreds of MB of freed
// JSON document behind in this thread's heap: given back to the kernel at once.
constexpr std::size_t kTrimAfterRecordBytes = 4u << 20;

// Statuses by which a master says it has no v1 operator API.
bool IsRefusal(int status) { return status == 404 || status == 405 || status == 415 || status == 501; }

}  // namespace

MesosEventStream::MesosEventStream(std::string cluster, MesosEventStreamOptions options,
                                   HttpAuth auth, HttpClient& http, Clock& clock, uint64_t seed)
    : cluster_(std::move(cluster)),
      options_(options),
      auth_(std::move(auth)),
      http_(http),
      clock_(clock),
      rng_(seed) {}

MesosEventStream::~MesosEventStream() { Stop(); }

void MesosEventStream::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable() || stopping_) return;
  thread_ = std::thread([this] { Run(); });
}

void MesosEventStream::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    if (cancel_) cancel_->Cancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void MesosEventStream::SetLeader(const std::string& master_url) {
  std::lock_guard lock(mu_);
  if (master_url == leader_) return;
  leader_ = master_url;
  // A stream opened to the old leader may have been redirected to the new one already.
  if (!master_url.empty() && master_url == streaming_from_) return;
  if (cancel_) cancel_->Cancel();  // subscribed to the old leader: end it, resubscribe
  cv_.notify_all();
}

bool MesosEventStream::HasState() const {
  std::lock_guard lock(mu_);
  return has_state_;
}

bool MesosEventStream::Refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

void MesosEventStream::ReconcileAgents(const std::vector<MesosAgentRecord>& polled) {
  std::lock_guard lock(mu_);
  if (has_state_) model_.ReconcileAgents(polled);
}

std::vector<EndpointError> MesosEventStream::TakeErrors() {
  std::lock_guard lock(mu_);
  return std::exchange(pending_errors_, {});
}

void MesosEventStream::Fill(MesosObservation& obs) const {
  std::lock_guard lock(mu_);
  if (has_state_) {
    model_.Fill(obs);
    obs.origin = MesosStateOrigin::kEventStream;
  }
  MesosEventStreamStatus s = status_;
  s.events_by_type.assign(events_by_type_.begin(), events_by_type_.end());
  obs.event_stream = std::move(s);
}

Duration MesosEventStream::NextBackoff() {
  std::lock_guard lock(mu_);
  // initial x 2^(n-1), capped, then a random 50-100 % of it so clusters do not reconnect in step.
  const int n = std::min(failures_in_a_row_, 20);
  Duration d = options_.backoff_initial * (int64_t{1} << std::max(n - 1, 0));
  d = std::min(d, options_.backoff_max);
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return std::chrono::duration_cast<Duration>(d * jitter(rng_));
}

bool MesosEventStream::OnRecord(std::string_view record, Status& failure) {
  Result<MesosEvent> event = ParseMesosEvent(record);
  std::lock_guard lock(mu_);
  status_.last_event_timestamp = ToUnixSeconds(clock_.Now());
  if (!event.ok()) {
    failure = event.status();
    return false;
  }
  events_by_type_[event->type_name] += 1;
  switch (event->type) {
    case MesosEvent::Type::kSubscribed:
      if (event->state) model_.Reset(std::move(*event->state));
      has_state_ = true;
      // A working subscription: the next failure starts backoff afresh, and a refusal by an
      // earlier leader no longer holds (the source stops polling).
      failures_in_a_row_ = 0;
      refused_ = false;
      break;
    case MesosEvent::Type::kHeartbeat:
    case MesosEvent::Type::kOther:
      return false;
    default:
      model_.Apply(*event);
      break;
  }
  return true;
}

Status MesosEventStream::SubscribeOnce(const std::string& master_url) {
  auto cancel = std::make_shared<StreamCancel>();
  {
    std::lock_guard lock(mu_);
    if (stopping_) return Status::Unavailable("stopping");
    cancel_ = cancel;
  }
  return Subscribe(master_url, cancel);
}

Status MesosEventStream::Subscribe(const std::string& master_url,
                                   const std::shared_ptr<StreamCancel>& cancel) {
  {
    std::lock_guard lock(mu_);
    status_.leader = master_url;
  }
  RecordIoReader reader(options_.max_record_bytes);
  std::vector<std::string> records;
  Status failure;
  bool connected = false;

  HttpRequest req;
  req.method = "POST";
  req.url = master_url + "/api/v1";
  req.endpoint = "/api/v1 SUBSCRIBE";
  req.body = R"({"type":"SUBSCRIBE"})";
  req.content_type = "application/json";
  req.headers["Accept"] = "application/json";
  // Mesos never compresses the stream, but a proxy or server that would (gzip by default) holds
  // records back in its compressor until enough bytes pile up: heartbeats would stall.
  req.headers["Accept-Encoding"] = "identity";
  req.deadline = clock_.Steady() + options_.subscribe_timeout;
  req.auth = auth_;
  req.idle_timeout = options_.idle_timeout;
  req.cancel = cancel.get();
  std::string refused_type;  // the Content-Type of a 2xx answer that is not a JSON stream
  req.on_stream_start = [&](std::string_view url, std::string_view content_type) {
    if (!IsJsonMediaType(content_type)) {
      refused_type = content_type.substr(0, 100);
      return false;
    }
    std::string base(url);
    if (const auto pos = base.rfind("/api/v1"); pos != std::string::npos) base.resize(pos);
    std::lock_guard lock(mu_);
    streaming_from_ = base;
    status_.leader = base;
    return true;
  };
  req.on_body = [&](std::string_view chunk) {
    if (!connected) {
      connected = true;
      std::lock_guard lock(mu_);
      status_.connected = true;
    }
    records.clear();
    Status st = reader.Feed(chunk, records);
    bool changed = false;
    std::size_t largest = 0;
    for (const std::string& r : records) {
      largest = std::max(largest, r.size());
      changed = OnRecord(r, failure) || changed;
      if (!failure.ok()) break;
    }
    records.clear();  // not kept until the next chunk, which may be a heartbeat 15 s away
    if (largest >= kTrimAfterRecordBytes) TrimHeap();
    // Once per chunk: a burst of events arriving together asks for one early poll.
    if (changed && on_change_) on_change_();
    if (!failure.ok()) return false;
    if (!st.ok()) {
      failure = st;
      return false;
    }
    return true;
  };

  double subscribed_before = 0;
  {
    std::lock_guard lock(mu_);
    subscribed_before = events_by_type_["SUBSCRIBED"];
  }
  Result<HttpResponse> res = http_.Send(req);
  Status outcome;
  if (!failure.ok()) {
    outcome = Status(failure.code(), "event stream of " + master_url + ": " + failure.message());
  } else if (!res.ok()) {
    outcome = res.status();
    if (!reader.AtRecordBoundary()) {
      outcome = outcome.WithContext("event stream of " + master_url + " ended inside a record");
    }
  } else if (!refused_type.empty()) {
    outcome = Status::ParseError("SUBSCRIBE to " + master_url + "/api/v1: expected a JSON event stream, got HTTP " +
                                 std::to_string(res->status) + " with Content-Type " + refused_type +
                                 " (a login page or proxy in the way?)");
  } else if (res->status < 200 || res->status > 299) {
    std::string msg = "SUBSCRIBE to " + master_url + "/api/v1: HTTP " + std::to_string(res->status);
    if (!res->body.empty()) msg += ": " + res->body.substr(0, 200);
    outcome = Status::HttpStatus(std::move(msg));
    if (IsRefusal(res->status)) {
      std::lock_guard lock(mu_);
      refused_ = true;
    }
  } else if (!reader.AtRecordBoundary()) {
    outcome = Status::Unavailable("event stream of " + master_url + " ended inside a record");
  } else {
    outcome = Status::Unavailable("event stream of " + master_url + " ended");
  }
  std::lock_guard lock(mu_);
  if (cancel_ == cancel) cancel_.reset();
  streaming_from_.clear();
  status_.connected = false;
  status_.last_error = outcome.ToString();
  // Only a subscription that worked (got its SUBSCRIBED) counts as one to be re-established.
  if (events_by_type_["SUBSCRIBED"] > subscribed_before) status_.reconnects += 1;
  // A cancelled stream (leader change, shutdown) is not a failure; every other end is.
  if (!cancel->cancelled()) {
    pending_errors_.push_back({"/api/v1 SUBSCRIBE", std::string(StatusCodeName(outcome.code()))});
    if (pending_errors_.size() > 100) pending_errors_.erase(pending_errors_.begin());
  }
  return outcome;
}

void MesosEventStream::Run() {
  for (;;) {
    std::string leader;
    auto cancel = std::make_shared<StreamCancel>();
    {
      std::unique_lock lock(mu_);
      // Wait for a leader to subscribe to (the source reports one every poll).
      cv_.wait(lock, [&] { return stopping_ || !leader_.empty(); });
      if (stopping_) return;
      leader = leader_;
      // Registered under the lock that read the leader, so that a SetLeader() from here on
      // cancels this subscription instead of falling between reading and subscribing.
      cancel_ = cancel;
    }
    const Status why = Subscribe(leader, cancel);
    bool changed_leader = false;
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      changed_leader = leader_ != leader;
      if (!changed_leader) ++failures_in_a_row_;
    }
    log::Warn("Mesos event stream ended", {{"mesos_cluster", cluster_},
                                           {"master", leader},
                                           {"error", why.ToString()}});
    if (changed_leader) continue;  // a new leader: subscribe at once
    const Duration wait = NextBackoff();
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, wait, [&] { return stopping_ || leader_ != leader; });
    if (stopping_) return;
  }
}

}  // namespace fme
