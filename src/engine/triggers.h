// The trigger engine (docs/design.md §3.2, §3.3): makes the catalog's triggers fire, with
// PostgreSQL's semantics, for every statement a session runs — the user's, and the SQL
// functions run through the host API.
//
// How rows reach triggers:
//  - AFTER ROW events and the rows of statement-level transition sets are captured inside
//    SQLite by TEMP triggers the engine installs on each connection ("_sprocket_N"; they
//    call the internal function _sprocket_row). SQLite fires those for every route a row
//    changes by — the statement itself, UPSERT, REPLACE, FOREIGN KEY actions — and
//    evaluates WHEN and UPDATE OF natively. The events are queued in the frame of the
//    statement in progress and fired, in row order, once the statement has written all
//    its rows. A table with only AFTER triggers keeps SQLite's native DML path.
//  - BEFORE ROW and INSTEAD OF triggers need the engine to own the row loop (row_loop.cc):
//    it computes the rows the statement would change with a SELECT built from the
//    statement's own clauses (sql/dml.h), calls the triggers per row and writes each
//    final row through a prepared statement.
//  - Statement-level triggers fire around the statement, with the captured rows.
// Nested statements (a trigger's own writes) get frames of their own, so their AFTER
// events complete within them, as in PostgreSQL.
#ifndef SPROCKET_ENGINE_TRIGGERS_H_
#define SPROCKET_ENGINE_TRIGGERS_H_

#include <sqlite3.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "catalog/records.h"
#include "common/function_ref.h"
#include "common/sqlite_util.h"
#include "common/strings.h"
#include "engine/guest_call.h"
#include "engine/table_shape.h"
#include "runtime/runtime.h"
#include "sprocket/sprocket.hpp"
#include "sql/dml.h"

namespace sprocket {

class SessionImpl;
struct FunctionSlot;
struct TriggerTable;
struct StatementPlan;

enum TriggerTimingIndex { kBeforeIdx = 0, kAfterIdx = 1, kInsteadIdx = 2 };
enum TriggerLevelIndex { kRowIdx = 0, kStatementIdx = 1 };

int OpIndex(sql::DmlOp op);
// An inline trigger's body as a function named after the trigger (docs/design.md §3.2).
catalog::FunctionRecord InlineTriggerFunction(const catalog::TriggerRecord& t);
const char* OpName(sql::DmlOp op);  // "INSERT", "UPDATE", "DELETE"
runtime::TriggerOp ToRuntimeOp(sql::DmlOp op);

// One catalog trigger as this session runs it.
struct TriggerSlot {
  const catalog::TriggerRecord* record = nullptr;  // in the session's snapshot
  TriggerTable* table = nullptr;
  FunctionSlot* function = nullptr;   // what it calls (an inline trigger's own slot)
  std::unique_ptr<FunctionSlot> own;  // inline triggers: their body, as a function
  std::unique_ptr<catalog::FunctionRecord> own_record;

  // The WHEN condition as a query with NEW/OLD columns as parameters (BEFORE and
  // INSTEAD OF triggers, whose rows the engine holds); prepared on first use.
  StmtPtr when_stmt;
  std::vector<int> when_columns;  // per parameter: column index, + ncols for OLD
  bool when_ready = false;

  // UPDATE OF columns (indexes into the table's columns), empty when not restricted.
  std::vector<int> update_of;
};

// A table or view with triggers, as this session sees its shape.
struct TriggerTable : TableShape {
  // Enabled triggers by [op][timing][level], each list in name order.
  std::vector<TriggerSlot*> lists[3][3][2];
  // Set when one of its TEMP triggers could not be installed (say a column its WHEN names
  // was dropped): statements on the table fail with it.
  Status install_error;

  const std::vector<TriggerSlot*>& Triggers(sql::DmlOp op, int timing, int level) const {
    return lists[OpIndex(op)][timing][level];
  }
};

// An AFTER ROW event queued in a frame. Its values are in the frame's value buffer from
// `at` on: OLD's columns (when the hook has OLD), then NEW's.
struct RowEvent {
  int hook = 0;
  size_t at = 0;
};

class TriggerEngine {
 public:
  static constexpr int kMaxDepth = 32;
  // A frame's event value buffer keeps its memory between statements up to this many
  // values (32 MiB): a session running large statements does not fault its pages in again
  // for each one.
  static constexpr size_t kKeptEventValues = (size_t{32} << 20) / sizeof(Value);

  explicit TriggerEngine(SessionImpl& session);
  ~TriggerEngine();

  // Registers the internal SQL functions on the session's connection.
  Status Open();

