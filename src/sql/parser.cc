#include "sql/parser.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "common/strings.h"
#include "sql/internal.h"
#include "sql/lexer.h"

namespace sprocket::sql {

namespace internal {

// Token text for a message: cut at the first line break or after 24 bytes (never inside a
// UTF-8 sequence), with "..." marking the cut.
std::string Shorten(std::string_view text) {
  constexpr size_t kMaxBytes = 24;
  size_t cut = std::min(text.find_first_of("\r\n"), kMaxBytes);
  if (cut >= text.size()) return std::string(text);
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

// How a message names a token: 'RETURNS', ')', string 'x', end of statement, ….
std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of statement";
    case TokenKind::kString:
      return "string " + Shorten(token.text);
    case TokenKind::kDollarString:
      return "dollar-quoted string " + Shorten(token.text);
    case TokenKind::kBlob:
      return "blob " + Shorten(token.text);
    default:
      return "'" + Shorten(token.text) + "'";
  }
}

}  // namespace internal

namespace {

using internal::Describe;
using internal::Shorten;

// Keywords that start a clause of CREATE FUNCTION: a type name stops before them.
constexpr std::string_view kFunctionClauseKeywords[] = {
    "RETURNS", "LANGUAGE", "AS", "IMMUTABLE", "STABLE", "VOLATILE", "STRICT", "CALLED"};

constexpr std::string_view kUnknownCapabilityHint =
    " (expected DATABASE_READ, DATABASE_WRITE, NETWORK_ACCESS, FILE_READ or FILE_WRITE)";

struct CapabilityName {
  std::string_view name;
  CapabilityKind kind;
};
constexpr CapabilityName kCapabilities[] = {
    {"DATABASE_READ", CapabilityKind::kDatabaseRead},
    {"DATABASE_WRITE", CapabilityKind::kDatabaseWrite},
    {"NETWORK_ACCESS", CapabilityKind::kNetworkAccess},
    {"FILE_READ", CapabilityKind::kFileRead},
    {"FILE_WRITE", CapabilityKind::kFileWrite},
};

bool IsFunctionClauseKeyword(const Token& token) {
  for (std::string_view keyword : kFunctionClauseKeywords) {
    if (token.Is(keyword)) return true;
  }
  return false;
}

bool IsTriggerEventKeyword(const Token& token) {
  return token.Is("INSERT") || token.Is("UPDATE") || token.Is("DELETE") || token.Is("TRUNCATE");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string bytes;
  bytes.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int high = HexValue(hex[i]);
    int low = HexValue(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    bytes += static_cast<char>(high * 16 + low);
  }
  return bytes;
}

StatementNode Plain(PlainKind kind = PlainKind::kOther) {
  PlainStatement plain;
  plain.kind = kind;
  return plain;
}

// Length of the opening delimiter of a string-like token: ', X', $$ or $tag$.
size_t OpeningDelimiterLength(const Token& token) {
  switch (token.kind) {
    case TokenKind::kBlob:
      return 2;
    case TokenKind::kDollarString:
      return token.text.find('$', 1) + 1;
    default:
      return 1;
  }
}

// A recursive-descent parser over the tokens of one statement. Extension statements are
// parsed strictly; plain SQLite statements are only classified (SQLite validates them).
class Parser {
 public:
  Parser(const StatementText& statement, std::vector<Token> tokens)
      : statement_(statement), tokens_(std::move(tokens)) {
    // The end of the statement is just after its last token.
    if (tokens_.size() > 1) {
      const Token& last = tokens_[tokens_.size() - 2];
      tokens_.back().position = Advance(last.position, last.text, last.text.size());
    }
  }

  Result<StatementNode> Parse();

 private:
  // --- Token access -------------------------------------------------------------------
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  bool PeekIs(std::string_view word, size_t ahead = 0) const { return Peek(ahead).Is(word); }
  bool AtEnd() const { return Peek().kind == TokenKind::kEnd; }
  const Token& Next() {
    const Token& token = Peek();
    if (next_ + 1 < tokens_.size()) ++next_;
    return token;
  }
  bool Accept(std::string_view word) {
    if (!PeekIs(word)) return false;
    Next();
    return true;
  }
  // The source text from the start of `first` to the end of `last`.
  std::string_view SourceBetween(const Token& first, const Token& last) const {
    size_t begin = first.position.offset - statement_.position.offset;
    size_t end = last.position.offset + last.text.size() - statement_.position.offset;
    return statement_.text.substr(begin, end - begin);
  }

  // --- Errors -------------------------------------------------------------------------
  Status ErrorAt(const Token& token, std::string_view message) const {
    return internal::SyntaxErrorAt(token.position, message);
  }
  // "expected <what> after <after>, found <next token>"; `after` defaults to the previous
  // token.
  Status ErrorExpected(std::string_view what, std::string_view after = {}) const {
    std::string message = "expected " + std::string(what);
    if (!after.empty()) {
      message += " after " + std::string(after);
    } else if (next_ > 0) {
      message += " after " + Describe(tokens_[next_ - 1]);
    }
    message += ", found " + Describe(Peek());
    return ErrorAt(Peek(), message);
  }
  Status Expect(std::string_view word, std::string_view after = {}) {
    if (Accept(word)) return Status::Ok();
    return ErrorExpected(word, after);
  }
  Status ExpectEnd() const {
    if (AtEnd()) return Status::Ok();
    return ErrorExpected("end of statement");
  }

