// SessionImpl and its guests: the authorizer callback (whose principal is the user, the
// engine or the calling function), the call-depth and native-stack checks, the guest
// scopes with their CPU limits, the progress handler that stops SQL a guest runs, and
// audit records.
#include <time.h>

#include <algorithm>

#include "common/stack.h"
#include "common/strings.h"
#include "engine/function_bridge.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "engine/table_function.h"
#include "engine/triggers.h"
#include "engine/virtual_tables.h"
#include "runtime/defaults.h"

namespace sprocket {

int SessionImpl::Authorize(void* self, int action, const char* a1, const char* a2, const char* db,
                           const char* inner) {
  SessionImpl* s = static_cast<SessionImpl*>(self);
  // The TEMP triggers through which the trigger engine captures rows are the engine's
  // own: what their programs do is allowed, and nobody else may touch them.
  constexpr std::string_view kEngineTrigger = "_sprocket_";
  if (inner != nullptr && std::string_view(inner).rfind(kEngineTrigger, 0) == 0) return SQLITE_OK;
  if (!s->frames_.empty() && s->frames_.back() == nullptr) return SQLITE_OK;  // the engine
  if (action == SQLITE_FUNCTION && a2 != nullptr && EqualsIgnoreCase(a2, "_sprocket_row")) {
    if (!s->denial_) {
      s->denial_ =
          security::AuthDecision{false, "permission denied: _sprocket_row is internal", "", ""};
    }
    return SQLITE_DENY;
  }
  // (DROP TRIGGER of those names is refused by RunWhole: SQLite asks here for
  // the TEMP triggers a DROP TABLE or DROP VIEW takes with it, too.)
  if ((action == SQLITE_CREATE_TEMP_TRIGGER || action == SQLITE_CREATE_TRIGGER) && a1 != nullptr &&
      StartsWithIgnoreCase(a1, kEngineTrigger)) {
    if (!s->denial_) {
      s->denial_ = security::AuthDecision{
          false, "permission denied: trigger names starting with _sprocket_ are reserved", "", ""};
    }
    return SQLITE_DENY;
  }
  security::AuthRequest request{action, a1, a2, db, inner};
  if (action == SQLITE_READ && db == nullptr && a1 != nullptr && a2 != nullptr && *a2 == '\0') {
    request.no_such_table = !s->NamesTable(a1);
  }
  security::AuthDecision decision;
  if (s->frames_.empty()) {
    decision = security::AuthorizeUser(request);
  } else if (FunctionSlot* guest = s->frames_.back(); guest != nullptr) {
    // A table function is a function, not data: it runs under its own capabilities.
    // Table functions are eponymous virtual tables of main; a table, view or attached
    // table of the same name cannot exist (CREATE, RENAME and ATTACH are checked).
    if (action == SQLITE_READ && a1 != nullptr && db != nullptr && EqualsIgnoreCase(db, "main") &&
        s->IsTableFunction(a1)) {
      return SQLITE_OK;
    }
    decision = security::AuthorizeGuest(guest->name, guest->entry->capabilities, request);
  } else {
    return SQLITE_OK;  // the engine
  }
  if (decision.allowed && s->frames_.empty() && a1 != nullptr &&
      (action == SQLITE_CREATE_TABLE || action == SQLITE_CREATE_VIEW ||
       action == SQLITE_CREATE_TEMP_TABLE || action == SQLITE_CREATE_TEMP_VIEW ||
       action == SQLITE_CREATE_VTABLE) &&
      s->IsTableFunction(a1)) {
    decision.allowed = false;
    decision.message = "permission denied: the name " + QuoteIdentifier(a1) +
                       " belongs to a table function (drop the function first)";
  }
  if (decision.allowed) return SQLITE_OK;
  if (!s->denial_) s->denial_ = std::move(decision);
  return SQLITE_DENY;
}

bool SessionImpl::NamesTable(const char* name) const {
  // With no schema and no column, this only asks whether a table of that name exists in
  // any schema (views and eponymous virtual tables such as json_each are not tables; a
  // view's own reads are checked on their own).
  return sqlite3_table_column_metadata(db_, nullptr, name, nullptr, nullptr, nullptr, nullptr,
                                       nullptr, nullptr) == SQLITE_OK;
}

Status SessionImpl::CheckStack(std::string_view function) const {
  // Below a guest's deepest frame there must still be room for SQLite and the host API.
  if (RemainingStack() >= NativeStackReserve() / 2) return Status::Ok();
  return Status(StatusCode::kResourceExhausted,
                "stack depth limit exceeded: functions calling functions (through SQL) used "
                "up the stack at " +
                    std::string(function));
}

Status SessionImpl::CheckCallDepth(std::string_view function) const {
  SPROCKET_RETURN_IF_ERROR(CheckStack(function));
  if (guest_depth_ < kMaxCallDepth) return Status::Ok();
  std::string chain;
  for (size_t i = frames_.size() > 4 ? frames_.size() - 4 : 0; i < frames_.size(); ++i) {
    if (frames_[i] != nullptr) chain += frames_[i]->name + " → ";
  }
  return Status(StatusCode::kResourceExhausted,
                "function call depth limit (" + std::to_string(kMaxCallDepth) + ") exceeded: … " +
                    chain + std::string(function));
}

namespace {

int64_t ThreadCpuNanos() {
  timespec ts;
  if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return 0;
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace

SessionImpl::GuestScope::GuestScope(SessionImpl& s, FunctionSlot* slot,
                                    const runtime::CallContext* context)
    : s_(s), index_(s.calls_.size()) {
  s_.frames_.push_back(slot);
  // The CPU limit is looked up when the progress handler first needs it.
  s_.calls_.push_back(GuestCall{context});
  ++s_.guest_depth_;
}

Status SessionImpl::GuestScope::LimitStatus() const {
  const GuestCall& call = s_.calls_[index_];
  return Status(StatusCode::kResourceExhausted,
                "function " + QuoteIdentifier(call.context->function().name) +
                    " exceeded its CPU time limit (" + std::to_string(call.cpu_limit_ns / 1000000) +
                    " ms)");
}

int SessionImpl::Progress(void* self) {
  SessionImpl* s = static_cast<SessionImpl*>(self);
  // A cancel request stops SQL too (SQLite's own interrupt flag is cleared whenever no
  // statement of the connection is active, as between the rows of the engine's loops).
  if (s->cancel_.requested()) return 1;
  int64_t now = -1;
  for (GuestCall& call : s->calls_) {
    if (call.context->has_stop_check()) {
      if (call.context->should_stop()) return 1;
      continue;
    }
    // No watchdog in this runtime: count the thread's CPU time from the first time the
    // call is seen here (every few thousand VDBE steps).
    if (now < 0) now = ThreadCpuNanos();
    if (call.cpu_start_ns < 0) {
      call.cpu_start_ns = now;
      // The function's CPU limit, or its language's default (runtime/defaults.h).
      call.cpu_limit_ns =
          runtime::EffectiveLimits(call.context->function()).max_cpu_time_ms * 1000000;
    } else if (now - call.cpu_start_ns > call.cpu_limit_ns) {
      call.over_limit = true;
      return 1;
    }
  }
  return 0;
}

void SessionImpl::RecordAudit(std::string event, std::string subject, std::string capability,
                              std::string target, std::string detail) {
  state_.audit().Record({.event = std::move(event),
                         .subject = std::move(subject),
                         .capability = std::move(capability),
                         .target = std::move(target),
                         .detail = std::move(detail)});
}

}  // namespace sprocket
