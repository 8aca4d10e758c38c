// The declared SQL types of function arguments and results (docs/design.md §5), and how SQLite's
// five storage types convert to and from them.
#ifndef SPROCKET_RUNTIME_TYPES_H_
#define SPROCKET_RUNTIME_TYPES_H_

#include <string_view>

#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket::runtime {

enum class SqlType {
  kAny,      // ANY: whatever SQLite stores (used for untyped arguments)
  kInteger,  // INTEGER, INT, BIGINT, SMALLINT
  kReal,     // REAL, FLOAT, DOUBLE [PRECISION]
  kText,     // TEXT, VARCHAR(n), CHAR(n), CHARACTER VARYING(n)
  kBlob,     // BYTEA, BLOB
  kJson,     // JSON, JSONB: stored as JSON text
  kNumeric,  // NUMERIC, DECIMAL(p,s): stored as INTEGER when integral, else exact text
  kBoolean,  // BOOLEAN, BOOL: stored as INTEGER 0/1
};

// Maps a declared type name ("double precision", "VARCHAR(20)") to its SqlType. Fails with
// kInvalidArgument naming the type and the accepted names.
Result<SqlType> ParseSqlType(std::string_view declared);

// The canonical upper-case name: INTEGER, REAL, TEXT, BYTEA, JSON, NUMERIC, BOOLEAN, ANY.
const char* SqlTypeName(SqlType type);

// Converts `value` to how `type` is stored in SQLite, or fails with kInvalidArgument
// saying what came instead ("expected REAL, got TEXT 'abc'"). NULL always converts.
// Lossless only: 2.5 does not become an INTEGER, 'abc' does not become a number, but '42'
// becomes 42 for a numeric type and integral reals become integers.
Result<Value> ConvertToDeclared(const Value& value, SqlType type);

// True when `value` is already stored the way `type` stores it, so ConvertToDeclared
// would return it unchanged (the common case, checked without copying).
inline bool AlreadyDeclared(const Value& value, SqlType type) {
  switch (type) {
    case SqlType::kAny:
      return true;
    case SqlType::kInteger:
      return value.type() == ValueType::kInteger || value.is_null();
    case SqlType::kReal:
      return value.type() == ValueType::kReal || value.is_null();
    case SqlType::kText:
      return value.type() == ValueType::kText || value.is_null();
    case SqlType::kBlob:
      return value.type() == ValueType::kBlob || value.is_null();
    default:
      return value.is_null();
  }
}

// A short description of a value for error messages: TEXT 'abc', INTEGER 42, BLOB (3 bytes).
std::string DescribeValue(const Value& value);

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_TYPES_H_
