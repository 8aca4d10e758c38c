#include "engine/session_impl.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "common/stack.h"
#include "common/strings.h"
#include "engine/ddl.h"
#include "engine/function_bridge.h"
#include "engine/host_api_impl.h"
#include "engine/statement_impl.h"
#include "engine/statement_runner.h"
#include "engine/table_function.h"
#include "engine/triggers.h"
#include "engine/virtual_tables.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace sprocket {

SessionImpl::SessionImpl(DatabaseState& state)
    : state_(state),
      host_(std::make_unique<HostApiImpl>(*this)),
      triggers_(std::make_unique<TriggerEngine>(*this)) {}

SessionImpl::~SessionImpl() {
  data_version_stmt_.reset();
  write_lock_stmt_.reset();
  if (triggers_ != nullptr) triggers_->ReleaseInstances();
  triggers_.reset();
  for (StmtPtr& stmt : savepoint_stmts_) stmt.reset();
  ReleaseInstances();
  // Statements cached by functions must be finalized before the connection closes.
  for (auto& [name, slot] : slots_) slot->entry.reset();
  sqlite3_close_v2(db_);
}

Status SessionImpl::Open() {
  SPROCKET_ASSIGN_OR_RETURN(db_, OpenConnection(state_));
  sqlite3_set_authorizer(db_, &SessionImpl::Authorize, this);
  // Every few thousand VDBE steps: a guest call over its limits stops its SQL too.
  sqlite3_progress_handler(db_, 4096, &SessionImpl::Progress, this);
  SPROCKET_RETURN_IF_ERROR(RegisterVirtualTables(*this));
  SPROCKET_RETURN_IF_ERROR(triggers_->Open());
  {
    EngineScope engine(*this);
    SPROCKET_ASSIGN_OR_RETURN(data_version_stmt_, PrepareOne(db_, "PRAGMA data_version"));
  }
  return SyncCatalog();
}

FunctionSlot* SessionImpl::current_guest() const {
  return frames_.empty() ? nullptr : frames_.back();
}

void SessionImpl::AttachBatch(runtime::BeforeRowBatch* batch,
                              runtime::BeforeRowBatch::Writer* writer) {
  if (calls_.empty()) return;
  calls_.back().batch = batch;
  calls_.back().batch_writer = writer;
}

Status SessionImpl::FlushGuestBatch() {
  if (calls_.empty() || calls_.back().batch == nullptr) return Status::Ok();
  return calls_.back().batch->Flush(*calls_.back().batch_writer);
}

Status SessionImpl::ErrorFor(int rc, std::string_view sql, sql::Position position) {
  if (denial_) {
    Status st(StatusCode::kPermissionDenied, denial_->message);
    FunctionSlot* guest = current_guest();
    RecordAudit("denied", guest ? "function " + QuoteIdentifier(guest->name) : "user",
                denial_->capability, denial_->target, denial_->message);
    denial_.reset();
    return st;
  }
  denial_.reset();
  std::string message = sqlite3_errmsg(db_);
  if (function_error_) {
    Status st = *function_error_;
    function_error_.reset();
    if (message.find(st.message()) != std::string::npos) return st;
  }
  int offset = sqlite3_error_offset(db_);
  const std::string kSyntax = ": syntax error";
  if (offset >= 0 && !sql.empty() && static_cast<size_t>(offset) <= sql.size() &&
      message.size() > kSyntax.size() &&
      message.compare(message.size() - kSyntax.size(), kSyntax.size(), kSyntax) == 0) {
    sql::Position at = sql::Advance(position, sql, offset);
    return Status(StatusCode::kSyntaxError, "syntax error at line " + std::to_string(at.line) +
                                                ", column " + std::to_string(at.column) + ": " +
                                                message.substr(0, message.size() - kSyntax.size()))
        .WithPosition({at.line, at.column, static_cast<int>(at.offset)});
  }
  StatusCode code = StatusCodeFromSqlite(rc);
  if ((rc & 0xff) == SQLITE_ERROR) {
    // SQLite reports most compile errors as SQLITE_ERROR; give them their SQLSTATE class.
    if (message.rfind("no such ", 0) == 0) code = StatusCode::kNotFound;
    if (message.find("syntax error") != std::string::npos ||
        message.rfind("incomplete input", 0) == 0) {
      code = StatusCode::kSyntaxError;
    }
    if (message.find("already exists") != std::string::npos) code = StatusCode::kAlreadyExists;
  }
  return Status(code, std::move(message));
}

