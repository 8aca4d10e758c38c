// The row loop the trigger engine owns for statements on tables with BEFORE ROW triggers
// and views with INSTEAD OF triggers (docs/design.md §3.3). Internal to the engine.
#ifndef SPROCKET_ENGINE_ROW_LOOP_H_
#define SPROCKET_ENGINE_ROW_LOOP_H_

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/sql_rewrite.h"
#include "engine/triggers.h"
#include "sql/lexer.h"

namespace sprocket {

// A statement the engine derived from the user's: its own values are bound by the names
// :_sp0, :_sp1, …, the user's numbered parameters by :_spuN (see NumberParameters) and
// named ones by their name in the original.
struct DerivedStatement {
  StmtPtr stmt;
  std::vector<int> ours;                  // parameter index of :_spK, 0 when absent
  std::vector<std::pair<int, int>> user;  // (index here, index in the user's statement)
  bool ready() const { return stmt != nullptr; }
};

// How one statement text runs (cached by text until the triggers change).
struct StatementPlan {
  TriggerTable* table = nullptr;  // the target, when it has triggers
  sql::DmlOp op = sql::DmlOp::kInsert;
  bool own_loop = false;        // BEFORE ROW / INSTEAD OF triggers: the engine writes rows
  bool upsert_update = false;   // INSERT … ON CONFLICT DO UPDATE: UPDATE triggers fire too
  bool emulate_upsert = false;  // … and BEFORE UPDATE ROW triggers: the engine resolves it
  Status error;                 // why the own loop cannot run this statement
  std::string text;             // the statement with every bare ? numbered
  std::optional<sql::DmlStatement> dml;
  std::vector<bool> set_columns;  // UPDATE (or the upsert's DO UPDATE): columns assigned
  bool knows_set_columns = false;

  // Statements prepared on first use and reused by later executions. None is left busy
  // while guest code runs, so a trigger may run the same statement again (recursion).
  DerivedStatement source;         // the rows to insert / the rows to change
  DerivedStatement defaults;       // INSERT: the omitted columns' defaults
  bool volatile_defaults = false;  // evaluate them per row
  DerivedStatement write;          // INSERT / DELETE: the per-row write
  DerivedStatement returning;      // views: RETURNING over the trigger's row
  DerivedStatement conflict;       // emulated upsert: the conflicting row
  DerivedStatement current;        // UPDATE with subqueries in SET: a row as it is now
  DerivedStatement upsert_new;     // emulated upsert: NEW from DO UPDATE SET
  std::map<std::vector<bool>, DerivedStatement> updates;  // UPDATE writes by column set
  std::map<size_t, DerivedStatement> inserts;  // INSERT: the write of N rows at once, by N
};

// Runs one execution of a plan that needs the own loop.
class RowLoop {
 public:
  RowLoop(TriggerEngine& engine, StatementPlan& plan, sqlite3_stmt* native,
          std::span<const Value> params, ResultSet* out)
      : engine_(engine), plan_(plan), native_(native), params_(params), out_(out) {}

  Status Run();

 private:
  // The engine's own parameter k of a derived statement: :_spk.
  static std::string Param(size_t k) { return ":_sp" + std::to_string(k); }
  // SET (a, b) = (x) — SQLite's own words for it.
  static Status RowValueCountError(const sql::Assignment& a);

  Status Insert();  // row_loop_insert.cc
  Status Update();  // row_loop_update.cc
  Status Delete();  // row_loop_update.cc

  // One row of the loop: NEW and OLD as the triggers get them.
  struct LoopRow {
    size_t index = 0;  // in the statement's rows
    runtime::RowData new_row;
    runtime::RowData old_row;
    std::vector<Value> before;  // UPDATE: NEW before the triggers changed it
  };
  // Fills row `index` of `count`; false leaves it out.
  using BuildRow = std::function<Result<bool>(size_t index, LoopRow* row)>;
  // Writes a row the triggers kept.
  using WriteRow = std::function<Status(LoopRow& row)>;
  // Fires the BEFORE ROW (INSTEAD OF) triggers of the plan's operation for each row and
  // writes the rows they keep: row by row, or, when `batchable` and one trigger fires,
  // in batches (a row is still written before a later row's trigger reaches the
  // database; see runtime::TriggerBatch).
  // Writes several rows the triggers kept, in order (when set, used for batches).
  using WriteRows = std::function<Status(std::span<LoopRow*> rows)>;
  Status ForEachRow(size_t count, bool batchable, const BuildRow& build, const WriteRow& write,
                    const WriteRows& write_many = nullptr);

  Status Prepare(DerivedStatement* d, const std::string& sql);
  // Binds the user's parameters of `d`.
  Status BindUser(DerivedStatement& d);
  void BindOurs(DerivedStatement& d, size_t k, const Value& v);
  // Steps `d` to the end (then resets it), appending its rows to `rows`.
  Status Drain(DerivedStatement& d, std::vector<std::vector<Value>>* rows);
  // Drain into out_ (RETURNING), counting the rows the statement changed.
  Status StepWrite(DerivedStatement& d, bool count_changes);
  // Views: RETURNING evaluated over `row` (the INSTEAD OF trigger's), prepared first.
  Status PrepareViewReturning();
  Status ReturnFrom(const runtime::RowData& row);
  // The per-row UPDATE assigning the columns of `mask` (prepared on first use).
  Result<DerivedStatement*> UpdateStatement(const std::vector<bool>& mask,
                                            const std::string& conflict);
  // Writes `new_row`'s columns in `mask` (and, when mask has an extra true, `rowid`).
  Status WriteUpdate(const std::vector<Value>& key, const runtime::RowData& new_row,
                     const std::vector<bool>& mask, const std::string& conflict,
                     const Value* rowid = nullptr);
  // Runs a query to the end into `rows` (user parameters bound).
  Status Materialize(DerivedStatement& d, std::vector<std::vector<Value>>* rows);
  // The result's column names are those of `d` (RETURNING), once.
  void SetColumns(DerivedStatement& d);
  Status EmulatedUpsert(runtime::RowData& proposed, bool* handled);
  Status ErrorFor(int rc);
  std::string Target() const;  // "main"."t" AS "alias"
  std::string Alias() const;
  std::string KeyMatch(size_t first_param) const;  // alias.rowid = :_spN …
  std::vector<Value> KeyOf(const std::vector<Value>& row, size_t offset) const;

  TriggerEngine& engine_;
  StatementPlan& plan_;
  sqlite3_stmt* native_;
  std::span<const Value> params_;
  ResultSet* out_;
  int64_t changes_ = 0;
  int64_t last_rowid_ = 0;  // last_insert_rowid() as the statement leaves it
  bool columns_set_ = false;
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_ROW_LOOP_H_
