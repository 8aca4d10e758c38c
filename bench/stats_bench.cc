// What the always-on statistics add to each guest call (docs/design.md §9: under 2% of a warm
// JavaScript call): the sampling decision, the clock reads of the sampled calls and the
// observer's bookkeeping, exactly as engine/guest_call.cc does them per call. Compare
// BM_StatsPerCall with BM_SprocketJsFunction of bench_function_call (per row).
#include <benchmark/benchmark.h>
#include <time.h>

#include "engine/function_stats.h"
#include "engine/guest_call.h"
#include "engine/session_impl.h"

namespace {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

void BM_StatsPerCall(benchmark::State& state) {
  sprocket::FunctionEntry entry;
  sprocket::StatsObserver observer;
  sprocket::GuestCallObserver& hook = observer;  // called virtually, as in CallGuest
  sprocket::Status ok;
  for (auto _ : state) {
    sprocket::GuestCallRecord record;
    record.status = &ok;
    const bool timed = entry.stats.SampleNext();
    const int64_t start = timed ? MonotonicNanos() : 0;
    benchmark::ClobberMemory();  // the call
    if (timed) record.elapsed_ns = MonotonicNanos() - start;
    hook.OnCall(entry, record);
  }
  benchmark::DoNotOptimize(entry.stats.calls);
}
BENCHMARK(BM_StatsPerCall);

// The same without any statistics: the loop's own cost.
void BM_StatsNone(benchmark::State& state) {
  for (auto _ : state) benchmark::ClobberMemory();
}
BENCHMARK(BM_StatsNone);

}  // namespace
