// Turning a LANGUAGE sql body into statements SQLite can run with positional parameters.
#ifndef SPROCKET_RUNTIME_SQL_SQL_COMPILE_H_
#define SPROCKET_RUNTIME_SQL_SQL_COMPILE_H_

#include <string>
#include <vector>

#include "runtime/function_def.h"
#include "runtime/host_api.h"

namespace sprocket::runtime {

// Splits the body into statements and rewrites $n to ?n. Fails on an empty body, on
// ?/:name/@name parameters, and on $n beyond the argument count.
Result<std::vector<std::string>> SplitSqlBody(const FunctionDef& def);

// Resolves argument names in `statement` (already through SplitSqlBody): every name SQLite
// reports as "no such column" that is an argument becomes ?n. Other errors are returned.
Result<std::string> ResolveArgumentNames(const FunctionDef& def, std::string statement,
                                         HostApi& checker);

// For a trigger body: rewrites NEW.col and OLD.col (columns of the trigger's table, in
// `columns` order) and the TG_* names to positional parameters, laid out as
// TriggerParameters() fills them. Unknown columns are kInvalidArgument — unless
// `any_column` (checking a trigger function, which may fire on any table): then every
// NEW.x and OLD.x becomes a parameter.
Result<std::string> BindTriggerReferences(const FunctionDef& def, std::string_view statement,
                                          const std::vector<std::string>& columns,
                                          bool any_column = false);

// The names bound after NEW's and OLD's columns, in order.
const std::vector<std::string>& TriggerValueNames();

// The highest n of the ?n parameters in `statement` (0 when there are none).
int HighestParameter(std::string_view statement);

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_SQL_SQL_COMPILE_H_
