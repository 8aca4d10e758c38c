// Per-function call statistics (docs/design.md §7, §8: sprocket_function_stats), always on.
//
// A session counts the calls it makes in a CallStats of its own, without locks or atomic
// operations (the guest-call path adds a few nanoseconds to a call); at the end of each
// statement it merges what it counted into the Database's FunctionStats. Times are
// sampled: every call of a table function or procedure and every trigger batch is timed,
// and one in kSampleEvery of the other calls (scalar calls, single trigger calls), so
// that reading the clock costs no more than about 2 ns per call; totals are estimated from
// the sample. Percentiles come from a log-linear histogram (within 12%).
#ifndef SPROCKET_ENGINE_FUNCTION_STATS_H_
#define SPROCKET_ENGINE_FUNCTION_STATS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/thread_annotations.h"
#include "runtime/environment.h"

namespace sprocket {

// Durations in nanoseconds, counted in buckets 4 to an octave.
class LatencyHistogram {
 public:
  static constexpr int kBuckets = 4 * 64;
  void Add(uint64_t ns, uint64_t count = 1);
  void Merge(const LatencyHistogram& other);
  void Clear() { counts_.fill(0); }
  uint64_t total() const;
  // The value below which `q` (0…1) of the counted durations lie (a bucket's midpoint),
  // or 0 when nothing was counted.
  double Quantile(double q) const;

 private:
  static int BucketOf(uint64_t ns);
  static double Midpoint(int bucket);
  std::array<uint64_t, kBuckets> counts_{};
};

// What one session counted for one function since its last merge.
struct CallStats {
  static constexpr uint32_t kSampleEvery = 16;

  uint64_t calls = 0;   // rows, for trigger batches
  uint64_t errors = 0;  // failed calls (a failed batch counts once)
  uint64_t timed_calls = 0;
  uint64_t timed_ns = 0;
  LatencyHistogram latency;
  uint64_t instance_hits = 0;    // instances taken warm (L1)
  uint64_t instance_misses = 0;  // instances made new
  uint64_t peak_memory = 0;
  std::string last_error;
  int64_t last_error_micros = 0;  // wall clock
  uint32_t until_sample = 0;      // calls left before the next timed one
  bool dirty = false;

  // Whether the next sampled kind of call is timed (counts down).
  bool SampleNext() {
    if (until_sample != 0) {
      --until_sample;
      return false;
    }
    until_sample = kSampleEvery - 1;
    return true;
  }
  void Clear();
};

// One row of sprocket_function_stats.
struct FunctionStatsRow {
  std::string function;  // the function's name; an inline trigger's name
  std::string table;     // an inline trigger's table; empty for functions
  std::string language;
  uint64_t calls = 0;
  uint64_t errors = 0;
  double total_ms = 0;  // estimated from the timed calls
  double mean_ms = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  uint64_t instance_hits = 0;
  uint64_t instance_misses = 0;
  uint64_t compile_hits = 0;  // compiled code found in memory (L2)
  uint64_t compiles = 0;      // compiled anew
  double compile_ms = 0;
  double instance_ms = 0;  // time the runtime took to make instances (isolates)
  uint64_t peak_memory = 0;
  std::string last_error;
  int64_t last_error_micros = 0;
};

// The Database's statistics, by function. Thread-safe.
class FunctionStats final : public runtime::RuntimeObserver {
 public:
  // Adds `local` (which is cleared) to the function `name` (case-insensitive; `table` set
  // for an inline trigger's body).
  void Merge(const std::string& name, const std::string& table, const std::string& language,
             CallStats& local) EXCLUDES(mutex_);
  // A compile request for the function: found in the L2 cache (`hit`), or compiled in
  // `ns` nanoseconds.
  void RecordCompile(const std::string& name, const std::string& table, const std::string& language,
                     bool hit, int64_t ns) EXCLUDES(mutex_);
  // A runtime made an instance of `def` in `ns` nanoseconds (the runtime environment's
  // observer): counted for every entry of the function's name (compiled code, and so its
  // instances, is shared by definitions with the same content).
  void OnInstanceCreated(const runtime::FunctionDef& def, int64_t ns) override EXCLUDES(mutex_);
  // Forgets everything, or (with a name) one function's statistics. Returns how many
  // functions' statistics were dropped.
  size_t Reset(const std::string* name = nullptr) EXCLUDES(mutex_);
  std::vector<FunctionStatsRow> Snapshot() const EXCLUDES(mutex_);

 private:
  struct Entry {
    FunctionStatsRow row;
    uint64_t timed_calls = 0;
    uint64_t timed_ns = 0;
    uint64_t compile_ns = 0;
    uint64_t instance_ns = 0;
    LatencyHistogram latency;
  };
  Entry& EntryFor(const std::string& name, const std::string& table, const std::string& language)
      REQUIRES(mutex_);

  mutable Mutex mutex_;
  // By (lower-case name, lower-case table).
  std::map<std::pair<std::string, std::string>, Entry> entries_ GUARDED_BY(mutex_);
  // Instance time reported for a name with no entry yet (lower-case name → ns).
  std::map<std::string, uint64_t> pending_instance_ns_ GUARDED_BY(mutex_);
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_FUNCTION_STATS_H_
