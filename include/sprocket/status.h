// Status and Result<T>: how every fallible Sprocket call reports failure.
//
// No exception crosses a module boundary. A call that can fail returns a Status (or a
// Result<T>, shaped like std::expected<T, Status>). Codes map to SQLSTATE classes, so that
// front ends (the C API, a PostgreSQL-protocol client's error fields) can report them.
//
// An error keeps its parts: the primary message, the context frames it passed through on
// its way out (a function and its line, a trigger, a statement of a script), innermost
// first, and for syntax errors a position. message() renders them once, on one line.
#ifndef SPROCKET_STATUS_H_
#define SPROCKET_STATUS_H_

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

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

// One level of context an error passed through on its way out.
struct ErrorFrame {
  enum class Kind {
    kFunction,  // a guest function: `javascript function "f" line 3`
    kTrigger,   // a trigger: `trigger "t" on "orders"`
    kContext,   // anything else, as text: `statement 2`, `WHEN condition`
  };
  Kind kind = Kind::kContext;
  std::string language;  // kFunction: "javascript", "sql", …
  std::string name;      // kFunction, kTrigger: the name; kContext: the text
  std::string table;     // kTrigger: its table
  int line = 0;          // kFunction: the line of the body, 0 when unknown

  static ErrorFrame Function(std::string language, std::string name, int line = 0);
  static ErrorFrame Trigger(std::string name, std::string table);
  static ErrorFrame Context(std::string text);

  std::string ToString() const;
  bool operator==(const ErrorFrame&) const = default;
};

// Where in its SQL text a syntax error is (1-based line and column, 0-based byte offset).
struct ErrorPosition {
  int line = 0;
  int column = 0;
  int offset = -1;
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }

  // The whole error on one line, as users see it: the context, outermost first, then the
  // primary message — "trigger "t" on "orders": javascript function "f" line 3: Error: no".
  // Frames outside the innermost trigger are left out (that trigger names itself), and a
  // frame repeated by recursion is shown once with its count.
  const std::string& message() const { return message_; }
  // The message without any context.
  const std::string& primary() const;
  // The context frames, innermost first (all of them, also those message() leaves out).
  const std::vector<ErrorFrame>& frames() const;
  // Where a syntax error is, when known.
  ErrorPosition position() const;

  // This status with `frame` added around it (outermost). OK stays OK.
  Status WithFrame(ErrorFrame frame) const;
  // WithFrame(ErrorFrame::Context(context)): "context: " before the message.
  Status WithContext(std::string_view context) const;
  // This status with its position set.
  Status WithPosition(ErrorPosition position) const;

  // "syntax error: ..." style text for logs; message() alone is what users see.
  std::string ToString() const;

 private:
  struct Detail {
    std::string primary;
    std::vector<ErrorFrame> frames;  // innermost first
    ErrorPosition position;
  };
  Detail MutableDetail() const;
  Status With(Detail detail) const;

  StatusCode code_ = StatusCode::kOk;
  std::string message_;  // rendered
  // Null for a status without frames or position (then primary() is message_). Shared:
  // copies are cheap, a detail is never changed once made.
  std::shared_ptr<const Detail> detail_;
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
