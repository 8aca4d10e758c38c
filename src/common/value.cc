#include "sprocket/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace sprocket {

const char* ValueTypeName(ValueType type) {
  switch (type) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return "INTEGER";
    case ValueType::kReal:
      return "REAL";
    case ValueType::kText:
      return "TEXT";
    case ValueType::kBlob:
      return "BLOB";
  }
  return "NULL";
}

std::string FormatReal(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string out(buf, end);
  if (out.find_first_of(".eEn") == std::string::npos) out += ".0";
  return out;
}

namespace {
const char kHex[] = "0123456789ABCDEF";

std::string HexOf(const std::string& bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}
}  // namespace

std::string Value::ToString() const {
  switch (type()) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return std::to_string(integer());
    case ValueType::kReal:
      return FormatReal(real());
    case ValueType::kText:
      return text();
    case ValueType::kBlob:
      return "x'" + HexOf(blob()) + "'";
  }
  return "NULL";
}

std::string Value::ToSqlLiteral() const {
  switch (type()) {
    case ValueType::kNull:
      return "NULL";
    case ValueType::kInteger:
      return std::to_string(integer());
    case ValueType::kReal: {
      double v = real();
      if (std::isnan(v)) return "NULL";
      if (std::isinf(v)) return v > 0 ? "9e999" : "-9e999";
      return FormatReal(v);
    }
    case ValueType::kText: {
      std::string out = "'";
      for (char c : text()) {
        if (c == '\'') out += '\'';
        out += c;
      }
      out += '\'';
      return out;
    }
    case ValueType::kBlob:
      return "X'" + HexOf(blob()) + "'";
  }
  return "NULL";
}

}  // namespace sprocket
