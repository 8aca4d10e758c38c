#include "engine/statement_impl.h"

#include "common/sqlite_util.h"
#include "engine/session_impl.h"
#include "engine/statement_runner.h"

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
  bool IsNative() const { return Streamable(parsed_); }

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

  // Runs through the session's StatementRunner, as Session::Execute does: the first Step
  // starts the statement, the last finishes it.
  Result<bool> Step() {
    if (done_) return false;
    if (!runner_.running() && !runner_.materialized()) {
      SPROCKET_RETURN_IF_ERROR(runner_.Start(parsed_, params_, stmt_.get()));
    }
    Result<bool> row = runner_.Step();
    // SQLite steps a statement again from the start after its end; a statement that ran
    // whole (Sprocket statements, changes with triggers) returns no more rows until Reset.
    if (row.ok() && !*row && runner_.materialized()) done_ = true;
    return row;
  }

  Status Reset() {
    done_ = false;
    Status st = runner_.Finish(Status::Ok());
    if (stmt_) sqlite3_reset(stmt_.get());
    runner_.Clear();
    return st;
  }

  int column_count() const {
    if (runner_.materialized()) return runner_.column_count();
    return stmt_ ? sqlite3_column_count(stmt_.get()) : 0;
  }
  std::string column_name(int c) const {
    if (runner_.materialized()) return runner_.column_name(c);
    const char* n = stmt_ ? sqlite3_column_name(stmt_.get(), c) : nullptr;
    return n ? n : "";
  }
  Value column(int c) const {
    if (runner_.materialized()) return runner_.column(c);
    return stmt_ ? ColumnValue(stmt_.get(), c) : Value();
  }
  int64_t rows_affected() const { return runner_.result().rows_affected; }
  const std::vector<Notice>& notices() const { return runner_.result().notices; }
  std::string_view sql() const { return parsed_.text; }

 private:
  SessionImpl& session_;
  sql::ParsedStatement parsed_;
  StmtPtr stmt_;               // plain SQL SQLite runs; null for Sprocket statements
  std::vector<Value> params_;  // as bound (a change with triggers runs with them again)
  StatementRunner runner_{session_};
  bool done_ = false;  // a statement that ran whole has returned its rows
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
