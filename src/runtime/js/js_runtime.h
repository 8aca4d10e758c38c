// LANGUAGE javascript (alias js): functions on V8 (docs/design.md §4–§7). Each instance is an
// isolate of its own with the function's memory limit; a watchdog enforces the CPU limit.
#ifndef SPROCKET_RUNTIME_JS_JS_RUNTIME_H_
#define SPROCKET_RUNTIME_JS_JS_RUNTIME_H_

#include <memory>

#include "runtime/runtime.h"

namespace sprocket::runtime {

// A JavaScript runtime. V8 itself is initialised once per process, on first use; each
// runtime (one per Database) owns its watchdog thread.
std::unique_ptr<LanguageRuntime> NewJsRuntime();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_JS_JS_RUNTIME_H_
