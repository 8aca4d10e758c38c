#include "runtime/types.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "common/strings.h"

namespace sprocket::runtime {

Result<SqlType> ParseSqlType(std::string_view declared) {
  std::string t = ToUpper(Trim(declared));
  // The base name: everything before a "(n[,m])" suffix, with spaces collapsed.
  std::string base;
  for (char c : t.substr(0, t.find('('))) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!base.empty() && base.back() != ' ') base += ' ';
    } else {
      base += c;
    }
  }
  while (!base.empty() && base.back() == ' ') base.pop_back();
  struct Name {
    const char* name;
    SqlType type;
  };
  static const Name kNames[] = {
      {"INTEGER", SqlType::kInteger},
      {"INT", SqlType::kInteger},
      {"BIGINT", SqlType::kInteger},
      {"SMALLINT", SqlType::kInteger},
      {"INT2", SqlType::kInteger},
      {"INT4", SqlType::kInteger},
      {"INT8", SqlType::kInteger},
      {"REAL", SqlType::kReal},
      {"FLOAT", SqlType::kReal},
      {"FLOAT4", SqlType::kReal},
      {"FLOAT8", SqlType::kReal},
      {"DOUBLE", SqlType::kReal},
      {"DOUBLE PRECISION", SqlType::kReal},
      {"TEXT", SqlType::kText},
      {"VARCHAR", SqlType::kText},
      {"CHAR", SqlType::kText},
      {"CHARACTER", SqlType::kText},
      {"CHARACTER VARYING", SqlType::kText},
      {"STRING", SqlType::kText},
      {"BYTEA", SqlType::kBlob},
      {"BLOB", SqlType::kBlob},
      {"JSON", SqlType::kJson},
      {"JSONB", SqlType::kJson},
      {"NUMERIC", SqlType::kNumeric},
      {"DECIMAL", SqlType::kNumeric},
      {"BOOLEAN", SqlType::kBoolean},
      {"BOOL", SqlType::kBoolean},
      {"ANY", SqlType::kAny},
  };
  for (const Name& n : kNames) {
    if (base == n.name) return n.type;
  }
  return Status(StatusCode::kInvalidArgument,
                "unknown type \"" + std::string(Trim(declared)) +
                    "\" (expected INTEGER, REAL, TEXT, BYTEA, JSON, NUMERIC, BOOLEAN or ANY, "
                    "or one of their aliases)");
}

const char* SqlTypeName(SqlType type) {
  switch (type) {
    case SqlType::kAny:
      return "ANY";
    case SqlType::kInteger:
      return "INTEGER";
    case SqlType::kReal:
      return "REAL";
    case SqlType::kText:
      return "TEXT";
    case SqlType::kBlob:
      return "BYTEA";
    case SqlType::kJson:
      return "JSON";
    case SqlType::kNumeric:
      return "NUMERIC";
    case SqlType::kBoolean:
      return "BOOLEAN";
  }
  return "ANY";
}

std::string DescribeValue(const Value& value) {
  switch (value.type()) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return "INTEGER " + value.ToString();
    case ValueType::kReal:
      return "REAL " + value.ToString();
    case ValueType::kText: {
      std::string t = value.text();
      if (t.size() > 40) t = t.substr(0, 40) + "...";
      return "TEXT " + QuoteString(t);
    }
    case ValueType::kBlob:
      return "BLOB (" + std::to_string(value.blob().size()) + " bytes)";
  }
  return "NULL";
}

namespace {

Status Mismatch(const Value& value, SqlType type) {
  return Status(StatusCode::kInvalidArgument,
                std::string("expected ") + SqlTypeName(type) + ", got " + DescribeValue(value));
}

// Parses the whole of `text` (after trimming) as an integer or a real, SQLite-style.
bool ParseNumber(std::string_view text, Value* out) {
  std::string t(Trim(text));
  if (t.empty()) return false;
  errno = 0;
  char* end = nullptr;
  long long i = std::strtoll(t.c_str(), &end, 10);
  if (*end == '\0' && errno == 0) {
    *out = Value(static_cast<int64_t>(i));
    return true;
  }
  errno = 0;
  double d = std::strtod(t.c_str(), &end);
  if (*end == '\0' && errno == 0 && std::isfinite(d)) {
    *out = Value(d);
    return true;
  }
  return false;
}

bool IsIntegral(double d) {
  return std::isfinite(d) && d == std::floor(d) && d >= -9223372036854775808.0 &&
         d < 9223372036854775808.0;
}

// True when `text` is a plain decimal literal: [+-]digits[.digits][e[+-]digits].
bool IsDecimalLiteral(std::string_view text) {
  size_t i = 0, n = text.size();
  if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
  size_t digits = 0;
  while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && std::isdigit(static_cast<unsigned char>(text[i]))) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

}  // namespace

Result<Value> ConvertToDeclared(const Value& value, SqlType type) {
  if (value.is_null() || type == SqlType::kAny) return value;
  Value number;
  switch (type) {
    case SqlType::kInteger:
      if (value.type() == ValueType::kInteger) return value;
      if (value.type() == ValueType::kReal && IsIntegral(value.real())) {
        return Value(static_cast<int64_t>(value.real()));
      }
      if (value.type() == ValueType::kText && ParseNumber(value.text(), &number)) {
        return ConvertToDeclared(number, type);
      }
      return Mismatch(value, type);
    case SqlType::kReal:
      if (value.type() == ValueType::kReal) return value;
      if (value.type() == ValueType::kInteger) return Value(static_cast<double>(value.integer()));
      if (value.type() == ValueType::kText && ParseNumber(value.text(), &number)) {
        return ConvertToDeclared(number, type);
      }
      return Mismatch(value, type);
    case SqlType::kText:
      if (value.type() == ValueType::kText) return value;
      if (value.type() == ValueType::kInteger || value.type() == ValueType::kReal) {
        return Value(value.ToString());
      }
      return Mismatch(value, type);
    case SqlType::kBlob:
      if (value.type() == ValueType::kBlob) return value;
      if (value.type() == ValueType::kText) return Value::FromBlob(value.text());
      return Mismatch(value, type);
    case SqlType::kJson:
      if (value.type() == ValueType::kInteger || value.type() == ValueType::kReal) return value;
      if (value.type() == ValueType::kText) {
        if (nlohmann::json::accept(value.text())) return value;
        return Status(
            StatusCode::kInvalidArgument,
            "expected JSON, got TEXT that is not valid JSON: " + DescribeValue(value).substr(5));
      }
      return Mismatch(value, type);
    case SqlType::kNumeric:
      if (value.type() == ValueType::kInteger || value.type() == ValueType::kReal) return value;
      if (value.type() == ValueType::kText && IsDecimalLiteral(Trim(value.text()))) {
        if (ParseNumber(value.text(), &number) && number.type() == ValueType::kInteger) {
          return number;
        }
        return Value(std::string(Trim(value.text())));
      }
      return Mismatch(value, type);
    case SqlType::kBoolean:
      if (value.type() == ValueType::kInteger) {
        if (value.integer() == 0 || value.integer() == 1) return value;
        return Mismatch(value, type);
      }
      if (value.type() == ValueType::kText) {
        std::string t = ToLower(Trim(value.text()));
        if (t == "true" || t == "t" || t == "yes" || t == "on" || t == "1") return Value(1);
        if (t == "false" || t == "f" || t == "no" || t == "off" || t == "0") return Value(0);
      }
      return Mismatch(value, type);
    case SqlType::kAny:
      return value;
  }
  return value;
}

}  // namespace sprocket::runtime
