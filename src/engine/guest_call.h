// The one path through which the engine calls a guest (docs/design.md §2): scalar functions,
// table functions, procedures, triggers and trigger batches all go through CallGuest,
// which does what every call needs —
//
//   1. the function exists and compiled; the statement was not cancelled;
//   2. the call depth and native stack leave room for it;
//   3. an instance: the one this session took for the statement, else a warm one from the
//      Database's pool (L1), else a new one from the compiled function (L2);
//   4. a CallContext (host API, definition, the session's cancel token) and a GuestScope
//      (the authorizer's principal; the CPU limit for backends without a watchdog);
//   5. the call; afterwards an instance the call left unusable is dropped, a call
//      cancelled meanwhile fails with kCancelled, and the observer (statistics) is told.
//
// A backend never sees any of this: it is handed an Instance and a CallContext.
#ifndef SPROCKET_ENGINE_GUEST_CALL_H_
#define SPROCKET_ENGINE_GUEST_CALL_H_

#include <cstdint>

#include "common/function_ref.h"
#include "runtime/runtime.h"
#include "sprocket/status.h"

namespace sprocket {

class SessionImpl;
struct FunctionSlot;
struct FunctionEntry;
struct CallStats;

enum class GuestCallKind { kScalar, kTable, kProcedure, kTrigger, kTriggerBatch };

// What the guest-call path tells its observer after each call.
struct GuestCallRecord {
  GuestCallKind kind = GuestCallKind::kScalar;
  uint64_t rows = 1;          // calls of the function this was (a batch: its rows)
  int64_t elapsed_ns = -1;    // -1 when the call was not timed (see function_stats.h)
  bool new_instance = false;  // the call checked out an instance (L1 hit or miss below)
  bool instance_was_warm = false;
  const Status* status = nullptr;  // the call's result
};

// Told of every guest call, on the calling thread. The session's statistics are one.
class GuestCallObserver {
 public:
  virtual ~GuestCallObserver() = default;
  virtual void OnCall(FunctionEntry& entry, const GuestCallRecord& record) = 0;
};

// Records calls in each entry's CallStats (merged into the Database's FunctionStats at
// the end of each statement).
class StatsObserver final : public GuestCallObserver {
 public:
  void OnCall(FunctionEntry& entry, const GuestCallRecord& record) override;
};

using GuestCallFn = FunctionRef<Status(runtime::Instance&, runtime::CallContext&)>;

// Calls the guest of `slot` through `call`, which runs it on the instance with the
// context and returns the call's Status. Errors of the path itself: kNotFound (dropped
// function), the compile error, kResourceExhausted (depth), kCancelled.
Status CallGuest(SessionImpl& session, FunctionSlot& slot, GuestCallKind kind, uint64_t rows,
                 GuestCallFn call);

// Step 3 alone: the instance CallGuest would use (taken from the pool or made when the
// slot's entry holds none). For callers that need the instance outside a call.
Result<runtime::Instance*> CheckoutInstance(SessionImpl& session, FunctionSlot& slot,
                                            bool* checked_out = nullptr, bool* warm = nullptr);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_GUEST_CALL_H_
