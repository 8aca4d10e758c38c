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

ErrorFrame ErrorFrame::Function(std::string language, std::string name, int line) {
  ErrorFrame f;
  f.kind = Kind::kFunction;
  f.language = std::move(language);
  f.name = std::move(name);
  f.line = line;
  return f;
}

ErrorFrame ErrorFrame::Trigger(std::string name, std::string table) {
  ErrorFrame f;
  f.kind = Kind::kTrigger;
  f.name = std::move(name);
  f.table = std::move(table);
  return f;
}

ErrorFrame ErrorFrame::Context(std::string text) {
  ErrorFrame f;
  f.name = std::move(text);
  return f;
}

namespace {

// "name" with embedded quotes doubled (common/strings.h is not public).
std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ErrorFrame::ToString() const {
  switch (kind) {
    case Kind::kFunction: {
      std::string out = language + " function " + Quoted(name);
      if (line > 0) out += " line " + std::to_string(line);
      return out;
    }
    case Kind::kTrigger:
      return "trigger " + Quoted(name) + " on " + Quoted(table);
    case Kind::kContext:
      return name;
  }
  return name;
}

const std::string& Status::primary() const { return detail_ ? detail_->primary : message_; }

const std::vector<ErrorFrame>& Status::frames() const {
  static const std::vector<ErrorFrame> kNone;
  return detail_ ? detail_->frames : kNone;
}

ErrorPosition Status::position() const { return detail_ ? detail_->position : ErrorPosition(); }

Status::Detail Status::MutableDetail() const {
  if (detail_) return *detail_;
  Detail d;
  d.primary = message_;
  return d;
}

Status Status::With(Detail detail) const {
  // Visible frames, outermost first: those inside the innermost trigger (which names
  // itself: the triggers that fired it are context), and every plain context frame.
  const std::vector<ErrorFrame>& f = detail.frames;
  size_t innermost_trigger = f.size();
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i].kind == ErrorFrame::Kind::kTrigger) {
      innermost_trigger = i;
      break;
    }
  }
  std::string message;
  for (size_t i = f.size(); i-- > 0;) {
    if (i > innermost_trigger && f.size() != innermost_trigger &&
        f[i].kind != ErrorFrame::Kind::kContext) {
      continue;
    }
    // A run of the same frame (recursion) is shown once, with its count.
    size_t run = 1;
    while (i > 0 && f[i - 1] == f[i]) {
      --i;
      ++run;
    }
    message += f[i].ToString();
    if (run > 1) message += " (" + std::to_string(run) + " levels)";
    message += ": ";
  }
  message += detail.primary;
  Status out(code_, std::move(message));
  out.detail_ = std::make_shared<const Detail>(std::move(detail));
  return out;
}

Status Status::WithFrame(ErrorFrame frame) const {
  if (ok()) return *this;
  Detail d = MutableDetail();
  d.frames.push_back(std::move(frame));
  return With(std::move(d));
}

Status Status::WithContext(std::string_view context) const {
  return WithFrame(ErrorFrame::Context(std::string(context)));
}

Status Status::WithPosition(ErrorPosition position) const {
  if (ok()) return *this;
  Detail d = MutableDetail();
  d.position = position;
  return With(std::move(d));
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(StatusCodeName(code_)) + ": " + message_;
}

}  // namespace sprocket
