#include "sprocket/status.h"

namespace sprocket {

const char* SqlState(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "00000";
    case StatusCode::kSyntaxError:
      return "42601";
    case StatusCode::kInvalidArgument:
      return "22023";
    case StatusCode::kNotFound:
      return "42704";
    case StatusCode::kAlreadyExists:
      return "42710";
    case StatusCode::kDependentObjects:
      return "2BP01";
    case StatusCode::kPermissionDenied:
      return "42501";
    case StatusCode::kResourceExhausted:
      return "54000";
    case StatusCode::kGuestError:
      return "P0001";
    case StatusCode::kConstraint:
      return "23000";
    case StatusCode::kBusy:
      return "55P03";
    case StatusCode::kNotSupported:
      return "0A000";
    case StatusCode::kIoError:
      return "58030";
    case StatusCode::kCancelled:
      return "57014";
    case StatusCode::kInternal:
      return "XX000";
  }
  return "XX000";
}

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "ok";
    case StatusCode::kSyntaxError:
      return "syntax error";
    case StatusCode::kInvalidArgument:
      return "invalid argument";
    case StatusCode::kNotFound:
      return "not found";
    case StatusCode::kAlreadyExists:
      return "already exists";
    case StatusCode::kDependentObjects:
      return "dependent objects exist";
    case StatusCode::kPermissionDenied:
      return "permission denied";
    case StatusCode::kResourceExhausted:
      return "resource exhausted";
    case StatusCode::kGuestError:
      return "function error";
    case StatusCode::kConstraint:
      return "constraint failed";
    case StatusCode::kBusy:
      return "busy";
    case StatusCode::kNotSupported:
      return "not supported";
    case StatusCode::kIoError:
      return "I/O error";
    case StatusCode::kCancelled:
      return "cancelled";
    case StatusCode::kInternal:
      return "internal error";
  }
  return "internal error";
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string message(context);
  message += ": ";
  message += message_;
  return Status(code_, std::move(message));
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace sprocket
