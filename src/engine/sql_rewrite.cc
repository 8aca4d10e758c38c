#include "engine/sql_rewrite.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>
#include <vector>

namespace sprocket {

std::string NumberParameters(std::string_view sql) {
  auto tokens = sql::Tokenize(sql, {}, sql::Dialect::kSqlite);
  if (!tokens.ok()) return std::string(sql);
  std::string out;
  size_t copied = 0;
  int max_index = 0;
  std::unordered_map<std::string, int> named;
  for (const sql::Token& t : *tokens) {
    if (t.kind != sql::TokenKind::kParameter) continue;
    if (t.text[0] == '?') {
      // ? and ?N become :_spuN: named, so that they cannot collide with the numbers SQLite
      // gives the engine's own parameters in a derived statement.
      int index = t.text == "?" ? ++max_index : std::atoi(std::string(t.text.substr(1)).c_str());
      max_index = std::max(max_index, index);
      size_t at = static_cast<size_t>(t.text.data() - sql.data());
      out.append(sql.substr(copied, at - copied));
      out += ":_spu" + std::to_string(index);
      copied = at + t.text.size();
    } else if (named.emplace(std::string(t.text), 0).second) {
      ++max_index;
    }
  }
  out.append(sql.substr(copied));
  return out;
}

std::string RewriteReferences(
    const std::string& text,
    const std::function<std::optional<std::string>(const sql::Token& qualifier,
                                                   const std::string& column)>& replace) {
  auto tokens = sql::Tokenize(text, {}, sql::Dialect::kSqlite);
  if (!tokens.ok()) return text;
  const std::vector<sql::Token>& t = *tokens;
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i + 2 < t.size(); ++i) {
    if (t[i].kind != sql::TokenKind::kIdentifier || !t[i + 1].Is(".") || !t[i + 2].IsName()) {
      continue;
    }
    // Not the middle of schema.table.column.
    if (i > 0 && t[i - 1].Is(".")) continue;
    if (i + 3 < t.size() && t[i + 3].Is(".")) continue;
    std::optional<std::string> with = replace(t[i], t[i + 2].Value());
    if (!with) continue;
    size_t begin = static_cast<size_t>(t[i].text.data() - text.data());
    size_t end = static_cast<size_t>(t[i + 2].text.data() - text.data()) + t[i + 2].text.size();
    out.append(text, copied, begin - copied);
    out += *with;
    copied = end;
    i += 2;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

bool CallsFunction(const std::string& expression) {
  auto tokens = sql::Tokenize(expression, {}, sql::Dialect::kSqlite);
  if (!tokens.ok()) return true;
  const auto& t = *tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i].kind == sql::TokenKind::kIdentifier && t[i + 1].Is("(")) return true;
  }
  return false;
}

}  // namespace sprocket