Result<StmtPtr> SessionImpl::PrepareChecked(std::string_view sql, sql::Position position) {
  denial_.reset();
  sqlite3_stmt* raw = nullptr;
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &raw, &tail);
  StmtPtr stmt(raw);
  if (rc != SQLITE_OK) return ErrorFor(rc, sql, position);
  if (stmt == nullptr) return Status(StatusCode::kInvalidArgument, "empty SQL statement");
  if (tail != nullptr && !Trim(std::string_view(tail)).empty()) {
    return Status(StatusCode::kSyntaxError, "only one statement is allowed here");
  }
  return stmt;
}

// --- catalog synchronisation --------------------------------------------------------

Status SessionImpl::RunSavepointStatement(int which) {
  static const char* const kSql[] = {"SAVEPOINT _sprocket_statement", "RELEASE _sprocket_statement",
                                     "ROLLBACK TO _sprocket_statement"};
  EngineScope engine(*this);
  StmtPtr& stmt = savepoint_stmts_[which];
  if (stmt == nullptr) {
    SPROCKET_ASSIGN_OR_RETURN(stmt, PrepareOne(db_, kSql[which]));
  }
  int rc = sqlite3_step(stmt.get());
  sqlite3_reset(stmt.get());
  if (rc != SQLITE_DONE) return SqliteError(db_, rc);
  return Status::Ok();
}

Status SessionImpl::BeginStatementSavepoint() { return RunSavepointStatement(0); }

Status SessionImpl::EndStatementSavepoint(Status status) {
  if (status.ok()) {
    Status released = RunSavepointStatement(1);
    if (released.ok()) return status;
    status = released;
  }
  // A failed statement's changes must go, even when undoing them fails too (out of
  // memory, an I/O error): never RELEASE what could not be rolled back — that would
  // commit half a statement. The rollback is retried before the next statement runs.
  if (!RollBackStatement()) rollback_pending_ = true;
  return status;
}

bool SessionImpl::RollBackStatement() {
  if (!RunSavepointStatement(2).ok()) return false;
  (void)RunSavepointStatement(1);  // the savepoint, now empty
  return true;
}

Status SessionImpl::FinishPendingRollback() {
  if (!rollback_pending_) return Status::Ok();
  if (!RollBackStatement()) {
    // Still cannot: no statement may run on top of half a statement. A full rollback of
    // the transaction is the last resort.
    EngineScope engine(*this);
    if (sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr) != SQLITE_OK && !autocommit()) {
      return Status(StatusCode::kIoError,
                    "the previous statement failed and could not be rolled back: " +
                        std::string(sqlite3_errmsg(db_)));
    }
  }
  rollback_pending_ = false;
  catalog_pending_ = true;
  triggers_->MarkStale();
  return Status::Ok();
}

Status SessionImpl::Atomically(const std::function<Status()>& body) {
  SPROCKET_RETURN_IF_ERROR(BeginStatementSavepoint());
  return EndStatementSavepoint(body());  // the body runs under the caller's principal
}

bool SessionImpl::MayRunFunctions(const sql::ParsedStatement& statement) const {
  if (slots_.empty() && !triggers_->active()) return false;
  const auto* plain = std::get_if<sql::PlainStatement>(&statement.node);
  if (plain == nullptr || plain->kind != sql::PlainKind::kOther) return false;
  std::string_view text = Trim(statement.text);
  for (const char* k : {"SELECT", "INSERT", "UPDATE", "DELETE", "REPLACE", "WITH", "VALUES"}) {
    size_t n = std::strlen(k);
    if (text.size() >= n && EqualsIgnoreCase(text.substr(0, n), k) &&
        (text.size() == n || !std::isalnum(static_cast<unsigned char>(text[n])))) {
      return true;
    }
  }
  return false;
}

