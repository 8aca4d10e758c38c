// What the engine tells every language runtime about the Database it serves: handed to each
// LanguageRuntime when it is registered (RuntimeRegistry), before its first Compile, and
// shared by the runtimes of one Database. A runtime reads its limits' defaults, logs and
// reports what it does through it instead of reaching for globals — so that a runtime in
// a worker process can be given the same thing.
#ifndef SPROCKET_RUNTIME_ENVIRONMENT_H_
#define SPROCKET_RUNTIME_ENVIRONMENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "runtime/defaults.h"
#include "runtime/function_def.h"
#include "sprocket/sprocket.hpp"

namespace sprocket::runtime {

// Told what a runtime does besides calls (the engine's statistics; calls themselves go
// through the engine's guest-call path). Called on the thread that did it; thread-safe.
class RuntimeObserver {
 public:
  virtual ~RuntimeObserver() = default;
  // An instance of `def` was made (for JavaScript: an isolate, its context and script)
  // in `ns` nanoseconds.
  virtual void OnInstanceCreated(const FunctionDef& def, int64_t ns) = 0;
};

struct RuntimeEnvironment {
  std::string database_path;  // the database file, or ":memory:"
  std::string user;           // whom the Database's sessions act for (Options::user)
  bool read_only = false;
  // The Database's log sink (Options::log_sink): runtime messages name their source
  // ("javascript") where guest output names its function. May be empty.
  std::function<void(LogLevel, std::string_view source, std::string_view message)> log;
  RuntimeObserver* observer = nullptr;  // may be null

  // The defaults table (runtime/defaults.h): what a limit of 0 means in `language`.
  const LanguageDefaults& Defaults(std::string_view language) const {
    return DefaultsFor(language);
  }
  // `def`'s limits with every 0 replaced by its language's default.
  Limits EffectiveLimits(const FunctionDef& def) const { return runtime::EffectiveLimits(def); }
  void Log(LogLevel level, std::string_view source, std::string_view message) const {
    if (log) log(level, source, message);
  }
  void InstanceCreated(const FunctionDef& def, int64_t ns) const {
    if (observer != nullptr) observer->OnInstanceCreated(def, ns);
  }
};

// The environment of a runtime used on its own (tests, tools): in memory, no log, no
// observer.
const RuntimeEnvironment& DefaultEnvironment();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_ENVIRONMENT_H_
