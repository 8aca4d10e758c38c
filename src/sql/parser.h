// Parser for Sprocket's SQL extensions (DESIGN §3.1, §3.2). Statements that are not
// extensions are classified (PlainStatement) and left to SQLite.
//
// Errors are kSyntaxError with the position and what was expected, e.g.
//   syntax error at line 3, column 12: expected RETURNS after ')'
// Positions are relative to the script the statement came from.
#ifndef SPROCKET_SQL_PARSER_H_
#define SPROCKET_SQL_PARSER_H_

#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sql/ast.h"
#include "sql/splitter.h"

namespace sprocket::sql {

// Parses one statement as returned by SplitStatements; `index` is its 1-based number.
Result<ParsedStatement> ParseStatement(const StatementText& statement, int index = 1);

// Splits and parses a whole script. On error, a script of several statements prefixes the
// message with "statement N: ".
Result<std::vector<ParsedStatement>> ParseScript(std::string_view script);

}  // namespace sprocket::sql

#endif  // SPROCKET_SQL_PARSER_H_
