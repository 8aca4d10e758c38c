// Parser for Sprocket's SQL extensions (docs/design.md §3.1, §3.2). Statements that are not
// extensions are classified (PlainStatement) and left to SQLite.
//
// Errors are kSyntaxError with the position and what was expected. Positions are
// relative to the script the statement came from (1-based line; column counts bytes).
// Messages have one of these shapes:
//   syntax error at line L, column C: expected <X> after <Y>, found <Z>
//     <Y> is the previous token ('RETURNS', ')', string 'x', dollar-quoted string $$…)
//     or a role ("function name", "trigger name", "table name"); <Z> is the token found
//     there, or "end of statement". Long tokens are cut at a line break or 24 bytes
//     and end with "...". The position is that of <Z>.
//       expected ( after function name, found 'RETURNS'
//       expected RETURNS after ')', found 'LANGAUGE'
//   syntax error at line L, column C: expected <CLAUSE>, found end of statement
//     a required clause of CREATE FUNCTION (RETURNS, LANGUAGE, AS) is missing; the
//     position is just after the statement's last token.
//   syntax error at line L, column C: <specific message>
//     e.g. "argument modes are not supported", "conflicting or redundant options:
//     LANGUAGE", "duplicate trigger events specified", "unknown capability FOO (…)",
//     and the lexer's "unterminated string" family.
// ParseScript prefixes "statement N: " when the script has more than one statement.
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
