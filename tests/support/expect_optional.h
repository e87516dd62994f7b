// EXPECT_OPT_DOUBLE(opt, value): `opt` holds a value equal to `value` up to rounding (relative
// 1e-12), so "ms / 1000" and a decimal literal compare equal. Accepts `<< message` like EXPECT_*.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <optional>

namespace fme::testing {

inline ::testing::AssertionResult OptionalNear(const std::optional<double>& opt, double value) {
  if (!opt.has_value()) return ::testing::AssertionFailure() << "is empty, expected " << value;
  const double scale = std::max(std::fabs(*opt), std::fabs(value));
  if (*opt == value || std::fabs(*opt - value) <= 1e-12 * scale) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "is " << *opt << ", expected " << value;
}

}  // namespace fme::testing

#define EXPECT_OPT_DOUBLE(opt, value) \
  EXPECT_TRUE(::fme::testing::OptionalNear((opt), (value))) << #opt << ' '
