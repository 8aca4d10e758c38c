#include "runtime/js/js_sandbox.h"

#include <libplatform/libplatform.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include "common/stack.h"

namespace sprocket::runtime::js {

namespace {

constexpr auto kWatchdogPeriod = std::chrono::milliseconds(5);

int64_t ClockNanos(clockid_t clock) {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

namespace {

thread_local bool t_clock_denied = false;

// V8's default platform, with its wall clock hidden from calls that may not read it:
// whatever V8 reads the time through (Date, Intl formatters without a date) sees the
// epoch instead.
class SandboxPlatform : public v8::Platform {
 public:
  explicit SandboxPlatform(std::unique_ptr<v8::Platform> inner) : inner_(std::move(inner)) {}
  v8::Platform* inner() const { return inner_.get(); }

  v8::PageAllocator* GetPageAllocator() override { return inner_->GetPageAllocator(); }
  void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
  bool OnCriticalMemoryPressure(size_t length) override {
    return inner_->OnCriticalMemoryPressure(length);
  }
  int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
    return inner_->GetForegroundTaskRunner(isolate);
  }
  void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallOnWorkerThread(std::move(task));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallBlockingTaskOnWorkerThread(std::move(task));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallLowPriorityTaskOnWorkerThread(std::move(task));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay) override {
    inner_->CallDelayedOnWorkerThread(std::move(task), delay);
  }
  bool IdleTasksEnabled(v8::Isolate* isolate) override { return inner_->IdleTasksEnabled(isolate); }
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job_task) override {
    return inner_->PostJob(priority, std::move(job_task));
  }
  double MonotonicallyIncreasingTime() override { return inner_->MonotonicallyIncreasingTime(); }
  double CurrentClockTimeMillis() override {
    return t_clock_denied ? 0 : inner_->CurrentClockTimeMillis();
  }
  StackTracePrinter GetStackTracePrinter() override { return inner_->GetStackTracePrinter(); }
  v8::TracingController* GetTracingController() override { return inner_->GetTracingController(); }
  void DumpWithoutCrashing() override { inner_->DumpWithoutCrashing(); }

 private:
  std::unique_ptr<v8::Platform> inner_;
};

SandboxPlatform* g_platform = nullptr;  // set once by EnsureV8, lives for the process

}  // namespace

// Guests are untrusted: no natives syntax, no exposed GC, no wasm from JS.
constexpr char kV8Flags[] = "--no-expose-wasm --no-allow-natives-syntax";

const char* V8Flags() { return kV8Flags; }

void EnsureV8() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Owned by V8 for the life of the process: V8 cannot be shut down and started again.
    static SandboxPlatform platform(v8::platform::NewDefaultPlatform());
    g_platform = &platform;
    v8::V8::InitializePlatform(&platform);
    v8::V8::SetFlagsFromString(kV8Flags, sizeof kV8Flags - 1);
    v8::V8::Initialize();
  });
}

void NotifyIsolateGone(v8::Isolate* isolate) {
  if (g_platform != nullptr) v8::platform::NotifyIsolateShutdown(g_platform->inner(), isolate);
}

ClockScope::ClockScope(bool allowed) : previous_(t_clock_denied) { t_clock_denied = !allowed; }
ClockScope::~ClockScope() { t_clock_denied = previous_; }

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

Watchdog::Watchdog() : thread_([this] { Run(); }) {}

Watchdog::~Watchdog() {
  {
    MutexLock lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Watchdog::Register(CallMonitor* monitor) {
  MutexLock lock(mutex_);
  monitors_.push_back(monitor);
}

void Watchdog::Unregister(CallMonitor* monitor) {
  MutexLock lock(mutex_);
  monitors_.erase(std::remove(monitors_.begin(), monitors_.end(), monitor), monitors_.end());
}

void Watchdog::Run() {
  MutexLock lock(mutex_);
  while (!stop_) {
    wake_.wait_for(mutex_, kWatchdogPeriod);  // releases the mutex while it waits
    const int64_t now = ClockNanos(CLOCK_MONOTONIC);
    for (CallMonitor* m : monitors_) {
      uint64_t seq = m->sequence.load(std::memory_order_acquire);
      if ((seq & 1) == 0) continue;  // idle
      auto stop = [&](StopCause cause) {
        if (m->terminated.load(std::memory_order_relaxed) == seq) return;
        m->cause.store(cause, std::memory_order_relaxed);
        m->terminated.store(seq, std::memory_order_release);
        m->isolate->TerminateExecution();
      };
      const runtime::CancelToken* cancel = m->cancel.load(std::memory_order_acquire);
      if (cancel != nullptr && cancel->requested()) {
        stop(StopCause::kCancel);
        continue;
      }
      // Limits count per call, and per row of a trigger batch: from the first time the
      // watchdog sees the call (or row).
      int64_t cpu = ClockNanos(m->thread_clock.load(std::memory_order_relaxed));
      uint32_t progress =
          m->progress != nullptr ? __atomic_load_n(m->progress, __ATOMIC_RELAXED) : 0;
      if (seq != m->seen_sequence || progress != m->seen_progress) {
        m->seen_sequence = seq;
        m->seen_progress = progress;
        m->seen_cpu_ns = cpu;
        m->seen_call_ns = now;
        continue;
      }
      if (m->wall_limit_ns > 0 && now - m->seen_call_ns > m->wall_limit_ns) {
        stop(StopCause::kWall);
      } else if (cpu >= 0 && cpu - m->seen_cpu_ns > m->cpu_limit_ns) {
        stop(StopCause::kCpu);
      }
    }
  }
}

clockid_t CurrentThreadClock() {
  thread_local clockid_t clock = [] {
    clockid_t c = CLOCK_THREAD_CPUTIME_ID;
    if (pthread_getcpuclockid(pthread_self(), &c) != 0) c = CLOCK_THREAD_CPUTIME_ID;
    return c;
  }();
  return clock;
}

}  // namespace sprocket::runtime::js
