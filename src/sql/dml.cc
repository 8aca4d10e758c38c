#include "sql/dml.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "sql/internal.h"
#include "sql/lexer.h"

namespace sprocket::sql {
namespace {

// Where a clause ends: at the first of these at parenthesis depth 0, at an unmatched ')',
// or at the end of the statement. Expressions never hold these words outside parentheses
// (a subquery in an expression is always parenthesised), except FROM in IS [NOT]
// DISTINCT FROM, which is not a stop.
enum Stop : unsigned {
  kStopComma = 1u << 0,
  kStopFrom = 1u << 1,
  kStopWhere = 1u << 2,
  kStopReturning = 1u << 3,
  kStopOrder = 1u << 4,
  kStopLimit = 1u << 5,
  kStopOn = 1u << 6,          // any ON: where ON cannot start a join constraint
  kStopOnConflict = 1u << 7,  // ON CONFLICT ( or ON CONFLICT DO: in a SELECT with joins
  kStopDo = 1u << 8,
};
// The clauses after UPDATE's SET … FROM … and DELETE's table, in SQLite's order.
constexpr unsigned kTailStops = kStopWhere | kStopReturning | kStopOrder | kStopLimit;
// The operators of a compound SELECT.
constexpr std::string_view kCompoundWords[] = {"UNION", "INTERSECT", "EXCEPT"};
constexpr std::string_view kOnWord[] = {"ON"};

using internal::Describe;

// A half-open range of token indices.
struct Range {
  size_t begin = 0;
  size_t end = 0;
  bool empty() const { return begin >= end; }
};

// The tokens of one statement, lexed on demand so that classifying a statement reads only
// its head. The statement ends at its first ';': that token, and a lexer error, read as
// the kEnd token, again and again.
class TokenStream {
 public:
  explicit TokenStream(std::string_view sql)
      : sql_(sql), lexer_(sql, Position{}, Dialect::kSqlite) {}

  // The token at `index`, or the end token when the statement is shorter.
  const Token& At(size_t index);
  // The lexer's error when lexing failed in the part read so far; OK otherwise.
  const Status& lex_error() const { return lex_error_; }
  // The first token other than ';' after the ';' that ended the statement, if any. Sets
  // lex_error() when the rest cannot be lexed.
  std::optional<Token> FindTrailingToken();
  std::string_view sql() const { return sql_; }

 private:
  void PushEnd(const Token& token);

  std::string_view sql_;
  internal::Lexer lexer_;
  std::deque<Token> tokens_;  // a deque: At()'s references stay valid as it grows
  bool ended_ = false;
  bool ended_at_semicolon_ = false;
  Status lex_error_;
};

const Token& TokenStream::At(size_t index) {
  while (tokens_.size() <= index && !ended_) {
    Result<Token> token = lexer_.Next();
    if (!token.ok()) {
      lex_error_ = token.status();
      Token end;
      if (!tokens_.empty()) {
        const Token& last = tokens_.back();
        end.text = last.text.substr(last.text.size());
        end.position = Advance(last.position, last.text, last.text.size());
      } else {
        end.text = sql_.substr(0, 0);
      }
      PushEnd(end);
    } else if (token->Is(";")) {
      ended_at_semicolon_ = true;
      Token end = *token;
      end.text = token->text.substr(0, 0);
      PushEnd(end);
    } else if (token->kind == TokenKind::kEnd) {
      PushEnd(*token);
    } else {
      tokens_.push_back(*token);
    }
  }
  return tokens_[std::min(index, tokens_.size() - 1)];
}

void TokenStream::PushEnd(const Token& token) {
  tokens_.push_back(token);
  tokens_.back().kind = TokenKind::kEnd;
  ended_ = true;
}

std::optional<Token> TokenStream::FindTrailingToken() {
  if (!ended_at_semicolon_) return std::nullopt;
  while (true) {
    Result<Token> token = lexer_.Next();
    if (!token.ok()) {
      lex_error_ = token.status();
      return std::nullopt;
    }
    if (token->kind == TokenKind::kEnd) return std::nullopt;
    if (!token->Is(";")) return *token;
  }
}

// A recursive-descent reader over one statement's tokens. It splits the statement into
// clauses by keywords at parenthesis depth 0 and never parses an expression.
class DmlParser {
 public:
  explicit DmlParser(std::string_view sql) : tokens_(sql) {}