  // --- Shared pieces ------------------------------------------------------------------
  Result<std::string> ParseName(std::string_view what, std::string_view after = {});
  Result<std::string> ParseQualifiedName(std::string_view what, std::string_view after = {});
  std::optional<std::string> TryQualifiedName();
  Status SkipParenthesized();
  Result<const Token*> ScanToClosingParen();
  Result<std::string> ParseType(bool stop_at_clause_keywords);
  Result<std::string> ParseTypeModifier();
  Result<ParamDef> ParseParam(bool is_column);
  Result<std::vector<ParamDef>> ParseParamList(bool is_column);
  Result<std::string> ParseLanguage();
  Result<Body> ParseBody();
  Result<AlterAction> ParseAlterAction(bool settings_allowed, std::string_view after);
  Result<std::vector<Setting>> ParseSettings();
  Result<SettingValue> ParseSettingValue();
  Result<std::vector<CapabilitySpec>> ParseCapabilities();

  // --- Statements ---------------------------------------------------------------------
  Result<StatementNode> ParseCreate();
  Result<StatementNode> ParseCreateFunction(bool or_replace);
  Status ParseReturns(ReturnSpec* returns);
  Result<StatementNode> ParseCreateTrigger(bool or_replace, const Token* temp);
  bool IsNativeTrigger() const;
  Status ParseTriggerEvents(std::vector<TriggerEvent>* events);
  Status ParseTriggerAction(CreateTriggerStmt* trigger);
  Result<StatementNode> ParseDrop();
  Result<StatementNode> ParseDropFunction();
  Result<StatementNode> ParseDropTrigger();
  StatementNode ClassifyDropTableOrView(PlainKind kind);
  Result<StatementNode> ParseAlter();
  Result<StatementNode> ParseAlterTable();
  StatementNode ClassifyAlterTableRename(std::string table);
  Result<StatementNode> ParseCall();

