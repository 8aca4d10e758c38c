#include "sql/lexer.h"

#include <string>

#include "common/strings.h"
#include "sql/internal.h"

namespace sprocket::sql {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
// Bytes of multi-byte UTF-8 sequences count as letters, as in SQLite.
bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
// A dollar-quote tag: identifier characters without '$'.
bool IsTagChar(char c) { return IsIdentStart(c) || IsDigit(c); }
bool IsIdentChar(char c) { return IsTagChar(c) || c == '$'; }

// Moves `position` over `bytes`: a '\n' starts a new line; columns count bytes.
void AdvanceOver(Position* position, std::string_view bytes) {
  for (char c : bytes) {
    if (c == '\n') {
      ++position->line;
      position->column = 1;
    } else {
      ++position->column;
    }
  }
  position->offset += bytes.size();
}

// `text` without its first `open` and last `close` bytes, with each doubled `quote`
// collapsed to one (no collapsing when `quote` is '\0').
std::string Unquote(std::string_view text, size_t open, size_t close, char quote) {
  if (text.size() < open + close) return std::string(text);
  std::string_view inner = text.substr(open, text.size() - open - close);
  std::string out;
  out.reserve(inner.size());
  for (size_t i = 0; i < inner.size(); ++i) {
    out += inner[i];
    if (quote != '\0' && inner[i] == quote && i + 1 < inner.size() && inner[i + 1] == quote) {
      ++i;
    }
  }
  return out;
}

// Multi-character operators, longest first.
constexpr std::string_view kOperators[] = {"->>", "||", "<=", ">=", "<>",
                                           "!=",  "==", "<<", ">>", "->"};

}  // namespace

bool Token::Is(std::string_view word) const {
  return (kind == TokenKind::kIdentifier || kind == TokenKind::kPunct) &&
         EqualsIgnoreCase(text, word);
}

std::string Token::Value() const {
  switch (kind) {
    case TokenKind::kQuotedIdentifier:
      if (!text.empty() && text.front() == '[') return Unquote(text, 1, 1, '\0');
      return Unquote(text, 1, 1, text.empty() ? '\0' : text.front());
    case TokenKind::kString:
      return Unquote(text, 1, 1, '\'');
    case TokenKind::kBlob:
      return Unquote(text, 2, 1, '\0');
    case TokenKind::kDollarString: {
      size_t tag_end = text.size() > 1 ? text.find('$', 1) : std::string_view::npos;
      if (tag_end == std::string_view::npos) return std::string(text);
      return Unquote(text, tag_end + 1, tag_end + 1, '\0');
    }
    default:
      return std::string(text);
  }
}

Position Advance(Position start, std::string_view text, size_t offset) {
  AdvanceOver(&start, text.substr(0, offset));
  return start;
}

Result<std::vector<Token>> Tokenize(std::string_view source, Position start, Dialect dialect) {
  internal::Lexer lexer(source, start, dialect);
  std::vector<Token> tokens;
  while (true) {
    SPROCKET_ASSIGN_OR_RETURN(Token token, lexer.Next());
    tokens.push_back(token);
    if (token.kind == TokenKind::kEnd) return tokens;
  }
}

