// The bridge between SQLite's user-defined functions and the language runtimes: every
// catalog function is registered on every connection, and a call converts the arguments
// to their declared types, checks STRICT, runs the instance under the function's
// principal, and converts the result back.
#ifndef SPROCKET_ENGINE_FUNCTION_BRIDGE_H_
#define SPROCKET_ENGINE_FUNCTION_BRIDGE_H_

#include <sqlite3.h>

namespace sprocket {

struct FunctionSlot;

// sqlite3_create_function_v2 for `slot` (its name, arity and determinism).
int RegisterFunction(sqlite3* db, FunctionSlot* slot);
// Removes the registration of `slot`'s name and arity.
int UnregisterFunction(sqlite3* db, const FunctionSlot& slot);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_FUNCTION_BRIDGE_H_