  const StatementText& statement_;
  std::vector<Token> tokens_;  // ends with kEnd
  size_t next_ = 0;            // index of the next unread token
};

Result<StatementNode> Parser::Parse() {
  if (PeekIs("CREATE")) return ParseCreate();
  if (PeekIs("DROP")) return ParseDrop();
  if (PeekIs("ALTER")) return ParseAlter();
  if (PeekIs("CALL")) return ParseCall();
  PlainStatement plain;
  if (PeekIs("BEGIN") || PeekIs("SAVEPOINT")) {
    plain.kind = PlainKind::kBegin;
  } else if (PeekIs("COMMIT") || PeekIs("END") || PeekIs("RELEASE")) {
    plain.kind = PlainKind::kCommit;
  } else if (PeekIs("ROLLBACK")) {
    plain.kind = PlainKind::kRollback;
  }
  return StatementNode(std::move(plain));
}

// ---------------------------------------------------------------------------------------
// Shared pieces

Result<std::string> Parser::ParseName(std::string_view what, std::string_view after) {
  if (!Peek().IsName()) return ErrorExpected(what, after);
  return Next().Value();
}

// [schema.]name. An object in schema "main" is named without it; one in another schema
// keeps it ("aux.t").
Result<std::string> Parser::ParseQualifiedName(std::string_view what, std::string_view after) {
  SPROCKET_ASSIGN_OR_RETURN(std::string name, ParseName(what, after));
  if (!Accept(".")) return name;
  SPROCKET_ASSIGN_OR_RETURN(std::string object, ParseName(what));
  if (EqualsIgnoreCase(name, "main")) return object;
  return name + "." + object;
}

// ParseQualifiedName for statements SQLite validates: nullopt instead of an error.
std::optional<std::string> Parser::TryQualifiedName() {
  const size_t start = next_;
  Result<std::string> name = ParseQualifiedName("name");
  if (name.ok()) return std::move(name).value();
  next_ = start;
  return std::nullopt;
}

// Skips "( … )" with nested parentheses; the next token is the '('.
Status Parser::SkipParenthesized() {
  Next();  // (
  return ScanToClosingParen().status();
}

// Moves past the ')' that closes an already consumed '(' and returns it.
Result<const Token*> Parser::ScanToClosingParen() {
  int depth = 1;
  while (!AtEnd()) {
    const Token& token = Next();
    if (token.Is("(")) {
      ++depth;
    } else if (token.Is(")") && --depth == 0) {
      return &token;
    }
  }
  return ErrorExpected(")");
}

// One or more bare words with an optional (n) or (n, m): "DOUBLE PRECISION",
// "VARCHAR(20)", "NUMERIC(10,2)".
Result<std::string> Parser::ParseType(bool stop_at_clause_keywords) {
  std::string type;
  while (Peek().kind == TokenKind::kIdentifier && !PeekIs("DEFAULT") &&
         !(stop_at_clause_keywords && IsFunctionClauseKeyword(Peek()))) {
    if (!type.empty()) type += ' ';
    type += ToUpper(Next().text);
  }
  if (type.empty()) return ErrorExpected("type");
  if (PeekIs("(")) {
    SPROCKET_ASSIGN_OR_RETURN(std::string modifier, ParseTypeModifier());
    type += modifier;
  }
  return type;
}

Result<std::string> Parser::ParseTypeModifier() {
  Next();  // (
  if (Peek().kind != TokenKind::kNumber) return ErrorExpected("number");
  std::string modifier = "(" + std::string(Next().text);
  if (Accept(",")) {
    if (Peek().kind != TokenKind::kNumber) return ErrorExpected("number");
    modifier += "," + std::string(Next().text);
  } else if (!PeekIs(")")) {
    return ErrorExpected(", or )");
  }
  SPROCKET_RETURN_IF_ERROR(Expect(")"));
  return modifier + ")";
}

// An argument "[name] type" (is_column false) or a RETURNS TABLE column "name type".
// Without a quoted name, one word is a type; with more, the first word is the name —
// except for the two-word types DOUBLE PRECISION and CHARACTER VARYING alone.
Result<ParamDef> Parser::ParseParam(bool is_column) {
  const Token& first = Peek();
  if (!is_column &&
      (first.Is("IN") || first.Is("OUT") || first.Is("INOUT") || first.Is("VARIADIC")) &&
      Peek(1).IsName()) {
    return ErrorAt(first, "argument modes are not supported");
  }
  ParamDef param;
  if (is_column) {
    SPROCKET_ASSIGN_OR_RETURN(param.name, ParseName("column name"));
  } else if (first.kind == TokenKind::kQuotedIdentifier) {
    param.name = Next().Value();
  } else if (first.kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kIdentifier &&
             !Peek(1).Is("DEFAULT")) {
    const bool two_word_type = Peek(2).kind != TokenKind::kIdentifier &&
                               ((first.Is("DOUBLE") && Peek(1).Is("PRECISION")) ||
                                (first.Is("CHARACTER") && Peek(1).Is("VARYING")));
    if (!two_word_type) param.name = Next().text;
  }
  SPROCKET_ASSIGN_OR_RETURN(param.type, ParseType(false));
  if (!is_column && (PeekIs("DEFAULT") || PeekIs("="))) {
    return ErrorAt(Peek(), "argument defaults are not supported");
  }
  return param;
}

// After '(': the arguments or columns up to and including the ')'.
Result<std::vector<ParamDef>> Parser::ParseParamList(bool is_column) {
  std::vector<ParamDef> params;
  if (!is_column && Accept(")")) return params;
  while (true) {
    SPROCKET_ASSIGN_OR_RETURN(ParamDef param, ParseParam(is_column));
    params.push_back(std::move(param));
    if (Accept(")")) return params;
    if (!Accept(",")) return ErrorExpected(", or )");
  }
}

Result<std::string> Parser::ParseLanguage() {
  const Token& token = Peek();
  if ((!token.IsName() && token.kind != TokenKind::kString) || IsFunctionClauseKeyword(token)) {
    return ErrorExpected("language name");
  }
  return ToLower(Next().Value());
}

// AS $$…$$ | $tag$…$tag$ | '…' | X'hex' | FILE 'path', after the AS.
Result<Body> Parser::ParseBody() {
  Body body;
  const Token* token = &Peek();
  switch (token->kind) {
    case TokenKind::kDollarString:
    case TokenKind::kString:
      body.kind = BodyKind::kSource;
      body.text = token->Value();
      break;
    case TokenKind::kBlob: {
      std::optional<std::string> bytes = DecodeHex(token->Value());
      if (!bytes) {
        return ErrorAt(*token,
                       "invalid blob literal: expected an even number of hexadecimal digits");
      }
      body.kind = BodyKind::kBinary;
      body.text = std::move(*bytes);
      break;
    }
    default:
      if (!token->Is("FILE")) return ErrorExpected("$$body$$, 'body', X'hex' or FILE 'path'");
      Next();
      token = &Peek();
      if (token->kind != TokenKind::kString) return ErrorExpected("quoted file path");
      body.kind = BodyKind::kFile;
      body.text = token->Value();
      break;
  }
  body.position = Advance(token->position, token->text, OpeningDelimiterLength(*token));
  Next();
  return body;
}

Result<AlterAction> Parser::ParseAlterAction(bool settings_allowed, std::string_view after) {
  if (Accept("SET")) {
    // SET SECURITY POLICY …, unless "security" is the name of a setting.
    if (PeekIs("SECURITY") && !PeekIs("=", 1) && !PeekIs("TO", 1)) {
      Next();
      SPROCKET_RETURN_IF_ERROR(Expect("POLICY"));
      SetSecurityPolicy set;
      if (Accept("MINIMAL")) {
        set.policy = SecurityPolicy::kMinimal;
      } else if (Accept("DEFAULT")) {
        set.policy = SecurityPolicy::kDefault;
      } else if (Accept("PERMISSIVE")) {
        set.policy = SecurityPolicy::kPermissive;
      } else {
        return ErrorExpected("MINIMAL, DEFAULT or PERMISSIVE");
      }
      return AlterAction(set);
    }
    if (!settings_allowed) return ErrorExpected("SECURITY POLICY");
    SPROCKET_ASSIGN_OR_RETURN(std::vector<Setting> settings, ParseSettings());
    return AlterAction(SetSettings{std::move(settings)});
  }
  if (Accept("GRANT")) {
    SPROCKET_RETURN_IF_ERROR(Expect("CAPABILITY"));
    SPROCKET_ASSIGN_OR_RETURN(std::vector<CapabilitySpec> capabilities, ParseCapabilities());
    return AlterAction(GrantCapabilities{std::move(capabilities)});
  }
  if (Accept("REVOKE")) {
    SPROCKET_RETURN_IF_ERROR(Expect("CAPABILITY"));
    SPROCKET_ASSIGN_OR_RETURN(std::vector<CapabilitySpec> capabilities, ParseCapabilities());
    return AlterAction(RevokeCapabilities{std::move(capabilities)});
  }
  if (Accept("RENAME")) {
    SPROCKET_RETURN_IF_ERROR(Expect("TO"));
    SPROCKET_ASSIGN_OR_RETURN(std::string new_name, ParseName("new name"));
    return AlterAction(RenameTo{std::move(new_name)});
  }
  return ErrorExpected("SET, GRANT, REVOKE or RENAME", after);
}

// name = value [, name = value …] ('TO' may replace '='). Names are lower-cased and not
// checked here: the engine knows which settings exist.
Result<std::vector<Setting>> Parser::ParseSettings() {
  std::vector<Setting> settings;
  do {
    Setting setting;
    setting.position = Peek().position;
    SPROCKET_ASSIGN_OR_RETURN(std::string name, ParseName("setting name"));
    setting.name = ToLower(name);
    if (!Accept("=") && !Accept("TO")) return ErrorExpected("= or TO");
    SPROCKET_ASSIGN_OR_RETURN(setting.value, ParseSettingValue());
    settings.push_back(std::move(setting));
  } while (Accept(","));
  return settings;
}

// An integer (decimal or 0x hex, optionally signed), true/false/on/off, a 'string', or
// any other word (taken as a string, as written).
Result<SettingValue> Parser::ParseSettingValue() {
  constexpr std::string_view kWhat = "integer, boolean or string value";
  const Token& token = Peek();
  bool negative = false;
  if ((token.Is("-") || token.Is("+")) && Peek(1).kind == TokenKind::kNumber) {
    negative = token.Is("-");
    Next();
  }
  const Token& value = Peek();
  switch (value.kind) {
    case TokenKind::kNumber: {
      std::string_view digits = value.text;
      int base = 10;
      if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits.remove_prefix(2);
        base = 16;
      }
      uint64_t magnitude = 0;
      auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
      if (end != digits.data() + digits.size()) return ErrorExpected(kWhat);
      const uint64_t limit =
          static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
      if (error == std::errc::result_out_of_range || magnitude > limit) {
        return ErrorAt(token, "integer out of range: " + std::string(negative ? "-" : "") +
                                  std::string(value.text));
      }
      Next();
      // Negating in uint64_t then converting is well defined for the whole range.
      return SettingValue{static_cast<int64_t>(negative ? 0 - magnitude : magnitude)};
    }
    case TokenKind::kIdentifier:
      Next();
      if (value.Is("true") || value.Is("on")) return SettingValue{true};
      if (value.Is("false") || value.Is("off")) return SettingValue{false};
      return SettingValue{std::string(value.text)};
    case TokenKind::kString:
    case TokenKind::kQuotedIdentifier:
      Next();
      return SettingValue{value.Value()};
    default:
      return ErrorExpected(kWhat);
  }
}

