// Thin RAII and conversion helpers over SQLite's C API, shared by the catalog and the engine.
#ifndef SPROCKET_COMMON_SQLITE_UTIL_H_
#define SPROCKET_COMMON_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/value_size.h"
#include "sprocket/sprocket.hpp"
#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket {

struct StmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

// Maps a SQLite result code to a StatusCode.
StatusCode StatusCodeFromSqlite(int rc);

// A Status for the connection's last error (sqlite3_errmsg), code mapped from `rc`.
Status SqliteError(sqlite3* db, int rc);

// Prepares exactly one statement (trailing whitespace allowed).
Result<StmtPtr> PrepareOne(sqlite3* db, std::string_view sql);

// Binds `value` to 1-based `index`.
int BindValue(sqlite3_stmt* stmt, int index, const Value& value);
// The same without copying text and blobs: `value` must stay alive and unchanged until the
// statement is stepped for the last time with this binding (and is reset or rebound).
int BindValueNoCopy(sqlite3_stmt* stmt, int index, const Value& value);

// The value of `column` of the current row.
Value ColumnValue(sqlite3_stmt* stmt, int column);
// Sets a user-defined function's (or virtual table column's) result.
void ResultValue(sqlite3_context* ctx, const Value& value);

// A value passed to a user-defined function.
// `value` as a Value. `utf8`: its text is known to be UTF-8 (a function's argument
// registered as SQLITE_UTF8, a record of a UTF-8 database), so its bytes are read as they
// are, without SQLite copying them to add a terminator.
Value ValueFromSqlite(sqlite3_value* value, bool utf8 = false);
// The same, appended to `out` and constructed in place (no move per value: rows captured
// for triggers are read this way).
void AppendValueFromSqlite(std::vector<Value>& out, sqlite3_value* value, bool utf8 = false);

// Runs `sql` (one statement, params bound by index) to completion, collecting rows.
Result<ResultSet> RunStatement(sqlite3* db, std::string_view sql,
                               const std::vector<Value>& params = {});

// Steps `stmt` to completion collecting rows (column names from the statement). When
// `max_bytes` is not 0, fails with kResourceExhausted once the rows' values hold more.
Status CollectRows(sqlite3* db, sqlite3_stmt* stmt, ResultSet* out, size_t max_bytes = 0);

}  // namespace sprocket

#endif  // SPROCKET_COMMON_SQLITE_UTIL_H_
