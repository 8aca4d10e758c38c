// Pure rewrites of SQL text the trigger engine derives statements with: parameters renamed
// so that clauses cut out of a statement keep them, NEW.x / OLD.x / excluded.x replaced by
// parameters, and whether an expression calls a function. Token-based (sql/lexer.h), so
// string literals, comments and quoted names are never touched.
#ifndef SPROCKET_ENGINE_SQL_REWRITE_H_
#define SPROCKET_ENGINE_SQL_REWRITE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sql/lexer.h"

namespace sprocket {

// The statement with every ? and ?N written :_spuN (N its number in the statement), so
// that clauses cut out of it keep their parameters.
std::string NumberParameters(std::string_view sql);

// `text` with each qualified column reference `q.column` for which `replace` returns a
// string replaced by it (parameters for NEW.x / OLD.x / excluded.x).
std::string RewriteReferences(
    const std::string& text,
    const std::function<std::optional<std::string>(const sql::Token& qualifier,
                                                   const std::string& column)>& replace);

// Whether `expression` calls a function (a DEFAULT whose value can differ per row). True
// when it cannot be read.
bool CallsFunction(const std::string& expression);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_SQL_REWRITE_H_
