#include "runtime/js/js_compile.h"

#include <cctype>
#include <cstring>
#include <regex>

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

std::string RegexEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::strchr("\\^$.|?*+()[]{}", c) != nullptr) out += '\\';
    out += c;
  }
  return out;
}

bool Contains(const std::string& source, const std::string& pattern) {
  return std::regex_search(source, std::regex(pattern));
}

}  // namespace

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
  const std::string what = "javascript function \"" + def.name + "\"";
  if (Trim(body).empty()) {
    return Status(StatusCode::kInvalidArgument, what + ": the function body is empty");
  }
  ScriptSource out;
  const std::string& entry = def.entry_point.empty() ? def.name : def.entry_point;
  if (IsIdentifier(entry)) {
    std::string name = RegexEscape(entry);
    bool declares = Contains(body, "(^|[^\\w$.])function\\s*\\*?\\s*" + name + "\\s*\\(") ||
                    Contains(body, "(^|[^\\w$.])(const|let|var)\\s+" + name + "\\s*=");
    if (declares) {
      out.text = body;
      out.global = entry;
      return out;
    }
  }
  bool returns = Contains(body, "(^|[^\\w$.])return([^\\w$]|$)");
  bool defines = Contains(body, "(^|[^\\w$.])function\\s*\\*?\\s*[A-Za-z_$][\\w$]*\\s*\\(");
  // A trigger body may only change NEW and return nothing: that is not a missing callable.
  if (defines && !returns && def.kind != FunctionKind::kTrigger) {
    return Status(StatusCode::kInvalidArgument,
                  what + " defines no function named " + def.name +
                      " and returns nothing: name the function to call " + def.name +
                      ", or write the body itself (with return)");
  }
  bool awaits = Contains(body, "(^|[^\\w$.])await([^\\w$]|$)");
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