  // Reads the optional WITH clause, the verb and the target table into `out`. False when
  // the statement is not an INSERT, REPLACE, UPDATE or DELETE.
  Result<bool> ParseHead(DmlStatement* out);
  // Reads the rest of the statement, after ParseHead() returned true.
  Status ParseRest(DmlStatement* out);

  const Status& lex_error() const { return tokens_.lex_error(); }

 private:
  // --- Token access -------------------------------------------------------------------
  const Token& At(size_t index) { return tokens_.At(index); }
  const Token& Peek(size_t ahead = 0) { return At(next_ + ahead); }
  bool PeekIs(std::string_view word, size_t ahead = 0) { return Peek(ahead).Is(word); }
  bool AtEnd() { return Peek().kind == TokenKind::kEnd; }
  const Token& Next() {
    const Token& token = Peek();
    if (token.kind != TokenKind::kEnd) ++next_;
    return token;
  }
  bool Accept(std::string_view word) {
    if (!PeekIs(word)) return false;
    Next();
    return true;
  }
  // The source text of the tokens in `range`, with what lies between them (comments
  // included); empty for an empty range.
  std::string Slice(Range range);

  // --- Errors -------------------------------------------------------------------------
  // "cannot decompose UPDATE: expected <what> after <after>, found <token at index>";
  // `after` defaults to the token before `index`.
  Status ExpectedAt(size_t index, std::string_view what, std::string_view after = {});
  Status Expected(std::string_view what, std::string_view after = {}) {
    return ExpectedAt(next_, what, after);
  }
  Status Expect(std::string_view word, std::string_view after = {}) {
    if (Accept(word)) return Status::Ok();
    return Expected(word, after);
  }
  Status ExpectEnd();

  // --- Scanning -----------------------------------------------------------------------
  bool IsStop(size_t index, unsigned stops);
  bool IsOnConflict(size_t index);
  // Moves over the tokens up to the next stop (see Stop); fails on an unclosed '('.
  Result<Range> Scan(unsigned stops);
  // Scan() for a clause that cannot be empty; `what` names what was expected.
  Result<std::string> ClauseText(unsigned stops, std::string_view what);
  // The index of the ')' that matches the '(' at `open`.
  Result<size_t> MatchingParen(size_t open);
  // Splits `range` (balanced) at its commas at depth 0; an empty element is an error.
  Result<std::vector<Range>> SplitAtCommas(Range range, std::string_view what);
  // The first token in `range` (balanced) at depth 0 that is one of `words`.
  std::optional<size_t> FindAtDepth0(Range range, std::span<const std::string_view> words);
  std::optional<size_t> FindStatementAfterWith();

  // --- Clauses ------------------------------------------------------------------------
  Result<std::string> ParseName(std::string_view what, std::string_view after = {});
  Status ParseConflictAction(std::string* conflict);
  Status ParseAliasAndIndexed(DmlStatement* out);
  Status ParseInsert(DmlStatement* out);
  Status ParseUpdate(DmlStatement* out);
  Status ParseTail(DmlStatement* out);
  Result<UpsertClause> ParseUpsert();
  Result<std::vector<std::string>> IndexedColumnNames(Range range);
  Result<std::vector<Assignment>> ParseAssignments(unsigned stops);
  Result<std::vector<std::string>> RowValueElements(Range range);

