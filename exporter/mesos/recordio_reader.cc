#include "mesos/recordio_reader.h"

#include <algorithm>

namespace fme {
namespace {

// uint64 has at most 20 decimal digits; more cannot be a record size.
constexpr int kMaxLengthDigits = 20;

}  // namespace

Status RecordIoReader::Feed(std::string_view chunk, std::vector<std::string>& records) {
  if (state_ == State::kFailed) {
    return Status::ParseError("RecordIO stream already failed");
  }
  auto fail = [this](std::string message, StatusCode code = StatusCode::kParseError) {
    state_ = State::kFailed;
    data_.clear();
    data_.shrink_to_fit();
    return Status(code, "RecordIO: " + std::move(message));
  };

  size_t i = 0;
  while (i < chunk.size()) {
    if (state_ == State::kLength) {
      const char c = chunk[i++];
      if (c == '\n') {
        if (length_digits_ == 0) return fail("empty record length");
        length_digits_ = 0;
        if (length_ == 0) {
          records.emplace_back();
          continue;
        }
        state_ = State::kData;
        continue;
      }
      if (c < '0' || c > '9') return fail("record length is not a decimal number");
      if (length_digits_ == kMaxLengthDigits) return fail("record length has too many digits");
      const auto digit = static_cast<size_t>(c - '0');
      // Checked before multiplying, so the comparison also rules out overflow.
      if (digit > max_record_bytes_ || length_ > (max_record_bytes_ - digit) / 10) {
        return fail("record longer than the maximum of " + std::to_string(max_record_bytes_) +
                        " bytes",
                    StatusCode::kTooLarge);
      }
      length_ = length_ * 10 + digit;
      ++length_digits_;
      continue;
    }
    // kData: take as much of the record as this chunk holds.
    const size_t take = std::min(length_ - data_.size(), chunk.size() - i);
    data_.append(chunk.data() + i, take);
    i += take;
    if (data_.size() == length_) {
      records.push_back(std::move(data_));
      data_ = std::string();
      length_ = 0;
      state_ = State::kLength;
    }
  }
  return Status::Ok();
}

}  // namespace fme
