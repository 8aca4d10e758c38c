// The per-language defaults (docs/design.md §7), in one table: what a limit of 0 means.
#ifndef SPROCKET_RUNTIME_DEFAULTS_H_
#define SPROCKET_RUNTIME_DEFAULTS_H_

#include <cstdint>
#include <string_view>

#include "runtime/function_def.h"

namespace sprocket::runtime {

struct LanguageDefaults {
  std::string_view language;  // canonical name; "" for the row every other language uses
  int64_t max_memory_bytes;   // 0: the language has no memory of its own to limit (sql)
  int64_t max_cpu_time_ms;
  int64_t max_wall_time_ms;
};

// The row for `language` (canonical name), or the default row.
const LanguageDefaults& DefaultsFor(std::string_view language);

// Whether `language` names a language Sprocket has or will have (javascript, js, python,
// wasm, rust, sql), whether or not this build or Database has it: for the error "not
// available in this build" rather than "does not exist".
bool IsKnownLanguage(std::string_view language);

// `def`'s limits with every 0 replaced by its language's default.
Limits EffectiveLimits(const FunctionDef& def);

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_DEFAULTS_H_
