// The watchdog of the V8 layer (runtime/v8/): stops calls that exceed their CPU or
// wall-clock limit, or whose statement was cancelled, by terminating their isolate.
#ifndef SPROCKET_RUNTIME_V8_WATCHDOG_H_
#define SPROCKET_RUNTIME_V8_WATCHDOG_H_

#include <pthread.h>
#include <time.h>
#include <v8.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <thread>
#include <vector>

#include "common/thread_annotations.h"
#include "runtime/cancel.h"

namespace sprocket::runtime::v8layer {

// Why the watchdog stopped a call.
enum class StopCause : uint8_t { kNone = 0, kCpu, kWall, kCancel };

// What the watchdog knows of one instance. The instance marks each call's start and end;
// the watchdog terminates a call whose thread has used more CPU than the limit, that has
// run longer than its wall-clock limit, or whose statement was cancelled.
struct CallMonitor {
  v8::Isolate* isolate = nullptr;
  int64_t cpu_limit_ns = 0;
  int64_t wall_limit_ns = 0;
  // The running call's cancel request (set by the instance before the call's sequence
  // turns odd; null when the call cannot be cancelled).
  std::atomic<const runtime::CancelToken*> cancel{nullptr};
  // Why `terminated` was set: written before it.
  std::atomic<StopCause> cause{StopCause::kNone};
  // Odd while a call runs; +1 at start and at end.
  std::atomic<uint64_t> sequence{0};
  // The CPU clock of the thread running the current call.
  std::atomic<clockid_t> thread_clock{CLOCK_THREAD_CPUTIME_ID};
  // The call (sequence) the watchdog terminated, 0 if none.
  std::atomic<uint64_t> terminated{0};

  // When set, a row number the call advances (trigger batches): CPU time is counted from
  // the row's start, as if each row were a call of its own. Written without atomics by
  // JavaScript, so read with a relaxed load.
  const uint32_t* progress = nullptr;

  // Watchdog-private: the call (and row) it last saw and the thread's CPU time then, and
  // when (on the monotonic clock) it first saw the call.
  uint64_t seen_sequence = 0;
  uint32_t seen_progress = 0;
  int64_t seen_cpu_ns = 0;
  int64_t seen_call_ns = 0;
};

// One thread per runtime that checks running calls every few milliseconds. CPU time is
// measured on the calling thread's CPU clock, wall time on the monotonic clock, both from
// the first time the watchdog sees a call, so a limit is enforced within one period (5 ms)
// of being exceeded; a cancel request stops the call within one period too.
class Watchdog {
 public:
  Watchdog();
  ~Watchdog();
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  void Register(CallMonitor* monitor) EXCLUDES(mutex_);
  void Unregister(CallMonitor* monitor) EXCLUDES(mutex_);

 private:
  void Run();

  Mutex mutex_;
  std::condition_variable_any wake_;
  bool stop_ GUARDED_BY(mutex_) = false;
  std::vector<CallMonitor*> monitors_ GUARDED_BY(mutex_);
  std::thread thread_;
};

// The CPU clock of the calling thread (cached per thread).
clockid_t CurrentThreadClock();

}  // namespace sprocket::runtime::v8layer

#endif  // SPROCKET_RUNTIME_V8_WATCHDOG_H_
