#include "engine/guest_call.h"

#include <time.h>

#include <chrono>

#include "engine/function_stats.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"

namespace sprocket {

namespace {

int64_t MonotonicNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Whether a call of this kind is timed: the light ones (a scalar call, one trigger row)
// one in CallStats::kSampleEvery, the others always.
bool Timed(CallStats& stats, GuestCallKind kind) {
  switch (kind) {
    case GuestCallKind::kScalar:
    case GuestCallKind::kTrigger:
      return stats.SampleNext();
    case GuestCallKind::kTable:
    case GuestCallKind::kProcedure:
    case GuestCallKind::kTriggerBatch:
      return true;
  }
  return true;
}

}  // namespace

void StatsObserver::OnCall(FunctionEntry& entry, const GuestCallRecord& record) {
  CallStats& stats = entry.stats;
  stats.dirty = true;
  stats.calls += record.rows;
  if (record.elapsed_ns >= 0) {
    uint64_t ns = static_cast<uint64_t>(record.elapsed_ns);
    stats.timed_calls += record.rows;
    stats.timed_ns += ns;
    stats.latency.Add(record.rows > 1 ? ns / record.rows : ns, record.rows);
  }
  if (record.new_instance) {
    if (record.instance_was_warm) {
      ++stats.instance_hits;
    } else {
      ++stats.instance_misses;
    }
  }
  if (record.status != nullptr && !record.status->ok()) {
    ++stats.errors;
    stats.last_error = record.status->message();
    stats.last_error_micros = WallMicros();
  }
}

Result<runtime::Instance*> CheckoutInstance(SessionImpl& session, FunctionSlot& slot,
                                            bool* checked_out, bool* warm) {
  FunctionEntry& entry = *slot.entry;
  if (entry.instance != nullptr) return entry.instance.get();  // this statement's (compiled)
  SPROCKET_RETURN_IF_ERROR(session.EnsureCompiled(entry));
  if (entry.instance == nullptr) {
    if (checked_out != nullptr) *checked_out = true;
    entry.instance = session.state().pool().Take(entry.compiled_id);
    if (entry.instance != nullptr) {
      if (warm != nullptr) *warm = true;
    } else {
      SPROCKET_ASSIGN_OR_RETURN(entry.instance, entry.compiled->CreateInstance());
    }
  }
  return entry.instance.get();
}

Status CallGuest(SessionImpl& session, FunctionSlot& slot, GuestCallKind kind, uint64_t rows,
                 GuestCallFn call) {
  FunctionEntry* entry = slot.entry.get();
  if (entry == nullptr) {
    return Status(StatusCode::kNotFound, "function \"" + slot.name + "\" does not exist");
  }
  const runtime::CancelToken& cancel = session.cancel();
  if (cancel.requested()) return cancel.ToStatus();
  const runtime::FunctionDef& def = entry->record->def;
  SPROCKET_RETURN_IF_ERROR(session.CheckCallDepth(def.name));
  GuestCallRecord record;
  record.kind = kind;
  record.rows = rows;
  Result<runtime::Instance*> instance =
      CheckoutInstance(session, slot, &record.new_instance, &record.instance_was_warm);
  if (!instance.ok()) return instance.status();
  const bool timed = Timed(entry->stats, kind);
  Status status;
  {
    runtime::CallContext context(session.host(), def, cancel);
    SessionImpl::GuestScope guest(session, &slot, &context);
    const int64_t start = timed ? MonotonicNanos() : 0;
    status = call(**instance, context);
    if (timed) record.elapsed_ns = MonotonicNanos() - start;
    if (guest.over_limit()) status = guest.LimitStatus();
  }
  // An instance a call left unusable (memory exhausted, terminated) is replaced next time.
  if (entry->instance != nullptr && !entry->instance->healthy()) {
    session.DiscardInstance(*entry);
  }
  if (!status.ok() && cancel.requested()) status = cancel.ToStatus();
  record.status = &status;
  session.call_observer().OnCall(*entry, record);
  return status;
}

}  // namespace sprocket
