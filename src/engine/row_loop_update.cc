// RowLoop::Update and RowLoop::Delete: the rows a statement changes, selected with the
// statement's own clauses before the first is written, run through the BEFORE ROW /
// INSTEAD OF triggers, and written back by key.
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
      sets += Q((*t.columns)[c]) + " = " + RowLoop::Param(c);
    }
    if (mask.size() > n && mask[n]) {
      // SET rowid = …: the new rowid follows the key's parameters.
      sets += (sets.empty() ? "" : ", ") + t.key + " = " + RowLoop::Param(n + 1);
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
    auto tokens = sql::Tokenize(expression, {}, sql::Dialect::kSqlite);
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
