// Status and Result<T>: how every fallible Sprocket call reports failure.
//
// No exception crosses a module boundary. A call that can fail returns a Status (or a
// Result<T>, shaped like std::expected<T, Status>). Codes map to SQLSTATE classes so the
// PostgreSQL-protocol server and the C API can report them.
#ifndef SPROCKET_STATUS_H_
#define SPROCKET_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sprocket {

enum class StatusCode {
  kOk = 0,
  kSyntaxError,        // 42601 malformed SQL or guest source
  kInvalidArgument,    // 22023 a value or option is out of range or of the wrong type
  kNotFound,           // 42704 a named object does not exist
  kAlreadyExists,      // 42710 a named object exists already
  kDependentObjects,   // 2BP01 an object cannot be dropped while others depend on it
  kPermissionDenied,   // 42501 a capability or the catalog protection refused it
  kResourceExhausted,  // 54000 a memory, CPU, depth or size limit was exceeded
  kGuestError,         // P0001 a function raised an error
  kConstraint,         // 23000 a SQLite constraint failed
  kBusy,               // 55P03 the database is locked
  kNotSupported,       // 0A000 valid, but not (yet) supported
  kIoError,            // 58030 the file system failed
  kCancelled,          // 57014 interrupted by Session::Interrupt
  kInternal,           // XX000 a bug
};

// The SQLSTATE code of the class `code` belongs to.
const char* SqlState(StatusCode code);
// A short lowercase name, e.g. "syntax error".
const char* StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns this status with "context: " put before its message (a context stack reads
  // outermost first). OK stays OK.
  Status WithContext(std::string_view context) const;

  // "syntax error: ..." style text for logs; message() alone is what users see.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {  // NOLINT
    assert(!std::get<1>(data_).ok() && "a Result cannot hold an OK status");
  }

  bool ok() const { return data_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<1>(data_);
  }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace sprocket

#define SPROCKET_CONCAT_INNER_(a, b) a##b
#define SPROCKET_CONCAT_(a, b) SPROCKET_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define SPROCKET_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::sprocket::Status sprocket_status_ = (expr);        \
    if (!sprocket_status_.ok()) return sprocket_status_; \
  } while (false)

// `lhs = *expr` if `expr` (a Result) is OK, else returns its status.
#define SPROCKET_ASSIGN_OR_RETURN(lhs, expr) \
  SPROCKET_ASSIGN_OR_RETURN_IMPL_(SPROCKET_CONCAT_(sprocket_result_, __LINE__), lhs, expr)
#define SPROCKET_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#endif  // SPROCKET_STATUS_H_
