// What values weigh, for limits on what a guest hands the host (no SQLite here: backends
// use it too).
#ifndef SPROCKET_COMMON_VALUE_SIZE_H_
#define SPROCKET_COMMON_VALUE_SIZE_H_

#include <cstddef>
#include <string>

#include "sprocket/value.h"

namespace sprocket {

// The bytes a value holds (text and blob lengths; 8 for numbers).
inline size_t ValueBytes(const Value& value) {
  switch (value.type()) {
    case ValueType::kText:
      return value.text().size();
    case ValueType::kBlob:
      return value.blob().size();
    default:
      return 8;
  }
}

// "SQLite 3.40.1": the SQLite this process runs (for LANGUAGE sql's version, without the
// backend including SQLite).
std::string SqliteVersion();

}  // namespace sprocket

#endif  // SPROCKET_COMMON_VALUE_SIZE_H_