Status SessionImpl::Run(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                        ResultSet* out) {
  StatementRunner runner(*this);
  return runner.RunToEnd(statement, params, out);
}

namespace {

// Whether `statement` writes from its first step: Sprocket DDL, INSERT, UPDATE, DELETE,
// REPLACE (by its leading keyword; a WITH … statement may only read).
bool WritesAtOnce(const sql::ParsedStatement& statement) {
  const auto* plain = std::get_if<sql::PlainStatement>(&statement.node);
  if (plain == nullptr) return !std::holds_alternative<sql::CallStmt>(statement.node);
  if (plain->kind != sql::PlainKind::kOther) return false;
  std::string_view text = Trim(statement.text);
  for (const char* k : {"INSERT", "UPDATE", "DELETE", "REPLACE"}) {
    size_t n = std::strlen(k);
    if (text.size() >= n && EqualsIgnoreCase(text.substr(0, n), k) &&
        (text.size() == n || !std::isalnum(static_cast<unsigned char>(text[n])))) {
      return true;
    }
  }
  return false;
}

}  // namespace

Status SessionImpl::BeginStatement(const sql::ParsedStatement& statement) {
  SPROCKET_RETURN_IF_ERROR(FinishPendingRollback());
  // Inside BEGIN (deferred), before the transaction has read anything: the catalog check
  // below would start a read snapshot, and a write after another connection's commit
  // could then never be upgraded (SQLITE_BUSY_SNAPSHOT, at once, without the busy
  // timeout). SQLite's own first write takes the write lock first, waiting for it; so do
  // we, with a write that changes nothing.
  if (TransactionUnread() && !state_.options().read_only && WritesAtOnce(statement)) {
    EngineScope engine(*this);
    if (write_lock_stmt_ == nullptr) {
      auto stmt = PrepareOne(db_, "UPDATE main._sprocket_meta SET value = value WHERE 0");
      if (stmt.ok()) write_lock_stmt_ = std::move(*stmt);  // absent catalog: nothing to do
    }
    if (write_lock_stmt_ != nullptr) {
      int rc = sqlite3_step(write_lock_stmt_.get());
      sqlite3_reset(write_lock_stmt_.get());
      if (rc != SQLITE_DONE) return SqliteError(db_, rc);
    }
  }
  return SyncCatalog();
}

Status SessionImpl::RunWhole(const sql::ParsedStatement& statement,
                             const std::vector<Value>& params, ResultSet* out) {
  *out = ResultSet();
  if (const auto* plain = std::get_if<sql::PlainStatement>(&statement.node)) {
    (void)plain;
    return RunPlain(statement, params, out);
  }
  if (std::holds_alternative<sql::CallStmt>(statement.node)) {
    return RunCall(statement, params, out);
  }
  if (const auto* drop = std::get_if<sql::DropTriggerStmt>(&statement.node);
      drop != nullptr && !drop->table && snapshot_->TriggersNamed(drop->name).empty()) {
    // The name may be qualified ("temp._sprocket_0"): the trigger's own name counts.
    std::string_view own = drop->name;
    if (size_t dot = own.find('.'); dot != std::string_view::npos) own = own.substr(dot + 1);
    if (StartsWithIgnoreCase(drop->name, "_sprocket_") || StartsWithIgnoreCase(own, "_sprocket_")) {
      return Status(StatusCode::kPermissionDenied,
                    "permission denied: trigger names starting with _sprocket_ are reserved");
    }
    // SQLite's own DROP TRIGGER (a trigger written BEGIN … END).
    sql::ParsedStatement native = statement;
    native.node = sql::PlainStatement{};
    return RunPlain(native, params, out);
  }
  if (!params.empty()) {
    return Status(StatusCode::kInvalidArgument,
                  "parameters cannot be bound to a Sprocket DDL statement");
  }
  if (state_.options().read_only) {
    return Status(StatusCode::kPermissionDenied,
                  "the database is open read-only: catalog changes are not allowed");
  }
  Ddl ddl(*this);
  Status st = Atomically([&] { return ddl.Run(statement); });
  CatalogChanged();
  return st;
}

