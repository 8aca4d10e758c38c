// The HostApi of one Session: guest database access under the calling function's
// capabilities, logging, clock and randomness.
#ifndef SPROCKET_ENGINE_HOST_API_IMPL_H_
#define SPROCKET_ENGINE_HOST_API_IMPL_H_

#include <sqlite3.h>

#include <span>
#include <string>
#include <vector>

#include "common/sqlite_util.h"
#include "runtime/host_api.h"

namespace sprocket {

class SessionImpl;
struct FunctionSlot;

class HostApiImpl : public runtime::HostApi {
 public:
  // The log bounds of one guest call (Log).
  static constexpr size_t kMaxLogLine = 64 << 10;
  static constexpr size_t kMaxLogPerCall = 1 << 20;

  explicit HostApiImpl(SessionImpl& session) : session_(session) {}

  Result<ResultSet> Query(std::string_view sql, const std::vector<Value>& params) override;
  Result<runtime::ExecResult> Execute(std::string_view sql,
                                      const std::vector<Value>& params) override;
  Result<runtime::ExecResult> Insert(std::string_view table,
                                     const std::vector<std::string>& columns,
                                     std::span<const Value> values) override;
  Status CheckSql(std::string_view sql, int* error_offset) override;
  Status Log(LogLevel level, std::string_view message) override;
  Result<int64_t> NowMicros() override;
  bool ClockAllowed() const override;
  Result<uint64_t> RandomU64() override;
  runtime::SessionInfo session_info() const override;

 private:
  // The calling function; fails when no function is running (a bug).
  Result<FunctionSlot*> Caller();
  // Runs one guest statement for `caller`, collecting rows into `out`.
  Status Run(FunctionSlot* caller, std::string_view sql, std::span<const Value> params,
             ResultSet* out);
  // `sql` prepared for `caller` once its capabilities allow it.
  Result<StmtPtr> PrepareFor(FunctionSlot* caller, std::string_view sql);
  // Runs `stmt` (prepared by PrepareFor from `sql`) with `params`. `quiet`: it changes no
  // row a trigger watches (TriggerEngine::QuietInsert), so it runs without the engine.
  Status Step(FunctionSlot* caller, sqlite3_stmt* stmt, std::string_view sql,
              std::span<const Value> params, ResultSet* out, bool quiet = false);
  // Runs the function's repeated one-row insert.
  Status StepRepeat(FunctionSlot* caller, std::span<const Value> values, ResultSet* out);
  // Whether `stmt` is running (reached again by a function that called itself).
  bool InUse(sqlite3_stmt* stmt) const;
  Status DenyAmbient(FunctionSlot* caller, std::string_view what);

  SessionImpl& session_;
  std::vector<sqlite3_stmt*> active_;  // statements Run is using, innermost last
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_HOST_API_IMPL_H_
