#include "server/basic_auth.h"

#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>

namespace fme {
namespace {

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Standard base64 with padding (RFC 4648 §4), as browsers and Prometheus send it. Also
// accepts a missing padding; rejects anything else.
std::optional<std::string> DecodeBase64(std::string_view in) {
  while (!in.empty() && in.back() == '=') in.remove_suffix(1);
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    const int v = Base64Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

void Wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

int CostOf(const std::string& hash) { return (hash[4] - '0') * 10 + (hash[5] - '0'); }

}  // namespace

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::pair<std::string, std::string>> ParseBasicAuthorization(std::string_view header) {
  while (!header.empty() && (header.front() == ' ' || header.front() == '\t')) header.remove_prefix(1);
  while (!header.empty() && (header.back() == ' ' || header.back() == '\t')) header.remove_suffix(1);
  constexpr std::string_view kScheme = "basic";
  if (header.size() <= kScheme.size() || (header[kScheme.size()] != ' ' && header[kScheme.size()] != '\t')) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = header.substr(kScheme.size());
  while (!token.empty() && (token.front() == ' ' || token.front() == '\t')) token.remove_prefix(1);
  std::optional<std::string> decoded = DecodeBase64(token);
  if (!decoded) return std::nullopt;
  const std::size_t colon = decoded->find(':');
  if (colon == std::string::npos) {
    Wipe(*decoded);
    return std::nullopt;
  }
  std::pair<std::string, std::string> out(decoded->substr(0, colon), decoded->substr(colon + 1));
  Wipe(*decoded);
  return out;
}

bool VerifyBcrypt(std::string_view password, const std::string& bcrypt_hash) {
  if (password.find('\0') != std::string_view::npos) return false;
  // struct crypt_data is large (about 32 KiB): on the heap, wiped after use.
  auto data = std::make_unique<crypt_data>();
  std::memset(data.get(), 0, sizeof(crypt_data));
  std::string pw(password);
  const char* out = crypt_rn(pw.c_str(), bcrypt_hash.c_str(), data.get(), sizeof(crypt_data));
  // libxcrypt signals failure with NULL or with an output starting with '*'.
  const bool ok = out != nullptr && out[0] != '*' && ConstantTimeEquals(out, bcrypt_hash);
  OPENSSL_cleanse(data.get(), sizeof(crypt_data));
  Wipe(pw);
  return ok;
}

BasicAuth::BasicAuth(std::vector<BasicAuthUser> users, Clock& clock)
    : BasicAuth(std::move(users), clock, Options{}) {}

BasicAuth::BasicAuth(std::vector<BasicAuthUser> users, Clock& clock, Options options)
    : clock_(clock), options_(options) {
  for (auto& u : users) {
    if (decoy_hash_.empty() || CostOf(u.bcrypt_hash) > CostOf(decoy_hash_)) decoy_hash_ = u.bcrypt_hash;
    hashes_.emplace(std::move(u.name), std::move(u.bcrypt_hash));
  }
  std::array<unsigned char, 32> salt{};
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1) {
    // Without randomness the digests are still keyed by the hash; the salt only hardens them.
    salt.fill(0);
  }
  salt_.assign(reinterpret_cast<const char*>(salt.data()), salt.size());
}

std::string BasicAuth::CacheKey(std::string_view user, const std::string& hash,
                                std::string_view password) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  const auto length = [](std::size_t n) {
    std::array<unsigned char, 8> b{};
    for (int i = 0; i < 8; ++i) b[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n >> (8 * i));
    return b;
  };
  const auto lu = length(user.size());
  const auto lh = length(hash.size());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), salt_.data(), salt_.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), lu.data(), lu.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), user.data(), user.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), lh.data(), lh.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), hash.data(), hash.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), password.data(), password.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &size) != 1) {
    return "";  // no caching for this check
  }
  return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

bool BasicAuth::CachedOk(const std::string& key) const {
  if (key.empty() || options_.cache_ttl <= Duration::zero()) return false;
  std::lock_guard lock(mu_);
  auto it = cache_.find(key);
  if (it == cache_.end()) return false;
  if (clock_.Steady() >= it->second) {
    cache_.erase(it);
    return false;
  }
  return true;
}

void BasicAuth::Remember(const std::string& key) const {
  if (key.empty() || options_.cache_ttl <= Duration::zero() || options_.cache_capacity == 0) return;
  const SteadyTime now = clock_.Steady();
  std::lock_guard lock(mu_);
  if (cache_.size() >= options_.cache_capacity && cache_.find(key) == cache_.end()) {
    std::erase_if(cache_, [now](const auto& e) { return now >= e.second; });
    if (cache_.size() >= options_.cache_capacity) cache_.clear();
  }
  cache_[key] = now + options_.cache_ttl;
}

BasicAuth::Decision BasicAuth::Check(std::string_view user, std::string_view password) const {
  Decision d;
  auto it = hashes_.find(std::string(user));
  if (it == hashes_.end()) {
    // Same work as for a configured user, so that response times do not tell names apart.
    bcrypt_checks_.fetch_add(1, std::memory_order_relaxed);
    (void)VerifyBcrypt(password, decoy_hash_);
    d.outcome = Outcome::kUnknownUser;
    return d;
  }
  d.user = it->first;
  const std::string key = CacheKey(user, it->second, password);
  if (CachedOk(key)) {
    d.outcome = Outcome::kOk;
    d.cached = true;
    return d;
  }
  bcrypt_checks_.fetch_add(1, std::memory_order_relaxed);
  if (!VerifyBcrypt(password, it->second)) {
    d.outcome = Outcome::kWrongPassword;
    return d;
  }
  Remember(key);
  d.outcome = Outcome::kOk;
  return d;
}

BasicAuth::Decision BasicAuth::CheckHeader(std::string_view authorization) const {
  Decision d;
  if (authorization.empty()) {
    d.outcome = Outcome::kNoCredentials;
    return d;
  }
  auto creds = ParseBasicAuthorization(authorization);
  if (!creds) {
    d.outcome = Outcome::kMalformed;
    return d;
  }
  d = Check(creds->first, creds->second);
  Wipe(creds->second);
  return d;
}

}  // namespace fme