  // Takes the snapshot's triggers (called when the session's catalog snapshot changes).
  Status Apply(const catalog::CatalogSnapshot& snapshot);
  // The database schema may have changed (DDL, another connection, a rollback): check the
  // triggers' tables and the TEMP triggers before the next statement.
  void MarkStale() {
    stale_ = true;
    ++version_;
  }
  // Brings the TEMP triggers up to date when marked stale.
  Status Refresh();

  // True when any trigger exists: statements then run through Run.
  bool active() const { return !tables_.empty(); }

  // Whether a plain INSERT into `table` (no conflict clause, no expressions) can change no
  // row a trigger watches, so that it needs no Run: the table has no Sprocket triggers, no
  // SQLite triggers, and no REPLACE conflict clause (whose deletes could cascade to tables
  // with triggers). The answer holds while version() is unchanged.
  Result<bool> QuietInsert(std::string_view table);
  uint64_t version() const { return version_; }

  // Runs one statement that may change rows. `native` is the statement prepared by the
  // caller (as the user or the calling function, so the authorizer has checked it) with
  // `params` bound; `collect` runs it natively into `out` and maps its errors.
  Status Run(std::string_view sql, sqlite3_stmt* native, std::span<const Value> params,
             ResultSet* out, FunctionRef<Status(ResultSet*)> collect);

  // Gives the inline triggers' instances back to the pool (end of statement).
  void ReleaseInstances();
  // Merges the inline triggers' call statistics into the Database's.
  void FlushStats();

  // changes() as SQLite would report it had the statement's triggers been native: the
  // rows the last statement changed itself.
  void ClearChangesOverride() { changes_override_.reset(); }

  // Used by the row loop.
  SessionImpl& session() { return session_; }
  sqlite3* db() const;
  // Calls trigger `t` with `data` (depth filled in); its errors get the trigger as context
  // (an ErrorFrame). The depth limit is enforced here.
  Result<runtime::TriggerResult> Call(TriggerSlot& t, runtime::TriggerData& data);
  // The one trigger of `list` that fires for the event, when the rows can be handed to it
  // in batches (FireRowBatch): it has no WHEN condition and no transition tables, and no
  // other trigger of `list` fires. Null otherwise: fire row by row.
  static TriggerSlot* BatchTrigger(const std::vector<TriggerSlot*>& list, sql::DmlOp op,
                                   const std::vector<bool>* set_columns);
  // Fires row-level AFTER trigger `t` for the rows of `batch` (see runtime::TriggerBatch).
  Status FireRowBatch(TriggerSlot& t, sql::DmlOp op, runtime::TriggerWhen timing,
                      runtime::TriggerBatch& batch);
  // Fires BEFORE ROW (INSTEAD OF) trigger `t` for the rows of `before`: the rows it keeps
  // go to `writer` as they become final (runtime::BeforeRowBatch), the last ones after the
  // call.
  Status FireBeforeRowBatch(TriggerSlot& t, sql::DmlOp op, runtime::TriggerWhen timing,
                            runtime::BeforeRowBatch& before,
                            runtime::BeforeRowBatch::Writer& writer);
  // Whether `t`'s WHEN condition holds for the rows (true when it has none).
  Result<bool> When(TriggerSlot& t, const runtime::RowData* new_row,
                    const runtime::RowData* old_row);
  // Fires BEFORE ROW (or INSTEAD OF) triggers `list` in order for one row. Returns false
  // when one of them skipped the row; `row` is updated with what they returned.
  Result<bool> FireRowTriggers(const std::vector<TriggerSlot*>& list, sql::DmlOp op,
                               runtime::TriggerWhen timing, runtime::RowData* new_row,
                               const runtime::RowData* old_row,
                               const std::vector<bool>* set_columns, bool apply_results = true);
  // Fires the statement-level triggers of `table` for `op` and `timing`, with the rows
  // captured in the current frame for AFTER.
  Status FireStatementTriggers(TriggerTable& table, sql::DmlOp op, int timing,
                               const std::vector<bool>* set_columns);
  // The rows of `table` changed by `op` in the current statement (null for the set the
  // event has not: NEW of DELETE, OLD of INSERT).
  void TransitionSets(TriggerTable& table, sql::DmlOp op,
                      const std::vector<runtime::RowData>** new_rows,
                      const std::vector<runtime::RowData>** old_rows);
  // UPDATE OF: whether `t` fires for an update of `set_columns` (null: unknown, fires).
  static bool Listed(const TriggerSlot& t, sql::DmlOp op, const std::vector<bool>* set_columns);

