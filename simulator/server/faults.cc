#include "server/faults.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "scenario/scenario_loader.h"

namespace fme::sim {

void FaultTable::AddScheduled(const std::vector<FaultSpec>& faults, Millis start) {
  std::lock_guard<std::mutex> lock(mu_);
  start_ = start;
  for (const auto& f : faults) {
    Entry e;
    e.id = next_id_++;
    e.spec = f;
    e.scheduled = true;
    e.re = std::regex(f.path.empty() ? std::string(".*") : f.path);
    entries_.push_back(std::move(e));
  }
}

uint64_t FaultTable::Add(const FaultSpec& spec, int count, std::string* error) {
  if (!IsKnownFaultType(spec.type)) {
    if (error) *error = "unknown fault type '" + spec.type + "'";
    return 0;
  }
  // The ranges the scenario loader enforces for the same keys.
  if (spec.ms < 0 || spec.ms > 86'400'000) {
    if (error) *error = "'ms' must be between 0 and 86400000";
    return 0;
  }
  if (spec.status < 100 || spec.status > 599) {
    if (error) *error = "'status' must be between 100 and 599";
    return 0;
  }
  if (spec.bytes < 0 || spec.bytes > (int64_t{1} << 34)) {
    if (error) *error = "'bytes' must be between 1 and 17179869184";
    return 0;
  }
  Entry e;
  try {
    e.re = std::regex(spec.path.empty() ? std::string(".*") : spec.path);
  } catch (const std::regex_error& ex) {
    if (error) *error = "bad path regex '" + spec.path + "': " + ex.what();
    return 0;
  }
  std::lock_guard<std::mutex> lock(mu_);
  e.id = next_id_++;
  e.spec = spec;
  e.remaining = count > 0 ? count : -1;
  entries_.push_back(std::move(e));
  return entries_.back().id;
}

std::vector<uint64_t> FaultTable::AddJson(const std::string& body, std::string* error) {
  std::vector<uint64_t> ids;
  nlohmann::json doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded()) {
    *error = "body is not JSON";
    return {};
  }
  if (!doc.is_array()) doc = nlohmann::json::array({doc});
  std::vector<std::pair<FaultSpec, int>> specs;
  for (const auto& f : doc) {
    if (!f.is_object()) {
      *error = "each fault must be an object";
      return {};
    }
    FaultSpec spec;
    int count = -1;
    for (const auto& [key, value] : f.items()) {
      try {
        if (key == "target") spec.target = value.get<std::string>();
        else if (key == "path") spec.path = value.get<std::string>();
        else if (key == "type") spec.type = value.get<std::string>();
        else if (key == "ms") spec.ms = value.get<int64_t>();
        else if (key == "status") spec.status = value.get<int>();
        else if (key == "bytes") spec.bytes = value.get<int64_t>();
        else if (key == "count") count = value.get<int>();
        else {
          *error = "unknown key '" + key + "' (allowed: target, path, type, ms, status, bytes, count)";
          return {};
        }
      } catch (const nlohmann::json::exception&) {
        *error = "bad value for '" + key + "'";
        return {};
      }
    }
    if (spec.type.empty()) {
      *error = "fault without 'type'";
      return {};
    }
    specs.emplace_back(spec, count);
  }
  for (const auto& [spec, count] : specs) {
    const auto id = Add(spec, count, error);
    if (id == 0) {
      for (auto done : ids) Remove(done);
      return {};
    }
    ids.push_back(id);
  }
  return ids;
}

void FaultTable::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  entries_.clear();
}

bool FaultTable::Remove(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto before = entries_.size();
  entries_.erase(std::remove_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; }),
                 entries_.end());
  return entries_.size() != before;
}

bool FaultTable::Contains(uint64_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
}

bool FaultTable::Active(const Entry& e, Millis now) const {
  if (!e.scheduled) return e.remaining != 0;
  return now >= start_ + e.spec.at && (e.spec.until < 0 || now < start_ + e.spec.until);
}

std::string FaultTable::ListJson(Millis now) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto out = nlohmann::json::array();
  for (const auto& e : entries_) {
    nlohmann::json j = {{"id", e.id},          {"target", e.spec.target}, {"path", e.spec.path},
                        {"type", e.spec.type}, {"ms", e.spec.ms},         {"status", e.spec.status},
                        {"bytes", FaultBytes(e.spec)}, {"active", Active(e, now)}, {"scheduled", e.scheduled}};
    if (e.scheduled) {
      j["at_ms"] = e.spec.at;
      j["until_ms"] = e.spec.until;
    } else {
      j["remaining"] = e.remaining;
    }
    out.push_back(std::move(j));
  }
  return out.dump();
}

std::optional<FaultTable::Entry> FaultTable::Match(const TargetNames& names, const std::string& path, Millis now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& e : entries_) {
    if (!Active(e, now)) continue;
    if (std::find(names.begin(), names.end(), e.spec.target) == names.end()) continue;
    if (!std::regex_search(path, e.re)) continue;
    if (e.remaining > 0) e.remaining -= 1;
    return e;
  }
  return std::nullopt;
}

int64_t FaultBytes(const FaultSpec& spec) {
  if (spec.bytes > 0) return spec.bytes;
  if (spec.type == "oversize") return int64_t{100} << 20;
  if (spec.type == "slow_drip") return 16;
  return 0;
}

std::string WrongContentTypePage() {
  return "<!DOCTYPE html>\n<html><head><title>Sign in</title></head>\n"
         "<body><h1>Sign in to continue</h1>\n"
         "<form method=\"post\" action=\"/login\"><input name=\"user\"><input name=\"password\" "
         "type=\"password\"><button>Sign in</button></form>\n"
         "<p>injected fault: wrong content type</p></body></html>\n";
}

std::string MalformJson(const std::string& body) {
  // Cut inside the document and append something no JSON parser accepts.
  const std::size_t keep = body.size() * 2 / 3;
  return body.substr(0, keep) + "\",]}<<injected: not JSON>>{";
}

Oversized OversizeJson(const std::string& body, std::size_t total) {
  Oversized o;
  o.prefix = R"({"padding":")";
  if (body.size() >= 2 && body.front() == '{' && body.find_first_not_of(" \t\r\n", 1) != std::string::npos &&
      body[body.find_first_not_of(" \t\r\n", 1)] != '}') {
    o.suffix = "\"," + body.substr(1);
  } else if (body.size() >= 2 && body.front() == '{') {
    o.suffix = "\"}";
  } else {
    o.suffix = "\",\"data\":" + (body.empty() ? std::string("null") : body) + "}";
  }
  const std::size_t fixed = o.prefix.size() + o.suffix.size();
  o.padding = total > fixed ? total - fixed : 0;
  return o;
}

}  // namespace fme::sim
