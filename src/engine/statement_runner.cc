#include "engine/statement_runner.h"

#include "engine/session_impl.h"
#include "engine/triggers.h"

namespace sprocket {

bool Streamable(const sql::ParsedStatement& statement) {
  const auto* plain = std::get_if<sql::PlainStatement>(&statement.node);
  return plain != nullptr &&
         (plain->kind == sql::PlainKind::kOther || plain->kind == sql::PlainKind::kNativeTrigger);
}

StatementRunner::~StatementRunner() {
  if (running_) (void)Finish(Status::Ok());
}

Status StatementRunner::Start(const sql::ParsedStatement& statement,
                              const std::vector<Value>& params, sqlite3_stmt* prepared) {
  if (running_) (void)Finish(Status::Ok());
  statement_ = &statement;
  own_.reset();
  stmt_ = nullptr;
  result_ = ResultSet();
  next_row_ = 0;
  materialized_ = false;
  guarded_ = false;
  running_ = true;
  session_.notices_.clear();
  session_.cancel_.Reset();  // a request made before the statement started is not for it
  Status st = Begin(statement, params, prepared);
  if (!st.ok()) {
    // Nothing of a failed run is served (the rows a RETURNING collected before the failure
    // were rolled back), and a prepared statement stepped again runs again.
    result_.rows.clear();
    materialized_ = false;
    return Finish(std::move(st));
  }
  // A statement that ran whole is over; its rows are served from memory.
  if (materialized_) return Finish(Status::Ok());
  return Status::Ok();
}

Status StatementRunner::Begin(const sql::ParsedStatement& statement,
                              const std::vector<Value>& params, sqlite3_stmt* prepared) {
  SPROCKET_RETURN_IF_ERROR(session_.BeginStatement(statement));
  if (!Streamable(statement)) {
    materialized_ = true;
    return session_.RunWhole(statement, params, &result_);
  }
  SPROCKET_ASSIGN_OR_RETURN(SessionImpl::PlainPlan plan, session_.PlanPlain(statement));
  if (prepared != nullptr) {
    stmt_ = prepared;
  } else {
    SPROCKET_ASSIGN_OR_RETURN(own_, session_.PreparePlain(statement, params));
    stmt_ = own_.get();
  }
  if (session_.RunsThroughTriggers(stmt_)) {
    // A change with triggers: the trigger engine may own its row loop. It runs whole.
    materialized_ = true;
    auto run = [&]() -> Status {
      return session_.ExecutePlain(statement, stmt_, params, &result_);
    };
    return plan.guarded ? session_.Atomically(run) : run();
  }
  session_.ClearFunctionError();
  if (!sqlite3_stmt_readonly(stmt_)) session_.triggers().ClearChangesOverride();
  if (plan.guarded) {
    SPROCKET_RETURN_IF_ERROR(session_.BeginStatementSavepoint());
    guarded_ = true;
  }
  return Status::Ok();
}

Result<bool> StatementRunner::Step() {
  if (materialized_) {
    if (next_row_ < result_.rows.size()) {
      ++next_row_;
      return true;
    }
    return false;
  }
  if (!running_) return false;
  session_.ClearFunctionError();
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  sqlite3* db = session_.db();
  if (rc == SQLITE_DONE) {
    result_.rows_affected = sqlite3_stmt_readonly(stmt_) ? 0 : sqlite3_changes64(db);
    result_.last_insert_rowid = sqlite3_last_insert_rowid(db);
    SPROCKET_RETURN_IF_ERROR(Finish(Status::Ok()));
    return false;
  }
  return Finish(session_.ErrorFor(rc, statement_->text, statement_->position));
}

Status StatementRunner::Finish(Status status) {
  if (!running_) return status;
  running_ = false;
  if (stmt_ != nullptr) sqlite3_reset(stmt_);
  if (guarded_) status = session_.EndStatementSavepoint(std::move(status));
  guarded_ = false;
  // A failed statement whose rollback failed too: try again now.
  if (session_.rollback_pending_) (void)session_.FinishPendingRollback();
  // However a cancelled statement failed (a guest stopped, SQLite interrupted, a row loop
  // between rows), it failed because it was cancelled.
  if (!status.ok() && session_.cancel_.requested()) status = session_.cancel_.ToStatus();
  session_.ReleaseInstances();
  result_.notices = std::move(session_.notices_);
  session_.notices_.clear();
  own_.reset();
  stmt_ = nullptr;
  return status;
}

Status StatementRunner::RunToEnd(const sql::ParsedStatement& statement,
                                 const std::vector<Value>& params, ResultSet* out) {
  Status st = Start(statement, params);
  if (st.ok() && !materialized_) {
    const int n = sqlite3_column_count(stmt_);
    result_.columns.clear();
    for (int i = 0; i < n; ++i) result_.columns.emplace_back(sqlite3_column_name(stmt_, i));
    for (;;) {
      sqlite3_stmt* stmt = stmt_;  // Step clears it at the end
      Result<bool> row = Step();
      if (!row.ok()) {
        st = row.status();
        break;
      }
      if (!*row) break;
      std::vector<Value>& values = result_.rows.emplace_back();
      values.reserve(n);
      for (int i = 0; i < n; ++i) values.push_back(ColumnValue(stmt, i));
    }
  }
  *out = std::move(result_);
  result_ = ResultSet();
  materialized_ = false;
  return st;
}

int StatementRunner::column_count() const {
  if (materialized_) return static_cast<int>(result_.columns.size());
  return stmt_ != nullptr ? sqlite3_column_count(stmt_) : 0;
}

std::string StatementRunner::column_name(int c) const {
  if (materialized_) {
    return c >= 0 && c < static_cast<int>(result_.columns.size()) ? result_.columns[c] : "";
  }
  const char* n = stmt_ != nullptr ? sqlite3_column_name(stmt_, c) : nullptr;
  return n != nullptr ? n : "";
}

Value StatementRunner::column(int c) const {
  if (materialized_) {
    if (next_row_ == 0 || next_row_ > result_.rows.size()) return Value();
    const std::vector<Value>& row = result_.rows[next_row_ - 1];
    return c >= 0 && c < static_cast<int>(row.size()) ? row[c] : Value();
  }
  return stmt_ != nullptr ? ColumnValue(stmt_, c) : Value();
}

}  // namespace sprocket
