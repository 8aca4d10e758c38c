#include "runtime/js/js_convert.h"

#include <cmath>
#include <cstring>

#include "common/strings.h"

namespace sprocket::runtime::js {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}

Status TooLarge(size_t bytes) {
  return Status(StatusCode::kResourceExhausted,
                "a value of " + std::to_string(bytes) + " bytes is too large for JavaScript");
}

v8::Local<v8::Value> Integer(v8::Isolate* isolate, int64_t v) {
  if (v >= -static_cast<int64_t>(kMaxSafeInteger) && v <= static_cast<int64_t>(kMaxSafeInteger)) {
    return v8::Number::New(isolate, static_cast<double>(v));
  }
  return v8::BigInt::New(isolate, v);
}

void FreeBytes(void* data, size_t length, void* allocator) {
  static_cast<v8::ArrayBuffer::Allocator*>(allocator)->Free(data, length);
}

Result<v8::Local<v8::Value>> Bytes(v8::Isolate* isolate, const std::string& bytes) {
  // Allocated through the isolate's allocator (so it counts against the memory limit) but
  // by us: V8's own NewBackingStore aborts the process when the allocator refuses.
  v8::ArrayBuffer::Allocator* allocator = isolate->GetArrayBufferAllocator();
  void* data = allocator->AllocateUninitialized(bytes.size());
  if (data == nullptr) {
    return Status(StatusCode::kResourceExhausted, "a BYTEA value of " +
                                                      std::to_string(bytes.size()) +
                                                      " bytes exceeds the function's memory limit");
  }
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  std::unique_ptr<v8::BackingStore> store =
      v8::ArrayBuffer::NewBackingStore(data, bytes.size(), FreeBytes, allocator);
  v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate, std::move(store));
  return v8::Local<v8::Value>(v8::Uint8Array::New(buffer, 0, bytes.size()));
}

// A Uint8Array, any other view, or an ArrayBuffer, as bytes.
bool AsBytes(v8::Local<v8::Value> value, std::string* out) {
  if (value->IsArrayBufferView()) {
    v8::Local<v8::ArrayBufferView> view = value.As<v8::ArrayBufferView>();
    out->resize(view->ByteLength());
    if (!out->empty()) view->CopyContents(out->data(), out->size());
    return true;
  }
  if (value->IsArrayBuffer()) {
    std::shared_ptr<v8::BackingStore> store = value.As<v8::ArrayBuffer>()->GetBackingStore();
    out->assign(static_cast<const char*>(store->Data()), store->ByteLength());
    return true;
  }
  return false;
}

Result<Value> Json(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::String> text;
  if (!v8::JSON::Stringify(context, value).ToLocal(&text)) {
    if (try_catch.HasTerminated()) {
      return Status(StatusCode::kResourceExhausted, "terminated while serialising JSON");
    }
    std::string why = try_catch.HasCaught() ? ToUtf8(isolate, try_catch.Exception()) : "";
    return Invalid("expected JSON, got a value JSON cannot represent (" + why + ")");
  }
  if (value->IsUndefined() || text->IsUndefined()) return Value();
  std::string s = ToUtf8(isolate, text);
  if (s == "undefined") {
    return Invalid("expected JSON, got " + DescribeJs(context, value));
  }
  return Value(std::move(s));
}

}  // namespace

std::string ToUtf8(v8::Isolate* isolate, v8::Local<v8::Value> value) {
  v8::Local<v8::String> s;
  if (value->IsString()) {
    s = value.As<v8::String>();
  } else {
    v8::TryCatch try_catch(isolate);
    if (!value->ToString(isolate->GetCurrentContext()).ToLocal(&s)) return std::string();
  }
  if (s->IsOneByte()) {
    // Latin-1 inside V8: when it is all ASCII it is its own UTF-8.
    std::string out(static_cast<size_t>(s->Length()), '\0');
    s->WriteOneByte(isolate, reinterpret_cast<uint8_t*>(out.data()), 0, s->Length(),
                    v8::String::NO_NULL_TERMINATION);
    bool ascii = true;
    for (char c : out) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) return out;
  }
  // Lone surrogates become U+FFFD: SQLite text is valid UTF-8.
  std::string out(static_cast<size_t>(s->Utf8Length(isolate)), '\0');
  int written = s->WriteUtf8(isolate, out.data(), static_cast<int>(out.size()), nullptr,
                             v8::String::REPLACE_INVALID_UTF8 | v8::String::NO_NULL_TERMINATION);
  out.resize(static_cast<size_t>(written));
  return out;
}

v8::MaybeLocal<v8::String> NewString(v8::Isolate* isolate, std::string_view text) {
  if (text.size() > static_cast<size_t>(v8::String::kMaxLength)) return {};
  // ASCII is copied as it is (V8 would otherwise decode it as UTF-8 first).
  bool ascii = true;
  for (char c : text) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    return v8::String::NewFromOneByte(isolate, reinterpret_cast<const uint8_t*>(text.data()),
                                      v8::NewStringType::kNormal, static_cast<int>(text.size()));
  }
  return v8::String::NewFromUtf8(isolate, text.data(), v8::NewStringType::kNormal,
                                 static_cast<int>(text.size()));
}

v8::Local<v8::String> StringOrEmpty(v8::Isolate* isolate, std::string_view text) {
  v8::Local<v8::String> s;
  if (!NewString(isolate, text).ToLocal(&s)) return v8::String::Empty(isolate);
  return s;
}