// cap('target') [, cap('target') …]
Result<std::vector<CapabilitySpec>> Parser::ParseCapabilities() {
  std::vector<CapabilitySpec> capabilities;
  do {
    const Token& name = Peek();
    if (name.kind != TokenKind::kIdentifier) return ErrorExpected("capability name");
    std::optional<CapabilityKind> kind;
    for (const CapabilityName& capability : kCapabilities) {
      if (name.Is(capability.name)) kind = capability.kind;
    }
    if (!kind) {
      return ErrorAt(name, "unknown capability " + std::string(name.text) +
                               std::string(kUnknownCapabilityHint));
    }
    Next();
    SPROCKET_RETURN_IF_ERROR(Expect("("));
    if (Peek().kind != TokenKind::kString) return ErrorExpected("string literal");
    capabilities.push_back(CapabilitySpec{*kind, Next().Value()});
    SPROCKET_RETURN_IF_ERROR(Expect(")"));
  } while (Accept(","));
  return capabilities;
}

// ---------------------------------------------------------------------------------------
// CREATE

Result<StatementNode> Parser::ParseCreate() {
  Next();  // CREATE
  bool or_replace = false;
  if (PeekIs("OR") && PeekIs("REPLACE", 1)) {
    or_replace = true;
    Next();
    Next();
  }
  const Token* temp = nullptr;
  if (PeekIs("TEMP") || PeekIs("TEMPORARY")) temp = &Next();
  if (!temp && (PeekIs("FUNCTION") || PeekIs("PROCEDURE"))) {
    return ParseCreateFunction(or_replace);
  }
  if (PeekIs("TRIGGER")) return ParseCreateTrigger(or_replace, temp);
  return Plain();
}

