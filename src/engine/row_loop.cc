#include "engine/row_loop.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "common/strings.h"
#include "engine/session_impl.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {

// SET (a, b) = (x) — SQLite's own words for it.
Status RowValueCountError(const sql::Assignment& a) {
  return Status(StatusCode::kInvalidArgument, std::to_string(a.columns.size()) +
                                                  " columns assigned " +
                                                  std::to_string(a.elements.size()) + " values");
}

std::string Q(std::string_view name) { return QuoteIdentifier(name); }
std::string P(size_t k) { return ":_sp" + std::to_string(k); }

// A DEFAULT whose value can differ per row: one that calls a function.
bool CallsFunction(const std::string& expression) {
  auto tokens = sql::Tokenize(expression);
  if (!tokens.ok()) return true;
  const auto& t = *tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].kind == sql::TokenKind::kIdentifier && t[i + 1].Is("(")) return true;
  }
  return false;
}

bool ParseInteger(std::string_view text, int64_t* out) {
  std::string s(Trim(text));
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

bool ParseReal(std::string_view text, double* out) {
  std::string s(Trim(text));
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isnan(v)) return false;
  *out = v;
  return true;
}

// The value as a column of `affinity` stores it (SQLite's type affinity), so that NEW in
// a BEFORE trigger holds what would be written.
Value WithAffinity(Value v, char affinity) {
  switch (affinity) {
    case 'I':
    case 'N':
    case 'R': {
      if (v.type() == ValueType::kText) {
        int64_t i;
        double d;
        if (ParseInteger(v.text(), &i)) {
          v = affinity == 'R' ? Value(static_cast<double>(i)) : Value(i);
        } else if (ParseReal(v.text(), &d)) {
          v = Value(d);
        } else {
          return v;
        }
      }
      if (affinity == 'R' && v.type() == ValueType::kInteger) {
        return Value(static_cast<double>(v.integer()));
      }
      if (affinity != 'R' && v.type() == ValueType::kReal) {
        double d = v.real();
        if (std::floor(d) == d && std::fabs(d) < 9.2e18) return Value(static_cast<int64_t>(d));
      }
      return v;
    }
    case 'T':
      if (v.type() == ValueType::kInteger) return Value(std::to_string(v.integer()));
      if (v.type() == ValueType::kReal) {
        char buffer[64];
        sqlite3_snprintf(sizeof buffer, buffer, "%!.15g", v.real());
        return Value(std::string(buffer));
      }
      return v;
    default:
      return v;
  }
}

}  // namespace

std::string NumberParameters(std::string_view sql) {
  auto tokens = sql::Tokenize(sql);
  if (!tokens.ok()) return std::string(sql);
  std::string out;
  size_t copied = 0;
  int max_index = 0;
  std::unordered_map<std::string, int> named;
  for (const sql::Token& t : *tokens) {
    if (t.kind != sql::TokenKind::kParameter) continue;
    if (t.text[0] == '?') {
      // ? and ?N become :_spuN: named, so that they cannot collide with the numbers SQLite
      // gives the engine's own parameters in a derived statement.
      int index = t.text == "?" ? ++max_index : std::atoi(std::string(t.text.substr(1)).c_str());
      max_index = std::max(max_index, index);
      size_t at = static_cast<size_t>(t.text.data() - sql.data());
      out.append(sql.substr(copied, at - copied));
      out += ":_spu" + std::to_string(index);
      copied = at + t.text.size();
    } else if (named.emplace(std::string(t.text), 0).second) {
      ++max_index;
    }
  }
  out.append(sql.substr(copied));
  return out;
}

