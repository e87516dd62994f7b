// FamilyBuffers: the renderer's output, one append-only buffer per family of the catalogue.
//
// Rendering is a single target-major pass (each target's data is read once while it is in
// cache) that appends every sample line to its family's buffer; Join() then writes the families
// in catalogue order, each with its HELP and TYPE, skipping empty ones. Label sets are passed as
// an open prefix built once per entity (`{flink_cluster="x",job_id="y"`) plus an `extra` tail
// (`,state="RUNNING"`), so a job's or vertex's identity is escaped once, not once per line.
// Not thread-safe: one per rendering thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "exposition/families.h"
#include "exposition/text_writer.h"

namespace fme::exposition {

// An append-only byte buffer that writes a whole sample line with one capacity check.
class LineBuffer {
 public:
  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }
  std::string_view view() const { return {data_.get(), size_}; }

  void Line(std::string_view name, std::string_view labels, std::string_view extra, double value) {
    // The longest value WriteValue can write is under 32 bytes.
    Reserve(size_ + name.size() + labels.size() + extra.size() + 40);
    Put(name);
    Put(labels);
    Put(extra);
    Put("} ");
    size_ = TextWriter::WriteValue(data_.get() + size_, value) - data_.get();
    data_[size_++] = '\n';
  }

 private:
  void Put(std::string_view s) {
    if (s.empty()) return;  // an empty view may have a null data(), which memcpy must not see
    std::memcpy(data_.get() + size_, s.data(), s.size());
    size_ += s.size();
  }
  void Reserve(std::size_t n) {
    if (n <= capacity_) return;
    std::size_t cap = std::max<std::size_t>(n, capacity_ * 2);
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = cap;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

class FamilyBuffers {
 public:
  // `labels` is the opening of the label set, e.g. `{flink_cluster="x"`; `extra` continues it,
  // e.g. `,state="RUNNING"`; the set is closed here.
  void Line(Family f, std::string_view labels, std::string_view extra, double value) {
    // The budget check is one predictable branch per line; lines past it are only counted.
    if (budget_ == 0) {
      ++over_budget_;
      return;
    }
    --budget_;
    body_[f].Line(kFamilies[f].name, labels, extra, value);
    ++samples_;
  }
  void Optional(Family f, std::string_view labels, std::string_view extra,
                const std::optional<double>& value) {
    if (value) Line(f, labels, extra, *value);
  }

  // Empties the buffers but keeps their capacity: the next render of a similar snapshot then
  // neither reallocates nor page-faults (the dominant costs of a fresh 100 MB rendering).
  void Clear() {
    for (auto& b : body_) b.clear();
    samples_ = 0;
    budget_ = kUnlimited;
    over_budget_ = 0;
  }

  // Lines written from now on are limited to `budget`; the rest are left out and counted.
  // Returns the number of lines left out since the previous call.
  std::size_t SetBudget(std::size_t budget) {
    budget_ = budget;
    return std::exchange(over_budget_, 0);
  }
  std::size_t samples() const { return samples_; }
  static constexpr std::size_t kUnlimited = static_cast<std::size_t>(-1);

  // Appends every non-empty family to `out`; returns the number of samples.
  std::size_t Join(std::string& out) const {
    std::size_t size = out.size();
    for (const auto& b : body_) size += b.view().size() + 256;
    out.reserve(size);
    for (int f = 0; f < kFamilyCount; ++f) {
      if (body_[f].empty()) continue;
      out += "# HELP ";
      out += kFamilies[f].name;
      out += ' ';
      TextWriter::AppendHelp(out, kFamilies[f].help);
      out += "\n# TYPE ";
      out += kFamilies[f].name;
      out += kFamilies[f].type == MetricType::kCounter ? " counter\n" : " gauge\n";
      out += body_[f].view();
    }
    return samples_;
  }

 private:
  std::array<LineBuffer, kFamilyCount> body_;
  std::size_t samples_ = 0;
  std::size_t budget_ = kUnlimited;
  std::size_t over_budget_ = 0;
};

// `{name="escaped value"` — the open start of a label set, replacing what `out` held.
inline void OpenLabels(std::string& out, std::string_view name, std::string_view value) {
  out.clear();
  out += '{';
  out += name;
  out += "=\"";
  TextWriter::AppendLabelValue(out, value);
  out += '"';
}

// `,name="escaped value"` appended to an open label set.
inline void AppendLabel(std::string& out, std::string_view name, std::string_view value) {
  out += ',';
  out += name;
  out += "=\"";
  TextWriter::AppendLabelValue(out, value);
  out += '"';
}

// Strings a rendering reuses from target to target, so their capacity is allocated once.
struct LabelScratch {
  std::string target;   // `{flink_cluster="x"` / `{mesos_cluster="x"`
  std::string entity;   // target + job, TaskManager, ... identity
  std::string vertex;   // entity + vertex identity
  std::string subtask;  // vertex + subtask index
  std::string extra;    // a family-specific tail
};

}  // namespace fme::exposition
