#include "runtime/js/js_host_api.h"

#include <array>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/value_size.h"
#include "runtime/js/js_convert.h"
#include "runtime/js/js_instance.h"
#include "runtime/js/js_resources.h"

namespace sprocket::runtime::js {

namespace {

using Info = v8::FunctionCallbackInfo<v8::Value>;

JsInstance* Self(const Info& info) {
  return static_cast<JsInstance*>(info.Data().As<v8::External>()->Value());
}

// The call in progress, or nullptr after throwing.
CallContext* Call(const Info& info) {
  CallContext* call = Self(info)->current_call();
  if (call == nullptr) {
    ThrowStatus(info.GetIsolate(), Status(StatusCode::kInvalidArgument,
                                          "the sprocket API is only available during a call"));
  }
  return call;
}

bool Fail(const Info& info, const Status& status) {
  if (status.ok()) return false;
  ThrowStatus(info.GetIsolate(), status);
  return true;
}

// info[index] as a string, or throws.
bool StringArg(const Info& info, int index, const char* what, std::string* out) {
  if (info.Length() <= index || !info[index]->IsString()) {
    ThrowStatus(info.GetIsolate(),
                Status(StatusCode::kInvalidArgument, std::string(what) + " must be a string"));
    return false;
  }
  *out = ToUtf8(info.GetIsolate(), info[index]);
  return true;
}

// info[index] (an optional array) as SQL parameters.
bool ParamsArg(const Info& info, int index, std::vector<Value>* out) {
  if (info.Length() <= index || info[index]->IsNullOrUndefined()) return true;
  v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
  if (!info[index]->IsArray()) {
    ThrowStatus(info.GetIsolate(),
                Status(StatusCode::kInvalidArgument, "query parameters must be an array"));
    return false;
  }
  v8::Local<v8::Array> array = info[index].As<v8::Array>();
  for (uint32_t i = 0; i < array->Length(); ++i) {
    v8::Local<v8::Value> element;
    if (!array->Get(context, i).ToLocal(&element)) return false;
    auto value = FromJs(context, element, SqlType::kAny);
    if (Fail(info, value.status().WithContext("parameter " + std::to_string(i + 1)))) {
      return false;
    }
    out->push_back(std::move(*value));
  }
  return true;
}

// The call, SQL and parameters of db.query / db.execute, ready to reach the database; null
// after throwing.
CallContext* SqlCall(const Info& info, std::string* sql, std::vector<Value>* params) {
  CallContext* call = Call(info);
  if (call == nullptr || !StringArg(info, 0, "the SQL", sql) || !ParamsArg(info, 1, params) ||
      Fail(info, Self(info)->BeforeDatabase())) {
    return nullptr;
  }
  return call;
}

void DbQuery(const Info& info) {
  std::string sql;
  std::vector<Value> params;
  CallContext* call = SqlCall(info, &sql, &params);
  if (call == nullptr) return;
  auto rows = call->host().Query(sql, params);
  if (Fail(info, rows.status())) return;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::vector<v8::Local<v8::Name>> names;
  for (const std::string& c : rows->columns) names.push_back(StringOrEmpty(isolate, c));
  v8::Local<v8::Array> out = v8::Array::New(isolate, static_cast<int>(rows->rows.size()));
  std::vector<v8::Local<v8::Value>> values(names.size());
  for (size_t r = 0; r < rows->rows.size(); ++r) {
    // The rows are built without returning to JavaScript: stop as soon as the call has
    // been terminated (memory or CPU limit) instead of converting the rest.
    if ((r & 1023) == 0 && Self(info)->ShouldStop()) return;
    for (size_t c = 0; c < names.size(); ++c) {
      auto v = ToJs(context, rows->rows[r][c], SqlType::kAny);
      if (Fail(info, v.status())) return;
      values[c] = *v;
    }
    v8::Local<v8::Object> row =
        v8::Object::New(isolate, v8::Null(isolate), names.data(), values.data(), names.size());
    if (out->Set(context, static_cast<uint32_t>(r), row).IsNothing()) return;
  }
  info.GetReturnValue().Set(out);
}

// [rowsAffected, lastInsertRowid]: the db prelude makes the result object (in JavaScript,
// where a literal is much cheaper than properties set through the API).
void SetResult(const Info& info, const ExecResult& r) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  auto number = [&](int64_t v) { return ToJs(context, Value(v), SqlType::kInteger); };
  auto affected = number(r.rows_affected);
  auto rowid = number(r.last_insert_rowid);
  if (!affected.ok() || !rowid.ok()) return;
  v8::Local<v8::Value> pair[] = {*affected, *rowid};
  info.GetReturnValue().Set(v8::Array::New(isolate, pair, 2));
}

void DbExecute(const Info& info) {
  std::string sql;
  std::vector<Value> params;
  CallContext* call = SqlCall(info, &sql, &params);
  if (call == nullptr) return;
  auto r = call->host().Execute(sql, params);
  if (Fail(info, r.status())) return;
  SetResult(info, *r);
}

// An insert's result: written into the prelude's result array when both numbers are
// exact as doubles (the call returns nothing), else returned as SetResult returns it.
void SetInsertResult(const Info& info, const ExecResult& r) {
  constexpr int64_t kExact = int64_t{1} << 53;
  if (r.rows_affected < kExact && r.last_insert_rowid < kExact && r.last_insert_rowid > -kExact) {
    double* out = Self(info)->insert_result();
    out[0] = static_cast<double>(r.rows_affected);
    out[1] = static_cast<double>(r.last_insert_rowid);
    return;
  }
  SetResult(info, r);
}

// Runs the insert of the rows of `values` (values in the order of `columns`).
void InsertRows(const Info& info, CallContext* call, const std::string& table,
                const std::vector<std::string>& columns, std::span<const Value> values) {
  if (Fail(info, Self(info)->BeforeDatabase())) return;
  auto r = call->host().Insert(table, columns, values);
  if (Fail(info, r.status())) return;
  SetInsertResult(info, *r);
}

// db.insert(table, row) as the prelude calls it: setInsertTarget(table, Object.keys(row))
// when the table or the keys differ from the previous call's, then
// insertRow(...Object.values(row)).
void DbSetInsertTarget(const Info& info) {
  auto target = std::make_shared<JsInstance::InsertTarget>();
  if (!StringArg(info, 0, "the table name", &target->table)) return;
  if (info.Length() > 1 && info[1]->IsArray()) {
    v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
    v8::Local<v8::Array> keys = info[1].As<v8::Array>();
    for (uint32_t i = 0; i < keys->Length(); ++i) {
      v8::Local<v8::Value> key;
      if (!keys->Get(context, i).ToLocal(&key)) return;
      target->columns.push_back(Self(info)->KeyName(key));
    }
  }
  Self(info)->insert_target() = std::move(target);
}

void DbInsertRow(const Info& info) {
  JsInstance* self = Self(info);
  CallContext* call = Call(info);
  if (call == nullptr) return;
  // Held: converting a value may run guest code that inserts elsewhere.
  std::shared_ptr<const JsInstance::InsertTarget> target = self->insert_target();
  if (target == nullptr || static_cast<size_t>(info.Length()) != target->columns.size()) {
    Fail(info, Status(StatusCode::kInternal, "insert: the row's values do not match its keys"));
    return;
  }
  v8::Local<v8::Context> context = info.GetIsolate()->GetCurrentContext();
  // A row of a few columns (the usual audit row) is converted without an allocation.
  constexpr size_t kInline = 8;
  size_t n = target->columns.size();
  std::array<Value, kInline> inline_row;
  std::vector<Value> long_row(n > kInline ? n : 0);
  std::span<Value> row =
      n > kInline ? std::span<Value>(long_row) : std::span<Value>(inline_row.data(), n);
  for (size_t i = 0; i < n; ++i) {
    auto value = FromJs(context, info[static_cast<int>(i)], SqlType::kAny);
    if (!value.ok()) {
      Fail(info, value.status().WithContext("column " + target->columns[i]));
      return;
    }
    row[i] = std::move(*value);
  }
  InsertRows(info, call, target->table, target->columns, row);
}

// db.insert(table, [rows]) (and anything else, to report what is wrong): the columns are
// the first row's own enumerable properties.
void DbInsertRows(const Info& info) {
  CallContext* call = Call(info);
  std::string table;
  if (call == nullptr || !StringArg(info, 0, "the table name", &table)) return;
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::vector<v8::Local<v8::Object>> objects;
  if (info.Length() > 1 && info[1]->IsArray()) {
    v8::Local<v8::Array> array = info[1].As<v8::Array>();
    for (uint32_t i = 0; i < array->Length(); ++i) {
      v8::Local<v8::Value> element;
      if (!array->Get(context, i).ToLocal(&element)) return;
      if (!element->IsObject()) {
        Fail(info, Status(StatusCode::kInvalidArgument, "insert: every row must be an object"));
        return;
      }
      objects.push_back(element.As<v8::Object>());
    }
  } else {
    Fail(info, Status(StatusCode::kInvalidArgument,
                      "insert(table, row) needs a row object or an array of them"));
    return;
  }
  if (objects.empty()) {
    SetInsertResult(info, ExecResult{});
    return;
  }
  v8::Local<v8::Array> keys;
  if (!objects[0]->GetOwnPropertyNames(context).ToLocal(&keys)) return;
  std::vector<std::string> columns;
  std::vector<v8::Local<v8::Value>> key_values;
  for (uint32_t i = 0; i < keys->Length(); ++i) {
    v8::Local<v8::Value> key;
    if (!keys->Get(context, i).ToLocal(&key)) return;
    columns.push_back(ToUtf8(isolate, key));
    key_values.push_back(key);
  }
  // The values are copied out of the isolate: bounded (JsInstance::CopyBudget), and the
  // copy stops when the call must (CPU limit, cancel) — never sized by the rows' count.
  JsInstance* self = Self(info);
  const size_t budget = self->CopyBudget();
  size_t bytes = 0;
  std::vector<Value> values;
  values.reserve(std::min<size_t>(objects.size() * columns.size(), 4096));
  for (v8::Local<v8::Object> object : objects) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if ((values.size() & 1023) == 0 && self->ShouldStop()) return;
      v8::Local<v8::Value> v;
      if (!object->Get(context, key_values[c]).ToLocal(&v)) return;
      auto value = FromJs(context, v, SqlType::kAny);
      if (Fail(info, value.status().WithContext("column " + columns[c]))) return;
      bytes += ValueBytes(*value);
      if (bytes > budget) {
        Fail(info, Status(StatusCode::kResourceExhausted,
                          "insert into \"" + table + "\": the rows are larger than " +
                              std::to_string(budget >> 20) + " MiB"));
        return;
      }
      values.push_back(std::move(*value));
    }
  }
  InsertRows(info, call, table, columns, values);
}

