// RecordIO framing of the event stream. The input is fed twice: in one piece, and in pieces of
// pseudo-random sizes (empty pieces included) derived from the input itself. Both must give the
// same records and the same outcome, since a chunk may split a record anywhere.
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "mesos/recordio_reader.h"

namespace {

// FNV-1a: a deterministic seed for the piece sizes and the record size limit.
uint64_t Hash(std::string_view s) {
  uint64_t h = 14695981039346656037ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

uint64_t Next(uint64_t& state) {  // xorshift64
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view stream = fme::fuzz::AsText(data, size);
  uint64_t rng = Hash(stream) | 1;
  // Half the inputs run against a small limit, so that "record too long" is reached too.
  const std::size_t limit = (Next(rng) & 1) != 0 ? std::size_t{256} << 20 : Next(rng) % 300;

  fme::RecordIoReader whole(limit);
  std::vector<std::string> whole_records;
  const fme::Status whole_status = whole.Feed(stream, whole_records);

  fme::RecordIoReader pieces(limit);
  std::vector<std::string> piece_records;
  fme::Status piece_status;
  std::size_t pos = 0;
  while (pos < stream.size() && piece_status.ok()) {
    const std::size_t n = std::min<std::size_t>(Next(rng) % 18, stream.size() - pos);
    piece_status = pieces.Feed(stream.substr(pos, n), piece_records);
    pos += n;
  }

  FME_FUZZ_CHECK(whole_status.ok() == piece_status.ok());
  FME_FUZZ_CHECK(whole_records == piece_records);
  if (whole_status.ok()) {
    FME_FUZZ_CHECK(whole.AtRecordBoundary() == pieces.AtRecordBoundary());
  } else {
    // A length above the limit is too large; anything else wrong with the framing is a parse error.
    const bool too_large = whole_status.message().find("longer than the maximum") != std::string::npos;
    fme::fuzz::CheckError(whole_status,
                          too_large ? fme::StatusCode::kTooLarge : fme::StatusCode::kParseError);
    FME_FUZZ_CHECK(whole_status.message() == piece_status.message());
    // A failed reader stays failed; the stream must be reconnected.
    std::vector<std::string> more;
    FME_FUZZ_CHECK(!whole.Feed("1\nx", more).ok() && more.empty());
  }
  std::size_t payload = 0;
  for (const std::string& r : whole_records) {
    FME_FUZZ_CHECK(r.size() <= limit);
    payload += r.size();
  }
  FME_FUZZ_CHECK(payload <= stream.size());
  return 0;
}
