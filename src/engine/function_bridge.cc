#include "engine/function_bridge.h"

#include <vector>

#include "common/strings.h"
#include "engine/guest_call.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "runtime/types.h"

namespace sprocket {

namespace {

// The memo key of `args`, or false when they are too large to be worth remembering.
bool MemoKey(const std::vector<Value>& args, std::string* key) {
  key->clear();
  for (const Value& v : args) {
    key->push_back(static_cast<char>(v.type()));
    switch (v.type()) {
      case ValueType::kNull:
        break;
      case ValueType::kInteger: {
        int64_t i = v.integer();
        key->append(reinterpret_cast<const char*>(&i), sizeof i);
        break;
      }
      case ValueType::kReal: {
        double d = v.real();
        key->append(reinterpret_cast<const char*>(&d), sizeof d);
        break;
      }
      case ValueType::kText:
      case ValueType::kBlob: {
        const std::string& bytes = v.type() == ValueType::kText ? v.text() : v.blob();
        uint32_t n = static_cast<uint32_t>(bytes.size());
        key->append(reinterpret_cast<const char*>(&n), sizeof n);
        key->append(bytes);
        break;
      }
    }
    if (key->size() > Memo::kMaxKeyBytes) return false;
  }
  return true;
}

void Fail(sqlite3_context* ctx, SessionImpl& session, const Status& status) {
  session.SetFunctionError(status);
  sqlite3_result_error(ctx, status.message().c_str(), static_cast<int>(status.message().size()));
  if (status.code() == StatusCode::kResourceExhausted)
    sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
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
      return Fail(
          ctx, session,
          Status(StatusCode::kInvalidArgument, "function " + Name(def) +
                                                   " returns TRIGGER: trigger functions can "
                                                   "only be called as triggers"));
    case runtime::FunctionKind::kProcedure:
      if (!session.in_call()) {
        return Fail(ctx, session,
                    Status(StatusCode::kInvalidArgument,
                           Name(def) + " is a procedure; to call a procedure, use CALL"));
      }
      break;
    case runtime::FunctionKind::kTable:
      return Fail(
          ctx, session,
          Status(StatusCode::kInvalidArgument,
                 "function " + Name(def) +
                     " returns a set of rows: use it in FROM (SELECT * FROM " + def.name + "(…))"));
    case runtime::FunctionKind::kScalar:
      break;
  }
  // The entry's argument buffer, unless a call of the same function is already using it
  // further up the stack (recursion).
  std::vector<Value> own_args;
  std::vector<Value>& args = entry->args_in_use ? own_args : entry->args;
  bool borrowed = !entry->args_in_use;
  entry->args_in_use = true;
  struct ReturnArgs {
    FunctionEntry* entry;
    bool borrowed;
    ~ReturnArgs() {
      if (borrowed) entry->args_in_use = false;
    }
  } return_args{entry, borrowed};
  bool strict_null = false;
  if (Status st = ConvertArguments(def, argc, argv, &args, &strict_null); !st.ok()) {
    return Fail(ctx, session, st);
  }
  if (strict_null) {
    sqlite3_result_null(ctx);
    return;
  }
  Memo& memo = entry->memo;
  std::string key;
  bool memoize =
      def.volatility == runtime::Volatility::kImmutable && !memo.disabled && MemoKey(args, &key);
  if (memoize) {
    ++memo.lookups;
    auto hit = memo.results.find(key);
    if (hit != memo.results.end()) {
      ++memo.hits;
      return ResultValue(ctx, hit->second);
    }
    if (memo.lookups == Memo::kProbeCalls && memo.hits * 10 < memo.lookups) {
      memo.disabled = true;  // arguments rarely repeat: remembering costs more than it saves
      memo.results.clear();
      memoize = false;
    }
  }
  Value value;
  const bool procedure = def.kind == runtime::FunctionKind::kProcedure;
  Status status =
      CallGuest(session, *slot, procedure ? GuestCallKind::kProcedure : GuestCallKind::kScalar, 1,
                [&](runtime::Instance& instance, runtime::CallContext& context) {
                  Result<Value> result = instance.Call(context, args);
                  if (!result.ok()) return result.status();
                  value = std::move(*result);
                  return Status::Ok();
                });
  if (!status.ok()) return Fail(ctx, session, status);
  if (procedure) {
    sqlite3_result_null(ctx);
    return;
  }
  if (!runtime::AlreadyDeclared(value, def.return_type)) {
    auto converted = runtime::ConvertToDeclared(value, def.return_type);
    if (!converted.ok()) {
      return Fail(ctx, session,
                  Status(StatusCode::kInvalidArgument, "function " + Name(def) + " must return " +
                                                           def.return_declared + ": " +
                                                           converted.status().message()));
    }
    value = std::move(*converted);
  }
  if (value.type() == ValueType::kText || value.type() == ValueType::kBlob) {
    size_t size = value.type() == ValueType::kText ? value.text().size() : value.blob().size();
    int limit = sqlite3_limit(sqlite3_context_db_handle(ctx), SQLITE_LIMIT_LENGTH, -1);
    if (size > static_cast<size_t>(limit)) {
      return Fail(ctx, session,
                  Status(StatusCode::kResourceExhausted,
                         "function " + Name(def) + " returned " + std::to_string(size) +
                             " bytes, more than SQLite's limit of " + std::to_string(limit)));
    }
  }
  if (memoize) {
    if (memo.results.size() >= Memo::kMaxEntries) memo.results.clear();
    memo.results.emplace(std::move(key), value);
  }
  ResultValue(ctx, value);
}

}  // namespace

Status ConvertArguments(const runtime::FunctionDef& def, int argc, sqlite3_value** argv,
                        std::vector<Value>* args, bool* strict_null) {
  *strict_null = false;
  args->clear();
  args->reserve(argc);
  for (int i = 0; i < argc && i < static_cast<int>(def.params.size()); ++i) {
    Value v = ValueFromSqlite(argv[i], /*utf8=*/true);  // registered as SQLITE_UTF8
    if (v.is_null() && def.strict) {
      *strict_null = true;
      return Status::Ok();
    }
    if (!runtime::AlreadyDeclared(v, def.params[i].type)) {
      auto converted = runtime::ConvertToDeclared(v, def.params[i].type);
      if (!converted.ok()) {
        std::string which = "argument " + std::to_string(i + 1);
        if (!def.params[i].name.empty()) which += " (" + def.params[i].name + ")";
        return Status(StatusCode::kInvalidArgument,
                      "function " + Name(def) + " " + which + ": " + converted.status().message());
      }
      v = std::move(*converted);
    }
    args->push_back(std::move(v));
  }
  return Status::Ok();
}

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
