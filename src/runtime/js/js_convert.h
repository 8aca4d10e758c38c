// Conversions between SQL values and JavaScript values (docs/design.md §5), guided by the
// declared type: INTEGER → number (BigInt beyond 2^53), NUMERIC → exact string, BYTEA →
// Uint8Array, JSON → parsed value, BOOLEAN → boolean, NULL → null.
//
// Every function here must be called with the isolate entered and a HandleScope open.
#ifndef SPROCKET_RUNTIME_JS_JS_CONVERT_H_
#define SPROCKET_RUNTIME_JS_JS_CONVERT_H_

#include <v8.h>

#include <string>

#include "runtime/types.h"
#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket::runtime::js {

// A SQL value as the JavaScript value a parameter of `type` receives. Fails (kInvalidArgument
// or kResourceExhausted) for invalid JSON text or a value too large for V8.
Result<v8::Local<v8::Value>> ToJs(v8::Local<v8::Context> context, const Value& value, SqlType type);

// A JavaScript value as the SQL value stored for `type`. Fails with kInvalidArgument
// ("expected INTEGER, got number 2.5") for values the type cannot hold exactly; the final
// check against the declared type (ConvertToDeclared) is the engine's.
Result<Value> FromJs(v8::Local<v8::Context> context, v8::Local<v8::Value> value, SqlType type);

// "number 2.5", "object", "array", "function", "string 'abc'": for error messages.
std::string DescribeJs(v8::Local<v8::Context> context, v8::Local<v8::Value> value);

// UTF-8 of any value's string conversion (never throws; "" on failure).
std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value);

// A JavaScript string, or an empty handle when `text` is beyond V8's string length limit.
v8::MaybeLocal<v8::String> NewString(v8::Isolate* isolate, std::string_view text);

// A JavaScript string for names and short texts: "" when `text` is beyond V8's limit.
v8::Local<v8::String> StringOrEmpty(v8::Isolate* isolate, std::string_view text);

}  // namespace sprocket::runtime::js

#endif  // SPROCKET_RUNTIME_JS_JS_CONVERT_H_
