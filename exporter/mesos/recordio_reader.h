// RecordIoReader: incremental decoder of RecordIO framing (`<decimal length>\n<length bytes>`,
// repeated), as the Mesos v1 operator event stream sends it. Chunks may split a record anywhere,
// including inside the length; the reader keeps what it has until the record is whole.
// Not thread-safe; one reader per stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "fme/status.h"

namespace fme {

class RecordIoReader {
 public:
  explicit RecordIoReader(std::size_t max_record_bytes = 256u << 20)
      : max_record_bytes_(max_record_bytes) {}

  // Appends every record completed by `chunk` to `records`. A malformed length (not digits,
  // longer than 20 digits, empty) is kParseError, one above max_record_bytes kTooLarge; the
  // reader is then unusable (the stream must be reconnected).
  Status Feed(std::string_view chunk, std::vector<std::string>& records);

  // True when no partial record is buffered (a clean place for the stream to end).
  bool AtRecordBoundary() const { return state_ == State::kLength && length_digits_ == 0; }

 private:
  enum class State { kLength, kData, kFailed };
  std::size_t max_record_bytes_;
  State state_ = State::kLength;
  std::size_t length_ = 0;
  int length_digits_ = 0;
  std::string data_;
};

}  // namespace fme
