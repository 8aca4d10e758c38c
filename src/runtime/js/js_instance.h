// A JavaScript function instance: one V8 isolate with one context in which the function
// is compiled and ready. Not thread-safe (one call at a time), but may move between
// threads: every call takes the isolate's v8::Locker and sets the stack limit for the
// calling thread.
#ifndef SPROCKET_RUNTIME_JS_JS_INSTANCE_H_
#define SPROCKET_RUNTIME_JS_JS_INSTANCE_H_

#include <pthread.h>
#include <v8.h>

#include <algorithm>
#include <memory>

#include "runtime/runtime.h"
#include "runtime/v8/allocator.h"
#include "runtime/v8/platform.h"
#include "runtime/v8/watchdog.h"

namespace sprocket::runtime::js {

// The V8 layer (runtime/v8/) this backend is built on.
using v8layer::CallMonitor;
using v8layer::ClockScope;
using v8layer::CurrentThreadClock;
using v8layer::EnsureV8;
using v8layer::LimitedAllocator;
using v8layer::NotifyIsolateGone;
using v8layer::StopCause;
using v8layer::Watchdog;

// What every instance of one compiled function shares: the definition, the script, and
// V8's code cache for it (L2).
struct JsShared {
  FunctionDef def;
  std::string script;
  int line_offset = 0;
  bool wrapped = false;
  std::string global;
  std::unique_ptr<v8::ScriptCompiler::CachedData> code_cache;  // may be null
  Watchdog* watchdog = nullptr;  // the runtime's; outlives every instance
  // The runtime's (LanguageRuntime::environment()); outlives every instance.
  const RuntimeEnvironment* environment = &DefaultEnvironment();
};

class JsInstance : public Instance {
 public:
  // Creates the isolate and context, compiles (from the code cache when there is one) and
  // runs the script, and finds the function. Compile errors are kSyntaxError with the JS
  // message and line. When `code_cache` is given, V8's cache for the script is stored there.
  static Result<std::unique_ptr<JsInstance>> Create(
      std::shared_ptr<const JsShared> shared,
      std::unique_ptr<v8::ScriptCompiler::CachedData>* code_cache = nullptr);

  ~JsInstance() override;

  Result<Value> Call(CallContext& context, std::span<const Value> args) override;
  Result<Rows> CallTable(CallContext& context, std::span<const Value> args) override;
  Result<TriggerResult> CallTrigger(CallContext& context, const TriggerData& trigger) override;
  Status CallTriggerBatch(CallContext& context, const TriggerData& trigger,
                          TriggerBatch& batch) override;
  // Called by the host API before guest code reaches the database. Within a BEFORE ROW
  // batch, what the rows before the running one decided is reported with
  // RowReport::Reached, so that the host writes them first and the function sees them.
  Status BeforeDatabase();
  // A property name as UTF-8. Names seen before are remembered (property names are
  // internalized strings: the same name is the same string object).
  std::string KeyName(v8::Local<v8::Value> key);
  // The table and columns of db.insert's one-row form (see the db prelude in
  // js_host_api.cc), and where its result is written.
  struct InsertTarget {
    std::string table;
    std::vector<std::string> columns;
  };
  std::shared_ptr<const InsertTarget>& insert_target() { return insert_target_; }
  double* insert_result() { return insert_result_.get(); }
  bool healthy() const override { return !broken_; }
  size_t memory_used() const override;

  // The isolate data slot that points at the instance.
  static constexpr uint32_t kInstanceSlot = 0;
  // The last error the host API threw into the function (ThrowStatus): if the function
  // lets it through, the call fails with `status` itself, with the function as context.
  void RememberThrown(v8::Local<v8::Value> exception, const Status& status);

  // The call in progress (host API callbacks act for it), or nullptr.
  CallContext* current_call() const { return current_; }
  const FunctionDef& def() const { return shared_->def; }
  // The function's limits, every 0 replaced by the language's default.
  Limits limits() const { return shared_->environment->EffectiveLimits(shared_->def); }
  // How many bytes of values the host copies out of the isolate for one request (a table
  // function's rows, db.insert's rows): what a guest hands the host is bounded like its
  // heap, never sized by a length it chose.
  size_t CopyBudget() const {
    return std::max<size_t>(static_cast<size_t>(limits().max_memory_bytes), size_t{64} << 20);
  }
  // True once the call in progress has exhausted its memory or been stopped by the
  // watchdog: native loops (building query results) check it, since V8 only acts on a
  // termination when JavaScript runs again.
  bool ShouldStop() const {
    uint64_t sequence = monitor_.sequence.load(std::memory_order_acquire);
    return out_of_memory_ || (cancel_ != nullptr && cancel_->requested()) ||
           ((sequence & 1) != 0 && monitor_.terminated.load(std::memory_order_acquire) == sequence);
  }
  v8::Isolate* isolate() const { return isolate_; }

