#include "common/stack.h"

#include <pthread.h>

#include <algorithm>

namespace sprocket {

namespace {

struct ThreadStack {
  uintptr_t low = 0;
  size_t size = 0;
};

const ThreadStack& CurrentThreadStack() {
  // initial-exec: checked on every guest call, also from inside the JavaScript plugin.
  __attribute__((tls_model("initial-exec"))) thread_local ThreadStack stack = [] {
    ThreadStack s;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      void* low = nullptr;
      size_t size = 0;
      if (pthread_attr_getstack(&attr, &low, &size) == 0) {
        s.low = reinterpret_cast<uintptr_t>(low);
        s.size = size;
      }
      pthread_attr_destroy(&attr);
    }
    if (s.low == 0) {  // unknown: assume 1 MiB below the first frame seen
      char here;
      s.size = 1 << 20;
      s.low = reinterpret_cast<uintptr_t>(&here) - s.size;
    }
    return s;
  }();
  return stack;
}

}  // namespace

size_t RemainingStack() {
  char here;
  uintptr_t sp = reinterpret_cast<uintptr_t>(&here);
  const ThreadStack& s = CurrentThreadStack();
  return sp > s.low ? sp - s.low : 0;
}

size_t NativeStackReserve() {
  return std::clamp<size_t>(CurrentThreadStack().size / 4, 256 << 10, 2 << 20);
}

uintptr_t GuestStackLimit() { return CurrentThreadStack().low + NativeStackReserve(); }

}  // namespace sprocket