  TokenStream tokens_;
  size_t next_ = 0;                 // index of the next unread token
  std::string verb_ = "statement";  // for messages: INSERT, REPLACE, UPDATE or DELETE
};

std::string DmlParser::Slice(Range range) {
  if (range.empty()) return {};
  const Token& first = At(range.begin);
  const Token& last = At(range.end - 1);
  const char* base = tokens_.sql().data();
  const size_t begin = static_cast<size_t>(first.text.data() - base);
  const size_t end = static_cast<size_t>(last.text.data() - base) + last.text.size();
  return std::string(tokens_.sql().substr(begin, end - begin));
}

Status DmlParser::ExpectedAt(size_t index, std::string_view what, std::string_view after) {
  std::string message = "cannot decompose " + verb_ + ": expected " + std::string(what);
  if (!after.empty()) {
    message += " after " + std::string(after);
  } else if (index > 0) {
    message += " after " + Describe(At(index - 1));
  }
  const Token& found = At(index);
  message += ", found " + Describe(found);
  return internal::SyntaxErrorAt(found.position, message);
}

Status DmlParser::ExpectEnd() {
  if (!AtEnd()) return Expected("end of statement");
  std::optional<Token> trailing = tokens_.FindTrailingToken();
  if (!trailing) return Status::Ok();
  return internal::SyntaxErrorAt(trailing->position, "cannot decompose " + verb_ +
                                                         ": expected end of statement after "
                                                         "';', found " +
                                                         Describe(*trailing));
}

bool DmlParser::IsOnConflict(size_t index) {
  return At(index).Is("ON") && At(index + 1).Is("CONFLICT") &&
         (At(index + 2).Is("(") || At(index + 2).Is("DO"));
}

bool DmlParser::IsStop(size_t index, unsigned stops) {
  const Token& token = At(index);
  if (token.kind != TokenKind::kIdentifier && token.kind != TokenKind::kPunct) return false;
  return ((stops & kStopComma) && token.Is(",")) ||
         ((stops & kStopFrom) && token.Is("FROM") &&
          !(index > 0 && At(index - 1).Is("DISTINCT"))) ||
         ((stops & kStopWhere) && token.Is("WHERE")) ||
         ((stops & kStopReturning) && token.Is("RETURNING")) ||
         ((stops & kStopOrder) && token.Is("ORDER")) ||
         ((stops & kStopLimit) && token.Is("LIMIT")) || ((stops & kStopOn) && token.Is("ON")) ||
         ((stops & kStopOnConflict) && IsOnConflict(index)) ||
         ((stops & kStopDo) && token.Is("DO"));
}

Result<Range> DmlParser::Scan(unsigned stops) {
  Range range{next_, next_};
  int depth = 0;
  while (!AtEnd()) {
    if (PeekIs("(")) {
      ++depth;
    } else if (PeekIs(")")) {
      if (depth == 0) break;
      --depth;
    } else if (depth == 0 && IsStop(next_, stops)) {
      break;
    }
    Next();
  }
  if (depth > 0) return Expected(")");
  range.end = next_;
  return range;
}

Result<std::string> DmlParser::ClauseText(unsigned stops, std::string_view what) {
  SPROCKET_ASSIGN_OR_RETURN(Range range, Scan(stops));
  if (range.empty()) return Expected(what);
  return Slice(range);
}

Result<size_t> DmlParser::MatchingParen(size_t open) {
  int depth = 0;
  for (size_t i = open;; ++i) {
    const Token& token = At(i);
    if (token.kind == TokenKind::kEnd) return ExpectedAt(i, ")");
    if (token.Is("(")) {
      ++depth;
    } else if (token.Is(")") && --depth == 0) {
      return i;
    }
  }
}

Result<std::vector<Range>> DmlParser::SplitAtCommas(Range range, std::string_view what) {
  std::vector<Range> parts;
  int depth = 0;
  size_t begin = range.begin;
  for (size_t i = range.begin; i <= range.end; ++i) {
    if (i == range.end || (depth == 0 && At(i).Is(","))) {
      if (begin == i) return ExpectedAt(i, what);
      parts.push_back(Range{begin, i});
      begin = i + 1;
    } else if (At(i).Is("(")) {
      ++depth;
    } else if (At(i).Is(")")) {
      --depth;
    }
  }
  return parts;
}

std::optional<size_t> DmlParser::FindAtDepth0(Range range,
                                              std::span<const std::string_view> words) {
  int depth = 0;
  for (size_t i = range.begin; i < range.end; ++i) {
    const Token& token = At(i);
    if (token.Is("(")) {
      ++depth;
    } else if (token.Is(")")) {
      --depth;
    } else if (depth == 0) {
      for (std::string_view word : words) {
        if (token.Is(word)) return i;
      }
    }
  }
  return std::nullopt;
}

// The token that starts the statement after a WITH clause: the first INSERT, REPLACE,
// UPDATE, DELETE, SELECT or VALUES at depth 0 that is not a CTE's name. Only the CTE
// bodies are parenthesised, so no other statement word is at depth 0.
std::optional<size_t> DmlParser::FindStatementAfterWith() {
  int depth = 0;
  for (size_t i = next_ + 1;; ++i) {
    const Token& token = At(i);
    if (token.kind == TokenKind::kEnd) return std::nullopt;
    if (token.Is("(")) {
      ++depth;
    } else if (token.Is(")")) {
      if (depth == 0) return std::nullopt;
      --depth;
    } else if (depth == 0 && (token.Is("INSERT") || token.Is("REPLACE") || token.Is("UPDATE") ||
                              token.Is("DELETE") || token.Is("SELECT") || token.Is("VALUES"))) {
      const Token& previous = At(i - 1);
      const bool names_cte = previous.Is("WITH") || previous.Is("RECURSIVE") || previous.Is(",");
      if (!names_cte) return i;
    }
  }
}

// A name: an identifier, quoted or not, or a string (SQLite takes 'x' as a name here).
Result<std::string> DmlParser::ParseName(std::string_view what, std::string_view after) {
  if (!Peek().IsName() && Peek().kind != TokenKind::kString) return Expected(what, after);
  return Next().Value();
}

// The action after OR (already read).
Status DmlParser::ParseConflictAction(std::string* conflict) {
  for (std::string_view action : {"ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"}) {
    if (Accept(action)) {
      *conflict = std::string(action);
      return Status::Ok();
    }
  }
  return Expected("ROLLBACK, ABORT, FAIL, IGNORE or REPLACE");
}

Result<bool> DmlParser::ParseHead(DmlStatement* out) {
  if (PeekIs("WITH")) {
    const size_t begin = next_;
    std::optional<size_t> statement = FindStatementAfterWith();
    if (!statement) return false;
    out->with_text = Slice(Range{begin, *statement});
    next_ = *statement;
  }
  verb_ = ToUpper(Peek().text);
  if (Accept("INSERT")) {
    out->op = DmlOp::kInsert;
    if (Accept("OR")) {
      SPROCKET_RETURN_IF_ERROR(ParseConflictAction(&out->conflict));
    }
    SPROCKET_RETURN_IF_ERROR(Expect("INTO"));
  } else if (Accept("REPLACE")) {
    out->op = DmlOp::kInsert;
    out->conflict = "REPLACE";
    SPROCKET_RETURN_IF_ERROR(Expect("INTO"));
  } else if (Accept("UPDATE")) {
    out->op = DmlOp::kUpdate;
    if (Accept("OR")) {
      SPROCKET_RETURN_IF_ERROR(ParseConflictAction(&out->conflict));
    }
  } else if (Accept("DELETE")) {
    out->op = DmlOp::kDelete;
    SPROCKET_RETURN_IF_ERROR(Expect("FROM"));
  } else {
    return false;
  }
  SPROCKET_ASSIGN_OR_RETURN(out->table, ParseName("table name"));
  if (Accept(".")) {
    out->schema = std::move(out->table);
    SPROCKET_ASSIGN_OR_RETURN(out->table, ParseName("table name"));
  }
  return true;
}

Status DmlParser::ParseRest(DmlStatement* out) {
  switch (out->op) {
    case DmlOp::kInsert:
      SPROCKET_RETURN_IF_ERROR(ParseInsert(out));
      break;
    case DmlOp::kUpdate:
      SPROCKET_RETURN_IF_ERROR(ParseUpdate(out));
      break;
    case DmlOp::kDelete:
      SPROCKET_RETURN_IF_ERROR(ParseAliasAndIndexed(out));
      SPROCKET_RETURN_IF_ERROR(ParseTail(out));
      break;
  }
  return ExpectEnd();
}

// UPDATE and DELETE: [[AS] alias] [INDEXED BY name | NOT INDEXED].
Status DmlParser::ParseAliasAndIndexed(DmlStatement* out) {
  if (Accept("AS")) {
    SPROCKET_ASSIGN_OR_RETURN(out->alias, ParseName("alias"));
  } else if (Peek().kind == TokenKind::kQuotedIdentifier || Peek().kind == TokenKind::kString ||
             (Peek().kind == TokenKind::kIdentifier && !PeekIs("SET") && !PeekIs("INDEXED") &&
              !PeekIs("NOT") && !IsStop(next_, kTailStops | kStopFrom))) {
    out->alias = Next().Value();
  }
  const size_t begin = next_;
  if (Accept("INDEXED")) {
    SPROCKET_RETURN_IF_ERROR(Expect("BY"));
    SPROCKET_RETURN_IF_ERROR(ParseName("index name").status());
  } else if (Accept("NOT")) {
    SPROCKET_RETURN_IF_ERROR(Expect("INDEXED"));
  }
  out->indexed_text = Slice(Range{begin, next_});
  return Status::Ok();
}

// After the table: [AS alias] [(columns)] rows [upsert …] [RETURNING …].
Status DmlParser::ParseInsert(DmlStatement* out) {
  if (Accept("AS")) {
    SPROCKET_ASSIGN_OR_RETURN(out->alias, ParseName("alias"));
  }
  if (Accept("(")) {
    do {
      SPROCKET_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
      out->columns.push_back(std::move(column));
    } while (Accept(","));
    SPROCKET_RETURN_IF_ERROR(Expect(")"));
  }
  if (Accept("DEFAULT")) {
    SPROCKET_RETURN_IF_ERROR(Expect("VALUES"));
    out->source = DmlStatement::Source::kDefaultValues;
  } else if (PeekIs("VALUES") || PeekIs("SELECT") || PeekIs("WITH")) {
    // A SELECT's joins have ON constraints: only ON CONFLICT starts an upsert.
    SPROCKET_ASSIGN_OR_RETURN(Range rows, Scan(kStopOnConflict | kStopReturning));
    if (rows.empty()) return Expected("VALUES, SELECT or DEFAULT VALUES");
    out->source_text = Slice(rows);
    // VALUES … UNION SELECT … is a compound SELECT.
    out->source = At(rows.begin).Is("VALUES") && !FindAtDepth0(rows, kCompoundWords)
                      ? DmlStatement::Source::kValues
                      : DmlStatement::Source::kSelect;
    if (out->source == DmlStatement::Source::kValues) {
      // Rows hold no ON at depth 0: one there is a malformed upsert, not a join.
      std::optional<size_t> on = FindAtDepth0(rows, kOnWord);
      if (on && At(*on + 1).Is("CONFLICT")) return ExpectedAt(*on + 2, "( or DO");
      if (on) return ExpectedAt(*on + 1, "CONFLICT");
    }
  } else {
    return Expected("VALUES, SELECT or DEFAULT VALUES");
  }
  // SQLite takes no upsert after DEFAULT VALUES.
  while (out->source != DmlStatement::Source::kDefaultValues && PeekIs("ON")) {
    SPROCKET_ASSIGN_OR_RETURN(UpsertClause upsert, ParseUpsert());
    out->upserts.push_back(std::move(upsert));
  }
  if (Accept("RETURNING")) {
    SPROCKET_ASSIGN_OR_RETURN(out->returning_text, ClauseText(kTailStops, "result column"));
  }
  return Status::Ok();
}

// After the table: [alias] [INDEXED …] SET … [FROM …] then the common tail.
Status DmlParser::ParseUpdate(DmlStatement* out) {
  SPROCKET_RETURN_IF_ERROR(ParseAliasAndIndexed(out));
  SPROCKET_RETURN_IF_ERROR(Expect("SET", "table name"));
  SPROCKET_ASSIGN_OR_RETURN(out->set, ParseAssignments(kStopFrom | kTailStops));
  if (Accept("FROM")) {
    SPROCKET_ASSIGN_OR_RETURN(out->from_text, ClauseText(kTailStops, "table"));
  }
  return ParseTail(out);
}

// UPDATE and DELETE: [WHERE e] [RETURNING …] [ORDER BY …] [LIMIT …]. Each clause's text
// stops at any of these words, so that one out of order is an error.
Status DmlParser::ParseTail(DmlStatement* out) {
  if (Accept("WHERE")) {
    SPROCKET_ASSIGN_OR_RETURN(out->where_text, ClauseText(kTailStops, "expression"));
  }
  if (Accept("RETURNING")) {
    SPROCKET_ASSIGN_OR_RETURN(out->returning_text, ClauseText(kTailStops, "result column"));
  }
  if (Accept("ORDER")) {
    SPROCKET_RETURN_IF_ERROR(Expect("BY"));
    SPROCKET_ASSIGN_OR_RETURN(out->order_by_text, ClauseText(kTailStops, "ordering term"));
  }
  if (Accept("LIMIT")) {
    SPROCKET_ASSIGN_OR_RETURN(out->limit_text, ClauseText(kTailStops, "expression"));
  }
  return Status::Ok();
}

// ON CONFLICT [(target) [WHERE e]] DO NOTHING | DO UPDATE SET … [WHERE e]; the next
// token is the ON.
Result<UpsertClause> DmlParser::ParseUpsert() {
  UpsertClause upsert;
  const size_t begin = next_;
  Next();  // ON
  SPROCKET_RETURN_IF_ERROR(Expect("CONFLICT"));
  if (PeekIs("(")) {
    const size_t open = next_;
    SPROCKET_ASSIGN_OR_RETURN(size_t close, MatchingParen(open));
    upsert.target_text = Slice(Range{open, close + 1});
    SPROCKET_ASSIGN_OR_RETURN(upsert.target_columns, IndexedColumnNames(Range{open + 1, close}));
    next_ = close + 1;
    if (Accept("WHERE")) {
      SPROCKET_ASSIGN_OR_RETURN(upsert.target_where_text, ClauseText(kStopDo, "expression"));
    }
  }
  SPROCKET_RETURN_IF_ERROR(Expect("DO"));
  if (Accept("NOTHING")) {
    upsert.do_nothing = true;
  } else if (Accept("UPDATE")) {
    SPROCKET_RETURN_IF_ERROR(Expect("SET"));
    // DO UPDATE's expressions hold no ON at depth 0: any ON starts the next upsert.
    SPROCKET_ASSIGN_OR_RETURN(upsert.set, ParseAssignments(kStopOn | kTailStops));
    if (Accept("WHERE")) {
      SPROCKET_ASSIGN_OR_RETURN(upsert.where_text, ClauseText(kStopOn | kTailStops, "expression"));
    }
  } else {
    return Expected("NOTHING or UPDATE");
  }
  upsert.text = Slice(Range{begin, next_});
  return upsert;
}

// The names of an upsert target's indexed columns, or none when one of them is not a
// bare name with an optional ASC or DESC (an expression, or a COLLATE).
Result<std::vector<std::string>> DmlParser::IndexedColumnNames(Range range) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<Range> parts, SplitAtCommas(range, "indexed column"));
  std::vector<std::string> names;
  for (const Range& part : parts) {
    const size_t size = part.end - part.begin;
    const bool plain =
        At(part.begin).IsName() && (size == 1 || (size == 2 && (At(part.begin + 1).Is("ASC") ||
                                                                At(part.begin + 1).Is("DESC"))));
    if (!plain) return std::vector<std::string>();
    names.push_back(At(part.begin).Value());
  }
  return names;
}

