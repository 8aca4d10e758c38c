// Internal to src/sql: the pieces lexer.cc, splitter.cc, parser.cc and dml.cc share. Other
// modules use lexer.h, splitter.h and parser.h.
#ifndef SPROCKET_SQL_INTERNAL_H_
#define SPROCKET_SQL_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sql/ast.h"
#include "sql/lexer.h"
#include "sql/splitter.h"

namespace sprocket::sql::internal {

// Token text for a message: cut at the first line break or after 24 bytes (never inside a
// UTF-8 sequence), with "..." marking the cut.
std::string Shorten(std::string_view text);
// How a message names a token: 'RETURNS', ')', string 'x', end of statement, ….
std::string Describe(const Token& token);

// kSyntaxError "syntax error at line L, column C: <message>".
Status SyntaxErrorAt(Position position, std::string_view message);

// An incremental lexer: Tokenize() is a loop over Next(). The splitter uses it directly so
// that it knows which statement an unterminated quote started in.
// Not thread-safe; borrows `source`, which must outlive the lexer and its tokens.
class Lexer {
 public:
  Lexer(std::string_view source, Position start, Dialect dialect = Dialect::kSprocket);

  // The next token, skipping whitespace and comments; kEnd (again and again) at the end.
  // An unterminated quote, dollar quote or block comment is a kSyntaxError at its start.
  Result<Token> Next();

 private:
  void Bump(size_t n);  // moves n bytes forward, keeping pos_ up to date
  char At(size_t i) const { return i < source_.size() ? source_[i] : '\0'; }
  Status SkipSpaceAndComments();
  Token Make(TokenKind kind, size_t begin, Position position, size_t end);
  Result<Token> LexQuoted(size_t begin, Position position, TokenKind kind, char close,
                          bool doubled_escape, std::string_view what);
  Result<Token> LexDollar(size_t begin, Position position);
  Token LexNumber(size_t begin, Position position);
  Token LexPunct(size_t begin, Position position);

  // SQLite's variables: $name, @name, :name, #name (identifier characters, then TCL's
  // "::" and "(…)" suffixes), as SQLite's tokenizer reads them.
  Token LexSqliteVariable(size_t begin, Position position);

  std::string_view source_;
  Dialect dialect_;
  size_t index_ = 0;  // of the next unread byte
  Position pos_;      // the position of source_[index_]
};

// Decides where a statement ends, token by token, with the rule of sqlite3_complete():
// ';' ends a statement, except inside the BEGIN … END body of SQLite's own CREATE
// [TEMP] TRIGGER, which ends at a ';' that follows an END that itself follows a ';'.
// The body starts at a BEGIN at parenthesis depth 0 after "ON table", unless an EXECUTE
// or LANGUAGE keyword (Sprocket's trigger forms) came first.
class StatementEndTracker {
 public:
  // Feeds the next token of the current statement (never kEnd). Returns true when it is
  // the ';' that ends the statement; the tracker is then ready for the next statement.
  bool Feed(const Token& token);
  // True once SQLite's BEGIN … END trigger body has started in the current statement.
  bool in_trigger_body() const {
    return state_ == State::kBody || state_ == State::kBodySemi || state_ == State::kBodyEnd;
  }
  // True when no token of the current statement has been fed yet.
  bool at_start() const { return state_ == State::kStart; }

 private:
  enum class State {
    kStart,          // no token yet
    kExplain,        // EXPLAIN [QUERY PLAN]
    kCreate,         // CREATE [OR REPLACE] [TEMP]
    kOther,          // any other statement: the next ';' ends it
    kTriggerHeader,  // CREATE … TRIGGER, before any body
    kBody,           // inside BEGIN … END
    kBodySemi,       // inside the body, just after a ';'
    kBodyEnd,        // inside the body, just after "; END"
  };
  void Reset();

  State state_ = State::kStart;
  int depth_ = 0;         // parenthesis depth in kTriggerHeader
  bool seen_on_ = false;  // "ON" seen at depth 0 in kTriggerHeader
  bool prev_is_on_or_dot_ = false;
};

// SplitStatements, but on failure `out` keeps the statements before the failing one (so
// the caller can tell which statement the error is in).
Status SplitInto(std::string_view script, std::vector<StatementText>* out);

}  // namespace sprocket::sql::internal

#endif  // SPROCKET_SQL_INTERNAL_H_