 private:
  explicit JsInstance(std::shared_ptr<const JsShared> shared);
  Status Initialize(std::unique_ptr<v8::ScriptCompiler::CachedData>* code_cache);
  // Runs the function; on success `*result` is its (settled) value. Must be called with
  // the isolate locked, entered and a HandleScope open.
  Status Invoke(CallContext& context, std::span<const Value> args,
                v8::Local<v8::Context> v8_context, v8::Local<v8::Value>* result);
  // The same with the arguments already JavaScript values.
  Status InvokeJs(CallContext& context, int argc, v8::Local<v8::Value>* argv,
                  v8::Local<v8::Context> v8_context, v8::Local<v8::Value>* result);
  // Runs guest code: `run` makes the calls and returns false when one threw (or a promise
  // it settled did not fulfil). Sets up what host callbacks need (the current call, the
  // clock) and turns an exception, a termination or an exhausted heap into the Status.
  template <typename Run>
  Status RunGuest(CallContext& context, v8::Local<v8::Context> v8_context, Run&& run) {
    return RunGuest(
        context, v8_context, [](void* r) { return (*static_cast<Run*>(r))(); }, &run);
  }
  Status RunGuest(CallContext& context, v8::Local<v8::Context> v8_context, bool (*run)(void*),
                  void* data);
  // When *value is a promise, runs the microtasks and replaces it by its value. False when
  // it was rejected (the reason is thrown) or is still pending.
  bool Settle(v8::Local<v8::Value>* value);
  // The Status for a caught exception or a termination.
  Status ErrorFrom(v8::TryCatch& try_catch, v8::Local<v8::Context> v8_context, uint64_t call);
  static size_t NearHeapLimit(void* data, size_t current_limit, size_t initial_limit);
  // The error for a call stopped by its memory or CPU limit; discards the instance.
  Status StoppedStatus();

  // While a Window lives, the watchdog counts the calling thread's CPU time against the
  // limit: from the arguments' conversion to the result's (guest getters, toJSON).
  class Window {
   public:
    Window(JsInstance& instance, const CancelToken& cancel);
    ~Window();
    Window(const Window&) = delete;
    Window& operator=(const Window&) = delete;

   private:
    JsInstance& instance_;
  };

  // Everything a call needs open, in order: the isolate locked and entered, a handle scope,
  // the context entered, the CPU window.
  class CallScope;
  // The error for a call stopped by its memory or CPU limit (the message only).
  Status LimitError() const;
  std::string What() const;  // javascript function "f"

