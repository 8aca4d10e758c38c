// The scopes a call into a JsInstance opens (internal to runtime/js).
#ifndef SPROCKET_RUNTIME_JS_JS_CALL_SCOPE_H_
#define SPROCKET_RUNTIME_JS_JS_CALL_SCOPE_H_

#include <v8.h>

#include "runtime/js/js_instance.h"

namespace sprocket::runtime::js {

// While it lives, the instance is entered for one call: the isolate locked and entered,
// a handle scope open.
class Entered {
 public:
  explicit Entered(v8::Isolate* isolate) : locker_(isolate), scope_(isolate), handles_(isolate) {}

 private:
  v8::Locker locker_;
  v8::Isolate::Scope scope_;
  v8::HandleScope handles_;
};

// The clock rule of the calling function (MINIMAL and IMMUTABLE functions see no clock,
// Intl's included) holds for the whole call: arguments and ctx built, the guest run, and
// its result converted — a result's toString or getter runs guest code too.
class JsInstance::CallScope {
 public:
  CallScope(JsInstance& instance, const CallContext& call)
      : clock_(call.host().ClockAllowed()),
        entered_(instance.isolate_),
        context_(instance.context_.Get(instance.isolate_)),
        context_scope_(context_),
        window_(instance, call.cancel()) {}
  v8::Local<v8::Context> context() const { return context_; }

 private:
  ClockScope clock_;
  Entered entered_;
  v8::Local<v8::Context> context_;
  v8::Context::Scope context_scope_;
  Window window_;
};

}  // namespace sprocket::runtime::js

#endif  // SPROCKET_RUNTIME_JS_JS_CALL_SCOPE_H_