Result<StatementNode> Parser::ParseCreateFunction(bool or_replace) {
  CreateFunctionStmt function;
  function.or_replace = or_replace;
  function.is_procedure = Next().Is("PROCEDURE");
  const std::string noun_name = function.is_procedure ? "procedure name" : "function name";
  SPROCKET_ASSIGN_OR_RETURN(function.name, ParseName(noun_name));
  SPROCKET_RETURN_IF_ERROR(Expect("(", noun_name));
  SPROCKET_ASSIGN_OR_RETURN(function.params, ParseParamList(false));

  // The clauses, in any order, each at most once.
  bool has_returns = false, has_language = false, has_volatility = false, has_strictness = false,
       has_body = false;
  auto once = [this](bool* seen, const Token& clause, std::string_view name) -> Status {
    if (*seen) return ErrorAt(clause, "conflicting or redundant options: " + std::string(name));
    *seen = true;
    return Status::Ok();
  };
  while (!AtEnd()) {
    const Token& clause = Peek();
    if (clause.Is("RETURNS") && PeekIs("NULL", 1) && PeekIs("ON", 2)) {
      SPROCKET_RETURN_IF_ERROR(once(&has_strictness, clause, "RETURNS NULL ON NULL INPUT"));
      Next();
      Next();
      Next();
      SPROCKET_RETURN_IF_ERROR(Expect("NULL"));
      SPROCKET_RETURN_IF_ERROR(Expect("INPUT"));
      function.strict = true;
    } else if (clause.Is("RETURNS")) {
      if (function.is_procedure) return ErrorAt(clause, "procedures cannot have RETURNS");
      SPROCKET_RETURN_IF_ERROR(once(&has_returns, clause, "RETURNS"));
      Next();
      SPROCKET_RETURN_IF_ERROR(ParseReturns(&function.returns));
    } else if (clause.Is("LANGUAGE")) {
      SPROCKET_RETURN_IF_ERROR(once(&has_language, clause, "LANGUAGE"));
      Next();
      SPROCKET_ASSIGN_OR_RETURN(function.language, ParseLanguage());
    } else if (clause.Is("IMMUTABLE") || clause.Is("STABLE") || clause.Is("VOLATILE")) {
      SPROCKET_RETURN_IF_ERROR(once(&has_volatility, clause, ToUpper(clause.text)));
      function.volatility = clause.Is("IMMUTABLE") ? Volatility::kImmutable
                            : clause.Is("STABLE")  ? Volatility::kStable
                                                   : Volatility::kVolatile;
      Next();
    } else if (clause.Is("STRICT")) {
      SPROCKET_RETURN_IF_ERROR(once(&has_strictness, clause, "STRICT"));
      function.strict = true;
      Next();
    } else if (clause.Is("CALLED")) {
      SPROCKET_RETURN_IF_ERROR(once(&has_strictness, clause, "CALLED ON NULL INPUT"));
      Next();
      SPROCKET_RETURN_IF_ERROR(Expect("ON"));
      SPROCKET_RETURN_IF_ERROR(Expect("NULL"));
      SPROCKET_RETURN_IF_ERROR(Expect("INPUT"));
      function.strict = false;
    } else if (clause.Is("AS")) {
      SPROCKET_RETURN_IF_ERROR(once(&has_body, clause, "AS"));
      Next();
      SPROCKET_ASSIGN_OR_RETURN(function.body, ParseBody());
    } else if (!has_returns && !function.is_procedure) {
      return ErrorExpected("RETURNS");
    } else if (!has_language) {
      return ErrorExpected("LANGUAGE");
    } else if (!has_body) {
      return ErrorExpected("AS");
    } else {
      return ErrorExpected("end of statement");
    }
  }
  const Token& end = Peek();
  if (!has_returns && !function.is_procedure) {
    return ErrorAt(end, "expected RETURNS, found end of statement");
  }
  if (!has_language) return ErrorAt(end, "expected LANGUAGE, found end of statement");
  if (!has_body) return ErrorAt(end, "expected AS, found end of statement");
  return StatementNode(std::move(function));
}

// After RETURNS: TRIGGER | TABLE (col type, …) | SETOF type | type.
Status Parser::ParseReturns(ReturnSpec* returns) {
  if (PeekIs("TABLE") && PeekIs("(", 1)) {
    Next();
    Next();
    returns->kind = ReturnKind::kTable;
    SPROCKET_ASSIGN_OR_RETURN(returns->columns, ParseParamList(true));
    return Status::Ok();
  }
  if (Accept("SETOF")) {
    returns->kind = ReturnKind::kSetof;
  } else if (Accept("TRIGGER")) {
    returns->kind = ReturnKind::kTrigger;
    return Status::Ok();
  } else {
    returns->kind = ReturnKind::kScalar;
  }
  SPROCKET_ASSIGN_OR_RETURN(returns->type, ParseType(true));
  return Status::Ok();
}

// SQLite's own trigger: a BEGIN at depth 0 after "ON table", before any EXECUTE or
// LANGUAGE (the rule the splitter uses to keep the body's semicolons).
bool Parser::IsNativeTrigger() const {
  internal::StatementEndTracker tracker;
  for (const Token& token : tokens_) {
    if (token.kind == TokenKind::kEnd) break;
    tracker.Feed(token);
    if (tracker.in_trigger_body()) return true;
  }
  return false;
}

