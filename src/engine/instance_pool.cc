#include "engine/instance_pool.h"

#include <algorithm>

namespace sprocket {

std::unique_ptr<runtime::Instance> InstancePool::Take(uint64_t id) {
  MutexLock lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end() || it->second.empty()) return nullptr;
  List::iterator node = it->second.back();  // the most recently used
  it->second.pop_back();
  if (it->second.empty()) by_id_.erase(it);
  std::unique_ptr<runtime::Instance> instance = std::move(node->instance);
  lru_.erase(node);
  return instance;
}

void InstancePool::Give(uint64_t id, std::unique_ptr<runtime::Instance> instance) {
  if (instance == nullptr || !instance->healthy()) return;
  std::vector<std::unique_ptr<runtime::Instance>> evicted;  // destroyed outside the lock
  {
    MutexLock lock(mutex_);
    lru_.push_back(Idle{id, std::move(instance)});
    by_id_[id].push_back(std::prev(lru_.end()));
    while (lru_.size() > capacity_) {
      Idle& oldest = lru_.front();
      std::vector<List::iterator>& nodes = by_id_[oldest.id];
      nodes.erase(std::find(nodes.begin(), nodes.end(), lru_.begin()));
      if (nodes.empty()) by_id_.erase(oldest.id);
      evicted.push_back(std::move(oldest.instance));
      lru_.pop_front();
    }
  }
}

void InstancePool::Purge(uint64_t id) {
  std::vector<std::unique_ptr<runtime::Instance>> purged;
  {
    MutexLock lock(mutex_);
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return;
    for (List::iterator node : it->second) {
      purged.push_back(std::move(node->instance));
      lru_.erase(node);
    }
    by_id_.erase(it);
  }
}

size_t InstancePool::idle() const {
  MutexLock lock(mutex_);
  return lru_.size();
}

}  // namespace sprocket
