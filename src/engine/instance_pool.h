// The L1 cache (docs/design.md §7): warm instances of compiled functions, shared by every Session
// of a Database and bounded globally. A session takes an instance for a function when it
// first calls it in a statement and gives it back when the statement ends; when more
// instances are idle than the capacity, the least recently used are destroyed.
//
// Thread-safe.
#ifndef SPROCKET_ENGINE_INSTANCE_POOL_H_
#define SPROCKET_ENGINE_INSTANCE_POOL_H_

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/thread_annotations.h"
#include "runtime/runtime.h"

namespace sprocket {

class InstancePool {
 public:
  explicit InstancePool(size_t capacity) : capacity_(capacity) {}

  // An idle instance of the compiled function `id`, or nullptr when there is none.
  std::unique_ptr<runtime::Instance> Take(uint64_t id) EXCLUDES(mutex_);
  // Gives `instance` (of compiled function `id`) back; unhealthy instances are destroyed.
  void Give(uint64_t id, std::unique_ptr<runtime::Instance> instance) EXCLUDES(mutex_);
  // Destroys the idle instances of `id` (its definition was replaced or dropped).
  void Purge(uint64_t id) EXCLUDES(mutex_);

  size_t idle() const EXCLUDES(mutex_);
  size_t capacity() const { return capacity_; }

 private:
  struct Idle {
    uint64_t id;
    std::unique_ptr<runtime::Instance> instance;
  };
  using List = std::list<Idle>;

  const size_t capacity_;
  mutable Mutex mutex_;
  List lru_ GUARDED_BY(mutex_);  // oldest first
  std::unordered_map<uint64_t, std::vector<List::iterator>> by_id_ GUARDED_BY(mutex_);
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_INSTANCE_POOL_H_
