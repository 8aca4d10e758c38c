// Turning a function's body into the script V8 compiles (docs/design.md §3.1 body styles):
//   (a) the body defines a function named after the SQL function (`function f(a, b) {…}`,
//       `async function f…`, `const f = …`): the script runs once per instance and the
//       global `f` is called;
//   (b) otherwise the body is the function's body, with the arguments in scope by name
//       (plv8 style): it is wrapped in `(function (a, b) {…})` — `async` when it awaits.
#ifndef SPROCKET_RUNTIME_JS_JS_COMPILE_H_
#define SPROCKET_RUNTIME_JS_JS_COMPILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "runtime/function_def.h"
#include "sprocket/status.h"

namespace sprocket::runtime::js {

struct ScriptSource {
  std::string text;      // what V8 compiles
  int line_offset = 0;   // ScriptOrigin line offset: errors count the body's lines from 1
  bool wrapped = false;  // style (b): running the script yields the function
  std::string global;    // style (a): the global to call
};

// Chooses the body style and builds the script. Fails (kInvalidArgument) on an empty body
// or a body that defines functions but none named after the SQL function and returns
// nothing.
Result<ScriptSource> BuildScript(const FunctionDef& def);

// What body-style detection reads of `source`: the code with comments blanked, string,
// template and regular-expression literals emptied (their quotes kept), and — when
// `top_level` — everything inside braces blanked too, so that only the body's own
// statements remain. Newlines are kept. A comment or string that mentions
// `function f(` is not a declaration.
std::string JsSkeleton(std::string_view source, bool top_level);

// The names a function's arguments have inside JavaScript: the declared name when it is a
// usable identifier, else $1, $2, …
std::vector<std::string> JsParameterNames(const FunctionDef& def);

}  // namespace sprocket::runtime::js

#endif  // SPROCKET_RUNTIME_JS_JS_COMPILE_H_
