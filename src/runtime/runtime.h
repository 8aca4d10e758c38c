// The language-independent interface between the engine and every language backend
// (docs/design.md §2). The engine knows nothing of any language; a backend knows nothing of SQL
// parsing or triggers. They meet here:
//
//   LanguageRuntime::Compile(FunctionDef)  → CompiledFunction   (shareable, immutable)
//   CompiledFunction::CreateInstance()     → Instance           (one caller at a time)
//   Instance::Call(CallContext&, args)     → Result<Value>
//
// Backends: runtime/sql (LANGUAGE sql); runtime/js, wasm, python follow.
#ifndef SPROCKET_RUNTIME_RUNTIME_H_
#define SPROCKET_RUNTIME_RUNTIME_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/cancel.h"
#include "runtime/environment.h"
#include "runtime/function_def.h"
#include "runtime/host_api.h"
#include "runtime/trigger_protocol.h"
#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket::runtime {

// What one call can reach: the host services (acting for this function), the function's
// definition, and the statement's cancel request. Built by the engine for each call
// (engine/guest_call.h); borrowed by the backend.
class CallContext {
 public:
  CallContext(HostApi& host, const FunctionDef& function,
              const CancelToken& cancel = NeverCancelled())
      : host_(host), function_(function), cancel_(cancel) {}
  HostApi& host() const { return host_; }
  const FunctionDef& function() const { return function_; }
  // Raised from another thread (Session::Interrupt, a client's cancel, shutdown): the
  // backend stops the guest as soon as it can and fails the call with cancel().ToStatus().
  const CancelToken& cancel() const { return cancel_; }

  // The backend may say how to tell that the call must stop (its CPU or memory limit was
  // exceeded); the host then interrupts the SQL it runs for the call. `check` is called
  // with `data` on the calling thread.
  void set_stop_check(bool (*check)(const void* data), const void* data) {
    stop_check_ = check;
    stop_data_ = data;
  }
  bool should_stop() const { return stop_check_ != nullptr && stop_check_(stop_data_); }
  // False for runtimes without a watchdog of their own (LANGUAGE sql): the engine then
  // enforces the CPU limit on the SQL the call runs.
  bool has_stop_check() const { return stop_check_ != nullptr; }

 private:
  HostApi& host_;
  const FunctionDef& function_;
  const CancelToken& cancel_;
  bool (*stop_check_)(const void*) = nullptr;
  const void* stop_data_ = nullptr;
};

using Rows = std::vector<std::vector<Value>>;

// A ready-to-call function: for JS an isolate with the function compiled, for SQL the
// rewritten statements. Not thread-safe: one call at a time.
class Instance {
 public:
  virtual ~Instance() = default;

  // Calls a scalar function or procedure. `args` are already converted to the declared
  // parameter types; the result is converted to the declared return type by the caller.
  // Guest failures are kGuestError; exhausted limits kResourceExhausted.
  virtual Result<Value> Call(CallContext& context, std::span<const Value> args) = 0;

  // Calls a RETURNS TABLE / SETOF function: each row has one value per result column.
  virtual Result<Rows> CallTable(CallContext& context, std::span<const Value> args);

  // Calls a trigger function (RETURNS TRIGGER or an inline trigger body).
  virtual Result<TriggerResult> CallTrigger(CallContext& context, const TriggerData& trigger);

  // Calls a row-level trigger function for each row of `batch`, in order, reporting BEFORE
  // ROW outcomes in batch.report (see TriggerBatch). The default makes one CallTrigger per
  // row and reports its result with ReportResult.
  virtual Status CallTriggerBatch(CallContext& context, const TriggerData& trigger,
                                  TriggerBatch& batch);

  // False once a call has left the instance unusable (its memory limit was exhausted, it
  // was terminated): the caller must discard it and make a new one.
  virtual bool healthy() const { return true; }

  // The memory the instance holds now, in bytes (for JavaScript: its heap and array
  // buffers), or 0 when the backend cannot tell. Asked between statements (statistics).
  virtual size_t memory_used() const { return 0; }
};

// A function compiled from its definition. Immutable and shared (by every Session of a
// Database: this is the L2 cache entry), so instances can be made from any thread.
class CompiledFunction {
 public:
  virtual ~CompiledFunction() = default;
  virtual Result<std::unique_ptr<Instance>> CreateInstance() const = 0;

