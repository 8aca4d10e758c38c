#include "engine/database_state.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>

#include "catalog/catalog.h"
#include "common/sqlite_util.h"
#include "runtime/builtin_runtimes.h"

namespace sprocket {

namespace {

// What the runtimes of a Database are told about it (runtime/environment.h).
std::shared_ptr<const runtime::RuntimeEnvironment> EnvironmentFor(const std::string& path,
                                                                  const Options& options,
                                                                  FunctionStats* stats) {
  auto env = std::make_shared<runtime::RuntimeEnvironment>();
  env->database_path = path.empty() ? ":memory:" : path;
  env->user = options.user;
  env->read_only = options.read_only;
  env->log = options.log_sink;
  env->observer = stats;
  return env;
}

}  // namespace

DatabaseState::DatabaseState(std::string path, Options options)
    : path_(std::move(path)),
      options_(std::move(options)),
      runtimes_(EnvironmentFor(path_, options_, &stats_)),
      audit_(options_.max_audit_events),
      pool_(options_.max_warm_instances) {
  in_memory_ = path_.empty() || path_ == ":memory:";
  if (in_memory_) {
    // memdb databases whose name starts with '/' are shared by every connection of the
    // process that opens the same name, with ordinary locking.
    static std::atomic<uint64_t> counter{0};
    open_name_ = "file:/sprocket-memory-" + std::to_string(reinterpret_cast<uintptr_t>(this)) +
                 "-" + std::to_string(counter++) + "?vfs=memdb";
  } else {
    open_name_ = path_;
  }
  // The built-in languages have distinct names: registering them cannot fail.
  (void)runtime::RegisterBuiltinRuntimes(runtimes_, options_.languages);
}

DatabaseState::~DatabaseState() { sqlite3_close_v2(anchor_); }

Result<sqlite3*> OpenConnection(const DatabaseState& state) {
  int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
  flags |=
      state.options().read_only
          ? SQLITE_OPEN_READONLY
          : SQLITE_OPEN_READWRITE |
                (state.options().create_if_missing || state.in_memory() ? SQLITE_OPEN_CREATE : 0);
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(state.open_name().c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status st(rc == SQLITE_CANTOPEN ? StatusCode::kNotFound : StatusCodeFromSqlite(rc),
              "cannot open database \"" + state.path() +
                  "\": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)));
    sqlite3_close_v2(db);
    return st;
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, state.options().busy_timeout_ms);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_FKEY, 1, nullptr);
  // Rows REPLACE deletes fire DELETE triggers (Sprocket's triggers see every route a row
  // changes by); SQLite's own triggers may then recurse, up to its depth limit.
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, nullptr);
  if (sqlite3_exec(db, "PRAGMA recursive_triggers = ON", nullptr, nullptr, nullptr) != SQLITE_OK) {
    Status st = SqliteError(db, sqlite3_errcode(db));
    sqlite3_close_v2(db);
    return st;
  }
  return db;
}

