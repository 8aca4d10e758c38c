#include "engine/statement_impl.h"

#include "common/sqlite_util.h"
#include "engine/session_impl.h"
#include "engine/triggers.h"

namespace sprocket {

class Statement::Impl {
 public:
  Impl(SessionImpl& session, sql::ParsedStatement parsed)
      : session_(session), parsed_(std::move(parsed)) {}

  Status Init() {
    if (!IsNative()) return Status::Ok();
    // Not in a transaction that has not read yet: that would pin its snapshot before its
    // first write (see BeginStatement). The first Step syncs; a function registration
    // that changes then makes SQLite prepare the statement again.
    if (!session_.TransactionUnread()) SPROCKET_RETURN_IF_ERROR(session_.SyncCatalog());
    SPROCKET_ASSIGN_OR_RETURN(stmt_, session_.PrepareChecked(parsed_.text, parsed_.position));
    return Status::Ok();
  }

  // Plain SQL other than statements the catalog follows runs as a sqlite3_stmt.
  bool IsNative() const {
    const auto* plain = std::get_if<sql::PlainStatement>(&parsed_.node);
    return plain != nullptr &&
           (plain->kind == sql::PlainKind::kOther || plain->kind == sql::PlainKind::kNativeTrigger);
  }

  int parameter_count() const {
    return stmt_ ? sqlite3_bind_parameter_count(stmt_.get()) : static_cast<int>(params_.size());
  }
  int parameter_index(std::string_view name) const {
    if (!stmt_) return 0;
    return sqlite3_bind_parameter_index(stmt_.get(), std::string(name).c_str());
  }

  Status Bind(int index, const Value& value) {
    if (stmt_ && index >= 1 && index <= 32766) {
      if (static_cast<int>(params_.size()) < index) params_.resize(index);
      params_[index - 1] = value;
    }
    if (stmt_) {
      int rc = BindValue(stmt_.get(), index, value);
      return rc == SQLITE_OK ? Status::Ok() : session_.ErrorFor(rc);
    }
    if (index < 1 || index > 32766) {
      return Status(StatusCode::kInvalidArgument, "parameter index out of range");
    }
    if (static_cast<int>(params_.size()) < index) params_.resize(index);
    params_[index - 1] = value;
    return Status::Ok();
  }

  Status ClearBindings() {
    if (stmt_) sqlite3_clear_bindings(stmt_.get());
    params_.clear();
    return Status::Ok();
  }

  Result<bool> Step() {
    if (materialized_) {
      if (next_row_ < rows_.rows.size()) {
        ++next_row_;
        return true;
      }
      return false;
    }
    if (!stmt_) {
      if (done_) return false;
      done_ = true;
      rows_.rows.clear();
      SPROCKET_RETURN_IF_ERROR(session_.Run(parsed_, params_, &rows_));
      // Sprocket statements return no rows.
      return false;
    }
    if (!started_) {
      session_.cancel().Reset();
      SPROCKET_RETURN_IF_ERROR(session_.BeginStatement(parsed_));
      if (session_.RunsThroughTriggers(stmt_.get())) {
        // A change with triggers runs through the session (the trigger engine may own
        // its row loop); its rows are served from memory.
        rows_ = ResultSet();
        Status st = session_.Run(parsed_, params_, &rows_);
        if (!st.ok()) return st;
        materialized_ = true;
        next_row_ = 0;
        return Step();
      }
      // The same decisions as for Session::Execute (a native statement is never one the
      // catalog follows).
      SPROCKET_ASSIGN_OR_RETURN(SessionImpl::PlainPlan plan, session_.PlanPlain(parsed_));
      guarded_ = plan.guarded;
      if (guarded_) SPROCKET_RETURN_IF_ERROR(session_.BeginStatementSavepoint());
      started_ = true;
    }
    session_.ClearFunctionError();
    int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      rows_.rows_affected =
          sqlite3_stmt_readonly(stmt_.get()) ? 0 : sqlite3_changes64(session_.db());
      sqlite3_reset(stmt_.get());
      return Finish(Status::Ok());
    }
    Status st = session_.ErrorFor(rc, parsed_.text, parsed_.position);
    if (session_.cancel().requested()) st = session_.cancel().ToStatus();
    sqlite3_reset(stmt_.get());
    return Finish(st);
  }