// col = expr | (col, …) = row-value, separated by commas, up to one of `stops`.
Result<std::vector<Assignment>> DmlParser::ParseAssignments(unsigned stops) {
  std::vector<Assignment> assignments;
  do {
    Assignment assignment;
    const bool row_value = Accept("(");
    if (row_value) {
      do {
        SPROCKET_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
        assignment.columns.push_back(std::move(column));
      } while (Accept(","));
      SPROCKET_RETURN_IF_ERROR(Expect(")"));
    } else {
      SPROCKET_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
      assignment.columns.push_back(std::move(column));
    }
    SPROCKET_RETURN_IF_ERROR(Expect("="));
    SPROCKET_ASSIGN_OR_RETURN(Range expr, Scan(stops | kStopComma));
    if (expr.empty()) return Expected("expression");
    assignment.expr_text = Slice(expr);
    if (row_value) {
      SPROCKET_ASSIGN_OR_RETURN(assignment.elements, RowValueElements(expr));
    }
    assignments.push_back(std::move(assignment));
  } while (Accept(","));
  return assignments;
}

// The element texts of a row value "(e1, e2, …)"; none when `range` is a subquery or not
// one parenthesised list.
Result<std::vector<std::string>> DmlParser::RowValueElements(Range range) {
  std::vector<std::string> elements;
  if (!At(range.begin).Is("(")) return elements;
  SPROCKET_ASSIGN_OR_RETURN(size_t close, MatchingParen(range.begin));
  if (close + 1 != range.end) return elements;
  const Token& first = At(range.begin + 1);
  if (first.Is("SELECT") || first.Is("VALUES") || first.Is("WITH")) return elements;
  SPROCKET_ASSIGN_OR_RETURN(std::vector<Range> parts,
                            SplitAtCommas(Range{range.begin + 1, close}, "expression"));
  for (const Range& part : parts) elements.push_back(Slice(part));
  return elements;
}

}  // namespace

Result<std::optional<DmlStatement>> ParseDml(std::string_view sql) {
  DmlParser parser(sql);
  DmlStatement statement;
  Result<bool> is_dml = parser.ParseHead(&statement);
  Status status = is_dml.status();
  if (is_dml.ok() && *is_dml) status = parser.ParseRest(&statement);
  // Text that cannot be lexed explains any other failure.
  if (!parser.lex_error().ok()) return parser.lex_error();
  if (!status.ok()) return status;
  if (!*is_dml) return std::optional<DmlStatement>();
  return std::optional<DmlStatement>(std::move(statement));
}

std::optional<DmlTarget> PeekDmlTarget(std::string_view sql) {
  DmlParser parser(sql);
  DmlStatement statement;
  Result<bool> is_dml = parser.ParseHead(&statement);
  if (!is_dml.ok() || !*is_dml) return std::nullopt;
  return DmlTarget{statement.op, std::move(statement.schema), std::move(statement.table)};
}

}  // namespace sprocket::sql
