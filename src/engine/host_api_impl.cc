#include "engine/host_api_impl.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "common/strings.h"
#include "engine/session_impl.h"
#include "engine/triggers.h"

namespace sprocket {

namespace {
constexpr size_t kMaxCachedStatements = 64;
constexpr size_t kMaxInsertParameters = 32766;
// A guest query's rows are held in memory before the guest sees them: at most the
// function's memory limit, and never less than this.
constexpr size_t kMinResultBudget = 64 << 20;

std::string Subject(const FunctionSlot* slot) { return "function " + QuoteIdentifier(slot->name); }
}  // namespace

Result<FunctionSlot*> HostApiImpl::Caller() {
  FunctionSlot* slot = session_.current_guest();
  if (slot == nullptr || slot->entry == nullptr) {
    return Status(StatusCode::kInternal, "host API used outside a function call");
  }
  return slot;
}

Status HostApiImpl::Run(FunctionSlot* caller, std::string_view sql, std::span<const Value> params,
                        ResultSet* out) {
  FunctionEntry& entry = *caller->entry;
  auto it = entry.statements.find(sql);
  if (it != entry.statements.end() && !InUse(it->second.get())) {
    // Checked when it was prepared, for these capabilities.
    return Step(caller, it->second.get(), sql, params, out);
  }
  SPROCKET_ASSIGN_OR_RETURN(StmtPtr fresh, PrepareFor(caller, sql));
  if (it != entry.statements.end()) {
    // The cached one is running (the function called itself): use a private copy.
    return Step(caller, fresh.get(), sql, params, out);
  }
  if (entry.statements.size() >= kMaxCachedStatements) entry.statements.clear();
  sqlite3_stmt* stmt = fresh.get();
  entry.statements.emplace(std::string(sql), std::move(fresh));
  return Step(caller, stmt, sql, params, out);
}

bool HostApiImpl::InUse(sqlite3_stmt* stmt) const {
  return sqlite3_stmt_busy(stmt) ||
         std::find(active_.begin(), active_.end(), stmt) != active_.end();
}

Result<StmtPtr> HostApiImpl::PrepareFor(FunctionSlot* caller, std::string_view sql) {
  security::AuthDecision refusal;
  Status gate =
      security::CheckGuestStatement(caller->name, caller->entry->capabilities, sql, &refusal);
  if (!gate.ok()) {
    if (gate.code() == StatusCode::kPermissionDenied) {
      session_.RecordAudit("denied", Subject(caller), refusal.capability, refusal.target,
                           refusal.message);
    }
    return gate;
  }
  return session_.PrepareChecked(sql);
}

Status HostApiImpl::Step(FunctionSlot* caller, sqlite3_stmt* stmt, std::string_view sql,
                         std::span<const Value> params, ResultSet* out, bool quiet) {
  SPROCKET_RETURN_IF_ERROR(session_.CheckStack(caller->name));
  sqlite3* db = session_.db();
  // Until it is reset, the statement is this call's, even while the triggers it fired run
  // (and may run the same SQL again).
  active_.push_back(stmt);
  struct Release {
    std::vector<sqlite3_stmt*>& active;
    ~Release() { active.pop_back(); }
  } release{active_};
  int count = sqlite3_bind_parameter_count(stmt);
  if (static_cast<int>(params.size()) > count) {
    sqlite3_reset(stmt);
    return Status(StatusCode::kInvalidArgument, "the statement takes " + std::to_string(count) +
                                                    " parameters but " +
                                                    std::to_string(params.size()) + " were given");
  }
  for (int i = 0; i < count; ++i) {
    // `params` outlives the statement's run (it is reset below).
    static const Value kNull;
    int rc = BindValueNoCopy(stmt, i + 1, i < static_cast<int>(params.size()) ? params[i] : kNull);
    if (rc != SQLITE_OK) {
      sqlite3_reset(stmt);
      return session_.ErrorFor(rc);
    }
  }
  // What a guest's query materialises outside its sandbox is bounded too.
  size_t budget = std::max<size_t>(
      static_cast<size_t>(caller->entry->record->def.limits.max_memory_bytes), kMinResultBudget);
  // So is any one value its SQL builds (zeroblob, printf, replace, ||): SQLite's length
  // limit is lowered to the budget while the statement runs (never raised; restored).
  struct LengthLimit {
    sqlite3* db;
    int old;
    ~LengthLimit() { sqlite3_limit(db, SQLITE_LIMIT_LENGTH, old); }
  } length{db, sqlite3_limit(db, SQLITE_LIMIT_LENGTH, -1)};
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH,
                static_cast<int>(std::min<size_t>(budget, static_cast<size_t>(length.old))));
  auto collect = [&](ResultSet* rows) -> Status {
    Status st = CollectRows(db, stmt, rows, budget);
    if (st.code() == StatusCode::kResourceExhausted &&
        st.message().rfind("the query result is larger than", 0) == 0) {
      return st.WithContext(Subject(caller));
    }
    if (!st.ok()) return session_.ErrorFor(sqlite3_errcode(db), sql);
    return st;
  };
  Status st;
  if (sqlite3_stmt_readonly(stmt)) {
    st = collect(out);
  } else {
    TriggerEngine& triggers = session_.triggers();
    triggers.ClearChangesOverride();
    st = triggers.active() && !quiet ? triggers.Run(sql, stmt, params, out, collect) : collect(out);
  }
  // The bindings are left (pointing at values now gone): every run binds all parameters
  // before it steps, and nothing reads them in between.
  sqlite3_reset(stmt);
  return st;
}

