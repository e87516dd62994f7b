// HTTP fault injection. A fault applies to requests whose listener answers to its `target` and
// whose path matches its regex, while it is active: scenario faults between their at/until
// (simulated time, relative to the start), admin faults from when they are added until deleted
// or until they have fired `count` times. The first matching fault (oldest first) wins.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "scenario/scenario.h"

namespace fme::sim {

// The names a listener answers to, e.g. {"*", "mesos", "masters", "m2"}.
using TargetNames = std::vector<std::string>;

class FaultTable {
 public:
  struct Entry {
    uint64_t id = 0;
    FaultSpec spec;
    bool scheduled = false;  // from the scenario: spec.at/until are offsets from `start`
    int remaining = -1;      // admin faults: firings left, -1 = unlimited
    std::regex re;
  };

  // Scenario faults (offsets are relative to `start`).
  void AddScheduled(const std::vector<FaultSpec>& faults, Millis start);
  // Admin fault, active at once. Returns its id, or 0 with `error` set.
  uint64_t Add(const FaultSpec& spec, int count, std::string* error);
  // Parses the admin JSON (one object or an array of them): target, path, type, ms, status, bytes,
  // count (the keys of a scenario fault, with count instead of at/until). Returns the ids, or an empty vector with `error` set.
  std::vector<uint64_t> AddJson(const std::string& body, std::string* error);
  void Clear();
  bool Remove(uint64_t id);
  std::string ListJson(Millis now) const;
  bool Contains(uint64_t id) const;

  // The fault to apply to a request, counting it as fired.
  std::optional<Entry> Match(const TargetNames& names, const std::string& path, Millis now);

 private:
  bool Active(const Entry& e, Millis now) const;
  mutable std::mutex mu_;
  std::vector<Entry> entries_;
  uint64_t next_id_ = 1;
  Millis start_ = 0;
};

// The `bytes` of a fault with its type's default applied (0 for types without one).
int64_t FaultBytes(const FaultSpec& spec);

// Response body transformations used by the faults.
std::string MalformJson(const std::string& body);
// What a login proxy or a load balancer's error page answers instead of the API: HTML.
std::string WrongContentTypePage();
// Prefix and suffix around `padding` bytes of 'x' such that the whole is valid JSON of about
// `total` bytes that still contains the original document.
struct Oversized {
  std::string prefix, suffix;
  std::size_t padding = 0;
};
Oversized OversizeJson(const std::string& body, std::size_t total);

}  // namespace fme::sim
