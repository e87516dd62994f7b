#include "config/secret_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "config/message_quote.h"
#include "log/log.h"

namespace fme {
namespace {

constexpr std::size_t kMaxSecretFileBytes = std::size_t{64} * 1024;

bool HasControlChar(std::string_view s) {
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return true;
  }
  return false;
}

}  // namespace

Result<std::string> ReadSecretFile(const std::string& path) {
  const std::string shown = QuoteForMessage(path);
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Status::InvalidConfig("cannot read " + shown + ": is a directory");
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> fp(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!fp) return Status::InvalidConfig("cannot read " + shown + ": " + std::strerror(errno));
  std::string secret;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, fp.get())) > 0) {
    secret.append(buf, n);
    if (secret.size() > kMaxSecretFileBytes) {
      return Status::InvalidConfig("cannot read " + shown + ": larger than " +
                                   std::to_string(kMaxSecretFileBytes) + " bytes");
    }
  }
  if (std::ferror(fp.get())) {
    return Status::InvalidConfig("cannot read " + shown + ": " + std::strerror(errno));
  }
  if (!secret.empty() && secret.back() == '\n') {
    secret.pop_back();
    if (!secret.empty() && secret.back() == '\r') secret.pop_back();
  }
  return secret;
}

std::string SecretProblem(SecretKind kind, std::string_view value) {
  if (kind != SecretKind::kToken) return "";
  if (value.empty()) return "the token file is empty";
  // The token goes into an HTTP header verbatim; a line break there would split the header.
  if (HasControlChar(value)) return "the token contains a line break or other control character";
  return "";
}

WatchedSecretFile::WatchedSecretFile(std::string path, SecretKind kind, std::string value,
                                     std::string target, std::string key)
    : path_(std::move(path)),
      kind_(kind),
      target_(std::move(target)),
      key_(std::move(key)),
      value_(std::move(value)) {
  Refresh();
}

void WatchedSecretFile::Refresh() {
  std::lock_guard lock(mu_);
  std::string problem;
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    problem = "cannot read " + QuoteForMessage(path_) + ": " + std::strerror(errno);
    seen_any_ = false;  // whatever comes back is read again
  } else {
    const Identity now{static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino),
                       static_cast<std::uint64_t>(st.st_size),
                       static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 +
                           st.st_mtim.tv_nsec};
    if (seen_any_ && now == seen_) return;  // unchanged: nothing to do, nothing to say
    seen_ = now;
    seen_any_ = true;
    Result<std::string> read = ReadSecretFile(path_);
    if (!read.ok()) {
      problem = read.status().message();
    } else if (std::string why = SecretProblem(kind_, *read); !why.empty()) {
      problem = std::move(why);
    } else {
      if (failing_) {
        log::Info("secret file usable again; its value is used",
                  {{"target", target_}, {"key", key_}, {"file", path_}});
      } else if (*read != value_) {
        log::Info("secret file changed; its new value is used",
                  {{"target", target_}, {"key", key_}, {"file", path_}});
      }
      failing_ = false;
      value_ = std::move(read).value();
      return;
    }
  }
  if (!failing_) {
    log::Warn("secret file unusable; the last value read stays in use",
              {{"target", target_}, {"key", key_}, {"err", problem}});
    failing_ = true;
  }
}

std::string WatchedSecretFile::value() const {
  std::lock_guard lock(mu_);
  return value_;
}

}  // namespace fme