Result<SessionImpl::PlainPlan> SessionImpl::PlanPlain(const sql::ParsedStatement& statement) {
  const auto& plain = std::get<sql::PlainStatement>(statement.node);
  if (plain.kind == sql::PlainKind::kRenameTable && IsTableFunction(plain.new_name)) {
    return Status(StatusCode::kAlreadyExists,
                  "permission denied: the name " + QuoteIdentifier(plain.new_name) +
                      " belongs to a table function (drop the function first)");
  }
  PlainPlan plan;
  switch (plain.kind) {
    case sql::PlainKind::kDropTable:
    case sql::PlainKind::kDropView:
    case sql::PlainKind::kRenameTable:
    case sql::PlainKind::kRenameColumn:
      // Statements the catalog follows run with their catalog change in one savepoint.
      plan.follows = !snapshot_->TriggersOn(plain.table).empty();
      triggers_->MarkStale();
      break;
    case sql::PlainKind::kBegin:
    case sql::PlainKind::kCommit:
    case sql::PlainKind::kRollback:
      // A rollback may undo this session's catalog changes (and the TEMP triggers of the
      // trigger engine); check at the next statement.
      catalog_pending_ = true;
      triggers_->MarkStale();
      break;
    default:
      if (!MayRunFunctions(statement)) triggers_->MarkStale();  // DDL may change tables
      break;
  }
  // What functions write while the statement runs is undone with it when it fails.
  plan.guarded = plan.follows || MayRunFunctions(statement);
  return plan;
}

bool SessionImpl::RunsThroughTriggers(sqlite3_stmt* stmt) const {
  return !sqlite3_stmt_readonly(stmt) && triggers_->active();
}

Result<StmtPtr> SessionImpl::PreparePlain(const sql::ParsedStatement& statement,
                                          const std::vector<Value>& params) {
  SPROCKET_ASSIGN_OR_RETURN(StmtPtr stmt, PrepareChecked(statement.text, statement.position));
  int count = sqlite3_bind_parameter_count(stmt.get());
  if (static_cast<int>(params.size()) > count) {
    return Status(StatusCode::kInvalidArgument, "the statement takes " + std::to_string(count) +
                                                    " parameters but " +
                                                    std::to_string(params.size()) + " were given");
  }
  for (size_t i = 0; i < params.size(); ++i) {
    int rc = BindValue(stmt.get(), static_cast<int>(i) + 1, params[i]);
    if (rc != SQLITE_OK) return ErrorFor(rc);
  }
  return stmt;
}

Status SessionImpl::ExecutePlain(const sql::ParsedStatement& statement, sqlite3_stmt* stmt,
                                 const std::vector<Value>& params, ResultSet* out) {
  function_error_.reset();
  auto collect = [&](ResultSet* rows) -> Status {
    Status st = CollectRows(db_, stmt, rows);
    if (!st.ok()) return ErrorFor(sqlite3_errcode(db_), statement.text, statement.position);
    return st;
  };
  if (!sqlite3_stmt_readonly(stmt)) triggers_->ClearChangesOverride();
  if (!RunsThroughTriggers(stmt)) return collect(out);
  return triggers_->Run(statement.text, stmt, params, out, collect);
}

