// Gzip of "cached body + small per-scrape tail" without recompressing the body.
//
// The large snapshot body is deflated once per render and ended with a sync flush (byte
// aligned, not final). Per scrape, the small tail is deflated as a fresh raw stream that ends
// the data; gzip header + body part + tail part + trailer (CRC-32 combined, total length) form
// one valid single-member gzip file. Values are immutable after construction and shareable.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace fme {

struct DeflatedPart {
  std::string deflate;  // raw deflate data ending with a sync flush
  uint32_t crc = 0;     // CRC-32 of the uncompressed bytes
  uint64_t size = 0;    // uncompressed size
};

// Deflates `data` (raw, level 6 by default) and ends with a sync flush.
DeflatedPart DeflateBody(std::string_view data, int level = 6);

// The fixed 10-byte gzip header that starts every composed file.
std::string_view GzipHeader();

// What follows the header and the parts' deflate data, in order: `tail` deflated as the final
// part, then the trailer (CRC-32 and length of all parts + tail). Cheap: proportional to the
// tail only.
std::string GzipSuffix(std::initializer_list<const DeflatedPart*> parts, std::string_view tail);
inline std::string GzipSuffix(const DeflatedPart& body, std::string_view tail) {
  return GzipSuffix({&body}, tail);
}

// header + body.deflate + suffix in one string (tests, small bodies).
std::string ComposeGzip(const DeflatedPart& body, std::string_view tail);

// Decompresses a gzip file (for tests and self-checks). Returns false on malformed input.
bool GunzipForTest(std::string_view gz, std::string& out);

}  // namespace fme