Result<StatementNode> Parser::ParseCreateTrigger(bool or_replace, const Token* temp) {
  if (IsNativeTrigger()) return Plain(PlainKind::kNativeTrigger);
  if (temp) return ErrorAt(*temp, "TEMP triggers must use SQLite's BEGIN ... END form");
  Next();  // TRIGGER
  CreateTriggerStmt trigger;
  trigger.or_replace = or_replace;
  if (PeekIs("IF") && PeekIs("NOT", 1)) {
    Next();
    Next();
    SPROCKET_RETURN_IF_ERROR(Expect("EXISTS"));
    trigger.if_not_exists = true;
  }
  SPROCKET_ASSIGN_OR_RETURN(trigger.name, ParseName("trigger name"));

  if (Accept("BEFORE")) {
    trigger.timing = TriggerTiming::kBefore;
  } else if (Accept("AFTER")) {
    trigger.timing = TriggerTiming::kAfter;
    if (Accept("COMMIT")) {
      SPROCKET_RETURN_IF_ERROR(Expect("OF"));
      trigger.timing = TriggerTiming::kAfterCommit;
    }
  } else if (Accept("INSTEAD")) {
    SPROCKET_RETURN_IF_ERROR(Expect("OF"));
    trigger.timing = TriggerTiming::kInsteadOf;
  } else {
    return ErrorExpected("BEFORE, AFTER or INSTEAD OF", "trigger name");
  }
  SPROCKET_RETURN_IF_ERROR(ParseTriggerEvents(&trigger.events));
  SPROCKET_RETURN_IF_ERROR(Expect("ON"));
  // As in the splitter, EXECUTE and LANGUAGE right after ON are keywords, not a table.
  if (PeekIs("EXECUTE") || PeekIs("LANGUAGE")) return ErrorExpected("table name");
  SPROCKET_ASSIGN_OR_RETURN(trigger.table, ParseQualifiedName("table name"));

  if (Accept("REFERENCING")) {
    bool has_old = false, has_new = false;
    do {
      const Token& which = Peek();
      if (!which.Is("OLD") && !which.Is("NEW")) return ErrorExpected("OLD or NEW");
      Referencing referencing;
      referencing.is_new = which.Is("NEW");
      bool& seen = referencing.is_new ? has_new : has_old;
      if (seen) {
        return ErrorAt(which, ToUpper(which.text) + " TABLE cannot be specified multiple times");
      }
      seen = true;
      Next();
      SPROCKET_RETURN_IF_ERROR(Expect("TABLE"));
      Accept("AS");
      SPROCKET_ASSIGN_OR_RETURN(referencing.name, ParseName("transition table name"));
      trigger.referencing.push_back(std::move(referencing));
    } while (PeekIs("OLD") || PeekIs("NEW"));
  }

  if (Accept("FOR")) {
    if (Accept("ALL")) {
      trigger.level = TriggerLevel::kStatement;
      trigger.for_all = true;
    } else {
      const bool each = Accept("EACH");
      if (Accept("STATEMENT")) {
        trigger.level = TriggerLevel::kStatement;
      } else if (!Accept("ROW") && !each) {
        return ErrorExpected("EACH, ROW, STATEMENT or ALL");
      }
    }
  }

  if (Accept("WHEN")) {
    SPROCKET_RETURN_IF_ERROR(Expect("("));
    const Token& first = Peek();
    if (first.Is(")")) return ErrorExpected("condition");
    SPROCKET_ASSIGN_OR_RETURN(const Token* close, ScanToClosingParen());
    trigger.when = std::string(SourceBetween(first, *(close - 1)));
    trigger.when_position = first.position;
  }

  SPROCKET_RETURN_IF_ERROR(ParseTriggerAction(&trigger));
  SPROCKET_RETURN_IF_ERROR(ExpectEnd());
  return StatementNode(std::move(trigger));
}

// INSERT | UPDATE [OF col, …] | DELETE, joined by OR or ','.
Status Parser::ParseTriggerEvents(std::vector<TriggerEvent>* events) {
  do {
    const Token& keyword = Peek();
    TriggerEvent event;
    if (keyword.Is("INSERT")) {
      event.op = TriggerOp::kInsert;
    } else if (keyword.Is("DELETE")) {
      event.op = TriggerOp::kDelete;
    } else if (keyword.Is("UPDATE")) {
      event.op = TriggerOp::kUpdate;
    } else if (keyword.Is("TRUNCATE")) {
      return ErrorAt(keyword, "TRUNCATE triggers are not supported");
    } else {
      return ErrorExpected("INSERT, UPDATE or DELETE");
    }
    for (const TriggerEvent& seen : *events) {
      if (seen.op == event.op) return ErrorAt(keyword, "duplicate trigger events specified");
    }
    Next();
    if (event.op == TriggerOp::kUpdate && Accept("OF")) {
      // A ',' followed by an event keyword starts the next event ("UPDATE OF a, INSERT").
      do {
        if (PeekIs("ON")) return ErrorExpected("column name");
        SPROCKET_ASSIGN_OR_RETURN(std::string column, ParseName("column name"));
        event.columns.push_back(std::move(column));
      } while (PeekIs(",") && !IsTriggerEventKeyword(Peek(1)) && Accept(","));
    }
    events->push_back(std::move(event));
  } while (Accept("OR") || Accept(","));
  return Status::Ok();
}

