// Text made safe for HTML: escaping and bounded cuts. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace fme {

// Escapes text for HTML element content and quoted attribute values (& < > " '). Bytes that
// are not valid UTF-8, and control characters other than tab and newline, become U+FFFD:
// upstream error messages may carry anything, and the page must stay valid HTML.
std::string HtmlEscape(std::string_view text);

// `text` cut to at most `max_bytes` bytes at a UTF-8 character boundary, with "…" appended
// when something was cut (the ellipsis is not counted in `max_bytes`).
std::string CutUtf8(std::string_view text, std::size_t max_bytes);

}  // namespace fme