Result<ResultSet> HostApiImpl::Query(std::string_view sql, const std::vector<Value>& params) {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  SPROCKET_RETURN_IF_ERROR(session_.FlushGuestBatch());
  ResultSet out;
  SPROCKET_RETURN_IF_ERROR(Run(caller, sql, params, &out));
  return out;
}

Result<runtime::ExecResult> HostApiImpl::Execute(std::string_view sql,
                                                 const std::vector<Value>& params) {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  SPROCKET_RETURN_IF_ERROR(session_.FlushGuestBatch());
  ResultSet out;
  SPROCKET_RETURN_IF_ERROR(Run(caller, sql, params, &out));
  return runtime::ExecResult{out.rows_affected, out.last_insert_rowid};
}

Result<runtime::ExecResult> HostApiImpl::Insert(std::string_view table,
                                                const std::vector<std::string>& columns,
                                                std::span<const Value> values) {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  SPROCKET_RETURN_IF_ERROR(session_.FlushGuestBatch());
  if (columns.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "insert into \"" + std::string(table) + "\" needs at least one column");
  }
  if (values.size() % columns.size() != 0) {
    return Status(StatusCode::kInvalidArgument,
                  "insert into \"" + std::string(table) + "\": " + std::to_string(values.size()) +
                      " values do not make rows of " + std::to_string(columns.size()) + " columns");
  }
  size_t rows = values.size() / columns.size();
  // A trigger inserting one row per call (an audit log) runs the same statement every time:
  // the function keeps it prepared.
  FunctionEntry::RepeatInsert& repeat = caller->entry->repeat_insert;
  if (rows == 1 && repeat.stmt != nullptr && !InUse(repeat.stmt.get()) && repeat.table == table &&
      repeat.columns == columns) {
    ResultSet out;
    SPROCKET_RETURN_IF_ERROR(StepRepeat(caller, values, &out));
    return runtime::ExecResult{out.rows_affected, out.last_insert_rowid};
  }
  std::string head = "INSERT INTO " + QuoteIdentifier(table) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) head += ", ";
    head += QuoteIdentifier(columns[i]);
  }
  head += ") VALUES ";
  // The rows of one call are one statement (its triggers see one statement), in as few
  // statements as SQLite's parameter limit allows.
  size_t per_statement = std::max<size_t>(1, kMaxInsertParameters / columns.size());
  runtime::ExecResult total;
  for (size_t first = 0; first < rows; first += per_statement) {
    size_t count = std::min(per_statement, rows - first);
    std::string sql = head;
    int n = 0;
    for (size_t r = 0; r < count; ++r) {
      sql += r ? ", (" : "(";
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i) sql += ", ";
        sql += "?" + std::to_string(++n);
      }
      sql += ")";
    }
    std::span<const Value> params = values.subspan(first * columns.size(), n);
    ResultSet out;
    if (rows == 1 && !InUse(repeat.stmt.get())) {
      SPROCKET_ASSIGN_OR_RETURN(StmtPtr stmt, PrepareFor(caller, sql));
      repeat =
          FunctionEntry::RepeatInsert{std::string(table), columns, std::move(sql), std::move(stmt)};
      SPROCKET_RETURN_IF_ERROR(StepRepeat(caller, params, &out));
    } else {
      SPROCKET_RETURN_IF_ERROR(Run(caller, sql, params, &out));
    }
    total.rows_affected += out.rows_affected;
    total.last_insert_rowid = out.last_insert_rowid;
  }
  return total;
}

