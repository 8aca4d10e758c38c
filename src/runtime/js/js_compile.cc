#include "runtime/js/js_compile.h"

#include <cctype>
#include <cstring>

#include "common/strings.h"

namespace sprocket::runtime::js {

namespace {

bool IsIdentifier(std::string_view s) {
  static const char* const kReserved[] = {
      "break",      "case",    "catch",     "class",    "const",     "continue",   "debugger",
      "default",    "delete",  "do",        "else",     "enum",      "export",     "extends",
      "false",      "finally", "for",       "function", "if",        "import",     "in",
      "instanceof", "new",     "null",      "return",   "super",     "switch",     "this",
      "throw",      "true",    "try",       "typeof",   "var",       "void",       "while",
      "with",       "yield",   "let",       "static",   "await",     "implements", "interface",
      "package",    "private", "protected", "public",   "arguments", "eval"};
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '$') return false;
  }
  for (const char* r : kReserved) {
    if (s == r) return false;
  }
  return true;
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

// The body-style questions below, answered in one pass over the skeleton each (they were
// regular expressions, whose backtracking made a megabyte-sized body take seconds).
size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Calls `visit(word, end)` for each identifier-like word of `code` that is not a member
// access (not right after '.'), `end` being the index after it; stops when it returns true.
template <typename Visit>
bool AnyWord(std::string_view code, Visit visit) {
  for (size_t i = 0; i < code.size();) {
    if (!IsIdentChar(code[i])) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < code.size() && IsIdentChar(code[i])) ++i;
    if (start > 0 && code[start - 1] == '.') continue;
    if (visit(code.substr(start, i - start), i)) return true;
  }
  return false;
}

bool HasWord(std::string_view code, std::string_view word) {
  return AnyWord(code, [&](std::string_view w, size_t) { return w == word; });
}

// The identifier starting at `i` (after spaces), or empty.
std::string_view WordAt(std::string_view code, size_t i, size_t* end) {
  i = SkipSpace(code, i);
  size_t j = i;
  while (j < code.size() && IsIdentChar(code[j])) ++j;
  *end = j;
  return code.substr(i, j - i);
}

// `function [*] NAME (` — any name when `name` is empty (a name that starts like one).
bool DeclaresFunction(std::string_view code, std::string_view name) {
  return AnyWord(code, [&](std::string_view w, size_t end) {
    if (w != "function") return false;
    size_t i = SkipSpace(code, end);
    if (i < code.size() && code[i] == '*') i = SkipSpace(code, i + 1);
    size_t after = 0;
    std::string_view found = WordAt(code, i, &after);
    if (found.empty() || std::isdigit(static_cast<unsigned char>(found[0]))) return false;
    if (!name.empty() && found != name) return false;
    after = SkipSpace(code, after);
    return after < code.size() && code[after] == '(';
  });
}

// `const|let|var NAME =`.
bool DeclaresBinding(std::string_view code, std::string_view name) {
  return AnyWord(code, [&](std::string_view w, size_t end) {
    if (w != "const" && w != "let" && w != "var") return false;
    size_t after = 0;
    if (WordAt(code, end, &after) != name) return false;
    after = SkipSpace(code, after);
    return after < code.size() && code[after] == '=';
  });
}

// Whether a '/' after `before` (the code so far, comments and literals already reduced)
// starts a regular expression rather than a division: after an operator, an opening
// bracket, or a keyword that takes an expression.
bool SlashStartsRegex(std::string_view before) {
  size_t end = before.size();
  while (end > 0 && std::isspace(static_cast<unsigned char>(before[end - 1]))) --end;
  if (end == 0) return true;
  char last = before[end - 1];
  if (last == ')' || last == ']' || last == '}' || last == '"' || last == '\'' || last == '`') {
    return false;
  }
  if (!IsIdentChar(last)) return true;
  size_t start = end;
  while (start > 0 && IsIdentChar(before[start - 1])) --start;
  std::string_view word = before.substr(start, end - start);
  for (const char* k : {"return", "typeof", "instanceof", "in", "of", "new", "delete", "void",
                        "throw", "case", "do", "else", "yield", "await"}) {
    if (word == k) return true;
  }
  return false;
}

}  // namespace

