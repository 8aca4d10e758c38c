#include "runtime/builtin_runtimes.h"

#include "runtime/js/js_runtime.h"
#include "runtime/js/js_version.h"
#include "runtime/sql/sql_runtime.h"

namespace sprocket::runtime {

Status RegisterBuiltinRuntimes(RuntimeRegistry& registry) {
  SPROCKET_RETURN_IF_ERROR(registry.Register(NewSqlRuntime()));
  return registry.Register(NewJsRuntime());
}

std::vector<std::string> BuiltinEngineVersions() { return {V8VersionString()}; }

}  // namespace sprocket::runtime
