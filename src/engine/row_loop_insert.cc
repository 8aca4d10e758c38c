// RowLoop::Insert: the rows of an INSERT (VALUES, SELECT, DEFAULT VALUES) computed before
// the first is written, given their defaults and affinity, run through the BEFORE ROW /
// INSTEAD OF triggers and written one by one — with ON CONFLICT DO UPDATE emulated when
// the engine owns the loop.
#include <algorithm>
#include <set>

#include "common/strings.h"
#include "engine/row_loop.h"
#include "engine/session_impl.h"
#include "engine/sql_rewrite.h"
#include "engine/table_shape.h"

namespace sprocket {

namespace {

std::string Q(std::string_view name) { return QuoteIdentifier(name); }

}  // namespace

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
      values += RowLoop::Param(c);
    }
    if (explicit_rowid >= 0) {
      columns += ", " + t.key;
      values += ", " + RowLoop::Param(n);
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
            row += RowLoop::Param(r * stride + c);
          }
          if (explicit_rowid >= 0) row += ", " + RowLoop::Param(r * stride + n);
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
      sql += Alias() + "." + Q((*t.columns)[conflict_columns[i]]) + " = " + RowLoop::Param(i);
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
      return std::optional<std::string>(RowLoop::Param(n + static_cast<size_t>(index)));
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

}  // namespace sprocket
