#include "runtime/js/js_instance.h"

#include <algorithm>
#include <chrono>

#include "common/stack.h"
#include "common/strings.h"
#include "common/value_size.h"
#include "runtime/js/js_call_scope.h"
#include "runtime/js/js_convert.h"
#include "runtime/js/js_host_api.h"

namespace sprocket::runtime::js {

namespace {

// Extra heap V8 is given once the limit is reached, so that it can finish the allocation
// in progress and unwind the terminated call instead of aborting the process. It must
// cover V8's largest single allocation (a FixedArray of 2^27 elements: 1 GiB); pages are
// only committed if the terminated call really allocates them before it stops.
constexpr size_t kHeapGrace = size_t{1536} << 20;

std::string Mib(int64_t bytes) {
  if (bytes % (1 << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

bool AllowNoWasm(v8::Local<v8::Context>, v8::Local<v8::String>) { return false; }

}  // namespace

JsInstance::JsInstance(std::shared_ptr<const JsShared> shared) : shared_(std::move(shared)) {}

JsInstance::~JsInstance() {
  if (isolate_ == nullptr) return;
  shared_->watchdog->Unregister(&monitor_);
  {
    v8::Locker locker(isolate_);
    v8::Isolate::Scope scope(isolate_);
    shapes_.clear();
    bases_.clear();
    interned_.clear();
    progress_array_.Reset();
    thrown_.Reset();
    key_names_.clear();
    function_.Reset();
    for (v8::Global<v8::Value>& value : realm_) value.Reset();
    for_shape_.Reset();
    context_.Reset();
  }
  NotifyIsolateGone(isolate_);
  isolate_->Dispose();
}

size_t JsInstance::memory_used() const {
  if (isolate_ == nullptr) return 0;
  v8::Locker locker(isolate_);
  v8::Isolate::Scope scope(isolate_);
  v8::HeapStatistics heap;
  isolate_->GetHeapStatistics(&heap);
  return heap.used_heap_size() + allocator_->used();
}

std::string JsInstance::What() const {
  return "javascript function " + QuoteIdentifier(shared_->def.name);
}

size_t JsInstance::NearHeapLimit(void* data, size_t current_limit, size_t) {
  auto* self = static_cast<JsInstance*>(data);
  self->out_of_memory_ = true;
  self->isolate_->TerminateExecution();
  return current_limit + kHeapGrace;
}

Result<std::unique_ptr<JsInstance>> JsInstance::Create(
    std::shared_ptr<const JsShared> shared,
    std::unique_ptr<v8::ScriptCompiler::CachedData>* code_cache) {
  EnsureV8();
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<JsInstance> instance(new JsInstance(std::move(shared)));
  SPROCKET_RETURN_IF_ERROR(instance->Initialize(code_cache));
  const JsShared& s = *instance->shared_;
  s.environment->InstanceCreated(s.def, std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
  return instance;
}

Status JsInstance::Initialize(std::unique_ptr<v8::ScriptCompiler::CachedData>* code_cache) {
  const FunctionDef& def = shared_->def;
  const Limits limits = shared_->environment->EffectiveLimits(def);
  size_t limit = static_cast<size_t>(limits.max_memory_bytes);
  allocator_ = std::make_unique<LimitedAllocator>(limit);
  v8::Isolate::CreateParams params;
  params.array_buffer_allocator = allocator_.get();
  // V8 sizes its reservations from the heap size, which must be whole megabytes.
  constexpr size_t kMiB = 1 << 20;
  params.constraints.ConfigureDefaultsFromHeapSize(
      0, std::max<size_t>(4, (limit + kMiB - 1) / kMiB) * kMiB);
  isolate_ = v8::Isolate::New(params);
  if (isolate_ == nullptr) {
    return Status(StatusCode::kResourceExhausted, What() + ": could not create an isolate");
  }
  isolate_->AddNearHeapLimitCallback(&JsInstance::NearHeapLimit, this);
  isolate_->SetData(kInstanceSlot, this);  // ThrowStatus finds the instance here
  isolate_->SetAllowWasmCodeGenerationCallback(&AllowNoWasm);
  isolate_->SetAllowAtomicsWait(false);
  isolate_->SetMicrotasksPolicy(v8::MicrotasksPolicy::kExplicit);
  // Errors name the line of the body that raised them, also when a host function (whose
  // JavaScript side lives in another script) threw: the stack says which line called it.
  isolate_->SetCaptureStackTraceForUncaughtExceptions(true, 32, v8::StackTrace::kScriptId);
  monitor_.isolate = isolate_;
  monitor_.cpu_limit_ns = limits.max_cpu_time_ms * 1000000;
  monitor_.wall_limit_ns = limits.max_wall_time_ms * 1000000;
  progress_.reset(new uint32_t[2]());
  monitor_.progress = progress_.get();
  shared_->watchdog->Register(&monitor_);

  v8::Locker locker(isolate_);
  v8::Isolate::Scope isolate_scope(isolate_);
  isolate_->SetStackLimit(GuestStackLimit());
  v8::HandleScope handles(isolate_);
  v8::Local<v8::Context> context = v8::Context::New(isolate_);
  v8::Context::Scope context_scope(context);
  // No eval, no new Function, no WebAssembly compiled from JavaScript.
  context->AllowCodeGenerationFromStrings(false);
  SPROCKET_RETURN_IF_ERROR(InstallGlobals(context, this));
  SPROCKET_RETURN_IF_ERROR(CaptureRealm(context));

  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::String> text;
  if (!NewString(isolate_, shared_->script).ToLocal(&text)) {
    return Status(StatusCode::kResourceExhausted, What() + ": the source is too large");
  }
  v8::ScriptOrigin origin(isolate_,
                          NewString(isolate_, def.name).FromMaybe(v8::Local<v8::String>()),
                          shared_->line_offset);
  v8::ScriptCompiler::CompileOptions options = v8::ScriptCompiler::kNoCompileOptions;
  v8::ScriptCompiler::CachedData* cache = nullptr;
  if (shared_->code_cache != nullptr && code_cache == nullptr) {
    // The source owns a copy: V8 does not take ownership of borrowed cache bytes.
    cache =
        new v8::ScriptCompiler::CachedData(shared_->code_cache->data, shared_->code_cache->length,
                                           v8::ScriptCompiler::CachedData::BufferNotOwned);
    options = v8::ScriptCompiler::kConsumeCodeCache;
  } else if (def.jit_level == JitLevel::kFast) {
    options = v8::ScriptCompiler::kEagerCompile;
  }
  v8::ScriptCompiler::Source source(text, origin, cache);  // owns `cache`
  v8::Local<v8::Script> script;
  if (!v8::ScriptCompiler::Compile(context, &source, options).ToLocal(&script)) {
    Status st = ErrorFrom(try_catch, context, 0);
    return Status(StatusCode::kSyntaxError, st.message());
  }
  if (code_cache != nullptr) {
    code_cache->reset(v8::ScriptCompiler::CreateCodeCache(script->GetUnboundScript()));
  }
  if (cache != nullptr && source.GetCachedData() != nullptr && source.GetCachedData()->rejected) {
    shared_->environment->Log(LogLevel::kWarn, "javascript",
                              What() + ": stored compiled code was rejected by this V8 " +
                                  "(another build or flags); compiled from the source");
  }
  script_id_ = script->GetUnboundScript()->GetId();
  monitor_.thread_clock.store(CurrentThreadClock());
  monitor_.sequence.fetch_add(1, std::memory_order_acq_rel);
  v8::Local<v8::Value> completion;
  bool ran = script->Run(context).ToLocal(&completion);
  monitor_.sequence.fetch_add(1, std::memory_order_acq_rel);
  if (!ran) return ErrorFrom(try_catch, context, monitor_.sequence.load() - 1);
  v8::Local<v8::Value> fn = completion;
  if (!shared_->wrapped) {
    v8::Local<v8::String> name;
    if (!NewString(isolate_, shared_->global).ToLocal(&name) ||
        !context->Global()->Get(context, name).ToLocal(&fn)) {
      return ErrorFrom(try_catch, context, 0);
    }
  }
  if (!fn->IsFunction()) {
    return Status(StatusCode::kInvalidArgument, What() + " defines no function named " + def.name +
                                                    " (found " + DescribeJs(context, fn) + ")");
  }
  context_.Reset(isolate_, context);
  function_.Reset(isolate_, fn.As<v8::Function>());
  thread_ = pthread_self();
  has_thread_ = true;
  return Status::Ok();
}

Status JsInstance::ErrorFrom(v8::TryCatch& try_catch, v8::Local<v8::Context> context,
                             uint64_t call) {
  uint64_t terminated = monitor_.terminated.load(std::memory_order_acquire);
  bool watchdog = call != 0 && terminated == call;
  if ((try_catch.HasTerminated() || isolate_->IsExecutionTerminating()) && !watchdog &&
      !out_of_memory_ && terminated != 0) {
    // The watchdog's signal for an earlier call arrived after that call ended (a window of
    // microseconds): this call did not exceed anything, but it was stopped.
    isolate_->CancelTerminateExecution();
    broken_ = true;
    return Status(StatusCode::kCancelled,
                  What() +
                      " was interrupted by a CPU-limit signal meant for an earlier call; "
                      "run the statement again");
  }
  if (try_catch.HasTerminated() || isolate_->IsExecutionTerminating() || watchdog) {
    return StoppedStatus();
  }
  if (!try_catch.HasCaught()) {
    return Status(StatusCode::kGuestError, What() + " failed without an exception");
  }
  v8::Local<v8::Value> exception = try_catch.Exception();
  std::string text = ToUtf8(isolate_, exception);
  int line = 0;
  v8::Local<v8::Message> message = try_catch.Message();
  if (!message.IsEmpty()) {
    line = message->GetLineNumber(context).FromMaybe(0);
    if (message->GetScriptOrigin().ScriptId() != script_id_) {
      // Raised outside the body (the host API's JavaScript side): the innermost frame of
      // the body is the line that called it.
      v8::Local<v8::StackTrace> trace = message->GetStackTrace();
      for (int i = 0; !trace.IsEmpty() && i < trace->GetFrameCount(); ++i) {
        v8::Local<v8::StackFrame> frame = trace->GetFrame(isolate_, i);
        if (frame->GetScriptId() == script_id_) {
          line = frame->GetLineNumber();
          break;
        }
      }
    }
    // An error at the closing of a plv8-style body's wrapper belongs to its last line.
    int body_lines = 1;
    for (char c : def().source) body_lines += c == '\n';
    if (line > body_lines) line = body_lines;
  }
  if (out_of_memory_) {
    broken_ = true;
    return LimitError();
  }
  ErrorFrame frame = ErrorFrame::Function("javascript", shared_->def.name, line);
  // An error the host API raised (a failed db.query, …) that the function let through is
  // that error, with this function as context — not a new one quoting it.
  if (!thrown_.IsEmpty() && thrown_.Get(isolate_)->StrictEquals(exception)) {
    Status st = thrown_status_.WithFrame(std::move(frame));
    thrown_.Reset();
    thrown_status_ = Status();
    return st;
  }
  return Status(CodeOfError(context, exception), text).WithFrame(std::move(frame));
}

void JsInstance::RememberThrown(v8::Local<v8::Value> exception, const Status& status) {
  thrown_.Reset(isolate_, exception);
  thrown_status_ = status;
}

Status JsInstance::Invoke(CallContext& call, std::span<const Value> args,
                          v8::Local<v8::Context> context, v8::Local<v8::Value>* result) {
  const FunctionDef& def = shared_->def;
  v8::Local<v8::Value> argv[32];
  std::vector<v8::Local<v8::Value>> more;
  v8::Local<v8::Value>* params = argv;
  if (args.size() > 32) {
    more.resize(args.size());
    params = more.data();
  }
  for (size_t i = 0; i < args.size(); ++i) {
    SqlType type = i < def.params.size() ? def.params[i].type : SqlType::kAny;
    auto v = ToJs(context, args[i], type);
    if (!v.ok()) {
      std::string which = "argument " + std::to_string(i + 1);
      if (i < def.params.size() && !def.params[i].name.empty()) {
        which += " (" + def.params[i].name + ")";
      }
      return v.status().WithContext(What() + " " + which);
    }
    params[i] = *v;
  }
  return InvokeJs(call, static_cast<int>(args.size()), params, context, result);
}

Status JsInstance::InvokeJs(CallContext& call, int argc, v8::Local<v8::Value>* argv,
                            v8::Local<v8::Context> context, v8::Local<v8::Value>* result) {
  v8::Local<v8::Value> value;
  // A call nested in a trigger batch (from a row's ctx.db) is not part of the batch.
  BatchState* batch = batch_;
  batch_ = nullptr;
  Status status = RunGuest(call, context, [&] {
    return function_.Get(isolate_)
               ->Call(context, v8::Undefined(isolate_), argc, argv)
               .ToLocal(&value) &&
           Settle(&value);
  });
  batch_ = batch;
  SPROCKET_RETURN_IF_ERROR(status);
  *result = value;
  return Status::Ok();
}

bool JsInstance::Settle(v8::Local<v8::Value>* value) {
  if (!(*value)->IsPromise()) return true;
  v8::Local<v8::Promise> promise = value->As<v8::Promise>();
  isolate_->PerformMicrotaskCheckpoint();
  if (promise->State() == v8::Promise::kRejected) {
    // Rethrow the rejection so it is reported like any exception.
    isolate_->ThrowException(promise->Result());
    return false;
  }
  if (promise->State() == v8::Promise::kFulfilled) {
    *value = promise->Result();
    return true;
  }
  return false;  // still pending: nothing is left that could settle it, or terminated
}

Status JsInstance::RunGuest(CallContext& call, v8::Local<v8::Context> context, bool (*run)(void*),
                            void* data) {
  if (!has_thread_ || !pthread_equal(thread_, pthread_self())) {
    isolate_->SetStackLimit(GuestStackLimit());
    thread_ = pthread_self();
    has_thread_ = true;
  }
  v8::TryCatch try_catch(isolate_);
  // (The clock rule is the CallScope's: it covers converting the result too.)
  CallContext* outer = current_;
  current_ = &call;
  call.set_stop_check(
      [](const void* self) { return static_cast<const JsInstance*>(self)->ShouldStop(); }, this);
  ++depth_;
  const uint64_t sequence = window_sequence_;
  const bool outermost = window_depth_ == 1;
  bool ok = run(data);
  Status status;
  bool terminated = try_catch.HasTerminated() || isolate_->IsExecutionTerminating() ||
                    (outermost && monitor_.terminated.load(std::memory_order_acquire) == sequence);
  if (!ok) {
    if (!try_catch.HasCaught() && !terminated && !out_of_memory_) {
      status = Status(StatusCode::kGuestError, What() + " returned a promise that never settled");
    } else {
      status = ErrorFrom(try_catch, context, sequence);
    }
  } else if (out_of_memory_) {
    broken_ = true;
    status = LimitError();
  }
  --depth_;
  current_ = outer;
  return status;
}

JsInstance::Window::Window(JsInstance& instance, const CancelToken& cancel) : instance_(instance) {
  if (instance_.window_depth_++ == 0) {
    // A termination the watchdog aimed at an earlier call that ended first may still be
    // pending in the isolate: clear it before this call runs.
    if (instance_.monitor_.terminated.load(std::memory_order_acquire) != 0) {
      instance_.isolate_->CancelTerminateExecution();
      instance_.monitor_.terminated.store(0, std::memory_order_release);
    }
    instance_.monitor_.cause.store(StopCause::kNone, std::memory_order_relaxed);
    instance_.cancel_ = &cancel;
    instance_.monitor_.cancel.store(&cancel, std::memory_order_release);
    instance_.monitor_.thread_clock.store(CurrentThreadClock(), std::memory_order_relaxed);
    instance_.window_sequence_ =
        instance_.monitor_.sequence.fetch_add(1, std::memory_order_acq_rel) + 1;
  }
}

JsInstance::Window::~Window() {
  if (--instance_.window_depth_ == 0) {
    instance_.monitor_.sequence.fetch_add(1, std::memory_order_acq_rel);
    instance_.monitor_.cancel.store(nullptr, std::memory_order_release);
    instance_.cancel_ = nullptr;
  }
}

Status JsInstance::LimitError() const {
  if (out_of_memory_) {
    return Status(StatusCode::kResourceExhausted,
                  What() + " exceeded its memory limit (" + Mib(limits().max_memory_bytes) + ")");
  }
  if (cancel_ != nullptr && cancel_->requested()) return cancel_->ToStatus();
  switch (monitor_.cause.load(std::memory_order_relaxed)) {
    case StopCause::kCancel:
      return Status(StatusCode::kCancelled, "interrupted");
    case StopCause::kWall:
      return Status(StatusCode::kResourceExhausted,
                    What() + " exceeded its wall-clock time limit (" +
                        std::to_string(limits().max_wall_time_ms) + " ms)");
    default:
      break;
  }
  return Status(StatusCode::kResourceExhausted, What() + " exceeded its CPU time limit (" +
                                                    std::to_string(limits().max_cpu_time_ms) +
                                                    " ms)");
}

Status JsInstance::StoppedStatus() {
  isolate_->CancelTerminateExecution();
  broken_ = true;
  return LimitError();
}

Result<Value> JsInstance::Call(CallContext& call, std::span<const Value> args) {
  if (broken_) return Status(StatusCode::kInternal, What() + ": instance is no longer usable");
  // The result's conversion runs guest code too (toJSON, getters): the CPU window covers it.
  CallScope scope(*this, call);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Value> value;
  SPROCKET_RETURN_IF_ERROR(Invoke(call, args, context, &value));
  const FunctionDef& def = shared_->def;
  if (def.kind == FunctionKind::kProcedure) return Value();
  auto converted = FromJs(context, value, def.return_type);
  if (ShouldStop() || isolate_->IsExecutionTerminating()) return StoppedStatus();
  if (!converted.ok()) {
    return Status(StatusCode::kInvalidArgument, "function " + QuoteIdentifier(def.name) +
                                                    " must return " + def.return_declared + ": " +
                                                    converted.status().message());
  }
  return converted;
}

Result<Rows> JsInstance::CallTable(CallContext& call, std::span<const Value> args) {
  if (broken_) return Status(StatusCode::kInternal, What() + ": instance is no longer usable");
  CallScope scope(*this, call);
  v8::Local<v8::Context> context = scope.context();
  v8::Local<v8::Value> value;
  SPROCKET_RETURN_IF_ERROR(Invoke(call, args, context, &value));
  const FunctionDef& def = shared_->def;
  std::string name = "function " + QuoteIdentifier(def.name);
  if (value->IsNullOrUndefined()) return Rows();
  if (!value->IsArray()) {
    return Status(StatusCode::kInvalidArgument,
                  name + " must return an array of rows, got " + DescribeJs(context, value));
  }
  v8::Local<v8::Array> array = value.As<v8::Array>();
  bool setof = def.return_columns.empty();
  std::vector<Param> columns =
      setof ? std::vector<Param>{{def.name, def.return_declared, def.return_type}}
            : def.return_columns;
  std::vector<v8::Local<v8::Value>> keys;
  for (const Param& c : columns) {
    keys.push_back(StringOrEmpty(isolate_, c.name));
  }
  Rows rows;
  // Not reserve(array->Length()): a length the function set (2**32 - 1 on an empty array)
  // is no measure of what it returns.
  rows.reserve(std::min<size_t>(array->Length(), 1024));
  // The rows are copied out of the isolate: bound them like a query result.
  const size_t budget = CopyBudget();
  size_t bytes = 0;
  v8::TryCatch try_catch(isolate_);
  for (uint32_t i = 0; i < array->Length(); ++i) {
    if ((i & 1023) == 0 && ShouldStop()) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
    v8::Local<v8::Value> element;
    if (!array->Get(context, i).ToLocal(&element))
      return ErrorFrom(try_catch, context, window_sequence_);
    std::vector<Value> row;
    for (size_t c = 0; c < columns.size(); ++c) {
      v8::Local<v8::Value> cell = element;
      if (!setof) {
        if (element->IsArray()) {
          if (!element.As<v8::Array>()->Get(context, static_cast<uint32_t>(c)).ToLocal(&cell)) {
            return ErrorFrom(try_catch, context, window_sequence_);
          }
        } else if (element->IsObject()) {
          if (!element.As<v8::Object>()->Get(context, keys[c]).ToLocal(&cell)) {
            return ErrorFrom(try_catch, context, window_sequence_);
          }
        } else {
          return Status(StatusCode::kInvalidArgument, name + " row " + std::to_string(i + 1) +
                                                          " must be an object or an "
                                                          "array, got " +
                                                          DescribeJs(context, element));
        }
      }
      auto v = FromJs(context, cell, columns[c].type);
      if (ShouldStop() || isolate_->IsExecutionTerminating()) return StoppedStatus();
      if (!v.ok()) {
        return Status(StatusCode::kInvalidArgument,
                      name + " column " + QuoteIdentifier(columns[c].name) + " must be " +
                          columns[c].declared_type + ": " + v.status().message());
      }
      bytes += ValueBytes(*v);
      row.push_back(std::move(*v));
    }
    if (bytes > budget) {
      return Status(StatusCode::kResourceExhausted,
                    name + " returned rows larger than " + std::to_string(budget >> 20) + " MiB");
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace sprocket::runtime::js
