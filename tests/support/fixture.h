// Reads a file under tests/fixtures/ (FME_TEST_FIXTURES_DIR) into a string.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

namespace fme::testing {

inline std::string ReadFixture(std::string_view relative) {
  const std::string path = std::string(FME_TEST_FIXTURES_DIR) + "/" + std::string(relative);
  std::ifstream in(path, std::ios::binary);
  if (!in.good()) {
    ADD_FAILURE() << "missing fixture " << path;
    return "";
  }
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace fme::testing