std::string RewriteReferences(
    const std::string& text,
    const std::function<std::optional<std::string>(const sql::Token& qualifier,
                                                   const std::string& column)>& replace) {
  auto tokens = sql::Tokenize(text);
  if (!tokens.ok()) return text;
  const std::vector<sql::Token>& t = *tokens;
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].kind != sql::TokenKind::kIdentifier || !t[i + 1].Is(".") || !t[i + 2].IsName()) {
      continue;
    }
    // Not the middle of schema.table.column.
    if (i > 0 && t[i - 1].Is(".")) continue;
    if (i + 3 < t.size() && t[i + 3].Is(".")) continue;
    std::optional<std::string> with = replace(t[i], t[i + 2].Value());
    if (!with) continue;
    size_t begin = static_cast<size_t>(t[i].text.data() - text.data());
    size_t end = static_cast<size_t>(t[i + 2].text.data() - text.data()) + t[i + 2].text.size();
    out.append(text, copied, begin - copied);
    out += *with;
    copied = end;
    i += 2;
  }
  out.append(text, copied, std::string::npos);
  return out;
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
  if (!t.key.empty()) return Alias() + "." + t.key + " = " + P(first_param);
  std::string out;
  for (size_t i = 0; i < t.pk.size(); ++i) {
    if (i) out += " AND ";
    out += Alias() + "." + Q((*t.columns)[t.pk[i]]) + " = " + P(first_param + i);
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
      sql += P(c) + " AS " + Q((*t.columns)[c]);
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

Status RowLoop::Insert() {
  const sql::DmlStatement& d = *plan_.dml;
  TriggerTable& t = *plan_.table;
  sqlite3* db = engine_.db();
  size_t n = t.columns->size();
  std::vector<int> target;
  int explicit_rowid = -1;  // the position of `rowid` in the column list, when given
  if (d.columns.empty()) {
    for (size_t c = 0; c < n; ++c) {
      if (!t.generated[c]) target.push_back(static_cast<int>(c));
    }
  } else {
    for (size_t i = 0; i < d.columns.size(); ++i) {
      const std::string& name = d.columns[i];
      int index = t.ColumnIndex(name);
      bool rowid =
          !t.is_view && (EqualsIgnoreCase(name, "rowid") || EqualsIgnoreCase(name, "_rowid_") ||
                         EqualsIgnoreCase(name, "oid"));
      if (index < 0 && rowid && t.ipk >= 0) index = t.ipk;
      if (index < 0 && rowid && !t.key.empty()) {
        explicit_rowid = static_cast<int>(i);  // the rowid itself, not a column
        target.push_back(-1);
        continue;
      }
      if (index < 0) {
        return Status(StatusCode::kNotFound, "table " + t.name + " has no column named " + name);
      }
      target.push_back(index);
    }
  }
  // The rows to insert, computed before the first is written (as PostgreSQL's snapshot).
  std::vector<std::vector<Value>> rows;
  if (d.source == sql::DmlStatement::Source::kDefaultValues) {
    rows.emplace_back();
    target.clear();
  } else {
    if (!plan_.source.ready()) {
      std::string sql = d.with_text.empty()
                            ? d.source_text
                            : d.with_text + " SELECT * FROM (" + d.source_text + ")";
      SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.source, sql));
    }
    if (sqlite3_column_count(plan_.source.stmt.get()) != static_cast<int>(target.size())) {
      return Status(StatusCode::kInvalidArgument,
                    std::to_string(sqlite3_column_count(plan_.source.stmt.get())) + " values for " +
                        std::to_string(target.size()) + " columns");
    }
    SPROCKET_RETURN_IF_ERROR(Materialize(plan_.source, &rows));
  }
  // Column defaults, visible to BEFORE triggers in NEW.
  std::vector<bool> given(n, false);
  for (int c : target) {
    if (c >= 0) given[c] = true;
  }
  std::vector<int> defaulted;
  for (size_t c = 0; c < n; ++c) {
    if (!given[c] && !t.generated[c] && !t.defaults[c].empty()) {
      defaulted.push_back(static_cast<int>(c));
    }
  }
  std::vector<Value> defaults(n);
  auto evaluate_defaults = [&]() -> Status {
    if (defaulted.empty()) return Status::Ok();
    std::vector<std::vector<Value>> values;
    SPROCKET_RETURN_IF_ERROR(Materialize(plan_.defaults, &values));
    if (values.size() != 1) return Status(StatusCode::kInternal, "defaults gave no row");
    for (size_t i = 0; i < defaulted.size(); ++i) {
      defaults[defaulted[i]] = WithAffinity(values[0][i], t.affinity[defaulted[i]]);
    }
    return Status::Ok();
  };
  if (!defaulted.empty()) {
    if (!plan_.defaults.ready()) {
      std::string sql = "SELECT ";
      plan_.volatile_defaults = false;
      for (size_t i = 0; i < defaulted.size(); ++i) {
        if (i) sql += ", ";
        const std::string& expression = t.defaults[defaulted[i]];
        sql += "(" + expression + ")";
        plan_.volatile_defaults |= CallsFunction(expression);
      }
      SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.defaults, sql));
    }
    SPROCKET_RETURN_IF_ERROR(evaluate_defaults());
  }
  if (!t.is_view && !plan_.write.ready()) {
    std::string columns, values;
    for (size_t c = 0; c < n; ++c) {
      if (t.generated[c]) continue;
      if (!columns.empty()) columns += ", ", values += ", ";
      columns += Q((*t.columns)[c]);
      values += P(c);
    }
    if (explicit_rowid >= 0) {
      columns += ", " + t.key;
      values += ", " + P(n);
    }
    std::string sql = "INSERT";
    if (!d.conflict.empty()) sql += " OR " + d.conflict;
    sql += " INTO " + Target() + " (" + columns + ") VALUES (" + values + ")";
    if (!plan_.emulate_upsert) {
      for (const sql::UpsertClause& u : d.upserts) sql += " " + u.text;
    }
    if (!d.returning_text.empty()) sql += " RETURNING " + d.returning_text;
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.write, sql));
  }
  if (!t.is_view) SetColumns(plan_.write);
  auto build = [&](size_t i, LoopRow* row) -> Result<bool> {
    if (plan_.volatile_defaults && i > 0) SPROCKET_RETURN_IF_ERROR(evaluate_defaults());
    row->new_row.columns = t.columns;
    row->new_row.values = defaults;
    std::vector<Value>& source = rows[i];  // taken: only an explicit rowid is read again
    for (size_t j = 0; j < target.size(); ++j) {
      if (target[j] >= 0) {
        row->new_row.values[target[j]] = WithAffinity(std::move(source[j]), t.affinity[target[j]]);
      }
    }
    return true;
  };
  auto write = [&](LoopRow& r) -> Status {
    runtime::RowData& row = r.new_row;
    if (t.is_view) {
      ++changes_;
      return ReturnFrom(row);
    }
    if (plan_.emulate_upsert) {
      bool handled = false;
      SPROCKET_RETURN_IF_ERROR(EmulatedUpsert(row, &handled));
      if (handled) return Status::Ok();
    }
    DerivedStatement& write = plan_.write;
    for (size_t c = 0; c < n; ++c) {
      if (!t.generated[c]) BindOurs(write, c, row.values[c]);
    }
    if (explicit_rowid >= 0) BindOurs(write, n, rows[r.index][explicit_rowid]);
    SPROCKET_RETURN_IF_ERROR(BindUser(write));
    sqlite3_set_last_insert_rowid(db, last_rowid_);
    SPROCKET_RETURN_IF_ERROR(StepWrite(write, true));
    last_rowid_ = sqlite3_last_insert_rowid(db);
    return Status::Ok();
  };
  // Rows the triggers kept in a batch are written by statements of several rows each.
  const size_t stride = n + 1;  // parameters per row: the columns, then an explicit rowid
  const size_t most = std::clamp<size_t>(32000 / stride, 1, 32);
  auto write_many = [&](std::span<LoopRow*> kept) -> Status {
    for (size_t first = 0; first < kept.size();) {
      size_t count = std::min(most, kept.size() - first);
      if (count == 1) {
        SPROCKET_RETURN_IF_ERROR(write(*kept[first]));
        ++first;
        continue;
      }
      DerivedStatement& many = plan_.inserts[count];
      if (!many.ready()) {
        std::string columns, values;
        for (size_t c = 0; c < n; ++c) {
          if (t.generated[c]) continue;
          if (!columns.empty()) columns += ", ";
          columns += Q((*t.columns)[c]);
        }
        if (explicit_rowid >= 0) columns += ", " + t.key;
        for (size_t r = 0; r < count; ++r) {
          std::string row;
          for (size_t c = 0; c < n; ++c) {
            if (t.generated[c]) continue;
            if (!row.empty()) row += ", ";
            row += P(r * stride + c);
          }
          if (explicit_rowid >= 0) row += ", " + P(r * stride + n);
          values += (r ? ", (" : "(") + row + ")";
        }
        std::string sql = "INSERT";
        if (!d.conflict.empty()) sql += " OR " + d.conflict;
        sql += " INTO " + Target() + " (" + columns + ") VALUES " + values;
        for (const sql::UpsertClause& u : d.upserts) sql += " " + u.text;
        if (!d.returning_text.empty()) sql += " RETURNING " + d.returning_text;
        SPROCKET_RETURN_IF_ERROR(Prepare(&many, sql));
      }
      for (size_t r = 0; r < count; ++r) {
        const LoopRow& row = *kept[first + r];
        for (size_t c = 0; c < n; ++c) {
          if (!t.generated[c]) BindOurs(many, r * stride + c, row.new_row.values[c]);
        }
        if (explicit_rowid >= 0) {
          BindOurs(many, r * stride + n, rows[row.index][explicit_rowid]);
        }
      }
      SPROCKET_RETURN_IF_ERROR(BindUser(many));
      sqlite3_set_last_insert_rowid(db, last_rowid_);
      SPROCKET_RETURN_IF_ERROR(StepWrite(many, true));
      last_rowid_ = sqlite3_last_insert_rowid(db);
      first += count;
    }
    return Status::Ok();
  };
  // Defaults that differ per row are evaluated just before their row's triggers run.
  bool plain = !t.is_view && !plan_.emulate_upsert;
  return ForEachRow(rows.size(), !plan_.volatile_defaults && !plan_.emulate_upsert, build, write,
                    plain ? WriteRows(write_many) : nullptr);
}

