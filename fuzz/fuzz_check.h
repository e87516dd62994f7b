// Shared helpers of the libFuzzer harnesses. FME_FUZZ_CHECK states a property that must hold
// for every input; a violation prints the property and traps, which libFuzzer reports as a
// crash with the input that caused it.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string_view>

#include "fme/status.h"

#define FME_FUZZ_CHECK(cond)                                                              \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "fuzz invariant violated: %s (%s:%d)\n", #cond, __FILE__,      \
                   __LINE__);                                                             \
      __builtin_trap();                                                                   \
    }                                                                                     \
  } while (0)

namespace fme::fuzz {

inline std::string_view AsText(const uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A failed parse is a value: the expected code and a message that says something.
inline void CheckError(const Status& status, StatusCode expected) {
  FME_FUZZ_CHECK(!status.ok());
  FME_FUZZ_CHECK(status.code() == expected);
  FME_FUZZ_CHECK(!status.message().empty());
}

inline bool Finite(std::optional<double> v) { return !v || std::isfinite(*v); }
// An epoch timestamp in seconds as the Flink readers produce it: finite and positive.
inline bool PositiveFinite(std::optional<double> v) { return !v || (std::isfinite(*v) && *v > 0); }
// Durations, sizes and ratios: finite and not negative.
inline bool NonNegativeFinite(std::optional<double> v) {
  return !v || (std::isfinite(*v) && *v >= 0);
}

// True when no character of `s` is a space, tab, line break or ':' (a Java class name).
inline bool IsOneToken(std::string_view s) {
  return s.find_first_of(" \t\r\n:") == std::string_view::npos;
}

// Elements sorted by key(), non-decreasing.
template <typename Range, typename Key>
bool SortedBy(const Range& r, Key key) {
  for (std::size_t i = 1; i < r.size(); ++i) {
    if (key(r[i]) < key(r[i - 1])) return false;
  }
  return true;
}

}  // namespace fme::fuzz
