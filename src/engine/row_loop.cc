#include "engine/row_loop.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "common/strings.h"
#include "engine/session_impl.h"
#include "engine/sql_rewrite.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {

std::string Q(std::string_view name) { return QuoteIdentifier(name); }

}  // namespace

Status RowLoop::RowValueCountError(const sql::Assignment& a) {
  return Status(StatusCode::kInvalidArgument, std::to_string(a.columns.size()) +
                                                  " columns assigned " +
                                                  std::to_string(a.elements.size()) + " values");
}

Status RowLoop::ErrorFor(int rc) { return engine_.session().ErrorFor(rc); }

std::string RowLoop::Alias() const {
  const sql::DmlStatement& d = *plan_.dml;
  return Q(d.alias.empty() ? d.table : d.alias);
}

std::string RowLoop::Target() const {
  const sql::DmlStatement& d = *plan_.dml;
  std::string target = d.schema.empty() ? Q(d.table) : Q(d.schema) + "." + Q(d.table);
  if (!d.alias.empty()) target += " AS " + Q(d.alias);
  return target;
}

std::string RowLoop::KeyMatch(size_t first_param) const {
  const TriggerTable& t = *plan_.table;
  if (!t.key.empty()) return Alias() + "." + t.key + " = " + Param(first_param);
  std::string out;
  for (size_t i = 0; i < t.pk.size(); ++i) {
    if (i) out += " AND ";
    out += Alias() + "." + Q((*t.columns)[t.pk[i]]) + " = " + Param(first_param + i);
  }
  return out;
}

std::vector<Value> RowLoop::KeyOf(const std::vector<Value>& row, size_t offset) const {
  const TriggerTable& t = *plan_.table;
  if (!t.key.empty()) return {row[0]};
  std::vector<Value> key;
  for (int c : t.pk) key.push_back(row[offset + c]);
  return key;
}

Status RowLoop::Prepare(DerivedStatement* d, const std::string& sql) {
  SessionImpl::EngineScope engine(engine_.session());
  auto stmt = engine_.session().PrepareChecked(sql);
  if (!stmt.ok()) {
    return Status(stmt.status().code(), "cannot run the row loop of this statement (" +
                                            stmt.status().message() + ") in: " + sql);
  }
  d->stmt = std::move(*stmt);
  d->ours.clear();
  d->user.clear();
  int count = sqlite3_bind_parameter_count(d->stmt.get());
  for (int i = 1; i <= count; ++i) {
    const char* name = sqlite3_bind_parameter_name(d->stmt.get(), i);
    if (name == nullptr) continue;
    std::string_view n(name);
    if (n.rfind(":_spu", 0) == 0) {
      d->user.emplace_back(i, std::atoi(name + 5));  // the user's ?N
    } else if (n.rfind(":_sp", 0) == 0) {
      size_t k = static_cast<size_t>(std::atoi(name + 4));
      if (d->ours.size() <= k) d->ours.resize(k + 1, 0);
      d->ours[k] = i;
    } else {
      d->user.emplace_back(i, native_ != nullptr ? sqlite3_bind_parameter_index(native_, name) : 0);
    }
  }
  return Status::Ok();
}

Status RowLoop::BindUser(DerivedStatement& d) {
  for (const auto& [here, there] : d.user) {
    Value v;
    if (there >= 1 && there <= static_cast<int>(params_.size())) v = params_[there - 1];
    int rc = BindValue(d.stmt.get(), here, v);
    if (rc != SQLITE_OK) return ErrorFor(rc);
  }
  return Status::Ok();
}

void RowLoop::BindOurs(DerivedStatement& d, size_t k, const Value& v) {
  // Every statement is stepped right after its values are bound, and rebound before it
  // runs again: the values need not be copied.
  if (k < d.ours.size() && d.ours[k] != 0) BindValueNoCopy(d.stmt.get(), d.ours[k], v);
}

Status RowLoop::Drain(DerivedStatement& d, std::vector<std::vector<Value>>* rows) {
  // Every statement of the loop runs through here: a cancelled statement writes no more.
  if (const runtime::CancelToken& cancel = engine_.session().cancel(); cancel.requested()) {
    return cancel.ToStatus();
  }
  sqlite3_stmt* stmt = d.stmt.get();
  int n = sqlite3_column_count(stmt);
  for (;;) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
      std::vector<Value> row;
      row.reserve(n);
      for (int i = 0; i < n; ++i) row.push_back(ColumnValue(stmt, i));
      rows->push_back(std::move(row));
      continue;
    }
    Status st = rc == SQLITE_DONE ? Status::Ok() : ErrorFor(rc);
    sqlite3_reset(stmt);
    return st;
  }
}

Status RowLoop::StepWrite(DerivedStatement& d, bool count_changes) {
  SPROCKET_RETURN_IF_ERROR(Drain(d, &out_->rows));
  // What the statement changed is kept by the connection until the next one completes.
  if (count_changes) changes_ += sqlite3_changes64(engine_.db());
  return Status::Ok();
}

Status RowLoop::PrepareViewReturning() {
  const sql::DmlStatement& d = *plan_.dml;
  const TriggerTable& t = *plan_.table;
  if (!t.is_view || d.returning_text.empty()) return Status::Ok();
  if (!plan_.returning.ready()) {
    std::string sql = "SELECT " + d.returning_text + " FROM (SELECT ";
    for (size_t c = 0; c < t.columns->size(); ++c) {
      if (c) sql += ", ";
      sql += Param(c) + " AS " + Q((*t.columns)[c]);
    }
    sql += ") AS " + Alias();
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.returning, sql));
  }
  SetColumns(plan_.returning);
  return Status::Ok();
}