std::string LogLine(const Info& info) {
  v8::Isolate* isolate = info.GetIsolate();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  std::string line;
  for (int i = 0; i < info.Length(); ++i) {
    if (i) line += ' ';
    v8::Local<v8::Value> v = info[i];
    if (v->IsObject() && !v->IsFunction()) {
      v8::TryCatch try_catch(isolate);
      v8::Local<v8::String> json;
      if (v8::JSON::Stringify(context, v).ToLocal(&json)) {
        line += ToUtf8(isolate, json);
        continue;
      }
    }
    line += ToUtf8(isolate, v);
  }
  return line;
}

template <LogLevel kLevel>
void Log(const Info& info) {
  CallContext* call = Call(info);
  if (call == nullptr) return;
  Fail(info, call->host().Log(kLevel, LogLine(info)));
}

void Session(v8::Local<v8::Name>, const v8::PropertyCallbackInfo<v8::Value>& info) {
  auto* self = static_cast<JsInstance*>(info.Data().As<v8::External>()->Value());
  v8::Isolate* isolate = info.GetIsolate();
  CallContext* call = self->current_call();
  if (call == nullptr) return;
  SessionInfo s = call->host().session_info();
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  v8::Local<v8::Object> out = v8::Object::New(isolate);
  if (out->Set(context, StringOrEmpty(isolate, "user"), StringOrEmpty(isolate, s.user))
          .IsNothing() ||
      out->Set(context, StringOrEmpty(isolate, "database"), StringOrEmpty(isolate, s.database))
          .IsNothing()) {
    return;
  }
  info.GetReturnValue().Set(out);
}

