// Sprocket's C++ API: an embedded SQL database (SQLite underneath) whose functions and
// triggers are written in sandboxed guest languages.
//
//   auto db = sprocket::Database::Open("app.db", {});
//   if (!db.ok()) { ... db.status().message() ... }
//   auto session = (*db)->Connect();
//   auto rows = (*session)->Execute("SELECT add_tax(?1, 0.2)", {sprocket::Value(100.0)});
//
// Thread safety: a Database may be shared by any number of threads. A Session (one SQLite
// connection and its runtime state) must be used by one thread at a time; give each thread
// its own. A Statement belongs to its Session. A Database must outlive its Sessions and a
// Session its Statements.
#ifndef SPROCKET_SPROCKET_HPP_
#define SPROCKET_SPROCKET_HPP_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket {

enum class LogLevel { kDebug, kInfo, kWarn, kError };
const char* LogLevelName(LogLevel level);

struct Options {
  // Create the database file when it does not exist. When false, opening a missing file
  // fails with kNotFound.
  bool create_if_missing = true;
  // Open read-only: writes and catalog DDL fail.
  bool read_only = false;
  // How long a statement waits for another connection's lock before failing with kBusy.
  int busy_timeout_ms = 5000;
  // Capacity of the in-memory audit ring (sprocket_audit); the oldest events drop first.
  size_t max_audit_events = 10000;
  // How many warm function instances (for JavaScript: an isolate each) may wait idle for
  // reuse across the Database's sessions; the least recently used beyond this are freed.
  size_t max_warm_instances = 32;
  // The user name guests see as ctx.session.user.
  std::string user = "sprocket";
  // The languages functions may be written in, by name ("sql", "javascript"); empty: every
  // language of this build. A language's engine is loaded the first time it is used.
  std::vector<std::string> languages;
  // Receives guest log output (sprocket.log, console.*). When empty, it is discarded.
  // Called on the thread that runs the function; must be thread-safe.
  std::function<void(LogLevel, std::string_view function, std::string_view message)> log_sink;
};

// A message a statement raised besides its result, as PostgreSQL's NOTICE and WARNING:
// "function f(INTEGER) does not exist, skipping" for DROP FUNCTION IF EXISTS, or a
// setting that is accepted but has no effect yet.
struct Notice {
  std::string severity = "NOTICE";  // "NOTICE" or "WARNING"
  std::string message;
};

// The rows and counters of one executed statement.
struct ResultSet {
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  // Rows inserted, updated or deleted by the statement (sqlite3_changes64), 0 for queries.
  int64_t rows_affected = 0;
  int64_t last_insert_rowid = 0;
  // What the statement raised (Session::Execute: every statement of the script, in order).
  std::vector<Notice> notices;
};

class Session;
class Statement;
class DatabaseState;
class SessionImpl;

class Database {
 public:
  // Opens (or creates) the database at `path` ("" or ":memory:" for a private in-memory
  // database, which every Session of this Database shares). Sets WAL mode, foreign keys and
  // the busy timeout, and creates or checks the Sprocket catalog. Fails with kNotFound,
  // kIoError or kInvalidArgument (a file that is not a database, or a catalog of a newer
  // format).
  static Result<std::unique_ptr<Database>> Open(std::string_view path, Options options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // A new connection to this database.
  Result<std::unique_ptr<Session>> Connect();

  const std::string& path() const;
  const Options& options() const;

  // "SQLite 3.40.1", "V8 10.2.154.26-node.37", …: the engines this build links.
  static std::vector<std::string> EngineVersions();
  static const char* Version();  // Sprocket's own version, e.g. "0.1.0"

 private:
  explicit Database(std::unique_ptr<DatabaseState> state);
  std::unique_ptr<DatabaseState> state_;
};

class Session {
 public:
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs `sql`, which may hold several statements separated by ';', and returns the result
  // of the last one. `params` bind to ?, ?N, :name, @name or $name (in order of index) and
  // are allowed only when `sql` is a single statement. Stops at the first failing
  // statement; when the script holds several, the error names the statement's number.
  Result<ResultSet> Execute(std::string_view sql, const std::vector<Value>& params = {});

  // Runs every statement of `sql` in order, passing each one's result to `on_result`
  // (with its 1-based number and text). Stops at the first error, which is returned.
  Status ExecuteScript(std::string_view sql,
                       const std::function<void(int index, std::string_view statement,
                                                const ResultSet&)>& on_result);

  // Prepares one statement for repeated execution. Fails if `sql` holds more or fewer than
  // one statement.
  Result<std::unique_ptr<Statement>> Prepare(std::string_view sql);

  // True when no explicit transaction is open.
  bool autocommit() const;

  // Makes the statement this session is running fail soon with kCancelled ("interrupted"),
  // rolling back that statement. Safe to call from another thread or a signal handler;
  // does nothing when no statement is running.
  void Interrupt();

 private:
  friend class Database;
  explicit Session(std::unique_ptr<SessionImpl> impl);
  std::unique_ptr<SessionImpl> impl_;
};

// A prepared statement. Bind, then Step until it returns false; Reset to run it again.
class Statement {
 public:
  class Impl;
  explicit Statement(std::unique_ptr<Impl> impl);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  int parameter_count() const;
  // 1-based index of a named parameter (":x", "@x", "$x"), or 0 when there is none.
  int parameter_index(std::string_view name) const;
  // Binds `value` to the 1-based parameter `index`.
  Status Bind(int index, const Value& value);
  Status ClearBindings();

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  Status Reset();

  int column_count() const;
  std::string column_name(int column) const;
  // The current row's value in `column` (0-based). Valid after Step() returned true.
  Value column(int column) const;

  int64_t rows_affected() const;
  // The notices the statement's last run raised (valid once Step returned false).
  const std::vector<Notice>& notices() const;
  std::string_view sql() const;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace sprocket

#endif  // SPROCKET_SPROCKET_HPP_
