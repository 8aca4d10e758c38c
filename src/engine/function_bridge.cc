#include "engine/function_bridge.h"

#include <vector>

#include "common/strings.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "runtime/types.h"

namespace sprocket {

namespace {

void ResultValue(sqlite3_context* ctx, const Value& v) {
  switch (v.type()) {
    case ValueType::kNull: sqlite3_result_null(ctx); break;
    case ValueType::kInteger: sqlite3_result_int64(ctx, v.integer()); break;
    case ValueType::kReal: sqlite3_result_double(ctx, v.real()); break;
    case ValueType::kText:
      sqlite3_result_text64(ctx, v.text().data(), v.text().size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      break;
    case ValueType::kBlob:
      sqlite3_result_blob64(ctx, v.blob().data(), v.blob().size(), SQLITE_TRANSIENT);
      break;
  }
}

void Fail(sqlite3_context* ctx, SessionImpl& session, const Status& status) {
  session.SetFunctionError(status);
  sqlite3_result_error(ctx, status.message().c_str(), static_cast<int>(status.message().size()));
  if (status.code() == StatusCode::kResourceExhausted) sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
}

std::string Name(const runtime::FunctionDef& def) { return QuoteIdentifier(def.name); }

void Call(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* slot = static_cast<FunctionSlot*>(sqlite3_user_data(ctx));
  SessionImpl& session = *slot->session;
  FunctionEntry* entry = slot->entry.get();
  if (entry == nullptr) {
    return Fail(ctx, session,
                Status(StatusCode::kNotFound, "function \"" + slot->name + "\" does not exist"));
  }
  const runtime::FunctionDef& def = entry->record->def;
  switch (def.kind) {
    case runtime::FunctionKind::kTrigger:
      return Fail(ctx, session,
                  Status(StatusCode::kInvalidArgument,
                         "function " + Name(def) + " returns TRIGGER: trigger functions can "
                                                   "only be called as triggers"));
    case runtime::FunctionKind::kProcedure:
      if (!session.in_call()) {
        return Fail(ctx, session,
                    Status(StatusCode::kInvalidArgument,
                           Name(def) + " is a procedure; to call a procedure, use CALL"));
      }
      break;
    case runtime::FunctionKind::kTable:
      return Fail(ctx, session,
                  Status(StatusCode::kInvalidArgument,
                         "function " + Name(def) +
                             " returns a set of rows: use it in FROM (SELECT * FROM " +
                             def.name + "(…))"));
    case runtime::FunctionKind::kScalar:
      break;
  }
  if (entry->compiled == nullptr) return Fail(ctx, session, entry->compile_error);
  if (Status depth = session.CheckCallDepth(def.name); !depth.ok()) {
    return Fail(ctx, session, depth);
  }
  std::vector<Value> args;
  args.reserve(argc);
  for (int i = 0; i < argc; ++i) {
    Value v = ValueFromSqlite(argv[i]);
    if (v.is_null() && def.strict) {
      sqlite3_result_null(ctx);
      return;
    }
    auto converted = runtime::ConvertToDeclared(v, def.params[i].type);
    if (!converted.ok()) {
      std::string which = "argument " + std::to_string(i + 1);
      if (!def.params[i].name.empty()) which += " (" + def.params[i].name + ")";
      return Fail(ctx, session,
                  Status(StatusCode::kInvalidArgument, "function " + Name(def) + " " + which +
                                                           ": " + converted.status().message()));
    }
    args.push_back(std::move(*converted));
  }
  if (entry->instance == nullptr) {
    auto instance = entry->compiled->CreateInstance();
    if (!instance.ok()) return Fail(ctx, session, instance.status());
    entry->instance = std::move(*instance);
  }
  Result<Value> result = Status(StatusCode::kInternal, "not called");
  {
    SessionImpl::GuestScope guest(session, slot);
    runtime::CallContext context(session.host(), def);
    result = entry->instance->Call(context, args);
  }
  // The call may have replaced the entry (it cannot: DDL is refused to guests), but the
  // record pointer is re-read to be safe.
  if (!result.ok()) return Fail(ctx, session, result.status());
  if (def.kind == runtime::FunctionKind::kProcedure) {
    sqlite3_result_null(ctx);
    return;
  }
  auto converted = runtime::ConvertToDeclared(*result, def.return_type);
  if (!converted.ok()) {
    return Fail(ctx, session,
                Status(StatusCode::kInvalidArgument,
                       "function " + Name(def) + " must return " + def.return_declared + ": " +
                           converted.status().message()));
  }
  ResultValue(ctx, *converted);
}

}  // namespace

int RegisterFunction(sqlite3* db, FunctionSlot* slot) {
  int flags = SQLITE_UTF8;
  if (slot->deterministic) flags |= SQLITE_DETERMINISTIC;
  return sqlite3_create_function_v2(db, slot->name.c_str(), slot->arity, flags, slot, &Call,
                                    nullptr, nullptr, nullptr);
}

int UnregisterFunction(sqlite3* db, const FunctionSlot& slot) {
  return sqlite3_create_function_v2(db, slot.name.c_str(), slot.arity, SQLITE_UTF8, nullptr,
                                    nullptr, nullptr, nullptr, nullptr);
}

}  // namespace sprocket
