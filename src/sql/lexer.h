// Lexer for SQLite's SQL plus PostgreSQL's dollar quotes. It knows every way text can be
// quoted — '…', "…", […], `…`, X'…', -- and /* */ comments, $$…$$ and $tag$…$tag$ — so
// that the splitter and parser never mistake quoted text for structure.
#ifndef SPROCKET_SQL_LEXER_H_
#define SPROCKET_SQL_LEXER_H_

#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sql/ast.h"

namespace sprocket::sql {

enum class TokenKind {
  kIdentifier,        // bare word (keywords are identifiers; compare with Is())
  kQuotedIdentifier,  // "x", [x], `x`
  kString,            // 'x'
  kBlob,              // X'00ff'
  kDollarString,      // $$x$$, $tag$x$tag$
  kNumber,            // 42, 1.5e3, 0x1f
  kParameter,         // ?, ?1, :name, @name, $name, $1
  kPunct,             // ( ) , ; . = < > + - * / || etc. (multi-char operators are one token)
  kEnd,               // end of input
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // exactly as in the source, quotes included
  Position position;

  // Case-insensitive comparison for a bare identifier (keyword) or punctuation.
  bool Is(std::string_view word) const;
  // The unquoted value: identifiers unquoted with doubled quotes collapsed, strings without
  // quotes and with '' → ', dollar strings without their delimiters, blobs as hex digits.
  std::string Value() const;
  bool IsName() const {
    return kind == TokenKind::kIdentifier || kind == TokenKind::kQuotedIdentifier;
  }
};

// Which SQL the text is. kSprocket: scripts and Sprocket's statements, with PostgreSQL's
// dollar quotes ($$…$$, $tag$…$tag$) for function bodies. kSqlite: a statement SQLite
// itself will run, read exactly as SQLite's tokenizer reads it — `$q$` is a variable, not
// a quote, and text ends at a NUL byte — for code that cuts such a statement into pieces
// (the trigger engine's row loop): a piece must be what SQLite authorised, never text
// SQLite saw as a comment.
enum class Dialect { kSprocket, kSqlite };

// Splits `source` into tokens, skipping whitespace and comments; the last token is kEnd.
// `start` is the position of source[0] within its script, so that positions in tokens
// and errors are script-relative. Fails with kSyntaxError on unterminated quotes,
// dollar strings or block comments, naming line and column.
Result<std::vector<Token>> Tokenize(std::string_view source, Position start = {},
                                    Dialect dialect = Dialect::kSprocket);

// The position `offset` bytes after `start` in `text` (which begins at `start`).
Position Advance(Position start, std::string_view text, size_t offset);

}  // namespace sprocket::sql

#endif  // SPROCKET_SQL_LEXER_H_