// INSERT … ON CONFLICT (cols) DO UPDATE on a table with BEFORE UPDATE triggers: the
// engine finds the conflicting row itself, so that the UPDATE triggers see OLD and NEW.
Status RowLoop::EmulatedUpsert(runtime::RowData& proposed, bool* handled) {
  *handled = false;
  const sql::DmlStatement& d = *plan_.dml;
  TriggerTable& t = *plan_.table;
  size_t n = t.columns->size();
  const sql::UpsertClause* u = nullptr;
  for (const sql::UpsertClause& c : d.upserts) {
    if (!c.do_nothing) u = &c;
  }
  if (u == nullptr || d.upserts.size() != 1 || u->target_columns.empty()) {
    return Status(StatusCode::kNotSupported,
                  "INSERT … ON CONFLICT DO UPDATE on " + Q(t.name) +
                      ", which has BEFORE UPDATE triggers, needs exactly one ON CONFLICT clause "
                      "naming its conflict columns");
  }
  std::string key_columns = t.key.empty() ? "" : Alias() + "." + t.key + ", ";
  size_t koff = t.key.empty() ? 0 : 1;
  std::string all_columns;
  for (size_t c = 0; c < n; ++c) {
    if (c) all_columns += ", ";
    all_columns += Alias() + "." + Q((*t.columns)[c]);
  }
  std::vector<int> conflict_columns;
  for (const std::string& c : u->target_columns) {
    int index = t.ColumnIndex(c);
    if (index < 0) return Status(StatusCode::kNotFound, "no such column: " + c);
    conflict_columns.push_back(index);
  }
  if (!plan_.conflict.ready()) {
    std::string sql = "SELECT " + key_columns + all_columns + " FROM " + Target() + " WHERE ";
    for (size_t i = 0; i < conflict_columns.size(); ++i) {
      if (i) sql += " AND ";
      sql += Alias() + "." + Q((*t.columns)[conflict_columns[i]]) + " = " + P(i);
    }
    if (!u->target_where_text.empty()) sql += " AND (" + u->target_where_text + ")";
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.conflict, sql));
  }
  for (size_t i = 0; i < conflict_columns.size(); ++i) {
    BindOurs(plan_.conflict, i, proposed.values[conflict_columns[i]]);
  }
  std::vector<std::vector<Value>> existing;
  SPROCKET_RETURN_IF_ERROR(Materialize(plan_.conflict, &existing));
  if (existing.empty()) return Status::Ok();  // no conflict: insert
  *handled = true;
  std::vector<Value> key = KeyOf(existing[0], koff);
  runtime::RowData old_row{
      t.columns,
      std::vector<Value>(existing[0].begin() + static_cast<long>(koff), existing[0].end())};
  if (!plan_.upsert_new.ready()) {
    // excluded.col is the proposed row: parameters n … 2n-1.
    auto excluded = [&](const sql::Token& q, const std::string& column) {
      if (!q.Is("excluded")) return std::optional<std::string>();
      int index = t.ColumnIndex(column);
      if (index < 0) return std::optional<std::string>();
      return std::optional<std::string>(P(n + static_cast<size_t>(index)));
    };
    std::vector<std::string> value(n);
    for (size_t c = 0; c < n; ++c) value[c] = Alias() + "." + Q((*t.columns)[c]);
    for (const sql::Assignment& a : u->set) {
      if (a.columns.size() == 1) {
        int index = t.ColumnIndex(a.columns[0]);
        if (index >= 0) value[index] = "(" + RewriteReferences(a.expr_text, excluded) + ")";
        continue;
      }
      if (!a.elements.empty() && a.elements.size() != a.columns.size()) {
        return RowValueCountError(a);
      }
      if (a.elements.size() != a.columns.size()) {
        return Status(StatusCode::kNotSupported,
                      "a row-value assignment from a subquery is not supported in ON CONFLICT DO "
                      "UPDATE on " +
                          Q(t.name) + ", which has BEFORE UPDATE triggers; assign each column");
      }
      for (size_t i = 0; i < a.columns.size(); ++i) {
        int index = t.ColumnIndex(a.columns[i]);
        if (index >= 0) value[index] = "(" + RewriteReferences(a.elements[i], excluded) + ")";
      }
    }
    std::string sql =
        "SELECT " + Join(value, ", ") + " FROM " + Target() + " WHERE " + KeyMatch(2 * n);
    if (!u->where_text.empty()) sql += " AND (" + RewriteReferences(u->where_text, excluded) + ")";
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.upsert_new, sql));
  }
  DerivedStatement& compute = plan_.upsert_new;
  for (size_t c = 0; c < n; ++c) BindOurs(compute, n + c, proposed.values[c]);
  for (size_t i = 0; i < key.size(); ++i) BindOurs(compute, 2 * n + i, key[i]);
  std::vector<std::vector<Value>> computed;
  SPROCKET_RETURN_IF_ERROR(Materialize(compute, &computed));
  if (computed.empty()) return Status::Ok();  // DO UPDATE … WHERE is false: nothing happens
  runtime::RowData new_row{t.columns, {}};
  for (size_t c = 0; c < n; ++c)
    new_row.values.push_back(WithAffinity(computed[0][c], t.affinity[c]));
  std::vector<Value> before = new_row.values;
  SPROCKET_ASSIGN_OR_RETURN(
      bool keep, engine_.FireRowTriggers(t.Triggers(sql::DmlOp::kUpdate, kBeforeIdx, kRowIdx),
                                         sql::DmlOp::kUpdate, runtime::TriggerWhen::kBefore,
                                         &new_row, &old_row, &plan_.set_columns));
  if (!keep) return Status::Ok();
  std::vector<bool> mask = plan_.set_columns;
  for (size_t c = 0; c < n; ++c) {
    if (!(new_row.values[c] == before[c])) mask[c] = true;
    if (t.generated[c]) mask[c] = false;
  }
  return WriteUpdate(key, new_row, mask, "");
}

