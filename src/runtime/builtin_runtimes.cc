#include "runtime/builtin_runtimes.h"

#include <algorithm>

#include "common/strings.h"
#include "runtime/plugin.h"
#include "runtime/sql/sql_runtime.h"

namespace sprocket::runtime {

namespace {

// The languages of this build whose engines are plugins, loaded when first used.
std::vector<PluginSpec> PluginLanguages() {
  return {PluginSpec{"javascript", {"js"}, "libsprocket_js.so"}};
}

bool Wanted(const std::vector<std::string>& languages, const std::string& name) {
  if (languages.empty()) return true;
  return std::any_of(languages.begin(), languages.end(),
                     [&](const std::string& l) { return EqualsIgnoreCase(l, name); });
}

}  // namespace

Status RegisterBuiltinRuntimes(RuntimeRegistry& registry,
                               const std::vector<std::string>& languages) {
  if (Wanted(languages, "sql")) SPROCKET_RETURN_IF_ERROR(registry.Register(NewSqlRuntime()));
  for (PluginSpec& spec : PluginLanguages()) {
    bool wanted = Wanted(languages, spec.name);
    for (const std::string& alias : spec.aliases) wanted = wanted || Wanted(languages, alias);
    if (!wanted) continue;
    SPROCKET_RETURN_IF_ERROR(registry.Register(std::make_unique<PluginRuntime>(std::move(spec))));
  }
  return Status::Ok();
}

std::vector<std::string> BuiltinEngineVersions() {
  std::vector<std::string> versions;
  for (PluginSpec& spec : PluginLanguages()) versions.push_back(PluginRuntime(spec).version());
  return versions;
}

}  // namespace sprocket::runtime
