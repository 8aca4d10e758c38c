// The public C++ API (include/sprocket/sprocket.hpp): thin wrappers over DatabaseState
// and SessionImpl.
#include <sqlite3.h>

#include "engine/database_state.h"
#include "engine/session_impl.h"
#include "runtime/builtin_runtimes.h"
#include "sprocket/sprocket.hpp"

namespace sprocket {

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

Result<std::unique_ptr<Database>> Database::Open(std::string_view path, Options options) {
  auto state = std::make_unique<DatabaseState>(std::string(path), std::move(options));
  SPROCKET_RETURN_IF_ERROR(state->Initialize());
  return std::unique_ptr<Database>(new Database(std::move(state)));
}

Database::Database(std::unique_ptr<DatabaseState> state) : state_(std::move(state)) {}
Database::~Database() = default;

Result<std::unique_ptr<Session>> Database::Connect() {
  auto impl = std::make_unique<SessionImpl>(*state_);
  SPROCKET_RETURN_IF_ERROR(impl->Open());
  return std::unique_ptr<Session>(new Session(std::move(impl)));
}

const std::string& Database::path() const { return state_->path(); }
const Options& Database::options() const { return state_->options(); }

std::vector<std::string> Database::EngineVersions() {
  std::vector<std::string> versions = {std::string("SQLite ") + sqlite3_libversion()};
  for (std::string& v : runtime::BuiltinEngineVersions()) versions.push_back(std::move(v));
  return versions;
}

const char* Database::Version() { return "0.1.0"; }

Session::Session(std::unique_ptr<SessionImpl> impl) : impl_(std::move(impl)) {}
Session::~Session() = default;

Result<ResultSet> Session::Execute(std::string_view sql, const std::vector<Value>& params) {
  return impl_->Execute(sql, params);
}

Status Session::ExecuteScript(
    std::string_view sql,
    const std::function<void(int, std::string_view, const ResultSet&)>& on_result) {
  return impl_->ExecuteScript(sql, on_result);
}

Result<std::unique_ptr<Statement>> Session::Prepare(std::string_view sql) {
  return impl_->Prepare(sql);
}

bool Session::autocommit() const { return impl_->autocommit(); }

void Session::Interrupt() {
  // Both are lock-free stores: safe from another thread or a signal handler. The token
  // stops guests (and the engine's row loops); sqlite3_interrupt stops SQLite.
  impl_->cancel().Request(runtime::CancelReason::kInterrupted);
  sqlite3_interrupt(impl_->db());
}

}  // namespace sprocket
