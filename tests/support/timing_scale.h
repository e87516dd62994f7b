// Timing scale for the few tests that meet real threads and real sockets under deadlines:
// sanitizer builds run the exporter several times slower, so their deadlines stretch by this
// factor instead of the test being left out of the sanitizer stages.
#pragma once

namespace fme::testing {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr int kTimingScale = 4;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr int kTimingScale = 4;
#else
inline constexpr int kTimingScale = 1;
#endif
#else
inline constexpr int kTimingScale = 1;
#endif

}  // namespace fme::testing
