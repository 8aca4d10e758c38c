#include "runtime/cancel.h"

namespace sprocket::runtime {

Status CancelToken::ToStatus() const {
  if (reason() == CancelReason::kShutdown) {
    return Status(StatusCode::kCancelled, "the database is shutting down");
  }
  return Status(StatusCode::kCancelled, "interrupted");
}

const CancelToken& NeverCancelled() {
  static const CancelToken kNever;
  return kNever;
}

}  // namespace sprocket::runtime
