// Value: one SQL value as SQLite stores it — NULL, INTEGER, REAL, TEXT or BLOB.
//
// Declared types (JSON, NUMERIC, BOOLEAN, …) are a property of a function's signature,
// not of a Value; see src/runtime/types.h for how they map onto these five.
#ifndef SPROCKET_VALUE_H_
#define SPROCKET_VALUE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sprocket {

enum class ValueType { kNull, kInteger, kReal, kText, kBlob };

// The SQL name of a storage type: "NULL", "INTEGER", "REAL", "TEXT", "BLOB".
const char* ValueTypeName(ValueType type);

// Bytes of a BLOB, kept apart from TEXT so that the two never convert silently.
struct Blob {
  std::string bytes;
  bool operator==(const Blob&) const = default;
};

class Value {
 public:
  Value() = default;                                    // NULL
  Value(std::nullptr_t) {}                              // NOLINT: implicit
  Value(int64_t v) : data_(v) {}                        // NOLINT
  Value(int v) : data_(static_cast<int64_t>(v)) {}      // NOLINT
  Value(double v) : data_(v) {}                         // NOLINT
  Value(std::string v) : data_(std::move(v)) {}         // NOLINT
  Value(std::string_view v) : data_(std::string(v)) {}  // NOLINT
  Value(const char* v) : data_(std::string(v)) {}       // NOLINT
  Value(Blob v) : data_(std::move(v)) {}                // NOLINT
  static Value FromBlob(std::string_view bytes) { return Value(Blob{std::string(bytes)}); }

  ValueType type() const { return static_cast<ValueType>(data_.index()); }
  bool is_null() const { return type() == ValueType::kNull; }

  // Accessors require the matching type().
  int64_t integer() const { return std::get<int64_t>(data_); }
  double real() const { return std::get<double>(data_); }
  const std::string& text() const { return std::get<std::string>(data_); }
  const std::string& blob() const { return std::get<Blob>(data_).bytes; }

  // A human-readable rendering: NULL, 42, 1.5, abc, x'00ff'.
  std::string ToString() const;
  // A SQL literal: NULL, 42, 1.5, 'it''s', X'00FF'.
  std::string ToSqlLiteral() const;

  bool operator==(const Value&) const = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string, Blob> data_;
};

// Formats a REAL the way Sprocket prints it everywhere: the shortest text that reads back
// as the same double, with ".0" added to integral values (120.0, 0.1, 1e+300).
std::string FormatReal(double v);

}  // namespace sprocket

#endif  // SPROCKET_VALUE_H_