// Date.now() and argument-less Date construction, through the host clock.
void Now(const Info& info) {
  CallContext* call = Call(info);
  if (call == nullptr) return;
  auto micros = call->host().NowMicros();
  if (Fail(info, micros.status())) return;
  info.GetReturnValue().Set(static_cast<double>(*micros / 1000));
}

// Math.random() through the host's randomness.
void Random(const Info& info) {
  CallContext* call = Call(info);
  if (call == nullptr) return;
  auto bits = call->host().RandomU64();
  if (Fail(info, bits.status())) return;
  info.GetReturnValue().Set(static_cast<double>(*bits >> 11) * 0x1.0p-53);
}

// Replaces the clock and randomness built into V8 with the host's (resources/clock.js).
bool InstallClock(v8::Local<v8::Context> context, v8::Local<v8::External> data) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> prelude;
  v8::Local<v8::Function> now;
  v8::Local<v8::Function> random;
  if (!v8::Script::Compile(context, StringOrEmpty(isolate, kClockJs)).ToLocal(&script) ||
      !script->Run(context).ToLocal(&prelude) || !prelude->IsFunction() ||
      !v8::Function::New(context, Now, data, 0, v8::ConstructorBehavior::kThrow).ToLocal(&now) ||
      !v8::Function::New(context, Random, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&random)) {
    return false;
  }
  now->SetName(StringOrEmpty(isolate, "now"));
  random->SetName(StringOrEmpty(isolate, "random"));
  v8::Local<v8::Value> args[] = {now, random};
  v8::Local<v8::Value> ignored;
  return prelude.As<v8::Function>()
      ->Call(context, v8::Undefined(isolate), 2, args)
      .ToLocal(&ignored);
}

