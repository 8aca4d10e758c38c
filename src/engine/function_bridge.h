// The bridge between SQLite's user-defined functions and the language runtimes: every
// catalog function is registered on every connection, and a call converts the arguments
// to their declared types, checks STRICT, runs the instance under the function's
// principal, and converts the result back.
#ifndef SPROCKET_ENGINE_FUNCTION_BRIDGE_H_
#define SPROCKET_ENGINE_FUNCTION_BRIDGE_H_

#include <sqlite3.h>

#include <vector>

#include "runtime/runtime.h"
#include "sprocket/status.h"

namespace sprocket {

struct FunctionSlot;
class SessionImpl;

// Converts the arguments SQLite passes to the declared parameter types of `def`. Sets
// *strict_null (and converts nothing more) when `def` is STRICT and an argument is NULL:
// the function must not be called. Errors name the function and the argument.
Status ConvertArguments(const runtime::FunctionDef& def, int argc, sqlite3_value** argv,
                        std::vector<Value>* args, bool* strict_null);

// sqlite3_create_function_v2 for `slot` (its name, arity and determinism).
int RegisterFunction(sqlite3* db, FunctionSlot* slot);
// Removes the registration of `slot`'s name and arity.
int UnregisterFunction(sqlite3* db, const FunctionSlot& slot);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_FUNCTION_BRIDGE_H_
