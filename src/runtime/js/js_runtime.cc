#include "runtime/js/js_runtime.h"

#include <climits>
#include <cstring>
#include <mutex>

#include "common/thread_annotations.h"
#include "runtime/js/js_compile.h"
#include "runtime/js/js_instance.h"

namespace sprocket::runtime {

namespace {

using js::JsInstance;
using js::JsShared;

class JsFunction : public CompiledFunction {
 public:
  JsFunction(std::shared_ptr<const JsShared> shared, std::unique_ptr<JsInstance> first)
      : shared_(std::move(shared)), first_(std::move(first)) {}

  // V8's code cache of the script (what instances compile from).
  std::string Serialize() const override {
    const auto* cache = shared_->code_cache.get();
    if (cache == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(cache->data), cache->length);
  }

  Result<std::unique_ptr<Instance>> CreateInstance() const override {
    {
      // The instance made while compiling is handed out first: a new function's first
      // call does not pay for a second isolate.
      MutexLock lock(mutex_);
      if (first_ != nullptr) return std::unique_ptr<Instance>(std::move(first_));
    }
    SPROCKET_ASSIGN_OR_RETURN(std::unique_ptr<JsInstance> instance, JsInstance::Create(shared_));
    return std::unique_ptr<Instance>(std::move(instance));
  }

 private:
  std::shared_ptr<const JsShared> shared_;
  mutable Mutex mutex_;
  mutable std::unique_ptr<JsInstance> first_ GUARDED_BY(mutex_);
};

class JsRuntime : public LanguageRuntime {
 public:
  std::string_view name() const override { return "javascript"; }
  std::vector<std::string> aliases() const override { return {"js"}; }
  std::string version() const override { return v8layer::V8VersionString(); }
  std::string engine_fingerprint() const override {
    return v8layer::V8VersionString() + " " + v8layer::V8Flags();
  }

  Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef& def,
                                                    const CompileOptions& options) override {
    SPROCKET_ASSIGN_OR_RETURN(std::shared_ptr<JsShared> shared, Shared(def));
    // Compiling in a first instance checks the source and produces V8's code cache, from
    // which later instances compile.
    std::unique_ptr<v8::ScriptCompiler::CachedData> cache;
    SPROCKET_ASSIGN_OR_RETURN(std::unique_ptr<JsInstance> first,
                              JsInstance::Create(shared, &cache));
    shared->code_cache = std::move(cache);
    return std::shared_ptr<CompiledFunction>(
        std::make_shared<JsFunction>(std::move(shared), std::move(first)));
  }

  // From a code cache: the first instance compiles from it (V8 checks that it fits this
  // source and engine, and compiles the source when it does not).
  Result<std::shared_ptr<CompiledFunction>> Load(const FunctionDef& def,
                                                 std::string_view bytes) override {
    if (bytes.empty() || bytes.size() > static_cast<size_t>(INT32_MAX)) return Compile(def, {});
    SPROCKET_ASSIGN_OR_RETURN(std::shared_ptr<JsShared> shared, Shared(def));
    auto* copy = new uint8_t[bytes.size()];
    std::memcpy(copy, bytes.data(), bytes.size());
    shared->code_cache = std::make_unique<v8::ScriptCompiler::CachedData>(
        copy, static_cast<int>(bytes.size()), v8::ScriptCompiler::CachedData::BufferOwned);
    SPROCKET_ASSIGN_OR_RETURN(std::unique_ptr<JsInstance> first, JsInstance::Create(shared));
    return std::shared_ptr<CompiledFunction>(
        std::make_shared<JsFunction>(std::move(shared), std::move(first)));
  }

 private:
  Result<std::shared_ptr<JsShared>> Shared(const FunctionDef& def) {
    if (def.source_is_binary) {
      return Status(StatusCode::kInvalidArgument,
                    "javascript function \"" + def.name + "\": the body must be source text");
    }
    SPROCKET_ASSIGN_OR_RETURN(js::ScriptSource script, js::BuildScript(def));
    auto shared = std::make_shared<JsShared>();
    shared->def = def;
    shared->script = std::move(script.text);
    shared->line_offset = script.line_offset;
    shared->wrapped = script.wrapped;
    shared->global = std::move(script.global);
    shared->watchdog = &watchdog_;
    shared->environment = &environment();
    return shared;
  }

  js::Watchdog watchdog_;
};

}  // namespace

std::unique_ptr<LanguageRuntime> NewJsRuntime() { return std::make_unique<JsRuntime>(); }

}  // namespace sprocket::runtime
