// The web configuration (--web.config.file): ParseWebConfig on arbitrary YAML text. It must
// return kInvalidConfig with `<origin>:<line>: ...` lines, never throw or crash, and a
// configuration it accepts must satisfy what the loader validates.
#include <exception>
#include <string>

#include "fuzz_check.h"
#include "server/web_config.h"

namespace {

constexpr const char* kOrigin = "web.yml";
constexpr const char* kBaseDir = "/nonexistent-fme-fuzz-dir";

bool LooksLikeBcrypt(const std::string& h) {
  return h.size() == 60 &&
         (h.starts_with("$2a$") || h.starts_with("$2b$") || h.starts_with("$2y$"));
}

void CheckWebConfig(const fme::WebConfig& c) {
  const fme::TlsServerConfig& tls = c.tls_server;
  FME_FUZZ_CHECK(c.tls == !tls.cert_file.empty());
  FME_FUZZ_CHECK(tls.cert_file.empty() == tls.key_file.empty());  // they go together
  FME_FUZZ_CHECK(tls.min_version <= tls.max_version);
  if (c.tls && fme::VerifiesClientCert(tls.client_auth)) {
    FME_FUZZ_CHECK(!tls.client_ca_file.empty());
  }
  for (std::size_t i = 0; i < c.users.size(); ++i) {
    FME_FUZZ_CHECK(LooksLikeBcrypt(c.users[i].bcrypt_hash));
    FME_FUZZ_CHECK(i == 0 || c.users[i - 1].name < c.users[i].name);  // sorted, unique
  }
  FME_FUZZ_CHECK(!fme::DescribeWebConfig(c).empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(fme::fuzz::AsText(data, size));
  try {
    auto config = fme::ParseWebConfig(text, kOrigin, kBaseDir);
    if (config.ok()) {
      CheckWebConfig(*config);
    } else {
      fme::fuzz::CheckError(config.status(), fme::StatusCode::kInvalidConfig);
      FME_FUZZ_CHECK(config.status().message().starts_with(std::string(kOrigin) + ":"));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ParseWebConfig threw: %s\n", e.what());
    __builtin_trap();
  } catch (...) {
    std::fprintf(stderr, "ParseWebConfig threw a non-standard exception\n");
    __builtin_trap();
  }
  return 0;
}
