// Quoting user-supplied text inside configuration error messages.
#pragma once

#include <string>
#include <string_view>

namespace fme {

// Escapes `"`, `\` and control characters (as \xNN) so a message stays on one line.
std::string EscapeForMessage(std::string_view s);

// EscapeForMessage(s) between double quotes.
std::string QuoteForMessage(std::string_view s);

}  // namespace fme