namespace internal {

Status SyntaxErrorAt(Position position, std::string_view message) {
  std::string text = "syntax error at line " + std::to_string(position.line) + ", column " +
                     std::to_string(position.column) + ": ";
  text += message;
  return Status(StatusCode::kSyntaxError, std::move(text));
}

Lexer::Lexer(std::string_view source, Position start, Dialect dialect)
    : source_(source), dialect_(dialect), pos_(start) {
  // SQLite reads a statement up to its first NUL byte.
  if (dialect_ == Dialect::kSqlite) {
    size_t nul = source_.find('\0');
    if (nul != std::string_view::npos) source_ = source_.substr(0, nul);
  }
}

void Lexer::Bump(size_t n) {
  AdvanceOver(&pos_, source_.substr(index_, n));
  index_ += n;
}

Token Lexer::Make(TokenKind kind, size_t begin, Position position, size_t end) {
  Bump(end - index_);
  return Token{kind, source_.substr(begin, end - begin), position};
}

Status Lexer::SkipSpaceAndComments() {
  while (index_ < source_.size()) {
    char c = source_[index_];
    if (IsSpace(c)) {
      Bump(1);
    } else if (c == '-' && At(index_ + 1) == '-') {
      size_t eol = source_.find('\n', index_);
      Bump((eol == std::string_view::npos ? source_.size() : eol) - index_);
    } else if (c == '/' && At(index_ + 1) == '*') {
      size_t close = source_.find("*/", index_ + 2);
      if (close == std::string_view::npos) {
        return SyntaxErrorAt(pos_, "unterminated /* comment");
      }
      Bump(close + 2 - index_);
    } else {
      break;
    }
  }
  return Status::Ok();
}

Result<Token> Lexer::Next() {
  SPROCKET_RETURN_IF_ERROR(SkipSpaceAndComments());
  const size_t begin = index_;
  const Position position = pos_;
  if (begin >= source_.size()) return Make(TokenKind::kEnd, begin, position, begin);

  const char c = source_[begin];
  const char next = At(begin + 1);
  if (dialect_ == Dialect::kSqlite && (c == '$' || c == '@' || c == ':' || c == '#')) {
    return LexSqliteVariable(begin, position);
  }
  switch (c) {
    case '\'':
      return LexQuoted(begin, position, TokenKind::kString, '\'', true, "string");
    case '"':
    case '`':
      return LexQuoted(begin, position, TokenKind::kQuotedIdentifier, c, true, "quoted identifier");
    case '[':
      return LexQuoted(begin, position, TokenKind::kQuotedIdentifier, ']', false,
                       "quoted identifier");
    case '$':
      return LexDollar(begin, position);
    case '?': {
      size_t end = begin + 1;
      while (IsDigit(At(end))) ++end;
      return Make(TokenKind::kParameter, begin, position, end);
    }
    case ':':
    case '@':
      if (IsIdentChar(next) && next != '$') {
        size_t end = begin + 1;
        while (IsIdentChar(At(end))) ++end;
        return Make(TokenKind::kParameter, begin, position, end);
      }
      return LexPunct(begin, position);
    default:
      break;
  }
  if ((c == 'x' || c == 'X') && next == '\'') {
    size_t close = source_.find('\'', begin + 2);
    if (close == std::string_view::npos) {
      return SyntaxErrorAt(position, "unterminated string");
    }
    return Make(TokenKind::kBlob, begin, position, close + 1);
  }
  if (IsDigit(c) || (c == '.' && IsDigit(next))) return LexNumber(begin, position);
  if (IsIdentStart(c)) {
    size_t end = begin + 1;
    while (IsIdentChar(At(end))) ++end;
    return Make(TokenKind::kIdentifier, begin, position, end);
  }
  return LexPunct(begin, position);
}

Result<Token> Lexer::LexQuoted(size_t begin, Position position, TokenKind kind, char close,
                               bool doubled_escape, std::string_view what) {
  size_t i = begin + 1;
  while (true) {
    size_t found = source_.find(close, i);
    if (found == std::string_view::npos) {
      return SyntaxErrorAt(position, "unterminated " + std::string(what));
    }
    if (doubled_escape && At(found + 1) == close) {
      i = found + 2;
      continue;
    }
    return Make(kind, begin, position, found + 1);
  }
}

// SQLite's tokenizer (tokenize.c, CC_DOLLAR and CC_VARALPHA): the sigil, identifier
// characters ('$' and bytes >= 0x80 included), "::" pairs, and a "(…)" suffix that runs to
// the next ')' or white space. Without identifier characters it is not a variable: the
// sigil is punctuation, and SQLite fails to prepare the statement.
Token Lexer::LexSqliteVariable(size_t begin, Position position) {
  auto ident = [](char ch) {
    unsigned char u = static_cast<unsigned char>(ch);
    return u >= 0x80 || IsIdentChar(ch);
  };
  size_t i = begin + 1;
  int n = 0;
  while (i < source_.size()) {
    char ch = source_[i];
    if (ident(ch)) {
      ++n;
      ++i;
    } else if (ch == '(' && n > 0) {
      do {
        ++i;
      } while (i < source_.size() && !IsSpace(source_[i]) && source_[i] != ')');
      if (i < source_.size() && source_[i] == ')') ++i;
      break;
    } else if (ch == ':' && At(i + 1) == ':') {
      i += 2;
    } else {
      break;
    }
  }
  if (n == 0) return LexPunct(begin, position);
  return Make(TokenKind::kParameter, begin, position, i);
}

// $$…$$, $tag$…$tag$, or the parameters $name and $NNN.
Result<Token> Lexer::LexDollar(size_t begin, Position position) {
  const char next = At(begin + 1);
  if (IsDigit(next)) {
    size_t end = begin + 1;
    while (IsDigit(At(end))) ++end;
    return Make(TokenKind::kParameter, begin, position, end);
  }
  size_t tag_end = begin + 1;
  if (next != '$') {
    if (!IsIdentStart(next)) return LexPunct(begin, position);
    while (IsTagChar(At(tag_end))) ++tag_end;
    if (At(tag_end) != '$') return Make(TokenKind::kParameter, begin, position, tag_end);
  }
  std::string_view delimiter = source_.substr(begin, tag_end + 1 - begin);
  size_t close = source_.find(delimiter, tag_end + 1);
  if (close == std::string_view::npos) {
    return SyntaxErrorAt(position, "unterminated dollar-quoted string " + std::string(delimiter));
  }
  return Make(TokenKind::kDollarString, begin, position, close + delimiter.size());
}

// 42, 1.5, .5, 1e10, 2.5E-3, 0x1F. A trailing 'e' without digits is not part of it.
Token Lexer::LexNumber(size_t begin, Position position) {
  size_t end = begin;
  if (At(begin) == '0' && (At(begin + 1) == 'x' || At(begin + 1) == 'X') &&
      IsHexDigit(At(begin + 2))) {
    end = begin + 2;
    while (IsHexDigit(At(end))) ++end;
    return Make(TokenKind::kNumber, begin, position, end);
  }
  while (IsDigit(At(end))) ++end;
  if (At(end) == '.') {
    ++end;
    while (IsDigit(At(end))) ++end;
  }
  if (At(end) == 'e' || At(end) == 'E') {
    size_t exponent = end + 1;
    if (At(exponent) == '+' || At(exponent) == '-') ++exponent;
    if (IsDigit(At(exponent))) {
      end = exponent;
      while (IsDigit(At(end))) ++end;
    }
  }
  return Make(TokenKind::kNumber, begin, position, end);
}

Token Lexer::LexPunct(size_t begin, Position position) {
  std::string_view rest = source_.substr(begin);
  for (std::string_view op : kOperators) {
    if (rest.substr(0, op.size()) == op) {
      return Make(TokenKind::kPunct, begin, position, begin + op.size());
    }
  }
  return Make(TokenKind::kPunct, begin, position, begin + 1);
}

}  // namespace internal
}  // namespace sprocket::sql