std::string JsSkeleton(std::string_view src, bool top_level) {
  std::string out;
  out.reserve(src.size());
  // Open braces: true for a template literal's ${ … } (whose closing brace resumes the
  // template), false for a code block or object.
  std::vector<bool> braces;
  int depth = 0;  // code braces open
  // Which characters of `out` are inside braces (blanked at the end when `top_level`):
  // `out` itself keeps them, since telling a regular expression from a division needs
  // the code before it.
  std::vector<bool> nested;
  nested.reserve(src.size());
  auto emit = [&](char c) {
    out.push_back(c);
    nested.push_back(depth > 0 && c != '\n');
  };
  size_t i = 0;
  const size_t n = src.size();
  // Skips a template literal's text from i (after its backquote or a closing brace of a
  // substitution) to its end or to its next substitution.
  auto template_text = [&]() {
    while (i < n) {
      char c = src[i];
      if (c == '\\') {
        i += 2;
      } else if (c == '`') {
        ++i;
        emit('`');
        return;
      } else if (c == '$' && i + 1 < n && src[i + 1] == '{') {
        i += 2;
        braces.push_back(true);
        return;
      } else {
        if (c == '\n') emit('\n');
        ++i;
      }
    }
  };
  while (i < n) {
    char c = src[i];
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      while (i < n && src[i] != '\n') ++i;
      emit(' ');
    } else if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      i += 2;
      while (i < n && !(src[i] == '*' && i + 1 < n && src[i + 1] == '/')) {
        if (src[i] == '\n') emit('\n');
        ++i;
      }
      i = std::min(n, i + 2);
      emit(' ');
    } else if (c == '\'' || c == '"') {
      ++i;
      while (i < n && src[i] != c && src[i] != '\n') i += src[i] == '\\' ? 2 : 1;
      ++i;
      emit(c);
      emit(c);
    } else if (c == '`') {
      ++i;
      emit('`');
      template_text();
    } else if (c == '/' && SlashStartsRegex(out)) {
      ++i;
      bool in_class = false;
      while (i < n && src[i] != '\n') {
        char r = src[i];
        if (r == '\\') {
          i += 2;
          continue;
        }
        ++i;
        if (r == '[') in_class = true;
        if (r == ']') in_class = false;
        if (r == '/' && !in_class) break;
      }
      while (i < n && IsIdentChar(src[i])) ++i;  // flags
      emit('/');
      emit('/');
    } else if (c == '{') {
      emit('{');
      braces.push_back(false);
      ++depth;
      ++i;
    } else if (c == '}') {
      ++i;
      if (!braces.empty() && braces.back()) {
        braces.pop_back();
        template_text();
      } else {
        if (!braces.empty()) braces.pop_back();
        if (depth > 0) --depth;
        emit('}');
      }
    } else {
      emit(c);
      ++i;
    }
  }
  if (top_level) {
    for (size_t k = 0; k < out.size(); ++k) {
      if (nested[k]) out[k] = ' ';
    }
  }
  return out;
}

std::vector<std::string> JsParameterNames(const FunctionDef& def) {
  std::vector<std::string> names;
  if (def.kind == FunctionKind::kTrigger) return {"ctx"};
  for (size_t i = 0; i < def.params.size(); ++i) {
    const std::string& n = def.params[i].name;
    names.push_back(IsIdentifier(n) ? n : "$" + std::to_string(i + 1));
  }
  return names;
}

Result<ScriptSource> BuildScript(const FunctionDef& def) {
  const std::string& body = def.source;
  // Declarations count only among the body's own statements; returns and awaits anywhere
  // outside comments and literals.
  const std::string top = JsSkeleton(body, /*top_level=*/true);
  const std::string code = JsSkeleton(body, /*top_level=*/false);
  const std::string what = "javascript function \"" + def.name + "\"";
  if (Trim(body).empty()) {
    return Status(StatusCode::kInvalidArgument, what + ": the function body is empty");
  }
  ScriptSource out;
  const std::string& entry = def.entry_point.empty() ? def.name : def.entry_point;
  if (IsIdentifier(entry)) {
    bool declares = DeclaresFunction(top, entry) || DeclaresBinding(top, entry);
    if (declares) {
      out.text = body;
      out.global = entry;
      return out;
    }
  }
  bool returns = HasWord(code, "return");
  bool defines = DeclaresFunction(top, "");
  // A trigger body may only change NEW and return nothing: that is not a missing callable.
  if (defines && !returns && def.kind != FunctionKind::kTrigger) {
    return Status(StatusCode::kInvalidArgument,
                  what + " defines no function named " + def.name +
                      " and returns nothing: name the function to call " + def.name +
                      ", or write the body itself (with return)");
  }
  bool awaits = HasWord(code, "await");
  std::string async = awaits ? "async " : "";
  if (def.kind == FunctionKind::kTrigger) {
    // The ctx values are in scope by name (as in inline triggers); the body's result is
    // NEW as it stands when the body returns nothing (so `NEW = {...}` or mutating NEW
    // both work). Everything before the body stays on the first line, so that the body's
    // lines keep their numbers.
    out.text =
        "(" + async + "function (ctx) { let {NEW, OLD, TG_OP, TG_WHEN, TG_LEVEL, " +
        "TG_NAME, TG_TABLE_NAME, TG_ARGV, TG_DEPTH, NEW_TABLE, OLD_TABLE} = ctx; " +
        "const db = ctx.db; const __result = " + (awaits ? "await " : "") + "(" + async +
        "() => {\n" + body +
        "\n})(); return __result !== undefined ? __result : TG_OP === 'DELETE' ? OLD : NEW; })";
    out.line_offset = -1;
    out.wrapped = true;
    return out;
  }
  std::vector<std::string> params = JsParameterNames(def);
  out.text = "(" + async + "function (" + Join(params, ", ") + ") {\n" + body + "\n})";
  out.line_offset = -1;
  out.wrapped = true;
  return out;
}

}  // namespace sprocket::runtime::js
