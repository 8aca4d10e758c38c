// HostApi: the one door through which a guest function reaches anything outside its
// sandbox — the database, the log, the clock, randomness (and later network and files).
// Every method checks the calling function's capabilities first; a refusal is a
// kPermissionDenied Status naming the function and the missing capability, and is audited.
//
// A HostApi belongs to one Session and is used by the thread running that Session. It
// acts for the function currently executing (the engine keeps a stack of callers), so a
// backend never passes identities around.
#ifndef SPROCKET_RUNTIME_HOST_API_H_
#define SPROCKET_RUNTIME_HOST_API_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sprocket/sprocket.hpp"
#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket::runtime {

struct ExecResult {
  int64_t rows_affected = 0;
  int64_t last_insert_rowid = 0;
};

struct SessionInfo {
  std::string user;
  std::string database;  // the database file's path, or ":memory:"
};

class HostApi {
 public:
  virtual ~HostApi() = default;

  // Runs one SQL statement and returns its rows. Tables it reads need DATABASE_READ.
  // Params bind positionally (?1 … or ?).
  virtual Result<ResultSet> Query(std::string_view sql, const std::vector<Value>& params) = 0;

  // Runs one SQL statement that changes rows; needs DATABASE_WRITE on what it writes
  // (and DATABASE_READ on what it reads).
  virtual Result<ExecResult> Execute(std::string_view sql, const std::vector<Value>& params) = 0;

  // Inserts the rows of `values` (row after row, each aligned with `columns`) into `table`
  // as one statement. Needs DATABASE_WRITE(table).
  virtual Result<ExecResult> Insert(std::string_view table, const std::vector<std::string>& columns,
                                    std::span<const Value> values) = 0;

  // Checks that `sql` would prepare (syntax, tables, columns) without running it and
  // without checking capabilities: how LANGUAGE sql resolves argument names and checks its
  // body. On failure, *error_offset (when given) is the byte offset SQLite blames, or -1.
  virtual Status CheckSql(std::string_view sql, int* error_offset) = 0;

  // Writes to the log sink. Refused under the MINIMAL policy.
  virtual Status Log(LogLevel level, std::string_view message) = 0;

  // Wall clock (µs since the epoch) and randomness: refused under MINIMAL.
  virtual Result<int64_t> NowMicros() = 0;
  // Whether NowMicros would succeed, without recording anything: runtimes with clocks of
  // their own hide them when it is false.
  virtual bool ClockAllowed() const = 0;
  virtual Result<uint64_t> RandomU64() = 0;

  virtual SessionInfo session_info() const = 0;
};

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_HOST_API_H_
