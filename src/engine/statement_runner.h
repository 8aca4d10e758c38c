// StatementRunner: the one way a statement runs, from start to end. Session::Execute (and
// ExecuteScript) and prepared Statements — which the server's extended protocol will use —
// start, step and finish every statement here, so that what a statement needs is decided
// in one place:
//
//   Start   the previous statement's pending rollback, notices and cancel request cleared;
//           the write lock inside BEGIN; the catalog synced (SessionImpl::BeginStatement);
//           the route: plain SQL SQLite can step alone streams (in the statement savepoint
//           when it may call functions); a change the trigger engine must run, Sprocket
//           DDL, CALL and DDL the catalog follows run whole, their rows kept in memory;
//   Step    one row at a time (SQLite's, or the kept ones);
//   Finish  the savepoint released or rolled back, a failed rollback retried, a cancelled
//           statement's error made kCancelled, the function instances given back, the
//           statement's notices collected.
#ifndef SPROCKET_ENGINE_STATEMENT_RUNNER_H_
#define SPROCKET_ENGINE_STATEMENT_RUNNER_H_

#include <sqlite3.h>

#include <string>
#include <vector>

#include "common/sqlite_util.h"
#include "sprocket/sprocket.hpp"
#include "sql/ast.h"

namespace sprocket {

class SessionImpl;

class StatementRunner {
 public:
  explicit StatementRunner(SessionImpl& session) : session_(session) {}
  ~StatementRunner();  // finishes a run still in progress (as Finish(Ok))
  StatementRunner(const StatementRunner&) = delete;
  StatementRunner& operator=(const StatementRunner&) = delete;

  // Starts `statement` (borrowed until the run ends) with `params`. `prepared`: the
  // statement's sqlite3_stmt with the parameters bound (a prepared Statement's), or null
  // to prepare and bind here. On failure the run is over.
  Status Start(const sql::ParsedStatement& statement, const std::vector<Value>& params,
               sqlite3_stmt* prepared = nullptr);
  // The next row: true when there is one (column() reads it), false at the end, when the
  // run has finished. Errors end the run too.
  Result<bool> Step();
  // Ends the run with `status` (early: the rest is not run); returns what the statement
  // returns. Does nothing when no run is in progress.
  Status Finish(Status status);
  // Runs `statement` to the end, its rows, counts and notices into `out`.
  Status RunToEnd(const sql::ParsedStatement& statement, const std::vector<Value>& params,
                  ResultSet* out);

  // Forgets a finished run's rows (Finish first when one is in progress); its counts and
  // notices stay readable until the next run starts.
  void Clear() {
    if (!running_) {
      result_.rows.clear();
      result_.columns.clear();
      materialized_ = false;
      next_row_ = 0;
    }
  }
  bool running() const { return running_; }
  // Rows are served from memory (the statement ran whole), not from a sqlite3_stmt.
  bool materialized() const { return materialized_; }
  int column_count() const;
  std::string column_name(int column) const;
  Value column(int column) const;  // of the row Step returned
  // The statement's rows affected, last rowid and notices once it has finished.
  const ResultSet& result() const { return result_; }

 private:
  Status Begin(const sql::ParsedStatement& statement, const std::vector<Value>& params,
               sqlite3_stmt* prepared);

  SessionImpl& session_;
  const sql::ParsedStatement* statement_ = nullptr;
  StmtPtr own_;                   // prepared here
  sqlite3_stmt* stmt_ = nullptr;  // own_ or the caller's: stepped while streaming
  ResultSet result_;              // materialized rows; counts and notices at the end
  size_t next_row_ = 0;           // materialized rows served
  bool running_ = false;
  bool materialized_ = false;
  bool guarded_ = false;  // in the statement savepoint
};

// Whether `statement` can stream: plain SQL that SQLite runs (not DDL the catalog follows,
// not transaction control).
bool Streamable(const sql::ParsedStatement& statement);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_STATEMENT_RUNNER_H_