 private:
  // What one TEMP trigger reports: the rows of one event on one table.
  struct Hook {
    TriggerTable* table = nullptr;
    const std::vector<TriggerSlot*>* after = nullptr;  // its AFTER ROW triggers
    bool capture = false;                              // keep the rows for AFTER STATEMENT triggers
    sql::DmlOp op = sql::DmlOp::kInsert;
    int ncols = 0;
    bool has_old = false;
    bool has_new = false;
  };
  // The hooks of a table whose rows come from SQLite's pre-update hook rather than a TEMP
  // trigger (rowid tables without generated columns: cheaper per row), by OpIndex.
  struct PreUpdateTable {
    std::string name;
    int hooks[3] = {-1, -1, -1};
  };
  struct Capture {
    TriggerTable* table = nullptr;
    sql::DmlOp op = sql::DmlOp::kInsert;
    std::vector<runtime::RowData> old_rows;
    std::vector<runtime::RowData> new_rows;
  };
  struct Frame {
    std::vector<RowEvent> events;
    // The events' values, one buffer for the statement (no allocation per row). Its memory
    // is kept for the next statement up to kKeptEventValues values.
    std::vector<Value> values;
    std::vector<Capture> captures;
    RowEvent partial;  // an event whose values arrive in several calls (wide tables)
    int partial_filled = -1;
    const StatementPlan* plan = nullptr;  // the statement the frame runs
  };
  friend class RowLoop;

  static void RowFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv);
  static void PreUpdate(void* self, sqlite3* db, int op, const char* db_name, const char* table,
                        sqlite3_int64 old_key, sqlite3_int64 new_key);
  void OnPreUpdate(int op, const char* db_name, const char* table);
  // Ends the event of hook `k` whose values were appended to the frame from `at` on.
  void FinishEvent(Frame& frame, int k, size_t at);
  static void ChangesFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv);
  void OnRow(int argc, sqlite3_value** argv);
  // Whether the rows of `table` can come from the pre-update hook.
  static bool UsesPreUpdate(const TriggerTable& table);

  Status LoadShape(TriggerTable& table);
  struct TempTrigger {
    TriggerTable* table = nullptr;
    std::string sql;  // CREATE TEMP TRIGGER …
  };
  // The TEMP triggers the current triggers and table shapes need (rebuilds hooks_).
  std::vector<TempTrigger> DesiredTempTriggers();
  Status InstallTempTriggers(const std::vector<TempTrigger>& wanted);
  void ClearPlans();
  void RememberPlan(std::string_view sql, const std::shared_ptr<StatementPlan>& plan);
  std::shared_ptr<StatementPlan> PlanFor(std::string_view sql);
  Status FireQueued(Frame& frame);
  Capture* CaptureFor(Frame& frame, TriggerTable* table, sql::DmlOp op);
  // Calls `t` through `call(instance, context)` with what every trigger call needs: the
  // depth limit, the instance, the guest scope, and the trigger's name on errors.
  Status Invoke(TriggerSlot& t, runtime::TriggerData& data, size_t rows, bool batch,
                GuestCallFn call);
  // The error context `t` adds: `trigger "t" on "orders"`.
  static ErrorFrame ContextOf(const TriggerSlot& t);
  Status RunInner(StatementPlan& plan, sqlite3_stmt* native, std::span<const Value> params,
                  ResultSet* out, FunctionRef<Status(ResultSet*)> collect);

  SessionImpl& session_;
  const catalog::CatalogSnapshot* snapshot_ = nullptr;
  std::vector<std::unique_ptr<TriggerSlot>> triggers_;
  std::map<std::string, std::unique_ptr<TriggerTable>> tables_;  // by lower-case name
  std::vector<Hook> hooks_;
  std::vector<PreUpdateTable> preupdate_tables_;
  // Whether the database's text is UTF-8; asked once, when pre-update hooks are first needed.
  std::optional<bool> utf8_;
  std::vector<std::string> installed_;  // TEMP trigger SQL as installed
  bool stale_ = true;
  uint64_t version_ = 0;  // changes whenever the triggers or the schema may have
  std::vector<std::unique_ptr<Frame>> frames_;  // by depth; kept between statements
  size_t depth_ = 0;  // frames in use (frames_ keeps its buffers between statements)
  std::vector<const TriggerSlot*> stack_;  // trigger calls in progress, outermost first
  uint64_t calls_ = 0;                     // trigger calls made, ever
  // By statement text; searched with the string_view a statement arrives as.
  std::unordered_map<std::string, std::shared_ptr<StatementPlan>, StringHash, std::equal_to<>>
      plans_;
  // The plans found last (their text is a key of plans_), checked before hashing.
  struct RecentPlan {
    std::string_view sql;
    std::shared_ptr<StatementPlan> plan;
  };
  std::array<RecentPlan, 2> recent_plans_;
  size_t next_recent_ = 0;
  struct ChangesOverride {
    int64_t changes = 0;
    int64_t total = 0;  // sqlite3_total_changes64 when it was set
  };
  std::optional<ChangesOverride> changes_override_;
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_TRIGGERS_H_
