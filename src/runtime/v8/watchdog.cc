#include "runtime/v8/watchdog.h"

#include <algorithm>
#include <chrono>

namespace sprocket::runtime::v8layer {

namespace {

constexpr auto kWatchdogPeriod = std::chrono::milliseconds(5);

int64_t ClockNanos(clockid_t clock) {
  timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

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
  // initial-exec: see platform.cc.
  __attribute__((tls_model("initial-exec"))) thread_local clockid_t clock = [] {
    clockid_t c = CLOCK_THREAD_CPUTIME_ID;
    if (pthread_getcpuclockid(pthread_self(), &c) != 0) c = CLOCK_THREAD_CPUTIME_ID;
    return c;
  }();
  return clock;
}

}  // namespace sprocket::runtime::v8layer
