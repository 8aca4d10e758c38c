#include "runtime/plugin.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace sprocket::runtime {

namespace {

// Directories to look in, in order (see plugin.h).
std::vector<std::string> PluginDirectories() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("SPROCKET_PLUGIN_PATH"); env != nullptr && *env != '\0') {
    dirs.emplace_back(env);
  }
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&PluginDirectories), &info) != 0 &&
      info.dli_fname != nullptr) {
    std::string self = info.dli_fname;
    size_t slash = self.rfind('/');
    if (slash != std::string::npos) {
      std::string dir = self.substr(0, slash);
      dirs.push_back(dir + "/sprocket");
      dirs.push_back(dir);
      dirs.push_back(dir + "/../lib/sprocket");  // bin/sprocket → lib/sprocket
    }
  }
#ifdef SPROCKET_BUILD_PLUGIN_DIR
  dirs.emplace_back(SPROCKET_BUILD_PLUGIN_DIR);
#endif
#ifdef SPROCKET_INSTALL_PLUGIN_DIR
  dirs.emplace_back(SPROCKET_INSTALL_PLUGIN_DIR);
#endif
  return dirs;
}

}  // namespace

std::string PluginEntryName(std::string_view language) {
  return "sprocket_language_runtime_" + std::string(language);
}

PluginRuntime::PluginRuntime(PluginSpec spec) : spec_(std::move(spec)) {}

// The shared object stays loaded for the life of the process: a runtime's threads and V8
// itself cannot be unloaded.
PluginRuntime::~PluginRuntime() = default;

Result<LanguageRuntime*> PluginRuntime::Load() const {
  std::call_once(once_, [this] {
    std::string tried;
    void* handle = nullptr;
    for (const std::string& dir : PluginDirectories()) {
      std::string path = dir + "/" + spec_.file;
      if (access(path.c_str(), R_OK) != 0) continue;
      handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle != nullptr) break;
      const char* why = dlerror();
      tried += (tried.empty() ? "" : "; ") + path + ": " + (why != nullptr ? why : "?");
    }
    if (handle == nullptr) {
      error_ = Status(StatusCode::kNotSupported,
                      "language " + spec_.name + " is not available: cannot load " + spec_.file +
                          (tried.empty() ? " (not found)" : " (" + tried + ")"));
      return;
    }
    auto entry = reinterpret_cast<PluginEntry>(dlsym(handle, PluginEntryName(spec_.name).c_str()));
    if (entry == nullptr) {
      error_ = Status(StatusCode::kNotSupported, "language " + spec_.name +
                                                     " is not available: " + spec_.file +
                                                     " has no " + PluginEntryName(spec_.name));
      return;
    }
    std::unique_ptr<LanguageRuntime> runtime(entry());
    if (environment_ != nullptr) runtime->Attach(environment_);
    runtime_ = std::move(runtime);
  });
  if (runtime_ == nullptr) return error_;
  return runtime_.get();
}

bool PluginRuntime::loaded() const { return runtime_ != nullptr; }

std::string PluginRuntime::version() const {
  Result<LanguageRuntime*> rt = Load();
  return rt.ok() ? (*rt)->version() : spec_.name + " (" + rt.status().message() + ")";
}

std::string PluginRuntime::engine_fingerprint() const {
  Result<LanguageRuntime*> rt = Load();
  return rt.ok() ? (*rt)->engine_fingerprint() : "";
}

bool PluginRuntime::meters_instructions() const {
  Result<LanguageRuntime*> rt = Load();
  return rt.ok() && (*rt)->meters_instructions();
}

Result<std::shared_ptr<CompiledFunction>> PluginRuntime::Compile(const FunctionDef& def,
                                                                 const CompileOptions& options) {
  SPROCKET_ASSIGN_OR_RETURN(LanguageRuntime * rt, Load());
  return rt->Compile(def, options);
}

Result<std::shared_ptr<CompiledFunction>> PluginRuntime::Load(const FunctionDef& def,
                                                              std::string_view bytes) {
  SPROCKET_ASSIGN_OR_RETURN(LanguageRuntime * rt, Load());
  return rt->Load(def, bytes);
}

}  // namespace sprocket::runtime