Result<DerivedStatement*> RowLoop::UpdateStatement(const std::vector<bool>& mask,
                                                   const std::string& conflict) {
  const sql::DmlStatement& d = *plan_.dml;
  TriggerTable& t = *plan_.table;
  size_t n = t.columns->size();
  DerivedStatement& write = plan_.updates[mask];
  if (!write.ready()) {
    std::string sets;
    for (size_t c = 0; c < n; ++c) {
      if (!mask[c]) continue;
      if (!sets.empty()) sets += ", ";
      sets += Q((*t.columns)[c]) + " = " + P(c);
    }
    if (mask.size() > n && mask[n]) {
      // SET rowid = …: the new rowid follows the key's parameters.
      sets += (sets.empty() ? "" : ", ") + t.key + " = " + P(n + 1);
    }
    if (sets.empty()) return Status(StatusCode::kInternal, "an UPDATE without columns to set");
    std::string sql = "UPDATE";
    if (!conflict.empty()) sql += " OR " + conflict;
    sql += " " + Target() + " SET " + sets + " WHERE " + KeyMatch(n);
    if (!d.returning_text.empty()) sql += " RETURNING " + d.returning_text;
    SPROCKET_RETURN_IF_ERROR(Prepare(&write, sql));
  }
  SetColumns(write);
  return &write;
}

