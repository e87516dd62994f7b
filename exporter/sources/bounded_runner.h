// RunBounded: runs independent tasks with at most `max_concurrency` of them at once, on the
// calling thread plus up to max_concurrency - 1 short-lived helper threads, and returns when all
// are done. Used to issue one poll's upstream requests concurrently without letting a single
// poll open more than a fixed number of connections to one upstream.
//
// Tasks must not throw and must synchronise any shared state themselves (the usual pattern is
// one result slot per task).
#pragma once

#include <functional>
#include <vector>

namespace fme {

void RunBounded(const std::vector<std::function<void()>>& tasks, int max_concurrency);

}  // namespace fme