  // Trigger calls (js_trigger.cc): JavaScript helpers compiled per row layout build ctx
  // and read the returned row, so that a call costs one pass into V8 per step instead of
  // a property set per value.
  // The helpers for one layout of columns (one table), compiled in this instance's context.
  // Rows go in as flat arrays of values (row i's column c at i * ncols + c).
  struct TriggerShape {
    std::shared_ptr<const std::vector<std::string>> columns;  // keeps the layout's key alive
    size_t ncols = 0;
    int active = 0;  // calls using it now (a nested call may need a new layout): not evicted
    // (base, op, when, level, depth, new_table, old_table, new_name, old_name, NEW values,
    //  OLD values) → ctx (a value array is null when the row is absent)
    v8::Global<v8::Function> make_ctx;
    // (values…) → a row object (transition sets)
    v8::Global<v8::Function> make_row;
    // (base, op, when, level, depth, after, NEW values, OLD values, start, end, out, stop)
    // → the row it stopped at: calls the function for rows start…end-1 and pushes what
    // BEFORE ROW results change to `out` (see js_trigger.cc); stops early at a promise or
    // a result that is not a row, described in `stop`.
    v8::Global<v8::Function> batch;
    // (value, ctx, row, NEW values, OLD values, out, stop) → false for a result that is
    // not a row: one row's part of `batch`, for a promise's value.
    v8::Global<v8::Function> finish;
  };
  // A trigger batch in progress (the innermost, when batches nest through ctx.db).
  struct BatchState {
    TriggerBatch* batch = nullptr;
    TriggerShape* shape = nullptr;
    v8::Local<v8::Array> out;
    uint32_t consumed = 0;  // entries of `out` applied to the batch's rows
    Status failed;          // a result that could not be reported: the batch fails with it
    bool applying = false;  // converting results (which may run guest code)
  };
  // Reports the entries of state.out not yet reported (batch.report).
  Status ReportBatch(v8::Local<v8::Context> context, BatchState& state);
  // What stays the same between calls of one trigger: its name, table, arguments, and the
  // services ctx.db and ctx.log.
  struct TriggerBase {
    std::string key;
    v8::Global<v8::Object> object;
  };
  // Keeps what the trigger helpers use of the realm (resources/trigger.js), as it is before
  // the function's script runs.
  Status CaptureRealm(v8::Local<v8::Context> context);
  Result<TriggerShape*> ShapeFor(v8::Local<v8::Context> context,
                                 const std::shared_ptr<const std::vector<std::string>>& columns);
  Result<v8::Local<v8::Object>> BaseFor(v8::Local<v8::Context> context, const TriggerData& trigger);
  Result<v8::Local<v8::Value>> RowsToJs(v8::Local<v8::Context> context, TriggerShape& shape,
                                        const std::vector<RowData>* rows);
  Result<v8::Local<v8::Value>> ValuesToJs(v8::Local<v8::Context> context, const TriggerShape& shape,
                                          const RowData* rows, size_t count);
  Status NotARow(v8::Local<v8::Context> context, v8::Local<v8::Value> value);
  v8::Local<v8::String> Interned(std::string_view text);

  std::shared_ptr<const JsShared> shared_;
  std::unique_ptr<LimitedAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;  // owned: disposed in the destructor
  v8::Global<v8::Context> context_;
  v8::Global<v8::Function> function_;
  std::vector<std::unique_ptr<TriggerShape>> shapes_;
  // The realm's sprocket, Function, JSON.stringify, Promise and Array.isArray, captured
  // before the function's script ran (CaptureRealm), and trigger.js's forShape, made from
  // them at the first trigger call.
  static constexpr int kRealmValues = 5;
  v8::Global<v8::Value> realm_[kRealmValues];
  v8::Global<v8::Function> for_shape_;
  std::vector<std::unique_ptr<TriggerBase>> bases_;
  // TG_OP, TG_WHEN and TG_LEVEL values, made once.
  std::vector<std::pair<std::string, v8::Global<v8::String>>> interned_;
  // ValuesToJs's buffer, reused between calls (a nested call overwrites it only after the
  // array was made from it).
  std::vector<v8::Local<v8::Value>> values_;
  int script_id_ = -1;                   // the function's script (errors name its lines)
  const CancelToken* cancel_ = nullptr;  // the outermost call's, while one runs
  v8::Global<v8::Value> thrown_;         // see RememberThrown
  Status thrown_status_;
  CallMonitor monitor_;
  // progress_[0]: 1 + the row a trigger batch is running (0 outside batches), written by
  // JavaScript through progress_array_, read by the watchdog (CPU time is counted per row)
  // and by BeforeDatabase.
  std::unique_ptr<uint32_t[]> progress_;
  v8::Global<v8::Uint32Array> progress_array_;
  BatchState* batch_ = nullptr;
  std::vector<std::pair<v8::Global<v8::Value>, std::string>> key_names_;
  std::shared_ptr<const InsertTarget> insert_target_;
  std::unique_ptr<double[]> insert_result_ = std::make_unique<double[]>(2);
  CallContext* current_ = nullptr;
  int depth_ = 0;  // nested calls of this instance on the stack
  int window_depth_ = 0;
  uint64_t window_sequence_ = 0;  // the monitor's sequence of the outermost window
  pthread_t thread_{};
  bool has_thread_ = false;
  bool out_of_memory_ = false;
  bool broken_ = false;
};

}  // namespace sprocket::runtime::js

#endif  // SPROCKET_RUNTIME_JS_JS_INSTANCE_H_
