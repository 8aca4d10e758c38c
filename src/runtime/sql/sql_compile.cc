#include "runtime/sql/sql_compile.h"

#include <algorithm>
#include <charconv>

#include "common/strings.h"
#include "sql/lexer.h"
#include "sql/splitter.h"

namespace sprocket::runtime {

namespace {

Status BodyError(const FunctionDef& def, std::string message) {
  return Status(StatusCode::kSyntaxError,
                "sql function \"" + def.name + "\": " + std::move(message));
}

// Index of the parameter named `name` (case-insensitive), 1-based, or 0.
int ParamIndex(const FunctionDef& def, std::string_view name) {
  for (size_t i = 0; i < def.params.size(); ++i) {
    if (!def.params[i].name.empty() && EqualsIgnoreCase(def.params[i].name, name)) {
      return static_cast<int>(i) + 1;
    }
  }
  return 0;
}

}  // namespace

Result<std::vector<std::string>> SplitSqlBody(const FunctionDef& def) {
  auto split = sql::SplitStatements(def.source);
  if (!split.ok()) return BodyError(def, split.status().message());
  if (split->empty()) return BodyError(def, "the function body has no statement");
  std::vector<std::string> statements;
  for (const sql::StatementText& st : *split) {
    auto tokens = sql::Tokenize(st.text);
    if (!tokens.ok()) return BodyError(def, tokens.status().message());
    std::string out;
    size_t copied = 0;  // bytes of st.text already in `out`
    for (const sql::Token& tok : *tokens) {
      if (tok.kind != sql::TokenKind::kParameter) continue;
      std::string_view p = tok.text;
      int n = 0;
      bool positional =
          p.size() > 1 && p[0] == '$' &&
          std::from_chars(p.data() + 1, p.data() + p.size(), n).ptr == p.data() + p.size();
      if (!positional) {
        return BodyError(def, "parameter " + std::string(p) +
                                  " is not allowed in a function body; refer to arguments "
                                  "by name or as $1, $2, …");
      }
      if (n < 1 || n > static_cast<int>(def.params.size())) {
        return BodyError(def, "there is no parameter " + std::string(p));
      }
      size_t at = tok.position.offset;
      out.append(st.text.substr(copied, at - copied));
      out += "?" + std::to_string(n);
      copied = at + p.size();
    }
    out.append(st.text.substr(copied));
    statements.push_back(std::move(out));
  }
  return statements;
}

Result<std::string> ResolveArgumentNames(const FunctionDef& def, std::string statement,
                                         HostApi& checker) {
  static constexpr std::string_view kNoSuchColumn = "no such column: ";
  // Each round replaces one name; a statement cannot mention more names than it has bytes.
  for (size_t round = 0; round <= statement.size(); ++round) {
    int offset = -1;
    Status st = checker.CheckSql(statement, &offset);
    if (st.ok()) return statement;
    const std::string& msg = st.message();
    if (msg.rfind(kNoSuchColumn, 0) != 0 || offset < 0 ||
        static_cast<size_t>(offset) >= statement.size()) {
      return st.WithContext("sql function \"" + def.name + "\"");
    }
    std::string name = msg.substr(kNoSuchColumn.size());
    int index = ParamIndex(def, name);
    auto tokens = sql::Tokenize(std::string_view(statement).substr(offset));
    if (index == 0 || !tokens.ok() || tokens->empty() || !(*tokens)[0].IsName() ||
        !EqualsIgnoreCase((*tokens)[0].Value(), name)) {
      return st.WithContext("sql function \"" + def.name + "\"");
    }
    statement.replace(offset, (*tokens)[0].text.size(), "?" + std::to_string(index));
  }
  return Status(StatusCode::kInternal,
                "sql function \"" + def.name + "\": argument names did not resolve");
}

const std::vector<std::string>& TriggerValueNames() {
  static const std::vector<std::string> kNames = {"TG_OP",   "TG_WHEN",       "TG_LEVEL",
                                                  "TG_NAME", "TG_TABLE_NAME", "TG_DEPTH"};
  return kNames;
}

Result<std::string> BindTriggerReferences(const FunctionDef& def, std::string_view statement,
                                          const std::vector<std::string>& columns,
                                          bool any_column) {
  auto tokens = sql::Tokenize(statement);
  if (!tokens.ok()) return BodyError(def, tokens.status().message());
  const std::vector<sql::Token>& t = *tokens;
  const size_t n = columns.size();
  std::string out;
  size_t copied = 0;
  auto replace = [&](const sql::Token& first, const sql::Token& last, size_t index) {
    out.append(statement.substr(copied, first.position.offset - copied));
    out += "?" + std::to_string(index);
    copied = last.position.offset + last.text.size();
  };
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i].kind != sql::TokenKind::kIdentifier) continue;
    bool qualified = i > 0 && t[i - 1].Is(".");
    if (!qualified && (t[i].Is("NEW") || t[i].Is("OLD")) && i + 2 < t.size() && t[i + 1].Is(".") &&
        t[i + 2].IsName()) {
      std::string column = t[i + 2].Value();
      size_t c = 0;
      while (c < n && !EqualsIgnoreCase(columns[c], column)) ++c;
      if (c == n && any_column) c = 0;
      if (c == n && !any_column) {
        return Status(StatusCode::kInvalidArgument, "sql function \"" + def.name +
                                                        "\": " + ToUpper(t[i].text) +
                                                        " has no column \"" + column + "\"");
      }
      replace(t[i], t[i + 2], (t[i].Is("NEW") ? 0 : n) + c + 1);
      i += 2;
      continue;
    }
    const std::vector<std::string>& names = TriggerValueNames();
    for (size_t k = 0; !qualified && k < names.size(); ++k) {
      if (t[i].Is(names[k])) {
        replace(t[i], t[i], 2 * n + k + 1);
        break;
      }
    }
  }
  out.append(statement.substr(copied));
  return out;
}

int HighestParameter(std::string_view statement) {
  auto tokens = sql::Tokenize(statement);
  if (!tokens.ok()) return 0;
  int highest = 0;
  for (const sql::Token& tok : *tokens) {
    if (tok.kind != sql::TokenKind::kParameter || tok.text.size() < 2 || tok.text[0] != '?') {
      continue;
    }
    int n = 0;
    std::from_chars(tok.text.data() + 1, tok.text.data() + tok.text.size(), n);
    highest = std::max(highest, n);
  }
  return highest;
}

}  // namespace sprocket::runtime