  // The compiled code as bytes that LanguageRuntime::Load turns back into an equivalent
  // CompiledFunction — in another process with the same engine (the on-disk L3 cache,
  // keyed by CompileKey(def, engine_fingerprint())). Empty when there is nothing worth
  // keeping (then a later process compiles from the source).
  virtual std::string Serialize() const { return {}; }
};

// What a backend may use while compiling.
struct CompileOptions {
  // When set, the backend checks statements its source will run (LANGUAGE sql), like
  // PostgreSQL's check_function_bodies. Borrowed for the duration of Compile.
  HostApi* checker = nullptr;
  // With `checker`, for a trigger body created on a table (CREATE TRIGGER … LANGUAGE …
  // AS …): the table's columns, so that NEW.x and OLD.x are checked too. Null for a
  // trigger function, which may fire on any table.
  const std::vector<std::string>* trigger_columns = nullptr;
};

// The content address of what compiling `def` produces (docs/design.md §7, L2 and L3): a SHA-256,
// as 64 hex digits, over the language, every byte of the source (for AS FILE: the file's
// contents, never its path), the signature the body is compiled against, the limits and
// JIT level instances are made with, and `engine` (the runtime's engine_fingerprint()).
// Not over the function's name, capabilities or policy, which the engine enforces.
std::string CompileKey(const FunctionDef& def, std::string_view engine);

// One language. Thread-safe: Compile may be called from several threads at once.
class LanguageRuntime {
 public:
  virtual ~LanguageRuntime() = default;

  // The canonical language name, e.g. "javascript", and the other names accepted in
  // LANGUAGE clauses ("js").
  virtual std::string_view name() const = 0;
  virtual std::vector<std::string> aliases() const { return {}; }
  // "V8 10.2.154", "SQLite 3.40.1": shown by --version.
  virtual std::string version() const = 0;
  // Everything besides the definition that compiled code depends on (engine version,
  // engine flags): part of every CompileKey, so that code cached by another build or
  // configuration is never reused.
  virtual std::string engine_fingerprint() const { return version(); }
  // Whether max_instructions (exact instruction metering) means anything in this language.
  virtual bool meters_instructions() const { return false; }

  // The Database this runtime serves: set by RuntimeRegistry::Register, before the first
  // Compile, and constant afterwards. A runtime that passes it on (PluginRuntime) overrides
  // Attach and calls this one.
  virtual void Attach(std::shared_ptr<const RuntimeEnvironment> environment) {
    environment_ = std::move(environment);
  }
  const RuntimeEnvironment& environment() const {
    return environment_ != nullptr ? *environment_ : DefaultEnvironment();
  }

  // Compiles `def`. Syntax errors in the source are kSyntaxError with the guest's message
  // and position; a body that defines nothing callable is kInvalidArgument.
  virtual Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef& def,
                                                            const CompileOptions& options) = 0;

  // A CompiledFunction for `def` from bytes an earlier Serialize() of the same definition
  // made. Bytes the engine cannot use (another engine build, corrupted) are not an error:
  // the function is compiled from its source instead. The default compiles.
  virtual Result<std::shared_ptr<CompiledFunction>> Load(const FunctionDef& def,
                                                         std::string_view bytes) {
    return Compile(def, {});
  }

 protected:
  std::shared_ptr<const RuntimeEnvironment> environment_;
};

// The languages of one Database. Thread-safe after construction.
class RuntimeRegistry {
 public:
  // Runtimes registered here are attached to `environment` (DefaultEnvironment() when
  // null).
  explicit RuntimeRegistry(std::shared_ptr<const RuntimeEnvironment> environment = nullptr)
      : environment_(std::move(environment)) {}

  Status Register(std::unique_ptr<LanguageRuntime> runtime);

  // The runtime for a LANGUAGE name or alias (case-insensitive), or nullptr.
  LanguageRuntime* Find(std::string_view language) const;

  // Canonical names, sorted: for "language X is not available (available: …)".
  std::vector<std::string> Languages() const;

 private:
  std::shared_ptr<const RuntimeEnvironment> environment_;
  std::vector<std::unique_ptr<LanguageRuntime>> runtimes_;
};

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_RUNTIME_H_
