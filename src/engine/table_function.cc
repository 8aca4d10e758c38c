#include "engine/table_function.h"

#include <algorithm>
#include <memory>

#include "common/strings.h"
#include "engine/function_bridge.h"
#include "engine/guest_call.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "runtime/types.h"

namespace sprocket {

namespace {

struct Table {
  sqlite3_vtab base;  // first: SQLite casts between the two
  FunctionSlot* slot;
  size_t result_columns;
};

struct Cursor {
  sqlite3_vtab_cursor base;  // first
  std::vector<Value> args;
  runtime::Rows rows;
  size_t at = 0;
};

Table* AsTable(sqlite3_vtab* v) { return reinterpret_cast<Table*>(v); }
Cursor* AsCursor(sqlite3_vtab_cursor* c) { return reinterpret_cast<Cursor*>(c); }

// The result columns: RETURNS TABLE's, or for SETOF one column named after the function.
std::vector<runtime::Param> ResultColumns(const runtime::FunctionDef& def) {
  if (!def.return_columns.empty()) return def.return_columns;
  return {{def.name, def.return_declared, def.return_type}};
}

int Connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char** err) {
  auto* slot = static_cast<FunctionSlot*>(aux);
  if (slot->entry == nullptr) {
    *err = sqlite3_mprintf("function \"%s\" does not exist", slot->name.c_str());
    return SQLITE_ERROR;
  }
  const runtime::FunctionDef& def = slot->entry->record->def;
  std::vector<runtime::Param> columns = ResultColumns(def);
  std::string schema = "CREATE TABLE x(";
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) schema += ", ";
    schema += QuoteIdentifier(columns[i].name) + " " + columns[i].declared_type;
  }
  for (size_t i = 0; i < def.params.size(); ++i) {
    schema += ", " + QuoteIdentifier("$arg" + std::to_string(i + 1)) + " HIDDEN";
  }
  schema += ")";
  int rc = sqlite3_declare_vtab(db, schema.c_str());
  if (rc != SQLITE_OK) return rc;
  auto table = std::make_unique<Table>();
  table->slot = slot;
  table->result_columns = columns.size();
  *out = &table.release()->base;  // owned by SQLite until Disconnect
  return SQLITE_OK;
}

int Disconnect(sqlite3_vtab* vtab) {
  std::unique_ptr<Table> owned(AsTable(vtab));
  return SQLITE_OK;
}

// Each argument is an equality constraint on its hidden column; idxNum has a bit per
// argument that was given.
int BestIndex(sqlite3_vtab* vtab, sqlite3_index_info* info) {
  Table* table = AsTable(vtab);
  int given = 0;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    int arg = c.iColumn - static_cast<int>(table->result_columns);
    if (arg < 0 || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (!c.usable) return SQLITE_CONSTRAINT;  // try a plan where the argument is known
    info->aConstraintUsage[i].argvIndex = arg + 1;
    info->aConstraintUsage[i].omit = 1;
    given |= 1 << arg;
  }
  info->idxNum = given;
  info->estimatedCost = 1000;
  info->estimatedRows = 1000;
  return SQLITE_OK;
}

int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto cursor = std::make_unique<Cursor>();
  *out = &cursor.release()->base;  // owned by SQLite until Close
  return SQLITE_OK;
}

int Close(sqlite3_vtab_cursor* cur) {
  std::unique_ptr<Cursor> owned(AsCursor(cur));
  return SQLITE_OK;
}

int Fail(sqlite3_vtab* vtab, SessionImpl& session, const Status& status) {
  session.SetFunctionError(status);
  sqlite3_free(vtab->zErrMsg);
  vtab->zErrMsg = sqlite3_mprintf("%s", status.message().c_str());
  return SQLITE_ERROR;
}

