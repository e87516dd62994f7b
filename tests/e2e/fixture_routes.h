// Route tables of fixture clusters: tests/fixtures/<dir>/routes.txt lists, one route a line,
// `<path> <fixture file in dir> [<HTTP status>]`; blank lines and lines starting with '#' are
// skipped. A FakeUpstream serving the table stands in for the whole cluster.
#pragma once

#include <string>
#include <vector>

#include "fake_upstream.h"

namespace fme::e2e {

struct FixtureRoute {
  std::string path;  // no query string: FakeUpstream matches paths only
  std::string file;  // relative to the table's directory
  int status = 200;
};

// Reads tests/fixtures/<dir>/routes.txt; a malformed line or a missing table is a test failure.
std::vector<FixtureRoute> ReadFixtureRoutes(const std::string& dir);

// Serves every route of the table of `dir` from `upstream` and returns the table.
std::vector<FixtureRoute> ServeFixtureRoutes(FakeUpstream& upstream, const std::string& dir);

}  // namespace fme::e2e
