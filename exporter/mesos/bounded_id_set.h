// BoundedIdSet: a set of ids that remembers insertion order and holds at most `capacity` of
// them; inserting beyond that forgets the oldest. Used where the upstream itself keeps only
// the newest N of something (the Mesos master's completed-task buffer), so that forgetting the
// oldest here loses nothing the upstream could still send again.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fme {

class BoundedIdSet {
 public:
  explicit BoundedIdSet(std::size_t capacity) : capacity_(capacity) {}
  BoundedIdSet(const BoundedIdSet& other);
  BoundedIdSet& operator=(const BoundedIdSet& other);
  BoundedIdSet(BoundedIdSet&&) noexcept = default;
  BoundedIdSet& operator=(BoundedIdSet&&) noexcept = default;

  bool Contains(std::string_view id) const { return index_.contains(id); }
  // Adds `id` as the newest (no effect when present); the ids forgotten to stay within the
  // capacity are appended to `evicted`.
  void Insert(std::string_view id, std::vector<std::string>& evicted);
  void Erase(std::string_view id);
  std::size_t size() const { return index_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::string> order_;  // oldest first; list nodes never move, so views stay valid
  std::unordered_map<std::string_view, std::list<std::string>::iterator> index_;
};

}  // namespace fme