// db.insert and db.execute (resources/db.js) around the native calls.
bool InstallDb(v8::Local<v8::Context> context, v8::Local<v8::Object> db,
               v8::Local<v8::External> data) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> prelude;
  v8::Local<v8::Function> set_target, insert_row, insert_rows, execute;
  if (!v8::Script::Compile(context, StringOrEmpty(isolate, kDbJs)).ToLocal(&script) ||
      !script->Run(context).ToLocal(&prelude) || !prelude->IsFunction() ||
      !v8::Function::New(context, DbSetInsertTarget, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&set_target) ||
      !v8::Function::New(context, DbInsertRow, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&insert_row) ||
      !v8::Function::New(context, DbInsertRows, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&insert_rows) ||
      !v8::Function::New(context, DbExecute, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&execute)) {
    return false;
  }
  // The result of a one-row insert, written by DbInsertRow.
  auto* self = static_cast<JsInstance*>(data->Value());
  std::shared_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
      self->insert_result(), 2 * sizeof(double), v8::BackingStore::EmptyDeleter, nullptr);
  v8::Local<v8::Float64Array> result =
      v8::Float64Array::New(v8::ArrayBuffer::New(isolate, std::move(store)), 0, 2);
  v8::Local<v8::Value> args[] = {db, set_target, insert_row, insert_rows, execute, result};
  v8::Local<v8::Value> ignored;
  return prelude.As<v8::Function>()
      ->Call(context, v8::Undefined(isolate), 6, args)
      .ToLocal(&ignored);
}

