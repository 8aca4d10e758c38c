// LANGUAGE sql: functions whose body is one or more SQL statements (PostgreSQL's SQL
// functions). The last statement's first column of its first row is the result.
//
// Arguments are referenced by name or as $1, $2, …; as in PostgreSQL, a column of the same
// name takes precedence over an argument (qualify it, or use $n). Names are resolved the
// first time an instance runs (or at CREATE, when a checker is given), by asking SQLite
// which names it cannot resolve. Every statement runs through the HostApi, so the body is
// held to the function's capabilities like any other guest.
#ifndef SPROCKET_RUNTIME_SQL_SQL_RUNTIME_H_
#define SPROCKET_RUNTIME_SQL_SQL_RUNTIME_H_

#include <memory>

#include "runtime/runtime.h"

namespace sprocket::runtime {

std::unique_ptr<LanguageRuntime> NewSqlRuntime();

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_SQL_SQL_RUNTIME_H_