std::string DescribeJs(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
  v8::Isolate* isolate = context->GetIsolate();
  if (value->IsUndefined()) return "undefined";
  if (value->IsNull()) return "null";
  if (value->IsBoolean()) return value->IsTrue() ? "boolean true" : "boolean false";
  if (value->IsNumber() || value->IsBigInt()) {
    return std::string(value->IsBigInt() ? "BigInt " : "number ") + ToUtf8(isolate, value);
  }
  if (value->IsString()) {
    std::string s = ToUtf8(isolate, value);
    if (s.size() > 40) s = s.substr(0, 40) + "...";
    return "string " + QuoteString(s);
  }
  if (value->IsSymbol()) return "symbol";
  if (value->IsFunction()) return "function";
  if (value->IsArray()) return "array";
  if (value->IsPromise()) return "promise";
  if (value->IsArrayBufferView() || value->IsArrayBuffer()) return "bytes";
  return "object";
}

Result<v8::Local<v8::Value>> ToJs(v8::Local<v8::Context> context, const Value& value,
                                  SqlType type) {
  v8::Isolate* isolate = context->GetIsolate();
  switch (value.type()) {
    case ValueType::kNull:
      return v8::Local<v8::Value>(v8::Null(isolate));
    case ValueType::kInteger:
      if (type == SqlType::kBoolean) {
        return v8::Local<v8::Value>(v8::Boolean::New(isolate, value.integer() != 0));
      }
      if (type == SqlType::kNumeric) {
        return v8::Local<v8::Value>(StringOrEmpty(isolate, std::to_string(value.integer())));
      }
      return Integer(isolate, value.integer());
    case ValueType::kReal:
      if (type == SqlType::kNumeric) {
        return v8::Local<v8::Value>(StringOrEmpty(isolate, FormatReal(value.real())));
      }
      if (type == SqlType::kBoolean) {
        return v8::Local<v8::Value>(v8::Boolean::New(isolate, value.real() != 0));
      }
      return v8::Local<v8::Value>(v8::Number::New(isolate, value.real()));
    case ValueType::kText: {
      if (type == SqlType::kJson) {
        v8::TryCatch try_catch(isolate);
        v8::Local<v8::String> text;
        if (!NewString(isolate, value.text()).ToLocal(&text)) return TooLarge(value.text().size());
        v8::Local<v8::Value> parsed;
        if (!v8::JSON::Parse(context, text).ToLocal(&parsed)) {
          std::string why = try_catch.HasCaught() ? ToUtf8(isolate, try_catch.Exception()) : "";
          return Invalid("invalid JSON: " + why);
        }
        return parsed;
      }
      if (type == SqlType::kBlob) return Bytes(isolate, value.text());
      v8::Local<v8::String> text;
      if (!NewString(isolate, value.text()).ToLocal(&text)) return TooLarge(value.text().size());
      return v8::Local<v8::Value>(text);
    }
    case ValueType::kBlob:
      return Bytes(isolate, value.blob());
  }
  return v8::Local<v8::Value>(v8::Null(isolate));
}

Result<Value> FromJs(v8::Local<v8::Context> context, v8::Local<v8::Value> value, SqlType type) {
  v8::Isolate* isolate = context->GetIsolate();
  if (value->IsNullOrUndefined()) return Value();
  auto mismatch = [&](const char* expected) {
    return Invalid(std::string("expected ") + expected + ", got " + DescribeJs(context, value));
  };
  if (type == SqlType::kJson) return Json(context, value);
  if (value->IsNumber()) {
    double d = value.As<v8::Number>()->Value();
    if (type == SqlType::kText) return Value(ToUtf8(isolate, value));  // JavaScript's own text
    bool integral = std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18;
    if (type == SqlType::kInteger) {
      if (!integral) return mismatch("INTEGER");
      return Value(static_cast<int64_t>(d));
    }
    if (type == SqlType::kAny || type == SqlType::kNumeric) {
      if (integral && std::fabs(d) <= kMaxSafeInteger) return Value(static_cast<int64_t>(d));
    }
    if (std::isnan(d)) return Value();  // SQLite has no NaN
    return Value(d);
  }
  if (value->IsBigInt()) {
    bool lossless = false;
    int64_t v = value.As<v8::BigInt>()->Int64Value(&lossless);
    if (lossless) return Value(v);
    if (type == SqlType::kNumeric || type == SqlType::kText) return Value(ToUtf8(isolate, value));
    return Invalid("expected " + std::string(SqlTypeName(type)) + ", got " +
                   DescribeJs(context, value) + " (beyond the 64-bit range)");
  }
  if (value->IsBoolean()) {
    if (type == SqlType::kBoolean || type == SqlType::kAny || type == SqlType::kInteger) {
      return Value(value->IsTrue() ? 1 : 0);
    }
    return mismatch(SqlTypeName(type));
  }
  if (value->IsString()) {
    v8::Local<v8::String> s = value.As<v8::String>();
    if (type == SqlType::kBlob) return Value::FromBlob(ToUtf8(isolate, s));
    return Value(ToUtf8(isolate, s));
  }
  std::string bytes;
  if (AsBytes(value, &bytes)) {
    if (type == SqlType::kBlob || type == SqlType::kAny) return Value::FromBlob(std::move(bytes));
    return mismatch(SqlTypeName(type));
  }
  if (type == SqlType::kAny && (value->IsArray() || value->IsObject()) && !value->IsFunction()) {
    if (value->IsDate()) {
      v8::Local<v8::Value> iso;
      v8::Local<v8::Object> date = value.As<v8::Object>();
      v8::Local<v8::Value> fn;
      if (date->Get(context, StringOrEmpty(isolate, "toISOString")).ToLocal(&fn) &&
          fn->IsFunction() &&
          fn.As<v8::Function>()->Call(context, date, 0, nullptr).ToLocal(&iso)) {
        return Value(ToUtf8(isolate, iso));
      }
    }
    return Json(context, value);
  }
  return mismatch(SqlTypeName(type));
}

}  // namespace sprocket::runtime::js
