// BasicAuth: checks HTTP basic credentials against the bcrypt hashes of basic_auth_users.
//
// bcrypt is slow on purpose (a cost-10 hash takes tens of milliseconds to check), so a
// successful check is remembered for `cache_ttl` (5 minutes by default), counted from the
// check: a scraper presenting the same credentials pays the bcrypt cost once per TTL, not per
// scrape. The cache holds no password: its keys are SHA-256 digests of a random per-process
// salt, the user, the stored hash and the password. Failed checks are never cached. A name
// that is not configured is checked against a configured hash all the same (the result thrown
// away), so that unknown and known users take the same time. Hashes are compared in constant
// time.
//
// Thread-safe: Check() and CheckHeader() may be called from any number of threads; the bcrypt
// work runs outside the cache's lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "fme/clock.h"
#include "server/web_config.h"

namespace fme {

// The realm announced in `WWW-Authenticate: Basic realm="..."`.
inline constexpr std::string_view kBasicAuthRealm = "flink-mesos-exporter";

// True when a and b are equal; the time taken depends on their lengths only.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// User and password from an Authorization header value "Basic <base64(user:password)>"
// (scheme case-insensitive). Nothing when the header is absent, not Basic, not valid base64
// or has no ':'.
std::optional<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header);

// Whether `password` matches the bcrypt hash, computed with libcrypt and compared in constant
// time. False for passwords containing a NUL byte (C strings would cut them short).
bool VerifyBcrypt(std::string_view password, const std::string& bcrypt_hash);

class BasicAuth {
 public:
  struct Options {
    Duration cache_ttl = std::chrono::minutes(5);
    std::size_t cache_capacity = 1024;  // entries; when full, expired ones go, then all
  };

  enum class Outcome {
    kOk,
    kNoCredentials,  // no Authorization header
    kMalformed,      // not "Basic", bad base64, no ':'
    kUnknownUser,
    kWrongPassword,
  };
  struct Decision {
    Outcome outcome = Outcome::kNoCredentials;
    std::string user;  // set for kOk and kWrongPassword (a configured name, not a secret)
    bool cached = false;  // kOk from the cache, without a bcrypt check
  };

  // `users` must be non-empty and hold valid bcrypt hashes (ParseWebConfig checks both).
  BasicAuth(std::vector<BasicAuthUser> users, Clock& clock);
  BasicAuth(std::vector<BasicAuthUser> users, Clock& clock, Options options);
  BasicAuth(const BasicAuth&) = delete;
  BasicAuth& operator=(const BasicAuth&) = delete;

  // Checks an Authorization header value (empty: no header).
  Decision CheckHeader(std::string_view authorization) const;
  Decision Check(std::string_view user, std::string_view password) const;

  // bcrypt computations so far (cache misses, failures and unknown users); for tests.
  std::uint64_t bcrypt_checks() const { return bcrypt_checks_.load(std::memory_order_relaxed); }

 private:
  std::string CacheKey(std::string_view user, const std::string& hash, std::string_view password) const;
  bool CachedOk(const std::string& key) const;
  void Remember(const std::string& key) const;

  std::unordered_map<std::string, std::string> hashes_;  // user -> bcrypt hash
  std::string decoy_hash_;  // checked for unknown users: the costliest configured hash
  Clock& clock_;
  Options options_;
  std::string salt_;  // random, per process

  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, SteadyTime> cache_;  // key -> expiry
  mutable std::atomic<std::uint64_t> bcrypt_checks_{0};
};

}  // namespace fme
