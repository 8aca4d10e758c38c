// Splits a script into statements on ';' outside quotes, comments, dollar quotes and the
// BEGIN … END body of SQLite's own CREATE TRIGGER.
#ifndef SPROCKET_SQL_SPLITTER_H_
#define SPROCKET_SQL_SPLITTER_H_

#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sql/ast.h"

namespace sprocket::sql {

struct StatementText {
  std::string_view text;  // from the first token to the last, without the ';'
  Position position;      // where `text` starts in the script
};

// The non-empty statements of `script` in order (comments and whitespace alone are not a
// statement). Fails with kSyntaxError on an unterminated quote, dollar quote or comment.
Result<std::vector<StatementText>> SplitStatements(std::string_view script);

// True when `text` ends with a ';' that terminates a statement (so an interactive shell
// can stop reading more lines), or holds only whitespace and comments.
bool IsCompleteStatement(std::string_view text);

}  // namespace sprocket::sql

#endif  // SPROCKET_SQL_SPLITTER_H_