  Status Reset() {
    done_ = false;
    materialized_ = false;
    if (stmt_) sqlite3_reset(stmt_.get());
    if (started_) return Finish(Status::Ok()).status();
    return Status::Ok();
  }

  ~Impl() {
    if (stmt_ && started_) {
      sqlite3_reset(stmt_.get());
      (void)Finish(Status::Ok());
    }
  }

  // Ends a run of the statement: closes its savepoint (rolling back on error) and gives
  // the function instances back. Returns false on success, else the error.
  Result<bool> Finish(Status status) {
    started_ = false;
    if (guarded_) status = session_.EndStatementSavepoint(status);
    guarded_ = false;
    session_.ReleaseInstances();
    if (!status.ok()) return status;
    return false;
  }

  int column_count() const {
    if (materialized_) return static_cast<int>(rows_.columns.size());
    return stmt_ ? sqlite3_column_count(stmt_.get()) : 0;
  }
  std::string column_name(int c) const {
    if (materialized_) {
      return c >= 0 && c < static_cast<int>(rows_.columns.size()) ? rows_.columns[c] : "";
    }
    const char* n = stmt_ ? sqlite3_column_name(stmt_.get(), c) : nullptr;
    return n ? n : "";
  }
  Value column(int c) const {
    if (materialized_) {
      if (next_row_ == 0 || next_row_ > rows_.rows.size()) return Value();
      const std::vector<Value>& row = rows_.rows[next_row_ - 1];
      return c >= 0 && c < static_cast<int>(row.size()) ? row[c] : Value();
    }
    return stmt_ ? ColumnValue(stmt_.get(), c) : Value();
  }
  int64_t rows_affected() const { return rows_.rows_affected; }
  const std::vector<Notice>& notices() const { return rows_.notices; }
  std::string_view sql() const { return parsed_.text; }

 private:
  SessionImpl& session_;
  sql::ParsedStatement parsed_;
  StmtPtr stmt_;
  std::vector<Value> params_;  // for statements run through the session
  ResultSet rows_;
  bool started_ = false;
  bool guarded_ = false;  // running inside the session's statement savepoint
  bool done_ = false;
  bool materialized_ = false;  // rows_ holds the result (a change run with triggers)
  size_t next_row_ = 0;        // rows of rows_ returned so far
};

Result<std::unique_ptr<Statement>> NewStatement(SessionImpl& session, sql::ParsedStatement parsed) {
  auto impl = std::make_unique<Statement::Impl>(session, std::move(parsed));
  SPROCKET_RETURN_IF_ERROR(impl->Init());
  return std::make_unique<Statement>(std::move(impl));
}

Statement::Statement(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Statement::~Statement() = default;
int Statement::parameter_count() const { return impl_->parameter_count(); }
int Statement::parameter_index(std::string_view name) const { return impl_->parameter_index(name); }
Status Statement::Bind(int index, const Value& value) { return impl_->Bind(index, value); }
Status Statement::ClearBindings() { return impl_->ClearBindings(); }
Result<bool> Statement::Step() { return impl_->Step(); }
Status Statement::Reset() { return impl_->Reset(); }
int Statement::column_count() const { return impl_->column_count(); }
std::string Statement::column_name(int column) const { return impl_->column_name(column); }
Value Statement::column(int column) const { return impl_->column(column); }
int64_t Statement::rows_affected() const { return impl_->rows_affected(); }
const std::vector<Notice>& Statement::notices() const { return impl_->notices(); }
std::string_view Statement::sql() const { return impl_->sql(); }

}  // namespace sprocket
