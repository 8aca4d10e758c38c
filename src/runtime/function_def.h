// FunctionDef: everything a language runtime needs to know about a function — the
// catalog's record of it, in the runtime's terms.
#ifndef SPROCKET_RUNTIME_FUNCTION_DEF_H_
#define SPROCKET_RUNTIME_FUNCTION_DEF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/types.h"

namespace sprocket::runtime {

struct Param {
  std::string name;           // may be empty (then reachable as $n only)
  std::string declared_type;  // as written, normalised: "DOUBLE PRECISION", "NUMERIC(10,2)"
  SqlType type = SqlType::kAny;
};

enum class FunctionKind {
  kScalar,     // RETURNS type
  kTable,      // RETURNS TABLE (…) or RETURNS SETOF type
  kTrigger,    // RETURNS TRIGGER
  kProcedure,  // CREATE PROCEDURE: returns nothing, called with CALL
};

enum class Volatility { kVolatile, kStable, kImmutable };

enum class JitLevel { kLowLatency, kBalanced, kFast };
const char* JitLevelName(JitLevel level);  // "low_latency", "balanced", "fast"

// Resource limits of one call (docs/design.md §7). Zero means the language's default
// (runtime/defaults.h).
struct Limits {
  int64_t max_memory_bytes = 0;
  int64_t max_cpu_time_ms = 0;
  int64_t max_instructions = 0;  // wasm fuel; 0 = unmetered
  // Wall-clock time of one call, waits included (a fetch, a worker): beside the CPU limit,
  // which a waiting call does not use up.
  int64_t max_wall_time_ms = 0;
};

struct FunctionDef {
  std::string name;
  // The name under which a body may define the function to call (docs/design.md §3.1 body style
  // (a)): the name the function was created with. ALTER FUNCTION … RENAME TO changes
  // `name`, not this, so a body that defines `function f` keeps working as `g`.
  std::string entry_point;
  FunctionKind kind = FunctionKind::kScalar;
  std::string language;  // canonical: "javascript", "python", "wasm", "rust", "sql"
  std::vector<Param> params;
  // kScalar: the result type. kTable with SETOF: the single column's type.
  std::string return_declared;
  SqlType return_type = SqlType::kAny;
  std::vector<Param> return_columns;  // kTable
  Volatility volatility = Volatility::kVolatile;
  bool strict = false;
  std::string source;  // source text (or, for AS X'…', the module bytes)
  bool source_is_binary = false;
  std::string file_path;  // AS FILE 'path'; source holds the file's contents
  int source_line = 1;    // line of the CREATE statement on which the body starts
  Limits limits;
  JitLevel jit_level = JitLevel::kBalanced;
  bool hot_reload = false;
};

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_FUNCTION_DEF_H_
