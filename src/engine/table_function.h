// Table-valued functions: a function that RETURNS TABLE (…) or SETOF type is an
// eponymous virtual table, so `SELECT * FROM f(args)` works anywhere SQLite takes a table.
// Arguments arrive as equality constraints on hidden columns; the function runs once per
// scan (xFilter) under its own principal, and its rows are converted to the declared
// column types.
#ifndef SPROCKET_ENGINE_TABLE_FUNCTION_H_
#define SPROCKET_ENGINE_TABLE_FUNCTION_H_

#include <sqlite3.h>

#include <string>
#include <vector>

namespace sprocket {

struct FunctionSlot;

// Registers the module for `slot` (a table function).
int RegisterTableFunction(sqlite3* db, FunctionSlot* slot);

// Removes the table functions `names` (modules registered by RegisterTableFunction), and
// no other module of the connection.
int DropTableFunctions(sqlite3* db, const std::vector<std::string>& names);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_TABLE_FUNCTION_H_