Status SessionImpl::RunPlain(const sql::ParsedStatement& statement,
                             const std::vector<Value>& params, ResultSet* out) {
  const auto& plain = std::get<sql::PlainStatement>(statement.node);
  auto execute = [&]() -> Status {
    SPROCKET_ASSIGN_OR_RETURN(StmtPtr stmt, PreparePlain(statement, params));
    return ExecutePlain(statement, stmt.get(), params, out);
  };
  SPROCKET_ASSIGN_OR_RETURN(PlainPlan plan, PlanPlain(statement));
  if (!plan.follows) return plan.guarded ? Atomically(execute) : execute();
  Status st = Atomically([&]() -> Status {
    SPROCKET_RETURN_IF_ERROR(execute());
    EngineScope engine(*this);
    catalog::Catalog catalog(db_);
    switch (plain.kind) {
      case sql::PlainKind::kRenameTable:
        return catalog.RenameTable(plain.table, plain.new_name);
      case sql::PlainKind::kRenameColumn:
        return catalog.RenameColumn(plain.table, plain.column, plain.new_name);
      default:
        return catalog.DeleteTriggersOn(plain.table);
    }
  });
  CatalogChanged();
  return st;
}

Status SessionImpl::RunCall(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                            ResultSet* out) {
  const auto& call = std::get<sql::CallStmt>(statement.node);
  const catalog::FunctionRecord* f = snapshot_->FindFunction(call.name);
  if (f == nullptr) {
    return Status(StatusCode::kNotFound, "procedure \"" + call.name + "\" does not exist");
  }
  if (f->def.kind != runtime::FunctionKind::kProcedure) {
    return Status(StatusCode::kInvalidArgument,
                  "\"" + f->def.name + "\" is not a procedure; to call a function, use SELECT");
  }
  sql::ParsedStatement select = statement;
  select.text = "SELECT " + QuoteIdentifier(f->def.name) + "(" + call.args + ")";
  select.node = sql::PlainStatement{};
  in_call_ = true;
  ResultSet ignored;
  Status st = RunPlain(select, params, &ignored);
  in_call_ = false;
  *out = ResultSet();
  return st;
}

namespace {

// "statement N: " before errors of scripts with several statements.
Status InScript(const Status& st, int index, size_t count) {
  if (st.ok() || count <= 1) return st;
  return st.WithContext("statement " + std::to_string(index));
}

}  // namespace

Result<ResultSet> SessionImpl::Execute(std::string_view sql, const std::vector<Value>& params) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<sql::StatementText> texts, sql::SplitStatements(sql));
  if (texts.empty()) return ResultSet();
  if (!params.empty() && texts.size() > 1) {
    return Status(StatusCode::kInvalidArgument,
                  "parameters can be bound only when the SQL holds a single statement (it holds " +
                      std::to_string(texts.size()) + ")");
  }
  ResultSet out;
  std::vector<sprocket::Notice> notices;  // of every statement, in order
  for (size_t i = 0; i < texts.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    auto parsed = sql::ParseStatement(texts[i], index);
    if (!parsed.ok()) return InScript(parsed.status(), index, texts.size());
    Status st = Run(*parsed, params, &out);
    if (!st.ok()) return InScript(st, index, texts.size());
    for (sprocket::Notice& n : out.notices) notices.push_back(std::move(n));
  }
  out.notices = std::move(notices);
  return out;
}

Status SessionImpl::ExecuteScript(
    std::string_view sql,
    const std::function<void(int, std::string_view, const ResultSet&)>& on_result) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<sql::StatementText> texts, sql::SplitStatements(sql));
  for (size_t i = 0; i < texts.size(); ++i) {
    int index = static_cast<int>(i) + 1;
    auto parsed = sql::ParseStatement(texts[i], index);
    if (!parsed.ok()) return InScript(parsed.status(), index, texts.size());
    ResultSet out;
    Status st = Run(*parsed, {}, &out);
    if (!st.ok()) return InScript(st, index, texts.size());
    if (on_result) on_result(index, texts[i].text, out);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Statement>> SessionImpl::Prepare(std::string_view sql) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<sql::StatementText> texts, sql::SplitStatements(sql));
  if (texts.size() != 1) {
    return Status(StatusCode::kInvalidArgument,
                  "Prepare takes exactly one statement (got " + std::to_string(texts.size()) + ")");
  }
  SPROCKET_ASSIGN_OR_RETURN(sql::ParsedStatement parsed, sql::ParseStatement(texts[0], 1));
  return NewStatement(*this, std::move(parsed));
}

}  // namespace sprocket
