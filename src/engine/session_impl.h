// SessionImpl: one SQLite connection and everything Sprocket keeps beside it — the
// authorizer's principal stack, the functions registered from the catalog snapshot, their
// instances and prepared guest statements, and the statement dispatcher.
//
// Not thread-safe: one thread at a time (docs/design.md §2).
#ifndef SPROCKET_ENGINE_SESSION_IMPL_H_
#define SPROCKET_ENGINE_SESSION_IMPL_H_

#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "catalog/catalog.h"
#include "common/sqlite_util.h"
#include "common/strings.h"
#include "engine/database_state.h"
#include "engine/function_stats.h"
#include "engine/guest_call.h"
#include "runtime/cancel.h"
#include "runtime/runtime.h"
#include "security/authorizer.h"
#include "sprocket/sprocket.hpp"
#include "sql/ast.h"

namespace sprocket {

class HostApiImpl;
class TriggerEngine;

// Memoized results of an IMMUTABLE function (bounded). It switches itself off when the
// arguments rarely repeat, so that a function called with distinct values pays nothing.
struct Memo {
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxKeyBytes = 256;
  static constexpr uint64_t kProbeCalls = 256;  // calls before judging the hit rate
  std::unordered_map<std::string, Value> results;
  uint64_t lookups = 0;
  uint64_t hits = 0;
  bool disabled = false;
};

// A catalog function as this session runs it.
struct FunctionEntry {
  const catalog::FunctionRecord* record = nullptr;  // in the session's snapshot
  security::CapabilitySet capabilities;
  std::string fingerprint;  // definition + policy + grants: equal means unchanged
  std::shared_ptr<runtime::CompiledFunction> compiled;  // null when compiling failed
  uint64_t compiled_id = 0;                             // its id in the instance pool
  Status compile_error;
  // Not compiled yet (SessionImpl::EnsureCompiled compiles on first use, with `runtime`;
  // statistics count it under `stats_table` for an inline trigger).
  bool compile_pending = false;
  runtime::LanguageRuntime* runtime = nullptr;
  std::string stats_table;
  // The instance this session took from the pool for the statement in progress; given
  // back when the statement ends.
  std::unique_ptr<runtime::Instance> instance;
  Memo memo;  // IMMUTABLE functions only
  // Calls counted since the last statement ended (merged into the Database's statistics).
  CallStats stats;
  // Argument buffer reused by calls (no allocation per call), unless a call is in progress.
  std::vector<Value> args;
  bool args_in_use = false;
  // Guest statements prepared for this function, by SQL text.
  std::unordered_map<std::string, StmtPtr, StringHash, std::equal_to<>> statements;
  // Its latest one-row insert (HostApi::Insert), kept prepared: a trigger that logs each row
  // inserts into the same columns every call.
  struct RepeatInsert {
    std::string table;
    std::vector<std::string> columns;
    std::string sql;
    StmtPtr stmt;
    // TriggerEngine::QuietInsert for its table, as of the engine's version `quiet_version`.
    bool quiet = false;
    uint64_t quiet_version = ~uint64_t{0};
  } repeat_insert;
};

// What SQLite's function registration points at; outlives replacements of its entry so
// that re-creating a function with the same signature needs no re-registration.
struct FunctionSlot {
  class SessionImpl* session = nullptr;
  std::string name;
  int arity = 0;
  bool deterministic = false;
  std::unique_ptr<FunctionEntry> entry;  // null once dropped
};

class SessionImpl {
 public:
  explicit SessionImpl(DatabaseState& state);
  ~SessionImpl();

  Status Open();

  Result<ResultSet> Execute(std::string_view sql, const std::vector<Value>& params);
  Status ExecuteScript(
      std::string_view sql,
      const std::function<void(int, std::string_view, const ResultSet&)>& on_result);
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql);

  // Runs one parsed statement to completion (a StatementRunner's RunToEnd).
  Status Run(const sql::ParsedStatement& statement, const std::vector<Value>& params,
             ResultSet* out);

  // Brings the registered functions up to the catalog's current version.
  Status SyncCatalog();
  // What every statement does first (Execute and prepared Statements alike): inside an
  // explicit transaction that has not read yet, a writing statement takes the write lock
  // (waiting for it, as SQLite does) before anything reads; then SyncCatalog.
  Status BeginStatement(const sql::ParsedStatement& statement);

  // True when `name` is a table function registered on this connection.
  bool IsTableFunction(std::string_view name) const;

  // Gives the instances taken for the last statement back to the Database's pool, and
  // merges the calls counted into the Database's statistics.
  void ReleaseInstances();
  // Gives `entry`'s instance back to the pool (noting its memory in the statistics).
  void ReleaseInstance(FunctionEntry& entry, const std::string& table = "");
  // Merges the calls this session counted into the Database's statistics now (they are
  // at the end of every statement anyway).
  void FlushStats();
  // Drops `entry`'s instance, which a call left unusable.
  void DiscardInstance(FunctionEntry& entry);

