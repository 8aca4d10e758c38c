// An ArrayBuffer allocator with a limit: part of the V8 layer (runtime/v8/).
#ifndef SPROCKET_RUNTIME_V8_ALLOCATOR_H_
#define SPROCKET_RUNTIME_V8_ALLOCATOR_H_

#include <v8.h>

#include <atomic>
#include <cstddef>

namespace sprocket::runtime::v8layer {

// An ArrayBuffer allocator that refuses to hold more than `limit` bytes (a refused
// allocation is a RangeError in JavaScript). Thread-safe.
class LimitedAllocator : public v8::ArrayBuffer::Allocator {
 public:
  explicit LimitedAllocator(size_t limit) : limit_(limit) {}
  void* Allocate(size_t length) override;
  void* AllocateUninitialized(size_t length) override;
  void Free(void* data, size_t length) override;
  size_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  bool Reserve(size_t length);
  const size_t limit_;
  std::atomic<size_t> used_{0};
};

}  // namespace sprocket::runtime::v8layer

#endif  // SPROCKET_RUNTIME_V8_ALLOCATOR_H_
