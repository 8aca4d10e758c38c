// Languages in shared objects, loaded when first used.
//
// Loading V8 (libnode) costs a process about 40 ms of dynamic linking before main() runs,
// which every `sprocket app.db "SELECT 1"` paid whether it called JavaScript or not. A
// language whose engine is large lives in a plugin — a shared object exporting one C
// function, `sprocket_language_runtime_<name>`, that makes its LanguageRuntime — and a
// PluginRuntime stands in for it: it knows the language's names, and loads the plugin
// (once per process) the first time something needs the language itself.
//
// The plugin is found, in order: in $SPROCKET_PLUGIN_PATH (a directory); beside the
// object that contains this code and in its "sprocket" subdirectory (the installed
// layout: lib/libsprocket.so, lib/sprocket/libsprocket_js.so); in the build tree's and
// the install prefix's plugin directories compiled in.
#ifndef SPROCKET_RUNTIME_PLUGIN_H_
#define SPROCKET_RUNTIME_PLUGIN_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/runtime.h"

namespace sprocket::runtime {

// The entry point a plugin exports: makes a new runtime, owned by the caller.
using PluginEntry = LanguageRuntime* (*)();

// The name of the entry point of `language`'s plugin ("sprocket_language_runtime_javascript").
std::string PluginEntryName(std::string_view language);

struct PluginSpec {
  std::string name;                  // canonical language name, "javascript"
  std::vector<std::string> aliases;  // "js"
  std::string file;                  // "libsprocket_js.so"
};

// A language loaded on first use. Thread-safe, like any LanguageRuntime.
class PluginRuntime : public LanguageRuntime {
 public:
  explicit PluginRuntime(PluginSpec spec);
  ~PluginRuntime() override;

  std::string_view name() const override { return spec_.name; }
  std::vector<std::string> aliases() const override { return spec_.aliases; }
  // These load the plugin. When it cannot be loaded, version() says why and Compile fails
  // with kNotSupported naming the file and the loader's error.
  std::string version() const override;
  std::string engine_fingerprint() const override;
  bool meters_instructions() const override;
  Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef& def,
                                                    const CompileOptions& options) override;
  Result<std::shared_ptr<CompiledFunction>> Load(const FunctionDef& def,
                                                 std::string_view bytes) override;

  // Whether the plugin has been loaded (for tests and --version).
  bool loaded() const;

 private:
  // The loaded runtime, or the error that kept it from loading.
  Result<LanguageRuntime*> Load() const;

  const PluginSpec spec_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<LanguageRuntime> runtime_;  // set once, under once_
  mutable Status error_;
};

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_PLUGIN_H_
