// DatabaseState: what every Session of one Database shares — the path and options, the
// language runtimes, the audit ring, and the newest catalog snapshot. Thread-safe.
#ifndef SPROCKET_ENGINE_DATABASE_STATE_H_
#define SPROCKET_ENGINE_DATABASE_STATE_H_

#include <sqlite3.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "common/thread_annotations.h"
#include "engine/function_stats.h"
#include "engine/instance_pool.h"
#include "runtime/runtime.h"
#include "security/audit_log.h"
#include "sprocket/sprocket.hpp"

namespace sprocket {

// A compiled function and the id its warm instances are pooled under. Ids are never
// reused, so an instance cannot be mistaken for one of a later definition.
struct CompiledRef {
  std::shared_ptr<runtime::CompiledFunction> function;
  uint64_t id = 0;
};

class DatabaseState {
 public:
  DatabaseState(std::string path, Options options);
  ~DatabaseState();

  // Opens the anchor connection (which keeps an in-memory database alive), sets WAL and
  // creates or checks the catalog.
  Status Initialize();

  const std::string& path() const { return path_; }
  // What sqlite3_open_v2 is given: the path, or a memdb URI for in-memory databases.
  const std::string& open_name() const { return open_name_; }
  bool in_memory() const { return in_memory_; }
  const Options& options() const { return options_; }
  runtime::RuntimeRegistry& runtimes() { return runtimes_; }
  security::AuditLog& audit() { return audit_; }
  // Per-function call statistics (sprocket_function_stats).
  FunctionStats& stats() { return stats_; }

  // The cached snapshot for `token`, or nullptr: sessions that reach the same catalog
  // version share one snapshot instead of each reading the tables.
  std::shared_ptr<const catalog::CatalogSnapshot> CachedSnapshot(const std::string& token)
      EXCLUDES(mutex_);
  void CacheSnapshot(std::shared_ptr<const catalog::CatalogSnapshot> snapshot) EXCLUDES(mutex_);

  // L2 (docs/design.md §7): the compiled function for `def` — compiled by `runtime` the first time
  // any session needs this exact content (KeyOf), shared afterwards.
  // Counted in stats() under the function's name (and `stats_table` for an inline
  // trigger's body).
  Result<CompiledRef> Compile(const runtime::FunctionDef& def, runtime::LanguageRuntime& runtime,
                              const runtime::CompileOptions& options = {},
                              const std::string& stats_table = "") EXCLUDES(mutex_);
  // The L2 key of `def`: runtime::CompileKey of its content (the engine is this process's).
  std::string KeyOf(const runtime::FunctionDef& def);
  // Forgets compiled functions whose keys (KeyOf) are not in `keys`, and their warm
  // instances.
  void RetainCompiled(const std::vector<std::string>& keys) EXCLUDES(mutex_);

  // L1: warm instances.
  InstancePool& pool() { return pool_; }

 private:
  const std::string path_;
  std::string open_name_;
  bool in_memory_ = false;
  const Options options_;
  FunctionStats stats_;  // before runtimes_: the runtimes' environment reports to it
  runtime::RuntimeRegistry runtimes_;
  security::AuditLog audit_;
  sqlite3* anchor_ = nullptr;  // owned

  Mutex mutex_;
  std::shared_ptr<const catalog::CatalogSnapshot> snapshot_ GUARDED_BY(mutex_);
  std::map<std::string, CompiledRef> compiled_ GUARDED_BY(mutex_);
  uint64_t next_compiled_id_ GUARDED_BY(mutex_) = 1;
  InstancePool pool_;
};

// Opens a SQLite connection configured the way every Sprocket connection is: foreign keys
// on, busy timeout, extension loading and the FTS3 tokenizer hook off, defensive mode on.
Result<sqlite3*> OpenConnection(const DatabaseState& state);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_DATABASE_STATE_H_
