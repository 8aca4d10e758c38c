#include "runtime/defaults.h"

#include "common/strings.h"

namespace sprocket::runtime {

namespace {

constexpr int64_t kMiB = int64_t{1} << 20;

constexpr LanguageDefaults kDefaults[] = {
    // language     memory      CPU ms  wall ms
    {"javascript", 16 * kMiB, 5000, 30000},
    {"wasm", 16 * kMiB, 5000, 30000},
    {"rust", 16 * kMiB, 5000, 30000},
    {"python", 32 * kMiB, 5000, 30000},
    {"sql", 0, 5000, 30000},
    {"", 16 * kMiB, 5000, 30000},
};

}  // namespace

const LanguageDefaults& DefaultsFor(std::string_view language) {
  for (const LanguageDefaults& d : kDefaults) {
    if (d.language == language) return d;
  }
  return kDefaults[sizeof kDefaults / sizeof kDefaults[0] - 1];
}

bool IsKnownLanguage(std::string_view language) {
  for (std::string_view known : {"javascript", "js", "python", "wasm", "rust", "sql"}) {
    if (EqualsIgnoreCase(language, known)) return true;
  }
  return false;
}

Limits EffectiveLimits(const FunctionDef& def) {
  const LanguageDefaults& d = DefaultsFor(def.language);
  Limits out = def.limits;
  if (out.max_memory_bytes <= 0) out.max_memory_bytes = d.max_memory_bytes;
  if (out.max_cpu_time_ms <= 0) out.max_cpu_time_ms = d.max_cpu_time_ms;
  if (out.max_wall_time_ms <= 0) out.max_wall_time_ms = d.max_wall_time_ms;
  return out;
}

}  // namespace sprocket::runtime