Status DatabaseState::Initialize() {
  if (!in_memory_ && !options_.create_if_missing) {
    struct stat st;
    if (::stat(path_.c_str(), &st) != 0) {
      return Status(StatusCode::kNotFound, "database \"" + path_ + "\" does not exist");
    }
  }
  SPROCKET_ASSIGN_OR_RETURN(anchor_, OpenConnection(*this));
  // Reading the schema fails here for files that are not databases.
  auto probe = RunStatement(anchor_, "SELECT count(*) FROM sqlite_schema");
  if (!probe.ok()) {
    return Status(probe.status().code() == StatusCode::kIoError ? StatusCode::kInvalidArgument
                                                                : probe.status().code(),
                  "cannot open database \"" + path_ + "\": " + probe.status().message());
  }
  catalog::Catalog catalog(anchor_);
  if (options_.read_only) {
    SPROCKET_ASSIGN_OR_RETURN(bool exists, catalog.Exists());
    if (exists) return catalog.Bootstrap();  // checks the format only
    return Status::Ok();
  }
  if (!in_memory_) {
    auto wal = RunStatement(anchor_, "PRAGMA journal_mode = WAL");
    if (!wal.ok()) return wal.status().WithContext("cannot enable WAL on \"" + path_ + "\"");
  }
  SPROCKET_ASSIGN_OR_RETURN(bool exists, catalog.Exists());
  if (exists) {
    SPROCKET_RETURN_IF_ERROR(catalog.Bootstrap());  // refuses a newer format
    SPROCKET_ASSIGN_OR_RETURN(int64_t format, catalog.Format());
    if (format >= catalog::kCatalogFormat) return Status::Ok();
  }
  // A new catalog, or an older one migrated (once: Migrate re-reads the format inside the
  // write transaction, so that two processes opening it at once do not both migrate).
  SPROCKET_RETURN_IF_ERROR(RunStatement(anchor_, "BEGIN IMMEDIATE").status());
  // (Bootstrap creates the catalog, or — made meanwhile by another process, perhaps an
  // older build — checks it; Migrate then brings it to this build's format.)
  Status st = catalog.Bootstrap();
  if (st.ok()) st = catalog.Migrate();
  if (st.ok()) st = RunStatement(anchor_, "COMMIT").status();
  if (!st.ok()) (void)RunStatement(anchor_, "ROLLBACK");
  return st;
}

std::shared_ptr<const catalog::CatalogSnapshot> DatabaseState::CachedSnapshot(
    const std::string& token) {
  MutexLock lock(mutex_);
  if (snapshot_ && snapshot_->token() == token) return snapshot_;
  return nullptr;
}

void DatabaseState::CacheSnapshot(std::shared_ptr<const catalog::CatalogSnapshot> snapshot) {
  MutexLock lock(mutex_);
  snapshot_ = std::move(snapshot);
}

std::string DatabaseState::KeyOf(const runtime::FunctionDef& def) {
  // In memory, every runtime is the one this process loaded: the content alone is the key
  // (asking a plugin language for its engine fingerprint would load it). Code kept beyond
  // the process (L3) is keyed with the engine fingerprint too.
  return runtime::CompileKey(def, "");
}

Result<CompiledRef> DatabaseState::Compile(const runtime::FunctionDef& def,
                                           runtime::LanguageRuntime& runtime,
                                           const runtime::CompileOptions& options,
                                           const std::string& stats_table) {
  const std::string key = KeyOf(def);
  {
    MutexLock lock(mutex_);
    auto it = compiled_.find(key);
    if (it != compiled_.end()) {
      stats_.RecordCompile(def.name, stats_table, def.language, /*hit=*/true, 0);
      return it->second;
    }
  }
  // Compiled outside the lock: another session may compile the same definition at the
  // same time; the first to finish is kept.
  auto start = std::chrono::steady_clock::now();
  Result<std::shared_ptr<runtime::CompiledFunction>> compiled = runtime.Compile(def, options);
  stats_.RecordCompile(
      def.name, stats_table, def.language, /*hit=*/false,
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - start)
          .count());
  if (!compiled.ok()) return compiled.status();
  std::shared_ptr<runtime::CompiledFunction> function = std::move(*compiled);
  MutexLock lock(mutex_);
  auto [it, inserted] = compiled_.try_emplace(key, CompiledRef{function, 0});
  if (inserted) it->second.id = next_compiled_id_++;
  return it->second;
}

void DatabaseState::RetainCompiled(const std::vector<std::string>& keys) {
  std::vector<uint64_t> dropped;
  std::vector<CompiledRef> released;  // destroyed outside the lock
  {
    MutexLock lock(mutex_);
    for (auto it = compiled_.begin(); it != compiled_.end();) {
      if (std::find(keys.begin(), keys.end(), it->first) == keys.end()) {
        dropped.push_back(it->second.id);
        released.push_back(std::move(it->second));
        it = compiled_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (uint64_t id : dropped) pool_.Purge(id);
}

}  // namespace sprocket
