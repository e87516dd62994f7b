// Secrets kept in files (password_file, bearer_token_file): reading one, and following one
// that is rotated while the exporter runs.
//
// Messages name the file and the system's reason, never the contents.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "fme/status.h"

namespace fme {

// What a secret file holds, which decides what a usable value is.
enum class SecretKind {
  kPassword,  // anything
  kToken,     // goes into a header verbatim: not empty, no control characters
};

// The contents of `path` (at most 64 KiB) without one final line break ("\n" or "\r\n"), which
// editors and `echo` add. Errors (kInvalidConfig): `cannot read "<path>": <reason>`.
Result<std::string> ReadSecretFile(const std::string& path);

// Why `value` cannot be used as a secret of `kind` (empty: it can). Never quotes the value.
std::string SecretProblem(SecretKind kind, std::string_view value);

// One secret file of one target, re-read when it changes. Refresh() looks at the file (one
// stat) and reads it again only when its identity (device, inode, size, modification time)
// differs from the last look. A file that cannot be read or holds an unusable value leaves the
// last good value in place and is logged once, until it is good again. Thread-safe: value()
// may be called while another thread refreshes.
class WatchedSecretFile {
 public:
  // `value`: the contents as loaded with the configuration (used until the file says
  // otherwise). `target` and `key` name the secret in log lines.
  WatchedSecretFile(std::string path, SecretKind kind, std::string value, std::string target,
                    std::string key);

  void Refresh();
  std::string value() const;
  const std::string& path() const { return path_; }

 private:
  struct Identity {
    std::uint64_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Identity&) const = default;
  };

  const std::string path_;
  const SecretKind kind_;
  const std::string target_;
  const std::string key_;

  mutable std::mutex mu_;
  std::string value_;      // guarded by mu_
  Identity seen_;          // guarded by mu_; of the last look that found the file
  bool seen_any_ = false;  // guarded by mu_
  bool failing_ = false;   // guarded by mu_: the problem is logged, not logged again
};

}  // namespace fme
