// libFuzzer target for the SQL front end: the lexer, splitter and parser must never crash,
// leak or hit undefined behaviour, whatever the input, and must agree with each other.
// Build with `make fuzz` (clang, -DSPROCKET_FUZZ=ON). Inputs that failed are kept as unit
// tests in parser_test.cc.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>
#include <vector>

#include "sql/lexer.h"
#include "sql/parser.h"
#include "sql/splitter.h"

namespace {

using sprocket::sql::Position;

// Invariants are checked with a trap so that libFuzzer reports them as crashes.
void Check(bool condition) {
  if (!condition) __builtin_trap();
}

bool SamePosition(const Position& a, const Position& b) {
  return a.line == b.line && a.column == b.column && a.offset == b.offset;
}

// `position` is where script[position.offset] is.
void CheckPosition(std::string_view script, const Position& position) {
  Check(position.offset <= script.size());
  Check(SamePosition(position, sprocket::sql::Advance(Position{}, script, position.offset)));
}

void CheckBody(std::string_view script, const sprocket::sql::Body& body) {
  CheckPosition(script, body.position);
  // A dollar-quoted body is the script text at its position, unchanged.
  if (body.kind == sprocket::sql::BodyKind::kSource && body.position.offset > 0 &&
      script[body.position.offset - 1] == '$') {
    Check(script.substr(body.position.offset, body.text.size()) == body.text);
  }
}

void CheckStatement(std::string_view script, const sprocket::sql::StatementText& statement,
                    const sprocket::sql::ParsedStatement& parsed) {
  Check(parsed.text == statement.text);
  Check(SamePosition(parsed.position, statement.position));
  if (const auto* function = std::get_if<sprocket::sql::CreateFunctionStmt>(&parsed.node)) {
    CheckBody(script, function->body);
  } else if (const auto* trigger = std::get_if<sprocket::sql::CreateTriggerStmt>(&parsed.node)) {
    if (const auto* inline_body = std::get_if<sprocket::sql::InlineBody>(&trigger->action)) {
      CheckBody(script, inline_body->body);
    }
    if (!trigger->when.empty()) {
      CheckPosition(script, trigger->when_position);
      Check(script.substr(trigger->when_position.offset, trigger->when.size()) == trigger->when);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view script(reinterpret_cast<const char*>(data), size);

  auto tokens = sprocket::sql::Tokenize(script);
  if (tokens.ok()) {
    Check(!tokens->empty() && tokens->back().kind == sprocket::sql::TokenKind::kEnd);
    for (const sprocket::sql::Token& token : *tokens) {
      CheckPosition(script, token.position);
      (void)token.Value();
    }
  }

  const bool complete = sprocket::sql::IsCompleteStatement(script);
  (void)complete;

  auto split = sprocket::sql::SplitStatements(script);
  Check(split.ok() == tokens.ok());
  auto script_result = sprocket::sql::ParseScript(script);
  if (!split.ok()) {
    Check(!script_result.ok());
    return 0;
  }

  bool all_ok = true;
  for (size_t i = 0; i < split->size(); ++i) {
    const sprocket::sql::StatementText& statement = (*split)[i];
    Check(!statement.text.empty());
    CheckPosition(script, statement.position);
    Check(script.substr(statement.position.offset, statement.text.size()) == statement.text);
    auto parsed = sprocket::sql::ParseStatement(statement, static_cast<int>(i) + 1);
    if (parsed.ok()) {
      Check(parsed->index == static_cast<int>(i) + 1);
      CheckStatement(script, statement, *parsed);
    } else {
      all_ok = false;
    }
  }
  Check(script_result.ok() == all_ok);
  if (script_result.ok()) Check(script_result->size() == split->size());
  return 0;
}