Status RowLoop::WriteUpdate(const std::vector<Value>& key, const runtime::RowData& new_row,
                            const std::vector<bool>& mask, const std::string& conflict,
                            const Value* rowid) {
  size_t n = plan_.table->columns->size();
  SPROCKET_ASSIGN_OR_RETURN(DerivedStatement * write, UpdateStatement(mask, conflict));
  for (size_t c = 0; c < n; ++c) {
    if (mask[c]) BindOurs(*write, c, new_row.values[c]);
  }
  for (size_t i = 0; i < key.size(); ++i) BindOurs(*write, n + i, key[i]);
  if (rowid != nullptr) BindOurs(*write, n + 1, *rowid);
  SPROCKET_RETURN_IF_ERROR(BindUser(*write));
  sqlite3_set_last_insert_rowid(engine_.db(), last_rowid_);
  return StepWrite(*write, true);
}

Status RowLoop::Update() {
  const sql::DmlStatement& d = *plan_.dml;
  TriggerTable& t = *plan_.table;
  size_t n = t.columns->size();
  // What each SET assignment gives a column, in the order of the SET list.
  std::vector<std::pair<int, std::string>> assigned;
  for (const sql::Assignment& a : d.set) {
    std::vector<std::string> expressions;
    if (a.columns.size() == 1) {
      expressions.push_back(a.expr_text);
    } else if (a.elements.size() == a.columns.size()) {
      expressions = a.elements;
    } else if (!a.elements.empty()) {
      return RowValueCountError(a);
    } else {
      return Status(StatusCode::kNotSupported,
                    "a row-value assignment from a subquery is not supported on " + Q(t.name) +
                        ", which has " + (t.is_view ? "INSTEAD OF" : "BEFORE") +
                        " UPDATE triggers; assign each column");
    }
    for (size_t i = 0; i < a.columns.size(); ++i) {
      int index = t.ColumnIndex(a.columns[i]);
      bool rowid = !t.is_view && (EqualsIgnoreCase(a.columns[i], "rowid") ||
                                  EqualsIgnoreCase(a.columns[i], "_rowid_") ||
                                  EqualsIgnoreCase(a.columns[i], "oid"));
      if (index < 0 && rowid && t.ipk >= 0) index = t.ipk;
      if (index < 0 && rowid && !t.key.empty()) {
        assigned.emplace_back(-1, expressions[i]);  // the rowid itself
        continue;
      }
      if (index < 0) return Status(StatusCode::kNotFound, "no such column: " + a.columns[i]);
      if (t.generated[index]) {
        return Status(StatusCode::kInvalidArgument,
                      "cannot UPDATE generated column \"" + a.columns[i] + "\"");
      }
      assigned.emplace_back(index, expressions[i]);
    }
  }
  std::string key_columns = t.key.empty() ? "" : Alias() + "." + t.key + ", ";
  size_t koff = t.key.empty() ? 0 : 1;
  // SET expressions with subqueries see the rows updated before theirs, as in SQLite:
  // they are evaluated row by row, just before the row is written.
  bool per_row = false;
  for (const auto& [index, expression] : assigned) {
    auto tokens = sql::Tokenize(expression);
    if (!tokens.ok()) continue;
    for (const sql::Token& token : *tokens) per_row |= token.Is("SELECT");
  }
  per_row = per_row && !t.is_view && d.from_text.empty();
  std::string with = d.with_text.empty() ? "SELECT " : d.with_text + " SELECT ";
  std::string values = key_columns;
  for (size_t c = 0; c < n; ++c) {
    if (c) values += ", ";
    values += Alias() + "." + Q((*t.columns)[c]);
  }
  for (const auto& [index, expression] : assigned) values += ", (" + expression + ")";
  if (!plan_.source.ready()) {
    // Phase one of a per-row update reads the rows without the SET expressions (all the
    // columns, so that SQLite scans them in the order its UPDATE would).
    std::string columns = key_columns;
    for (size_t c = 0; c < n; ++c) columns += (c ? ", " : "") + Alias() + "." + Q((*t.columns)[c]);
    std::string sql = with + (per_row ? columns : values);
    sql += " FROM " + Target();
    if (!d.indexed_text.empty()) sql += " " + d.indexed_text;
    if (!d.from_text.empty()) sql += ", " + d.from_text;
    if (!d.where_text.empty()) sql += " WHERE " + d.where_text;
    if (!d.order_by_text.empty()) sql += " ORDER BY " + d.order_by_text;
    if (!d.limit_text.empty()) sql += " LIMIT " + d.limit_text;
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.source, sql));
  }
  if (per_row && !plan_.current.ready()) {
    SPROCKET_RETURN_IF_ERROR(
        Prepare(&plan_.current, with + values + " FROM " + Target() + " WHERE " + KeyMatch(0)));
  }
  std::vector<std::vector<Value>> rows;
  SPROCKET_RETURN_IF_ERROR(Materialize(plan_.source, &rows));
  std::set<std::vector<Value>, bool (*)(const std::vector<Value>&, const std::vector<Value>&)> seen(
      [](const std::vector<Value>& a, const std::vector<Value>& b) {
        if (a.size() != b.size()) return a.size() < b.size();
        for (size_t i = 0; i < a.size(); ++i) {
          if (a[i] == b[i]) continue;
          if (a[i].type() != b[i].type()) return a[i].type() < b[i].type();
          return a[i].ToString() < b[i].ToString();
        }
        return false;
      });
  std::vector<bool> mask_base = plan_.set_columns;
  if (!t.is_view) {
    std::vector<bool> first = mask_base;
    for (const auto& [index, expression] : assigned) {
      if (index < 0) first.push_back(true);
    }
    SPROCKET_RETURN_IF_ERROR(UpdateStatement(first, d.conflict).status());
  }
  std::vector<std::vector<Value>> current;
  // Where row i's values come from (the scan, or the row re-read just before its turn).
  std::vector<const std::vector<Value>*> sources(rows.size(), nullptr);
  std::vector<std::vector<Value>> reread;
  if (per_row) reread.resize(rows.size());
  auto build = [&](size_t i, LoopRow* out) -> Result<bool> {
    const std::vector<Value>& scanned = rows[i];
    if (!t.is_view) {
      // UPDATE … FROM: a row joined several times is updated once.
      if (!d.from_text.empty() && !seen.insert(KeyOf(scanned, koff)).second) return false;
    }
    sources[i] = &scanned;
    if (per_row) {
      current.clear();
      std::vector<Value> key = KeyOf(scanned, koff);
      for (size_t k = 0; k < key.size(); ++k) BindOurs(plan_.current, k, key[k]);
      SPROCKET_RETURN_IF_ERROR(Materialize(plan_.current, &current));
      if (current.empty()) return false;  // deleted meanwhile
      reread[i] = std::move(current[0]);
      sources[i] = &reread[i];
    }
    const std::vector<Value>& row = *sources[i];
    out->old_row =
        runtime::RowData{t.columns, std::vector<Value>(row.begin() + static_cast<long>(koff),
                                                       row.begin() + static_cast<long>(koff + n))};
    out->new_row = out->old_row;
    for (size_t j = 0; j < assigned.size(); ++j) {
      int c = assigned[j].first;
      if (c >= 0) out->new_row.values[c] = WithAffinity(row[koff + n + j], t.affinity[c]);
    }
    out->before = out->new_row.values;
    return true;
  };
  auto write = [&](LoopRow& r) -> Status {
    runtime::RowData& new_row = r.new_row;
    if (t.is_view) {
      ++changes_;
      return ReturnFrom(new_row);
    }
    const std::vector<Value>& row = *sources[r.index];
    const Value* new_rowid = nullptr;
    for (size_t j = 0; j < assigned.size(); ++j) {
      if (assigned[j].first < 0) new_rowid = &row[koff + n + j];
    }
    std::vector<bool> mask = mask_base;
    for (size_t c = 0; c < n; ++c) {
      if (!(new_row.values[c] == r.before[c])) mask[c] = true;
      if (t.generated[c]) mask[c] = false;
    }
    if (new_rowid != nullptr) mask.push_back(true);
    return WriteUpdate(KeyOf(row, koff), new_row, mask, d.conflict, new_rowid);
  };
  // Rows re-read just before their turn (SET with subqueries) go one at a time.
  return ForEachRow(rows.size(), !per_row, build, write);
}

