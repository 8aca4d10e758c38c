// The globals a JavaScript function sees: `sprocket` (db.query/execute/insert, log,
// session) and `console`. Every service goes through the HostApi of the call in progress,
// which checks the function's capabilities; a refusal is thrown as a JavaScript Error
// whose `code` is the SQLSTATE (e.g. '42501'), so the function can catch it.
#ifndef SPROCKET_RUNTIME_JS_JS_HOST_API_H_
#define SPROCKET_RUNTIME_JS_JS_HOST_API_H_

#include <v8.h>

#include "sprocket/status.h"

namespace sprocket::runtime::js {

class JsInstance;

// Installs the globals into `context` (entered), acting for `instance`.
Status InstallGlobals(v8::Local<v8::Context> context, JsInstance* instance);

// Throws `status` into JavaScript as an Error with `code` = its SQLSTATE.
void ThrowStatus(v8::Isolate* isolate, const Status& status);

// The StatusCode an uncaught error stands for: its `code` when it is one of Sprocket's
// SQLSTATEs, else kGuestError.
StatusCode CodeOfError(v8::Local<v8::Context> context, v8::Local<v8::Value> error);

}  // namespace sprocket::runtime::js

#endif  // SPROCKET_RUNTIME_JS_JS_HOST_API_H_