Status RowLoop::ReturnFrom(const runtime::RowData& row) {
  if (!plan_.returning.ready()) return Status::Ok();
  DerivedStatement& r = plan_.returning;
  for (size_t c = 0; c < row.values.size(); ++c) BindOurs(r, c, row.values[c]);
  SPROCKET_RETURN_IF_ERROR(BindUser(r));
  return StepWrite(r, false);
}

void RowLoop::SetColumns(DerivedStatement& d) {
  if (columns_set_) return;
  columns_set_ = true;
  int n = sqlite3_column_count(d.stmt.get());
  out_->columns.clear();
  for (int i = 0; i < n; ++i) out_->columns.emplace_back(sqlite3_column_name(d.stmt.get(), i));
}

Status RowLoop::Materialize(DerivedStatement& d, std::vector<std::vector<Value>>* rows) {
  SPROCKET_RETURN_IF_ERROR(BindUser(d));
  Status st = Drain(d, rows);
  sqlite3_clear_bindings(d.stmt.get());
  return st;
}

Status RowLoop::Run() {
  sqlite3* db = engine_.db();
  out_->rows.clear();
  out_->columns.clear();
  last_rowid_ = sqlite3_last_insert_rowid(db);
  SPROCKET_RETURN_IF_ERROR(PrepareViewReturning());
  Status st;
  switch (plan_.op) {
    case sql::DmlOp::kInsert:
      st = Insert();
      break;
    case sql::DmlOp::kUpdate:
      st = Update();
      break;
    case sql::DmlOp::kDelete:
      st = Delete();
      break;
  }
  out_->rows_affected = changes_;
  out_->last_insert_rowid = last_rowid_;
  sqlite3_set_last_insert_rowid(db, last_rowid_);
  return st;
}

Status RowLoop::ForEachRow(size_t count, bool batchable, const BuildRow& build,
                           const WriteRow& write, const WriteRows& write_many) {
  TriggerTable& t = *plan_.table;
  const sql::DmlOp op = plan_.op;
  const std::vector<TriggerSlot*>& list =
      t.Triggers(op, t.is_view ? kInsteadIdx : kBeforeIdx, kRowIdx);
  const runtime::TriggerWhen timing =
      t.is_view ? runtime::TriggerWhen::kInsteadOf : runtime::TriggerWhen::kBefore;
  const std::vector<bool>* set_columns = op == sql::DmlOp::kUpdate ? &plan_.set_columns : nullptr;
  const bool has_new = op != sql::DmlOp::kDelete;
  const bool has_old = op != sql::DmlOp::kInsert;
  TriggerSlot* single = batchable ? TriggerEngine::BatchTrigger(list, op, set_columns) : nullptr;
  if (single == nullptr) {
    LoopRow row;
    for (size_t i = 0; i < count; ++i) {
      row.index = i;
      SPROCKET_ASSIGN_OR_RETURN(bool wanted, build(i, &row));
      if (!wanted) continue;
      SPROCKET_ASSIGN_OR_RETURN(
          bool keep, engine_.FireRowTriggers(list, op, timing, has_new ? &row.new_row : nullptr,
                                             has_old ? &row.old_row : nullptr, set_columns));
      if (keep) SPROCKET_RETURN_IF_ERROR(write(row));
    }
    return Status::Ok();
  }
  // Rows go to the trigger in batches: one entry into the function's runtime for many rows.
  // They are written as the trigger reports them final (runtime::BeforeRowBatch).
  constexpr size_t kBatchRows = 256;
  struct Writer final : runtime::BeforeRowBatch::Writer {
    runtime::BeforeRowBatch* before = nullptr;
    std::vector<LoopRow>* rows = nullptr;
    const WriteRow* write = nullptr;
    const WriteRows* write_many = nullptr;
    std::vector<LoopRow*> kept;
    Status Write(std::span<const size_t> indexes) override {
      kept.clear();
      for (size_t i : indexes) {
        LoopRow& row = (*rows)[i];
        if (!before->new_rows().empty()) row.new_row = std::move(before->new_rows()[i]);
        if (!before->old_rows().empty()) row.old_row = std::move(before->old_rows()[i]);
        kept.push_back(&row);
      }
      if (*write_many) return (*write_many)(kept);
      for (LoopRow* row : kept) SPROCKET_RETURN_IF_ERROR((*write)(*row));
      return Status::Ok();
    }
  };
  std::vector<LoopRow> rows;
  runtime::BeforeRowBatch before;
  Writer writer;
  writer.before = &before;
  writer.rows = &rows;
  writer.write = &write;
  writer.write_many = &write_many;
  for (size_t next = 0; next < count;) {
    rows.clear();
    while (next < count && rows.size() < kBatchRows) {
      LoopRow row;
      row.index = next;
      SPROCKET_ASSIGN_OR_RETURN(bool wanted, build(next++, &row));
      if (wanted) rows.push_back(std::move(row));
    }
    if (rows.empty()) continue;
    before.Start(rows.size(), has_new, has_old);
    for (size_t i = 0; i < rows.size(); ++i) {
      if (has_new) before.new_rows()[i] = std::move(rows[i].new_row);
      if (has_old) before.old_rows()[i] = std::move(rows[i].old_row);
    }
    SPROCKET_RETURN_IF_ERROR(engine_.FireBeforeRowBatch(*single, op, timing, before, writer));
  }
  return Status::Ok();
}

}  // namespace sprocket
