// The cold side of JavaScript functions (docs/design.md §9): from CREATE FUNCTION to the first
// result, the cost of a new instance (isolate + context + compile from the code cache),
// and the memory a warm instance holds.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <vector>

#include "runtime/builtin_runtimes.h"
#include "sprocket/sprocket.hpp"

namespace {

constexpr char kBody[] =
    "function full_name(f, l) {\n"
    "  const parts = [f, l].filter(Boolean).map(s => s.trim());\n"
    "  return parts.join(' ');\n"
    "}\n";

// CREATE FUNCTION followed by the first call, on a fresh database each time (so nothing
// is cached).
void BM_JsColdStartToFirstResult(benchmark::State& state) {
  for (auto _ : state) {
    state.PauseTiming();
    auto db = sprocket::Database::Open(":memory:");
    auto session = (*db)->Connect();
    state.ResumeTiming();
    auto created = (*session)->Execute(
        std::string("CREATE FUNCTION full_name(f TEXT, l TEXT) RETURNS TEXT LANGUAGE javascript "
                    "AS $$") +
        kBody + "$$");
    auto result = (*session)->Execute("SELECT full_name('Ada', 'Lovelace')");
    if (!created.ok() || !result.ok()) return state.SkipWithError("cold start failed");
    state.PauseTiming();
    session->reset();
    db->reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_JsColdStartToFirstResult)->Unit(benchmark::kMillisecond)->Iterations(50);

sprocket::runtime::FunctionDef FullNameDef() {
  sprocket::runtime::FunctionDef def;
  def.name = def.entry_point = "full_name";
  def.language = "javascript";
  def.params = {{"f", "TEXT", sprocket::runtime::SqlType::kText},
                {"l", "TEXT", sprocket::runtime::SqlType::kText}};
  def.return_declared = "TEXT";
  def.return_type = sprocket::runtime::SqlType::kText;
  def.source = kBody;
  return def;
}

// The JavaScript runtime as the engine gets it (the plugin, loaded on first use).
std::unique_ptr<sprocket::runtime::RuntimeRegistry> JsRegistry() {
  auto registry = std::make_unique<sprocket::runtime::RuntimeRegistry>();
  (void)sprocket::runtime::RegisterBuiltinRuntimes(*registry, {"javascript"});
  return registry;
}

int64_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// A new instance of an already compiled function: what a cache miss in the warm pool costs.
void BM_JsInstanceCreation(benchmark::State& state) {
  auto registry = JsRegistry();
  auto compiled = registry->Find("javascript")->Compile(FullNameDef(), {});
  if (!compiled.ok()) return state.SkipWithError(compiled.status().message().c_str());
  (void)(*compiled)->CreateInstance();  // the instance made while compiling
  for (auto _ : state) {
    auto instance = (*compiled)->CreateInstance();
    if (!instance.ok()) return state.SkipWithError(instance.status().message().c_str());
    state.PauseTiming();
    instance->reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_JsInstanceCreation)->Unit(benchmark::kMillisecond)->Iterations(100);

// Resident memory per warm instance: 32 instances kept alive at once.
void BM_JsWarmInstanceMemory(benchmark::State& state) {
  auto registry = JsRegistry();
  auto compiled = registry->Find("javascript")->Compile(FullNameDef(), {});
  if (!compiled.ok()) return state.SkipWithError(compiled.status().message().c_str());
  constexpr int kInstances = 32;
  double per_instance = 0;
  for (auto _ : state) {
    std::vector<std::unique_ptr<sprocket::runtime::Instance>> keep;
    int64_t before = RssBytes();
    for (int i = 0; i < kInstances; ++i) {
      auto instance = (*compiled)->CreateInstance();
      if (!instance.ok()) return state.SkipWithError(instance.status().message().c_str());
      keep.push_back(std::move(*instance));
    }
    per_instance = static_cast<double>(RssBytes() - before) / kInstances;
  }
  state.counters["rss_kib_per_instance"] = per_instance / 1024;
}
BENCHMARK(BM_JsWarmInstanceMemory)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