int Filter(sqlite3_vtab_cursor* cur, int given, const char*, int argc, sqlite3_value** argv) {
  Cursor* cursor = AsCursor(cur);
  Table* table = AsTable(cur->pVtab);
  FunctionSlot* slot = table->slot;
  SessionImpl& session = *slot->session;
  cursor->rows.clear();
  cursor->at = 0;
  if (slot->entry == nullptr) {
    return Fail(cur->pVtab, session,
                Status(StatusCode::kNotFound, "function \"" + slot->name + "\" does not exist"));
  }
  FunctionEntry& entry = *slot->entry;
  const runtime::FunctionDef& def = entry.record->def;
  std::string name = QuoteIdentifier(def.name);
  int want = static_cast<int>(def.params.size());
  if (given != (1 << want) - 1) {
    return Fail(cur->pVtab, session,
                Status(
                    StatusCode::kInvalidArgument,
                    "function " + name + " takes " + std::to_string(want) + " argument" +
                        (want == 1 ? "" : "s") + ": " + def.name + "(" +
                        [&] {
                          std::vector<std::string> p;
                          for (const auto& param : def.params) {
                            p.push_back(param.name.empty()
                                            ? param.declared_type
                                            : param.name + " " + param.declared_type);
                          }
                          return Join(p, ", ");
                        }() +
                        ")"));
  }
  bool strict_null = false;
  if (Status st = ConvertArguments(def, argc, argv, &cursor->args, &strict_null); !st.ok()) {
    return Fail(cur->pVtab, session, st);
  }
  if (strict_null) return SQLITE_OK;  // STRICT: no rows
  Result<runtime::Rows> rows = runtime::Rows();
  Status status = CallGuest(session, *slot, GuestCallKind::kTable, 1,
                            [&](runtime::Instance& instance, runtime::CallContext& context) {
                              rows = instance.CallTable(context, cursor->args);
                              return rows.status();
                            });
  if (!status.ok()) return Fail(cur->pVtab, session, status);
  std::vector<runtime::Param> columns = ResultColumns(def);
  for (std::vector<Value>& row : *rows) {
    if (row.size() != columns.size()) {
      return Fail(cur->pVtab, session,
                  Status(StatusCode::kInvalidArgument,
                         "function " + name + " returned a row of " + std::to_string(row.size()) +
                             " values, but it returns " + std::to_string(columns.size()) +
                             " column" + (columns.size() == 1 ? "" : "s")));
    }
    for (size_t c = 0; c < row.size(); ++c) {
      auto converted = runtime::ConvertToDeclared(row[c], columns[c].type);
      if (!converted.ok()) {
        return Fail(cur->pVtab, session,
                    Status(StatusCode::kInvalidArgument,
                           "function " + name + " column " + QuoteIdentifier(columns[c].name) +
                               " must be " + columns[c].declared_type + ": " +
                               converted.status().message()));
      }
      row[c] = std::move(*converted);
    }
  }
  cursor->rows = std::move(*rows);
  return SQLITE_OK;
}

int Next(sqlite3_vtab_cursor* cur) {
  AsCursor(cur)->at++;
  return SQLITE_OK;
}

int Eof(sqlite3_vtab_cursor* cur) {
  Cursor* cursor = AsCursor(cur);
  return cursor->at >= cursor->rows.size();
}

int Column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int column) {
  Cursor* cursor = AsCursor(cur);
  size_t results = AsTable(cur->pVtab)->result_columns;
  if (static_cast<size_t>(column) < results) {
    ResultValue(ctx, cursor->rows[cursor->at][column]);
  } else if (static_cast<size_t>(column) - results < cursor->args.size()) {
    ResultValue(ctx, cursor->args[column - results]);
  } else {
    sqlite3_result_null(ctx);
  }
  return SQLITE_OK;
}

int Rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(AsCursor(cur)->at) + 1;
  return SQLITE_OK;
}

const sqlite3_module kModule = {
    /*iVersion=*/0,
    /*xCreate=*/nullptr,  // eponymous only: no CREATE VIRTUAL TABLE
    Connect,
    BestIndex,
    Disconnect,
    /*xDestroy=*/nullptr,
    Open,
    Close,
    Filter,
    Next,
    Eof,
    Column,
    Rowid,
};

}  // namespace

int RegisterTableFunction(sqlite3* db, FunctionSlot* slot) {
  return sqlite3_create_module_v2(db, slot->name.c_str(), &kModule, slot, nullptr);
}

int DropTableFunctions(sqlite3* db, const std::vector<std::string>& names) {
  if (names.empty()) return SQLITE_OK;
  // sqlite3_drop_modules drops every module it is not told to keep: keep all but `names`
  // (SQLite's own — fts5, rtree, json_each, … — and Sprocket's virtual tables included).
  sqlite3_stmt* list = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_module_list", -1, &list, nullptr);
  if (rc != SQLITE_OK) return rc;
  std::vector<std::string> keep;
  while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
    const char* name = reinterpret_cast<const char*>(sqlite3_column_text(list, 0));
    if (name == nullptr) continue;
    bool dropped = std::any_of(names.begin(), names.end(),
                               [&](const std::string& n) { return EqualsIgnoreCase(n, name); });
    if (!dropped) keep.emplace_back(name);
  }
  sqlite3_finalize(list);
  if (rc != SQLITE_DONE) return rc;
  std::vector<const char*> pointers;
  for (const std::string& k : keep) pointers.push_back(k.c_str());
  pointers.push_back(nullptr);
  return sqlite3_drop_modules(db, pointers.data());
}

}  // namespace sprocket