bool SetFunction(v8::Local<v8::Context> context, v8::Local<v8::Object> target, const char* name,
                 v8::FunctionCallback callback, v8::Local<v8::External> data) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Function> fn;
  if (!v8::Function::New(context, callback, data, 0, v8::ConstructorBehavior::kThrow)
           .ToLocal(&fn)) {
    return false;
  }
  fn->SetName(StringOrEmpty(isolate, name));
  return target->Set(context, StringOrEmpty(isolate, name), fn).FromMaybe(false);
}

}  // namespace

void ThrowStatus(v8::Isolate* isolate, const Status& status) {
  v8::Local<v8::Value> error = v8::Exception::Error(StringOrEmpty(isolate, status.message()));
  v8::Local<v8::Context> context = isolate->GetCurrentContext();
  if (error->IsObject()) {
    (void)error.As<v8::Object>()
        ->Set(context, StringOrEmpty(isolate, "code"),
              StringOrEmpty(isolate, SqlState(status.code())))
        .FromMaybe(false);
  }
  if (auto* instance = static_cast<JsInstance*>(isolate->GetData(JsInstance::kInstanceSlot))) {
    instance->RememberThrown(error, status);
  }
  isolate->ThrowException(error);
}

StatusCode CodeOfError(v8::Local<v8::Context> context, v8::Local<v8::Value> error) {
  if (!error->IsNativeError()) return StatusCode::kGuestError;
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::Value> code;
  if (!error.As<v8::Object>()->Get(context, StringOrEmpty(isolate, "code")).ToLocal(&code) ||
      !code->IsString()) {
    return StatusCode::kGuestError;
  }
  std::string state = ToUtf8(isolate, code);
  for (StatusCode c : {StatusCode::kPermissionDenied, StatusCode::kResourceExhausted,
                       StatusCode::kConstraint, StatusCode::kNotFound, StatusCode::kSyntaxError,
                       StatusCode::kInvalidArgument, StatusCode::kBusy, StatusCode::kCancelled}) {
    if (state == SqlState(c)) return c;
  }
  return StatusCode::kGuestError;
}

Status InstallGlobals(v8::Local<v8::Context> context, JsInstance* instance) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::Local<v8::External> data = v8::External::New(isolate, instance);
  v8::Local<v8::Object> global = context->Global();
  v8::Local<v8::Object> sprocket = v8::Object::New(isolate);
  v8::Local<v8::Object> db = v8::Object::New(isolate);
  v8::Local<v8::Object> console = v8::Object::New(isolate);
  bool ok =
      SetFunction(context, db, "query", DbQuery, data) && InstallDb(context, db, data) &&
      sprocket->Set(context, StringOrEmpty(isolate, "db"), db).FromMaybe(false) &&
      SetFunction(context, sprocket, "log", Log<LogLevel::kInfo>, data) &&
      sprocket->SetAccessor(context, StringOrEmpty(isolate, "session"), Session, nullptr, data)
          .FromMaybe(false) &&
      SetFunction(context, console, "log", Log<LogLevel::kInfo>, data) &&
      SetFunction(context, console, "info", Log<LogLevel::kInfo>, data) &&
      SetFunction(context, console, "debug", Log<LogLevel::kDebug>, data) &&
      SetFunction(context, console, "warn", Log<LogLevel::kWarn>, data) &&
      SetFunction(context, console, "error", Log<LogLevel::kError>, data) &&
      global->Set(context, StringOrEmpty(isolate, "sprocket"), sprocket).FromMaybe(false) &&
      global->Set(context, StringOrEmpty(isolate, "console"), console).FromMaybe(false) &&
      InstallClock(context, data);
  // Nothing from the embedder's world beyond these; V8 adds no timers or I/O.
  for (const char* name : {"WebAssembly"}) {
    ok = ok && global->Delete(context, StringOrEmpty(isolate, name)).FromMaybe(false);
  }
  if (!ok) return Status(StatusCode::kInternal, "could not install the JavaScript globals");
  return Status::Ok();
}

}  // namespace sprocket::runtime::js
