#include "runtime/v8/platform.h"

#include <libplatform/libplatform.h>

#include <memory>
#include <mutex>

namespace sprocket::runtime::v8layer {

namespace {

// initial-exec: read on every call, and this code runs inside the plugin, where the default
// TLS model would call __tls_get_addr each time (a few bytes of static TLS are reserved for
// such modules).
__attribute__((tls_model("initial-exec"))) thread_local bool t_clock_denied = false;

// V8's default platform, with its wall clock hidden from calls that may not read it:
// whatever V8 reads the time through (Date, Intl formatters without a date) sees the
// epoch instead.
class SandboxPlatform : public v8::Platform {
 public:
  explicit SandboxPlatform(std::unique_ptr<v8::Platform> inner) : inner_(std::move(inner)) {}
  v8::Platform* inner() const { return inner_.get(); }

  v8::PageAllocator* GetPageAllocator() override { return inner_->GetPageAllocator(); }
  void OnCriticalMemoryPressure() override { inner_->OnCriticalMemoryPressure(); }
  bool OnCriticalMemoryPressure(size_t length) override {
    return inner_->OnCriticalMemoryPressure(length);
  }
  int NumberOfWorkerThreads() override { return inner_->NumberOfWorkerThreads(); }
  std::shared_ptr<v8::TaskRunner> GetForegroundTaskRunner(v8::Isolate* isolate) override {
    return inner_->GetForegroundTaskRunner(isolate);
  }
  void CallOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallOnWorkerThread(std::move(task));
  }
  void CallBlockingTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallBlockingTaskOnWorkerThread(std::move(task));
  }
  void CallLowPriorityTaskOnWorkerThread(std::unique_ptr<v8::Task> task) override {
    inner_->CallLowPriorityTaskOnWorkerThread(std::move(task));
  }
  void CallDelayedOnWorkerThread(std::unique_ptr<v8::Task> task, double delay) override {
    inner_->CallDelayedOnWorkerThread(std::move(task), delay);
  }
  bool IdleTasksEnabled(v8::Isolate* isolate) override { return inner_->IdleTasksEnabled(isolate); }
  std::unique_ptr<v8::JobHandle> PostJob(v8::TaskPriority priority,
                                         std::unique_ptr<v8::JobTask> job_task) override {
    return inner_->PostJob(priority, std::move(job_task));
  }
  double MonotonicallyIncreasingTime() override { return inner_->MonotonicallyIncreasingTime(); }
  double CurrentClockTimeMillis() override {
    return t_clock_denied ? 0 : inner_->CurrentClockTimeMillis();
  }
  StackTracePrinter GetStackTracePrinter() override { return inner_->GetStackTracePrinter(); }
  v8::TracingController* GetTracingController() override { return inner_->GetTracingController(); }
  void DumpWithoutCrashing() override { inner_->DumpWithoutCrashing(); }

 private:
  std::unique_ptr<v8::Platform> inner_;
};

SandboxPlatform* g_platform = nullptr;  // set once by EnsureV8, lives for the process

}  // namespace

// Guests are untrusted: no natives syntax, no exposed GC, no wasm from JS.
constexpr char kV8Flags[] = "--no-expose-wasm --no-allow-natives-syntax";

const char* V8Flags() { return kV8Flags; }

void EnsureV8() {
  static std::once_flag once;
  std::call_once(once, [] {
    // Owned by V8 for the life of the process: V8 cannot be shut down and started again.
    static SandboxPlatform platform(v8::platform::NewDefaultPlatform());
    g_platform = &platform;
    v8::V8::InitializePlatform(&platform);
    v8::V8::SetFlagsFromString(kV8Flags, sizeof kV8Flags - 1);
    v8::V8::Initialize();
  });
}

void NotifyIsolateGone(v8::Isolate* isolate) {
  if (g_platform != nullptr) v8::platform::NotifyIsolateShutdown(g_platform->inner(), isolate);
}

ClockScope::ClockScope(bool allowed) : previous_(t_clock_denied) { t_clock_denied = !allowed; }
ClockScope::~ClockScope() { t_clock_denied = previous_; }

std::string V8VersionString() { return std::string("V8 ") + v8::V8::GetVersion(); }

}  // namespace sprocket::runtime::v8layer
