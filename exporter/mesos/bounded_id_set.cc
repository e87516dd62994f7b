#include "mesos/bounded_id_set.h"

#include <iterator>
#include <utility>

namespace fme {

BoundedIdSet::BoundedIdSet(const BoundedIdSet& other) : capacity_(other.capacity_) {
  std::vector<std::string> unused;
  for (const std::string& id : other.order_) Insert(id, unused);
}

BoundedIdSet& BoundedIdSet::operator=(const BoundedIdSet& other) {
  if (this != &other) {
    BoundedIdSet copy(other);
    *this = std::move(copy);
  }
  return *this;
}

void BoundedIdSet::Insert(std::string_view id, std::vector<std::string>& evicted) {
  if (index_.contains(id)) return;
  order_.emplace_back(id);
  auto it = std::prev(order_.end());
  index_.emplace(std::string_view(*it), it);
  while (order_.size() > capacity_) {
    index_.erase(std::string_view(order_.front()));
    evicted.push_back(std::move(order_.front()));
    order_.pop_front();
  }
}

void BoundedIdSet::Erase(std::string_view id) {
  auto it = index_.find(id);
  if (it == index_.end()) return;
  auto node = it->second;
  index_.erase(it);
  order_.erase(node);
}

}  // namespace fme