// EXECUTE {FUNCTION | PROCEDURE} f(args) | LANGUAGE lang AS body | AS body LANGUAGE lang.
Status Parser::ParseTriggerAction(CreateTriggerStmt* trigger) {
  if (Accept("EXECUTE")) {
    if (!Accept("FUNCTION") && !Accept("PROCEDURE")) {
      return ErrorExpected("FUNCTION or PROCEDURE");
    }
    ExecuteFunction execute;
    SPROCKET_ASSIGN_OR_RETURN(execute.function, ParseName("function name"));
    SPROCKET_RETURN_IF_ERROR(Expect("(", "function name"));
    if (!Accept(")")) {
      do {
        const Token& arg = Peek();
        if (arg.kind == TokenKind::kString) {
          execute.args.push_back(Next().Value());
        } else if (arg.kind == TokenKind::kNumber || arg.kind == TokenKind::kIdentifier) {
          execute.args.emplace_back(Next().text);
        } else if ((arg.Is("-") || arg.Is("+")) && Peek(1).kind == TokenKind::kNumber) {
          Next();
          execute.args.push_back(std::string(arg.text) + std::string(Next().text));
        } else {
          return ErrorExpected("string, number or name");
        }
      } while (Accept(","));
      if (!Accept(")")) return ErrorExpected(", or )");
    }
    trigger->action = std::move(execute);
    return Status::Ok();
  }
  InlineBody inline_body;
  if (Accept("LANGUAGE")) {
    SPROCKET_ASSIGN_OR_RETURN(inline_body.language, ParseLanguage());
    SPROCKET_RETURN_IF_ERROR(Expect("AS"));
    SPROCKET_ASSIGN_OR_RETURN(inline_body.body, ParseBody());
  } else if (Accept("AS")) {
    SPROCKET_ASSIGN_OR_RETURN(inline_body.body, ParseBody());
    SPROCKET_RETURN_IF_ERROR(Expect("LANGUAGE"));
    SPROCKET_ASSIGN_OR_RETURN(inline_body.language, ParseLanguage());
  } else {
    return ErrorExpected("EXECUTE FUNCTION, LANGUAGE or BEGIN");
  }
  trigger->action = std::move(inline_body);
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------
// DROP

Result<StatementNode> Parser::ParseDrop() {
  Next();  // DROP
  if (PeekIs("FUNCTION") || PeekIs("PROCEDURE")) return ParseDropFunction();
  if (PeekIs("TRIGGER")) return ParseDropTrigger();
  if (Accept("TABLE")) return ClassifyDropTableOrView(PlainKind::kDropTable);
  if (Accept("VIEW")) return ClassifyDropTableOrView(PlainKind::kDropView);
  return Plain();
}

Result<StatementNode> Parser::ParseDropFunction() {
  DropFunctionStmt drop;
  drop.is_procedure = Next().Is("PROCEDURE");
  if (Accept("IF")) {
    SPROCKET_RETURN_IF_ERROR(Expect("EXISTS"));
    drop.if_exists = true;
  }
  const std::string noun_name = drop.is_procedure ? "procedure name" : "function name";
  SPROCKET_ASSIGN_OR_RETURN(drop.name, ParseName(noun_name));
  if (Accept("(")) {
    SPROCKET_ASSIGN_OR_RETURN(drop.args, ParseParamList(false));
  }
  if (Accept("CASCADE")) {
    drop.cascade = true;
  } else {
    Accept("RESTRICT");
  }
  SPROCKET_RETURN_IF_ERROR(ExpectEnd());
  return StatementNode(std::move(drop));
}

Result<StatementNode> Parser::ParseDropTrigger() {
  Next();  // TRIGGER
  DropTriggerStmt drop;
  if (Accept("IF")) {
    SPROCKET_RETURN_IF_ERROR(Expect("EXISTS"));
    drop.if_exists = true;
  }
  SPROCKET_ASSIGN_OR_RETURN(drop.name, ParseQualifiedName("trigger name"));
  if (Accept("ON")) {
    SPROCKET_ASSIGN_OR_RETURN(drop.table, ParseQualifiedName("table name"));
  }
  if (Accept("CASCADE")) {
    drop.cascade = true;
  } else {
    Accept("RESTRICT");
  }
  SPROCKET_RETURN_IF_ERROR(ExpectEnd());
  return StatementNode(std::move(drop));
}

// DROP TABLE|VIEW [IF EXISTS] [schema.]name. SQLite validates: anything else is kOther.
StatementNode Parser::ClassifyDropTableOrView(PlainKind kind) {
  PlainStatement plain;
  if (PeekIs("IF") && PeekIs("EXISTS", 1)) {
    Next();
    Next();
    plain.if_exists = true;
  }
  std::optional<std::string> name = TryQualifiedName();
  if (!name || !AtEnd()) return Plain();
  plain.kind = kind;
  plain.table = std::move(*name);
  return StatementNode(std::move(plain));
}

// ---------------------------------------------------------------------------------------
// ALTER

Result<StatementNode> Parser::ParseAlter() {
  Next();  // ALTER
  if (PeekIs("FUNCTION") || PeekIs("PROCEDURE")) {
    AlterFunctionStmt alter;
    alter.is_procedure = Next().Is("PROCEDURE");
    const std::string noun_name = alter.is_procedure ? "procedure name" : "function name";
    SPROCKET_ASSIGN_OR_RETURN(alter.name, ParseName(noun_name));
    std::string_view after = noun_name;
    if (PeekIs("(")) {  // argument types: accepted and ignored
      SPROCKET_RETURN_IF_ERROR(SkipParenthesized());
      after = {};
    }
    SPROCKET_ASSIGN_OR_RETURN(alter.action, ParseAlterAction(true, after));
    SPROCKET_RETURN_IF_ERROR(ExpectEnd());
    return StatementNode(std::move(alter));
  }
  if (Accept("TRIGGER")) {
    AlterTriggerStmt alter;
    SPROCKET_ASSIGN_OR_RETURN(alter.name, ParseName("trigger name"));
    SPROCKET_RETURN_IF_ERROR(Expect("ON", "trigger name"));
    SPROCKET_ASSIGN_OR_RETURN(alter.table, ParseQualifiedName("table name"));
    SPROCKET_ASSIGN_OR_RETURN(alter.action, ParseAlterAction(false, "table name"));
    SPROCKET_RETURN_IF_ERROR(ExpectEnd());
    return StatementNode(std::move(alter));
  }
  if (Accept("TABLE")) return ParseAlterTable();
  return Plain();
}

Result<StatementNode> Parser::ParseAlterTable() {
  std::optional<std::string> table = TryQualifiedName();
  if (!table) return Plain();
  if (PeekIs("ENABLE") || PeekIs("DISABLE")) {
    AlterTableTriggerStmt alter;
    alter.table = std::move(*table);
    alter.enable = Next().Is("ENABLE");
    SPROCKET_RETURN_IF_ERROR(Expect("TRIGGER"));
    if (!Accept("ALL")) {
      SPROCKET_ASSIGN_OR_RETURN(alter.trigger, ParseName("trigger name or ALL"));
    }
    SPROCKET_RETURN_IF_ERROR(ExpectEnd());
    return StatementNode(std::move(alter));
  }
  if (Accept("RENAME")) return ClassifyAlterTableRename(std::move(*table));
  return Plain();
}

// After ALTER TABLE t RENAME: TO new | [COLUMN] a TO b. SQLite validates: anything else
// is kOther.
StatementNode Parser::ClassifyAlterTableRename(std::string table) {
  PlainStatement plain;
  plain.table = std::move(table);
  if (Accept("TO")) {
    if (!Peek().IsName() || Peek(1).kind != TokenKind::kEnd) return Plain();
    plain.kind = PlainKind::kRenameTable;
    plain.new_name = Next().Value();
    return StatementNode(std::move(plain));
  }
  Accept("COLUMN");
  if (!Peek().IsName() || !PeekIs("TO", 1) || !Peek(2).IsName() ||
      Peek(3).kind != TokenKind::kEnd) {
    return Plain();
  }
  plain.kind = PlainKind::kRenameColumn;
  plain.column = Next().Value();
  Next();  // TO
  plain.new_name = Next().Value();
  return StatementNode(std::move(plain));
}

// ---------------------------------------------------------------------------------------
// CALL

Result<StatementNode> Parser::ParseCall() {
  Next();  // CALL
  CallStmt call;
  SPROCKET_ASSIGN_OR_RETURN(call.name, ParseName("procedure name"));
  SPROCKET_RETURN_IF_ERROR(Expect("(", "procedure name"));
  const Token& open = tokens_[next_ - 1];
  SPROCKET_ASSIGN_OR_RETURN(const Token* close, ScanToClosingParen());
  size_t begin = open.position.offset + 1 - statement_.position.offset;
  size_t end = close->position.offset - statement_.position.offset;
  call.args = std::string(statement_.text.substr(begin, end - begin));
  SPROCKET_RETURN_IF_ERROR(ExpectEnd());
  return StatementNode(std::move(call));
}

}  // namespace

Result<ParsedStatement> ParseStatement(const StatementText& statement, int index) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<Token> tokens,
                            Tokenize(statement.text, statement.position));
  Parser parser(statement, std::move(tokens));
  SPROCKET_ASSIGN_OR_RETURN(StatementNode node, parser.Parse());
  return ParsedStatement{index, statement.position, std::string(statement.text), std::move(node)};
}

Result<std::vector<ParsedStatement>> ParseScript(std::string_view script) {
  std::vector<StatementText> texts;
  Status split = internal::SplitInto(script, &texts);
  if (!split.ok()) {
    // The failing statement is the one after those split so far.
    const size_t failing = texts.size() + 1;
    return failing > 1 ? split.WithContext("statement " + std::to_string(failing)) : split;
  }
  std::vector<ParsedStatement> statements;
  statements.reserve(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    Result<ParsedStatement> parsed = ParseStatement(texts[i], static_cast<int>(i) + 1);
    if (!parsed.ok()) {
      if (texts.size() == 1) return parsed.status();
      return parsed.status().WithContext("statement " + std::to_string(i + 1));
    }
    statements.push_back(std::move(parsed).value());
  }
  return statements;
}

}  // namespace sprocket::sql
