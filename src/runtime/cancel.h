// Cancellation (docs/design.md §2, §7): a request to stop, raised by the host from any thread —
// Session::Interrupt (Ctrl-C in the shell), a client's cancel request, shutdown — and
// honoured by every backend: the engine checks it between rows and before each call, a
// backend stops the guest code it runs (the JavaScript watchdog terminates the isolate).
#ifndef SPROCKET_RUNTIME_CANCEL_H_
#define SPROCKET_RUNTIME_CANCEL_H_

#include <atomic>
#include <cstdint>

#include "sprocket/status.h"

namespace sprocket::runtime {

// Why a call must stop before it finishes on its own.
enum class CancelReason : uint8_t {
  kNone = 0,
  kInterrupted,  // Session::Interrupt, a client's cancel request
  kShutdown,     // the Database is closing
};

// One request flag, shared by the thread that runs a statement and those that may cancel
// it. Request is lock-free and async-signal-safe (a signal handler may call it).
class CancelToken {
 public:
  void Request(CancelReason reason = CancelReason::kInterrupted) noexcept {
    reason_.store(static_cast<uint8_t>(reason), std::memory_order_release);
  }
  bool requested() const noexcept { return reason_.load(std::memory_order_acquire) != 0; }
  CancelReason reason() const noexcept {
    return static_cast<CancelReason>(reason_.load(std::memory_order_acquire));
  }
  // Forgets a request: the owner calls it when a new statement starts.
  void Reset() noexcept { reason_.store(0, std::memory_order_release); }

  // The error a cancelled statement fails with: kCancelled, "interrupted" (SQLite's
  // message for sqlite3_interrupt) or "the database is shutting down".
  Status ToStatus() const;

 private:
  static_assert(std::atomic<uint8_t>::is_always_lock_free);
  std::atomic<uint8_t> reason_{0};
};

// A token never requested: for calls made outside any statement (tests, compile checks).
const CancelToken& NeverCancelled();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_CANCEL_H_