  // The statement's cancel request: Session::Interrupt raises it (from any thread); it is
  // forgotten when the next statement starts.
  runtime::CancelToken& cancel() { return cancel_; }
  // Told of every guest call (engine/guest_call.h).
  GuestCallObserver& call_observer() { return *call_observer_; }

  // Whether `statement` may call functions (then it runs in a savepoint, so that what the
  // functions write is undone with the statement when it fails).
  bool MayRunFunctions(const sql::ParsedStatement& statement) const;

  // How a plain SQL statement runs, decided in this one place for Session::Execute and
  // prepared Statements: with its catalog change in one savepoint (`follows`: DROP or
  // RENAME of a table with triggers), in the statement savepoint (`guarded`: it may call
  // functions). Marks the trigger engine stale for DDL and transaction control. Fails
  // for a rename onto a table function's name.
  struct PlainPlan {
    bool follows = false;
    bool guarded = false;
  };
  Result<PlainPlan> PlanPlain(const sql::ParsedStatement& statement);
  // Whether the prepared `stmt` must run through the trigger engine (it writes, and
  // triggers exist) rather than be stepped by SQLite alone.
  bool RunsThroughTriggers(sqlite3_stmt* stmt) const;
  Status BeginStatementSavepoint();
  // Releases the savepoint when `status` is OK, else rolls back to it; returns `status`.
  // When the rollback itself fails, it is retried before the next statement
  // (FinishPendingRollback): half a statement is never released.
  Status EndStatementSavepoint(Status status);
  Status FinishPendingRollback();

  sqlite3* db() const { return db_; }
  DatabaseState& state() { return state_; }
  const catalog::CatalogSnapshot& snapshot() const { return *snapshot_; }
  bool autocommit() const { return sqlite3_get_autocommit(db_) != 0; }
  // Inside an explicit transaction that has not read or written anything yet.
  bool TransactionUnread() const {
    return !autocommit() && sqlite3_txn_state(db_, "main") == SQLITE_TXN_NONE;
  }

  // --- authorizer principals -------------------------------------------------------
  // While an EngineScope lives, SQL prepared on this connection is the engine's own.
  class EngineScope {
   public:
    explicit EngineScope(SessionImpl& s) : s_(s) { s_.frames_.push_back(nullptr); }
    ~EngineScope() { s_.frames_.pop_back(); }
    EngineScope(const EngineScope&) = delete;
    EngineScope& operator=(const EngineScope&) = delete;

   private:
    SessionImpl& s_;
  };
  // A guest call in progress, as the progress handler sees it.
  struct GuestCall {
    const runtime::CallContext* context = nullptr;
    int64_t cpu_limit_ns = 0;   // set with cpu_start_ns
    int64_t cpu_start_ns = -1;  // the thread's CPU time when first seen, -1 before
    bool over_limit = false;
    // A BEFORE ROW batch the call is running: its final rows are written before the
    // guest's next database access (FlushGuestBatch).
    runtime::BeforeRowBatch* batch = nullptr;
    runtime::BeforeRowBatch::Writer* batch_writer = nullptr;
    size_t log_bytes = 0;  // what the call has written to the log (HostApiImpl::Log)
  };
  // The innermost guest call, or null outside guest calls.
  GuestCall* current_call() { return calls_.empty() ? nullptr : &calls_.back(); }

  // While a GuestScope lives, SQL is prepared for the function of `slot`, running the
  // call `context`.
  class GuestScope {
   public:
    GuestScope(SessionImpl& s, FunctionSlot* slot, const runtime::CallContext* context);
    ~GuestScope() {
      --s_.guest_depth_;
      s_.calls_.pop_back();
      s_.frames_.pop_back();
    }
    GuestScope(const GuestScope&) = delete;
    GuestScope& operator=(const GuestScope&) = delete;

    // True when the engine stopped the call's SQL for exceeding its CPU time (runtimes
    // without a watchdog of their own); LimitStatus() is then the call's error.
    bool over_limit() const { return s_.calls_[index_].over_limit; }
    Status LimitStatus() const;

   private:
    SessionImpl& s_;
    size_t index_;
  };
  // The function whose SQL is being prepared, or nullptr for the user or the engine.
  FunctionSlot* current_guest() const;
  // The innermost guest call runs `batch` (runtime::BeforeRowBatch): rows go to `writer`.
  void AttachBatch(runtime::BeforeRowBatch* batch, runtime::BeforeRowBatch::Writer* writer);
  // Before the innermost guest call reaches the database: writes the rows of its batch
  // that it reported final. Called by the host API.
  Status FlushGuestBatch();

  // Prepares `sql` for the current principal, turning an authorizer refusal into a
  // kPermissionDenied Status with its message (and auditing guest refusals).
  Result<StmtPtr> PrepareChecked(std::string_view sql, sql::Position position = {});
  // The Status for a failed SQLite call on this connection: keeps the message and code of
  // a function error raised inside the statement, positions syntax errors.
  Status ErrorFor(int rc, std::string_view sql = {}, sql::Position position = {});

  // Records a function failure so the statement that called it fails with its Status.
  void SetFunctionError(const Status& status) { function_error_ = status; }
  void ClearFunctionError() { function_error_.reset(); }

