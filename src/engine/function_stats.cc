#include "engine/function_stats.h"

#include <bit>
#include <cmath>

#include "common/strings.h"

namespace sprocket {

// --- LatencyHistogram -------------------------------------------------------------------

int LatencyHistogram::BucketOf(uint64_t ns) {
  if (ns < 4) return static_cast<int>(ns);  // 0…3 exactly
  int octave = 63 - std::countl_zero(ns);   // ≥ 2
  int sub = static_cast<int>((ns >> (octave - 2)) & 3);
  int bucket = 4 * (octave - 1) + sub;
  return bucket < kBuckets ? bucket : kBuckets - 1;
}

double LatencyHistogram::Midpoint(int bucket) {
  if (bucket < 4) return bucket;
  int octave = bucket / 4 + 1;
  int sub = bucket % 4;
  double low = std::ldexp(4 + sub, octave - 2);
  double width = std::ldexp(1, octave - 2);
  return low + width / 2;
}

void LatencyHistogram::Add(uint64_t ns, uint64_t count) { counts_[BucketOf(ns)] += count; }

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
}

uint64_t LatencyHistogram::total() const {
  uint64_t n = 0;
  for (uint64_t c : counts_) n += c;
  return n;
}

double LatencyHistogram::Quantile(double q) const {
  uint64_t n = total();
  if (n == 0) return 0;
  // The smallest bucket with at least ceil(q * n) of the durations at or below it.
  uint64_t want = static_cast<uint64_t>(std::ceil(q * static_cast<double>(n)));
  if (want == 0) want = 1;
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= want) return Midpoint(i);
  }
  return Midpoint(kBuckets - 1);
}

// --- CallStats --------------------------------------------------------------------------

void CallStats::Clear() {
  uint32_t keep = until_sample;
  *this = CallStats();
  until_sample = keep;
}

// --- FunctionStats ----------------------------------------------------------------------

FunctionStats::Entry& FunctionStats::EntryFor(const std::string& name, const std::string& table,
                                              const std::string& language) {
  const std::string key = ToLower(name);
  Entry& e = entries_[{key, ToLower(table)}];
  if (!pending_instance_ns_.empty()) {
    auto pending = pending_instance_ns_.find(key);
    if (pending != pending_instance_ns_.end()) {
      e.instance_ns += pending->second;
      pending_instance_ns_.erase(pending);
    }
  }
  e.row.function = name;
  e.row.table = table;
  e.row.language = language;
  return e;
}

void FunctionStats::Merge(const std::string& name, const std::string& table,
                          const std::string& language, CallStats& local) {
  if (!local.dirty) return;
  {
    MutexLock lock(mutex_);
    Entry& e = EntryFor(name, table, language);
    e.row.calls += local.calls;
    e.row.errors += local.errors;
    e.timed_calls += local.timed_calls;
    e.timed_ns += local.timed_ns;
    e.latency.Merge(local.latency);
    e.row.instance_hits += local.instance_hits;
    e.row.instance_misses += local.instance_misses;
    if (local.peak_memory > e.row.peak_memory) e.row.peak_memory = local.peak_memory;
    if (!local.last_error.empty()) {
      e.row.last_error = std::move(local.last_error);
      e.row.last_error_micros = local.last_error_micros;
    }
  }
  local.Clear();
}

void FunctionStats::RecordCompile(const std::string& name, const std::string& table,
                                  const std::string& language, bool hit, int64_t ns) {
  MutexLock lock(mutex_);
  Entry& e = EntryFor(name, table, language);
  if (hit) {
    ++e.row.compile_hits;
  } else {
    ++e.row.compiles;
    e.compile_ns += static_cast<uint64_t>(ns > 0 ? ns : 0);
  }
}

void FunctionStats::OnInstanceCreated(const runtime::FunctionDef& def, int64_t ns) {
  const uint64_t add = static_cast<uint64_t>(ns > 0 ? ns : 0);
  const std::string key = ToLower(def.name);
  MutexLock lock(mutex_);
  bool found = false;
  for (auto it = entries_.lower_bound({key, ""}); it != entries_.end() && it->first.first == key;
       ++it) {
    it->second.instance_ns += add;
    found = true;
  }
  // The first instance is made while compiling, before the function has an entry: kept
  // until it has one.
  if (!found) pending_instance_ns_[key] += add;
}

size_t FunctionStats::Reset(const std::string* name) {
  MutexLock lock(mutex_);
  if (name == nullptr) {
    size_t n = entries_.size();
    entries_.clear();
    pending_instance_ns_.clear();
    return n;
  }
  size_t n = 0;
  std::string key = ToLower(*name);
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first.first == key) {
      it = entries_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

std::vector<FunctionStatsRow> FunctionStats::Snapshot() const {
  std::vector<FunctionStatsRow> rows;
  MutexLock lock(mutex_);
  rows.reserve(entries_.size());
  for (const auto& [key, e] : entries_) {
    FunctionStatsRow row = e.row;
    if (e.timed_calls > 0) {
      double mean_ns = static_cast<double>(e.timed_ns) / static_cast<double>(e.timed_calls);
      row.mean_ms = mean_ns / 1e6;
      row.total_ms = mean_ns * static_cast<double>(row.calls) / 1e6;
      row.p50_ms = e.latency.Quantile(0.5) / 1e6;
      row.p99_ms = e.latency.Quantile(0.99) / 1e6;
    }
    row.compile_ms = static_cast<double>(e.compile_ns) / 1e6;
    row.instance_ms = static_cast<double>(e.instance_ns) / 1e6;
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sprocket
