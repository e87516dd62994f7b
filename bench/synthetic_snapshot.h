// Synthetic data for the benchmarks.
//
// MakeTargetStates() generates a deterministic mix of Flink and Mesos targets with realistic
// names, URLs and values (a few targets down, a few Mesos masters unreachable, some clusters
// with five masters) that renders exactly the requested number of series. ToMetricFamilies()
// builds the same series as prometheus-cpp MetricFamily objects, from the same TargetStates,
// following the family catalogue (docs/metrics.md) rather than calling our renderer, so that
// CompareExpositions() of both renderings checks our renderer as well as the benchmark setup.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <prometheus/metric_family.h>

#include "fme/snapshot.h"

namespace fme::bench {

// Target states (all polled) that render exactly `series` series, in no particular order.
std::vector<TargetState> MakeTargetStates(std::size_t series);

// Series the renderer writes for one target state (mirrors the catalogue).
std::size_t SeriesOf(const TargetState& state);

// How the target states of a synthetic snapshot lie in memory.
enum class Layout {
  // Allocated in generation order, then sorted: consecutive targets of the snapshot are far apart
  // in memory, as in the daemon, where each Update() allocates one state whenever its poll ends.
  kScattered,
  // Copied after sorting, so the states and their strings lie in rendering order: a best case
  // no running exporter reaches, to show what memory locality costs the renderer.
  kCompact,
};

// A snapshot of `states`, sorted by (kind, name) as the SnapshotStore sorts.
SnapshotPtr MakeSnapshot(std::vector<TargetState> states, Layout layout = Layout::kScattered);

// The series of `snapshot` as prometheus-cpp families: the same families in the same order, each
// sample with the same labels in the same order and the same value; no empty families.
std::vector<prometheus::MetricFamily> ToMetricFamilies(const Snapshot& snapshot);

// Lines of `text` that are samples (neither comments nor blank).
std::size_t CountSampleLines(std::string_view text);

// Compares two text-format expositions line by line: TYPE lines must be equal, HELP lines must
// name the same family (their text may differ), sample lines must have the same name and labels
// and numerically equal values (the two writers spell numbers differently). Returns an empty
// string when equivalent, else a description of the first difference.
std::string CompareExpositions(std::string_view a, std::string_view b);

// The series count from the environment variable FME_BENCH_SERIES, or `fallback` when unset.
// Exits with a message when it is set but not a positive integer.
std::size_t SeriesFromEnv(std::size_t fallback);

}  // namespace fme::bench
