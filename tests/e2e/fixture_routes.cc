#include "fixture_routes.h"

#include <gtest/gtest.h>

#include <charconv>
#include <sstream>

namespace fme::e2e {

std::vector<FixtureRoute> ReadFixtureRoutes(const std::string& dir) {
  const std::string table = dir + "/routes.txt";
  std::istringstream in(Fixture(table));
  std::vector<FixtureRoute> routes;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    const std::size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    std::istringstream fields(line);
    FixtureRoute route;
    std::string status, rest;
    fields >> route.path >> route.file >> status >> rest;
    bool ok = !route.path.empty() && route.path[0] == '/' && !route.file.empty() && rest.empty();
    if (ok && !status.empty()) {
      const char* last = status.data() + status.size();
      const auto [end, ec] = std::from_chars(status.data(), last, route.status);
      ok = ec == std::errc() && end == last;
    }
    if (!ok) {
      ADD_FAILURE() << table << ":" << number << ": expected `<path> <file> [<status>]`, got: "
                    << line;
      continue;
    }
    routes.push_back(std::move(route));
  }
  EXPECT_FALSE(routes.empty()) << table << " has no routes";
  return routes;
}

std::vector<FixtureRoute> ServeFixtureRoutes(FakeUpstream& upstream, const std::string& dir) {
  std::vector<FixtureRoute> routes = ReadFixtureRoutes(dir);
  for (const FixtureRoute& r : routes) {
    upstream.SetRoute(r.path, Route::Json(Fixture(dir + "/" + r.file), r.status));
  }
  return routes;
}

}  // namespace fme::e2e
