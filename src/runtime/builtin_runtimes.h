// The languages this build has. The engine registers them through this one call and never
// names a language itself.
#ifndef SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_
#define SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_

#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace sprocket::runtime {

// Registers every language of this build (sql, javascript) with `registry`.
Status RegisterBuiltinRuntimes(RuntimeRegistry& registry);

// The engines those languages run on, e.g. "V8 10.2.154.26-node.37" (for --version).
std::vector<std::string> BuiltinEngineVersions();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_
