// The languages this build has. The front end chooses which (Options::languages); the
// engine registers them through this one call and never names a language itself.
#ifndef SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_
#define SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_

#include <string>
#include <vector>

#include "runtime/runtime.h"

namespace sprocket::runtime {

// Registers the languages of this build (sql, javascript) named in `languages` (all of
// them when it is empty) with `registry`. Languages whose engines are plugins
// (javascript) are loaded when first used (runtime/plugin.h).
Status RegisterBuiltinRuntimes(RuntimeRegistry& registry,
                               const std::vector<std::string>& languages = {});

// The engines of the plugin languages, e.g. "V8 10.2.154.26-node.37" (for --version:
// this loads them).
std::vector<std::string> BuiltinEngineVersions();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_BUILTIN_RUNTIMES_H_
