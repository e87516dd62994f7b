#include "config/message_quote.h"

namespace fme {

// Escapes a user-supplied string for an error message, keeping the message on one line.
std::string EscapeForMessage(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

// Built by appending: GCC 12 at -O3 reports a false -Wrestrict for `"\"" + std::string&&`
// wherever this is inlined.
std::string QuoteForMessage(std::string_view s) {
  std::string out = "\"";
  out += EscapeForMessage(s);
  out += '"';
  return out;
}

}  // namespace fme