Status HostApiImpl::StepRepeat(FunctionSlot* caller, std::span<const Value> values,
                               ResultSet* out) {
  FunctionEntry::RepeatInsert& repeat = caller->entry->repeat_insert;
  TriggerEngine& triggers = session_.triggers();
  if (triggers.active() && repeat.quiet_version != triggers.version()) {
    SPROCKET_ASSIGN_OR_RETURN(repeat.quiet, triggers.QuietInsert(repeat.table));
    repeat.quiet_version = triggers.version();
  }
  return Step(caller, repeat.stmt.get(), repeat.sql, values, out, repeat.quiet);
}

Status HostApiImpl::CheckSql(std::string_view sql, int* error_offset) {
  if (error_offset) *error_offset = -1;
  SPROCKET_ASSIGN_OR_RETURN(std::string kind, security::DisallowedStatementKind(sql));
  if (!kind.empty()) {
    return Status(StatusCode::kPermissionDenied,
                  "functions may only run SELECT, INSERT, UPDATE, DELETE and REPLACE "
                  "statements, not " +
                      kind);
  }
  SessionImpl::EngineScope engine(session_);
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(session_.db(), sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    if (error_offset) *error_offset = sqlite3_error_offset(session_.db());
    return SqliteError(session_.db(), rc);
  }
  if (tail != nullptr && !std::string_view(tail).empty() && !Trim(std::string_view(tail)).empty()) {
    return Status(StatusCode::kSyntaxError, "only one statement is allowed here");
  }
  return Status::Ok();
}

Status HostApiImpl::DenyAmbient(FunctionSlot* caller, std::string_view what) {
  const char* why = caller->entry->capabilities.AllowsAmbient()
                        ? " is IMMUTABLE and cannot use "
                        : " runs under the MINIMAL policy and cannot use ";
  std::string message = "permission denied: " + Subject(caller) + why + std::string(what);
  session_.RecordAudit("denied", Subject(caller), "POLICY", std::string(what), message);
  return Status(StatusCode::kPermissionDenied, message);
}

Status HostApiImpl::Log(LogLevel level, std::string_view message) {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  if (!caller->entry->capabilities.AllowsAmbient()) return DenyAmbient(caller, "the log");
  // What a call writes to the log is bounded, whatever its language: a line is cut at
  // kMaxLogLine bytes, and a call that has written kMaxLogPerCall bytes fails.
  SessionImpl::GuestCall* call = session_.current_call();
  std::string cut;
  if (message.size() > kMaxLogLine) {
    cut = std::string(message.substr(0, kMaxLogLine)) + "… (" +
          std::to_string(message.size() - kMaxLogLine) + " more bytes not logged)";
    message = cut;
  }
  if (call != nullptr) {
    call->log_bytes += message.size();
    if (call->log_bytes > kMaxLogPerCall) {
      return Status(StatusCode::kResourceExhausted, Subject(caller) + " exceeded its log limit (" +
                                                        std::to_string(kMaxLogPerCall >> 20) +
                                                        " MiB per call)");
    }
  }
  const auto& sink = session_.state().options().log_sink;
  if (sink) sink(level, caller->name, message);
  return Status::Ok();
}

Result<int64_t> HostApiImpl::NowMicros() {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  if (!caller->entry->capabilities.AllowsClock()) return DenyAmbient(caller, "the clock");
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool HostApiImpl::ClockAllowed() const {
  FunctionSlot* slot = session_.current_guest();
  return slot != nullptr && slot->entry != nullptr && slot->entry->capabilities.AllowsClock();
}

Result<uint64_t> HostApiImpl::RandomU64() {
  SPROCKET_ASSIGN_OR_RETURN(FunctionSlot * caller, Caller());
  if (!caller->entry->capabilities.AllowsClock()) return DenyAmbient(caller, "randomness");
  uint64_t v = 0;
  sqlite3_randomness(sizeof v, &v);
  return v;
}

runtime::SessionInfo HostApiImpl::session_info() const {
  return {session_.state().options().user,
          session_.state().in_memory() ? ":memory:" : session_.state().path()};
}

}  // namespace sprocket