  // Raises a notice for the statement in progress (ResultSet::notices).
  void AddNotice(std::string message, std::string severity = "NOTICE") {
    notices_.push_back(sprocket::Notice{std::move(severity), std::move(message)});
  }

  void RecordAudit(std::string event, std::string subject, std::string capability,
                   std::string target, std::string detail);

  bool in_call() const { return in_call_; }

  // Functions calling functions nest native stack frames (SQLite's VDBE, the runtime);
  // past this depth a call fails instead of overflowing the stack.
  static constexpr int kMaxCallDepth = 64;
  // OK, or the error for a call that would exceed kMaxCallDepth or leave too little
  // native stack (CheckStack).
  Status CheckCallDepth(std::string_view function) const;
  // OK while the thread has more than half of NativeStackReserve() left.
  Status CheckStack(std::string_view function) const;
  HostApiImpl& host() { return *host_; }
  TriggerEngine& triggers() { return *triggers_; }

  // The function registered under `name` (case-insensitive), or nullptr.
  FunctionSlot* FindSlot(std::string_view name) const;
  // A session entry for `record` running with `capabilities`: compiled through the L2
  // cache (a failure is kept in the entry and reported when it is called).
  // Compiles `entry` if it is not yet (through the L2 cache); its compile error if that
  // failed.
  Status EnsureCompiled(FunctionEntry& entry);
  std::unique_ptr<FunctionEntry> MakeEntry(const catalog::FunctionRecord* record,
                                           security::CapabilitySet capabilities,
                                           const std::string& stats_table = "");

 private:
  friend class Ddl;
  // Whether a table of that name exists in a schema of the connection (the authorizer's
  // question for count(*) reads; see security::AuthRequest::no_such_table).
  bool NamesTable(const char* name) const;
  static int Authorize(void* self, int action, const char* a1, const char* a2, const char* db,
                       const char* inner);
  // SQLite's progress handler: interrupts SQL run for a guest call that must stop.
  static int Progress(void* self);

  friend class StatementRunner;
  // Runs a statement that does not stream (StatementRunner): Sprocket DDL, CALL, plain
  // statements other than Streamable() ones.
  Status RunWhole(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                  ResultSet* out);
  // A plain statement prepared for the current principal, `params` bound.
  Result<StmtPtr> PreparePlain(const sql::ParsedStatement& statement,
                               const std::vector<Value>& params);
  // Runs the prepared plain `stmt` whole into `out`: through the trigger engine when it
  // must (RunsThroughTriggers), else stepped to the end.
  Status ExecutePlain(const sql::ParsedStatement& statement, sqlite3_stmt* stmt,
                      const std::vector<Value>& params, ResultSet* out);
  Status ApplySnapshot(std::shared_ptr<const catalog::CatalogSnapshot> snapshot);
  // SyncCatalog without the trigger engine's refresh.
  Status SyncSnapshot();
  Status RegisterSlot(FunctionSlot* slot, bool remove);
  Status RunPlain(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                  ResultSet* out);
  Status RunCall(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                 ResultSet* out);
  // Runs `body` inside a savepoint: released on success, rolled back on failure.
  Status Atomically(const std::function<Status()>& body);
  // Runs SAVEPOINT (0), RELEASE (1) or ROLLBACK TO (2) _sprocket_statement.
  Status RunSavepointStatement(int which);
  // ROLLBACK TO and RELEASE of the statement savepoint; false when the rollback failed.
  bool RollBackStatement();
  // Marks the catalog changed by this session: check the token before every statement
  // until the transaction ends.
  void CatalogChanged() { catalog_pending_ = true; }

  DatabaseState& state_;
  sqlite3* db_ = nullptr;
  std::unique_ptr<HostApiImpl> host_;
  std::unique_ptr<TriggerEngine> triggers_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_;
  std::map<std::string, std::unique_ptr<FunctionSlot>> slots_;  // by lower-case name
  std::vector<std::string> table_modules_;                      // lower-case names, sorted
  std::vector<FunctionSlot*> frames_;             // authorizer principals; nullptr = engine
  std::vector<GuestCall> calls_;                  // the guest calls in progress
  std::optional<security::AuthDecision> denial_;  // the authorizer's latest refusal
  std::optional<Status> function_error_;
  runtime::CancelToken cancel_;
  StatsObserver stats_observer_;
  GuestCallObserver* call_observer_ = &stats_observer_;
  std::vector<sprocket::Notice> notices_;  // raised by the statement in progress
  StmtPtr data_version_stmt_;
  StmtPtr write_lock_stmt_;     // a write that changes nothing (BeginStatement)
  StmtPtr savepoint_stmts_[3];  // SAVEPOINT, RELEASE, ROLLBACK TO _sprocket_statement
  int64_t data_version_ = -1;
  bool catalog_pending_ = true;
  bool rollback_pending_ = false;  // a failed statement could not be rolled back yet
  bool in_call_ = false;
  int guest_depth_ = 0;
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_SESSION_IMPL_H_
