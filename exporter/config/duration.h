// Durations and byte sizes as they are written in the configuration file.
//
// Durations use the Prometheus notation: one or more <integer><unit> terms with units
// w, d, h, m, s, ms, largest first and each at most once ("15s", "1h30m", "500ms"). The bare
// string "0" is the only value accepted without a unit. No signs, fractions or spaces.
//
// Byte sizes are a plain integer count of bytes ("1048576") or an integer with a decimal
// (B, KB, MB, GB, TB: powers of 1000) or binary (KiB, MiB, GiB, TiB: powers of 1024) unit.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fme/clock.h"
#include "fme/status.h"

namespace fme {

// Fails with kInvalidArgument and a message such as
// `invalid duration "5x" (expected e.g. 15s, 1m, 500ms)`; the caller adds where it came from.
Result<Duration> ParseDuration(std::string_view text);

// The shortest notation ParseDuration reads back to the same value, e.g. "1m30s", "250ms",
// "0s". Parts below a millisecond (never produced by ParseDuration) are shown as "us" and "ns"
// so that logs do not hide them; such strings do not parse.
std::string FormatDuration(Duration d);

// Fails with kInvalidArgument and a message such as
// `invalid size "10XB" (expected a byte count or e.g. 512KiB, 64MiB, 10MB)`.
Result<std::size_t> ParseByteSize(std::string_view text);

}  // namespace fme
