// Golden files: compare text with tests/golden/<name>; FME_UPDATE_GOLDEN=1 rewrites the file.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace fme::testing {

inline void ExpectMatchesGolden(const std::string& actual, const std::string& name) {
  const std::string path = std::string(FME_TEST_GOLDEN_DIR) + "/" + name;
  const char* update = std::getenv("FME_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << "missing golden file " << path << " (run with FME_UPDATE_GOLDEN=1)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "output differs from " << path
                                    << " (FME_UPDATE_GOLDEN=1 rewrites it after review)";
}

}  // namespace fme::testing
