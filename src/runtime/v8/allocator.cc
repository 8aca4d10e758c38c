#include "runtime/v8/allocator.h"

#include <cstdlib>

namespace sprocket::runtime::v8layer {

bool LimitedAllocator::Reserve(size_t length) {
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (length > limit_ || used > limit_ - length) return false;
  } while (!used_.compare_exchange_weak(used, used + length, std::memory_order_relaxed));
  return true;
}

void* LimitedAllocator::Allocate(size_t length) {
  if (!Reserve(length)) return nullptr;
  void* p = std::calloc(length ? length : 1, 1);
  if (p == nullptr) used_.fetch_sub(length, std::memory_order_relaxed);
  return p;
}

void* LimitedAllocator::AllocateUninitialized(size_t length) {
  if (!Reserve(length)) return nullptr;
  void* p = std::malloc(length ? length : 1);
  if (p == nullptr) used_.fetch_sub(length, std::memory_order_relaxed);
  return p;
}

void LimitedAllocator::Free(void* data, size_t length) {
  std::free(data);
  used_.fetch_sub(length, std::memory_order_relaxed);
}

}  // namespace sprocket::runtime::v8layer
