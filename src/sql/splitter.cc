#include "sql/splitter.h"

#include "sql/internal.h"
#include "sql/lexer.h"

namespace sprocket::sql {
namespace internal {

void StatementEndTracker::Reset() {
  state_ = State::kStart;
  depth_ = 0;
  seen_on_ = false;
  prev_is_on_or_dot_ = false;
}

bool StatementEndTracker::Feed(const Token& token) {
  const bool semicolon = token.kind == TokenKind::kPunct && token.text == ";";
  switch (state_) {
    case State::kBody:
      if (semicolon) state_ = State::kBodySemi;
      return false;
    case State::kBodySemi:
      if (token.Is("END")) {
        state_ = State::kBodyEnd;
      } else if (!semicolon) {
        state_ = State::kBody;
      }
      return false;
    case State::kBodyEnd:
      if (semicolon) {
        Reset();
        return true;
      }
      state_ = State::kBody;
      return false;
    default:
      break;
  }
  if (semicolon) {
    Reset();
    return true;
  }
  switch (state_) {
    case State::kStart:
      state_ = token.Is("EXPLAIN")  ? State::kExplain
               : token.Is("CREATE") ? State::kCreate
                                    : State::kOther;
      break;
    case State::kExplain:
      if (token.Is("CREATE")) {
        state_ = State::kCreate;
      } else if (!token.Is("QUERY") && !token.Is("PLAN")) {
        state_ = State::kOther;
      }
      break;
    case State::kCreate:
      if (token.Is("TRIGGER")) {
        state_ = State::kTriggerHeader;
      } else if (!token.Is("TEMP") && !token.Is("TEMPORARY") && !token.Is("OR") &&
                 !token.Is("REPLACE")) {
        state_ = State::kOther;
      }
      break;
    case State::kTriggerHeader:
      if (token.Is("(")) {
        ++depth_;
      } else if (token.Is(")")) {
        if (depth_ > 0) --depth_;
      } else if (depth_ == 0 && seen_on_ && !prev_is_on_or_dot_) {
        // After "ON table": BEGIN starts SQLite's body; EXECUTE or LANGUAGE start the
        // action of a Sprocket trigger, which has no body. ("ON begin" and
        // "ON main.begin" name a table.)
        if (token.Is("BEGIN")) {
          state_ = State::kBody;
        } else if (token.Is("EXECUTE") || token.Is("LANGUAGE")) {
          state_ = State::kOther;
        }
      } else if (depth_ == 0 && token.Is("ON")) {
        seen_on_ = true;
      }
      prev_is_on_or_dot_ = token.Is("ON") || token.Is(".");
      break;
    default:
      break;
  }
  return false;
}

Status SplitInto(std::string_view script, std::vector<StatementText>* out) {
  Lexer lexer(script, Position{});
  StatementEndTracker tracker;
  bool open = false;  // a statement has started
  Position first;     // where the current statement starts
  size_t end = 0;     // offset just after its last token
  auto emit = [&] {
    if (open) out->push_back({script.substr(first.offset, end - first.offset), first});
    open = false;
  };
  while (true) {
    SPROCKET_ASSIGN_OR_RETURN(Token token, lexer.Next());
    if (token.kind == TokenKind::kEnd) {
      emit();
      return Status::Ok();
    }
    if (tracker.Feed(token)) {
      emit();
      continue;
    }
    if (!open) {
      open = true;
      first = token.position;
    }
    end = token.position.offset + token.text.size();
  }
}

}  // namespace internal

Result<std::vector<StatementText>> SplitStatements(std::string_view script) {
  std::vector<StatementText> statements;
  SPROCKET_RETURN_IF_ERROR(internal::SplitInto(script, &statements));
  return statements;
}

bool IsCompleteStatement(std::string_view text) {
  internal::Lexer lexer(text, Position{});
  internal::StatementEndTracker tracker;
  bool complete = true;  // nothing but whitespace and comments so far
  while (true) {
    Result<Token> token = lexer.Next();
    if (!token.ok()) return false;  // inside an unterminated quote or comment
    if (token->kind == TokenKind::kEnd) return complete;
    complete = tracker.Feed(*token);
  }
}

}  // namespace sprocket::sql