Status RowLoop::Delete() {
  const sql::DmlStatement& d = *plan_.dml;
  TriggerTable& t = *plan_.table;
  size_t n = t.columns->size();
  std::string key_columns = t.key.empty() ? "" : Alias() + "." + t.key + ", ";
  size_t koff = t.key.empty() ? 0 : 1;
  if (!plan_.source.ready()) {
    std::string sql = d.with_text.empty() ? "SELECT " : d.with_text + " SELECT ";
    sql += key_columns;
    for (size_t c = 0; c < n; ++c) {
      if (c) sql += ", ";
      sql += Alias() + "." + Q((*t.columns)[c]);
    }
    sql += " FROM " + Target();
    if (!d.indexed_text.empty()) sql += " " + d.indexed_text;
    if (!d.where_text.empty()) sql += " WHERE " + d.where_text;
    if (!d.order_by_text.empty()) sql += " ORDER BY " + d.order_by_text;
    if (!d.limit_text.empty()) sql += " LIMIT " + d.limit_text;
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.source, sql));
  }
  std::vector<std::vector<Value>> rows;
  SPROCKET_RETURN_IF_ERROR(Materialize(plan_.source, &rows));
  if (!t.is_view && !plan_.write.ready()) {
    std::string sql = "DELETE FROM " + Target() + " WHERE " + KeyMatch(0);
    if (!d.returning_text.empty()) sql += " RETURNING " + d.returning_text;
    SPROCKET_RETURN_IF_ERROR(Prepare(&plan_.write, sql));
  }
  if (!t.is_view) SetColumns(plan_.write);
  auto build = [&](size_t i, LoopRow* out) -> Result<bool> {
    const std::vector<Value>& row = rows[i];
    out->old_row =
        runtime::RowData{t.columns, std::vector<Value>(row.begin() + static_cast<long>(koff),
                                                       row.begin() + static_cast<long>(koff + n))};
    return true;
  };
  auto write = [&](LoopRow& r) -> Status {
    if (t.is_view) {
      ++changes_;
      return ReturnFrom(r.old_row);
    }
    std::vector<Value> key = KeyOf(rows[r.index], koff);
    for (size_t i = 0; i < key.size(); ++i) BindOurs(plan_.write, i, key[i]);
    SPROCKET_RETURN_IF_ERROR(BindUser(plan_.write));
    sqlite3_set_last_insert_rowid(engine_.db(), last_rowid_);
    return StepWrite(plan_.write, true);
  };
  return ForEachRow(rows.size(), true, build, write);
}

}  // namespace sprocket
