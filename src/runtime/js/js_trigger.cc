// JsInstance::CallTrigger and CallTriggerBatch: the trigger context (docs/design.md §4 ctx) built
// by JavaScript helpers (resources/trigger.js) specialised once per row layout, so that a
// row costs no property store through the API. A batch enters V8 once: a JavaScript loop
// calls the function for each row and reports only the columns a BEFORE ROW trigger
// changed, which this file turns into RowReport records (runtime/trigger_protocol.h).
#include <algorithm>
#include <limits>
#include <string>

#include "common/strings.h"
#include "runtime/js/js_call_scope.h"
#include "runtime/js/js_convert.h"
#include "runtime/js/js_instance.h"
#include "runtime/js/js_resources.h"

namespace sprocket::runtime::js {

namespace {

// Marks a trigger shape in use for the duration of a call (see TriggerShape::active).
template <typename Shape>
class ShapeInUse {
 public:
  explicit ShapeInUse(Shape* shape) : shape_(shape) { ++shape_->active; }
  ~ShapeInUse() { --shape_->active; }
  ShapeInUse(const ShapeInUse&) = delete;
  ShapeInUse& operator=(const ShapeInUse&) = delete;

 private:
  Shape* shape_;
};

}  // namespace

Status JsInstance::CaptureRealm(v8::Local<v8::Context> context) {
  v8::TryCatch try_catch(isolate_);
  v8::Local<v8::Object> global = context->Global();
  auto get = [&](v8::Local<v8::Object> object, const char* name, v8::Local<v8::Value>* out) {
    return object->Get(context, StringOrEmpty(isolate_, name)).ToLocal(out);
  };
  v8::Local<v8::Value> values[kRealmValues], json, array;
  if (!get(global, "sprocket", &values[0]) || !get(global, "Function", &values[1]) ||
      !get(global, "JSON", &json) || !json->IsObject() ||
      !get(json.As<v8::Object>(), "stringify", &values[2]) || !get(global, "Promise", &values[3]) ||
      !get(global, "Array", &array) || !array->IsObject() ||
      !get(array.As<v8::Object>(), "isArray", &values[4])) {
    return Status(StatusCode::kInternal, What() + ": the realm lacks a built-in");
  }
  for (int i = 0; i < kRealmValues; ++i) realm_[i].Reset(isolate_, values[i]);
  return Status::Ok();
}

Result<JsInstance::TriggerShape*> JsInstance::ShapeFor(
    v8::Local<v8::Context> context,
    const std::shared_ptr<const std::vector<std::string>>& columns) {
  for (const auto& shape : shapes_) {
    if (shape->columns == columns) return shape.get();
  }
  const Status failed(StatusCode::kInternal, What() + ": could not build the trigger helpers");
  v8::TryCatch try_catch(isolate_);
  if (for_shape_.IsEmpty()) {
    v8::Local<v8::String> name = StringOrEmpty(isolate_, "sprocket:trigger.js");
    v8::ScriptOrigin origin(isolate_, name);
    v8::ScriptCompiler::Source source(StringOrEmpty(isolate_, kTriggerJs), origin);
    v8::Local<v8::Script> script;
    v8::Local<v8::Value> setup, made;
    v8::Local<v8::Value> args[kRealmValues];
    for (int i = 0; i < kRealmValues; ++i) args[i] = realm_[i].Get(isolate_);
    if (!v8::ScriptCompiler::Compile(context, &source).ToLocal(&script) ||
        !script->Run(context).ToLocal(&setup) || !setup->IsFunction() ||
        !setup.As<v8::Function>()
             ->Call(context, v8::Undefined(isolate_), kRealmValues, args)
             .ToLocal(&made) ||
        !made->IsFunction()) {
      return failed;
    }
    for_shape_.Reset(isolate_, made.As<v8::Function>());
  }
  if (progress_array_.IsEmpty()) {
    std::shared_ptr<v8::BackingStore> store = v8::ArrayBuffer::NewBackingStore(
        progress_.get(), 2 * sizeof(uint32_t), v8::BackingStore::EmptyDeleter, nullptr);
    v8::Local<v8::ArrayBuffer> buffer = v8::ArrayBuffer::New(isolate_, std::move(store));
    progress_array_.Reset(isolate_, v8::Uint32Array::New(buffer, 0, 2));
  }
  // A table's layout is shared by its rows; a few layouts per instance are kept (the
  // oldest not in use by a call on the stack goes first).
  constexpr size_t kMaxShapes = 16;
  if (shapes_.size() >= kMaxShapes) {
    auto unused = std::find_if(shapes_.begin(), shapes_.end(),
                               [](const auto& shape) { return shape->active == 0; });
    if (unused != shapes_.end()) shapes_.erase(unused);
  }
  auto shape = std::make_unique<TriggerShape>();
  shape->columns = columns;
  shape->ncols = columns != nullptr ? columns->size() : 0;
  std::vector<v8::Local<v8::Value>> names;
  names.reserve(shape->ncols);
  for (size_t i = 0; i < shape->ncols; ++i) {
    names.push_back(StringOrEmpty(isolate_, (*columns)[i]));
  }
  v8::Local<v8::Value> args[] = {v8::Array::New(isolate_, names.data(), names.size()),
                                 function_.Get(isolate_), progress_array_.Get(isolate_)};
  // forShape compiles the layout's row literals: code generation is allowed while it
  // runs, and only then (no guest code runs meanwhile; see trigger.js).
  context->AllowCodeGenerationFromStrings(true);
  v8::Local<v8::Value> made;
  bool ok =
      for_shape_.Get(isolate_)->Call(context, v8::Undefined(isolate_), 3, args).ToLocal(&made);
  context->AllowCodeGenerationFromStrings(false);
  if (!ok || !made->IsArray() || made.As<v8::Array>()->Length() != 4) return failed;
  v8::Global<v8::Function>* slots[] = {&shape->make_ctx, &shape->batch, &shape->finish,
                                       &shape->make_row};
  for (uint32_t i = 0; i < 4; ++i) {
    v8::Local<v8::Value> f;
    if (!made.As<v8::Array>()->Get(context, i).ToLocal(&f) || !f->IsFunction()) return failed;
    slots[i]->Reset(isolate_, f.As<v8::Function>());
  }
  shapes_.push_back(std::move(shape));
  return shapes_.back().get();
}

Result<v8::Local<v8::Object>> JsInstance::BaseFor(v8::Local<v8::Context> context,
                                                  const TriggerData& trigger) {
  std::string key = trigger.name + '\0' + trigger.table;
  for (const std::string& a : trigger.argv) key += '\0' + a;
  for (const auto& base : bases_) {
    if (base->key == key) return base->object.Get(isolate_);
  }
  v8::Isolate* isolate = isolate_;
  v8::Local<v8::Value> sprocket_object, db, log;
  if (!context->Global()
           ->Get(context, StringOrEmpty(isolate, "sprocket"))
           .ToLocal(&sprocket_object) ||
      !sprocket_object->IsObject() ||
      !sprocket_object.As<v8::Object>()->Get(context, StringOrEmpty(isolate, "db")).ToLocal(&db) ||
      !sprocket_object.As<v8::Object>()
           ->Get(context, StringOrEmpty(isolate, "log"))
           .ToLocal(&log)) {
    return Status(StatusCode::kInternal, What() + ": the sprocket object is missing");
  }
  v8::Local<v8::Array> argv = v8::Array::New(isolate, static_cast<int>(trigger.argv.size()));
  for (size_t i = 0; i < trigger.argv.size(); ++i) {
    if (argv->Set(context, static_cast<uint32_t>(i), StringOrEmpty(isolate, trigger.argv[i]))
            .IsNothing()) {
      return Status(StatusCode::kInternal, "could not build TG_ARGV");
    }
  }
  v8::Local<v8::Object> object = v8::Object::New(isolate);
  bool ok =
      object->Set(context, StringOrEmpty(isolate, "name"), StringOrEmpty(isolate, trigger.name))
          .FromMaybe(false) &&
      object->Set(context, StringOrEmpty(isolate, "table"), StringOrEmpty(isolate, trigger.table))
          .FromMaybe(false) &&
      object->Set(context, StringOrEmpty(isolate, "argv"), argv).FromMaybe(false) &&
      object->Set(context, StringOrEmpty(isolate, "db"), db).FromMaybe(false) &&
      object->Set(context, StringOrEmpty(isolate, "log"), log).FromMaybe(false);
  if (!ok) return Status(StatusCode::kInternal, What() + ": could not build ctx");
  constexpr size_t kMaxBases = 16;
  if (bases_.size() >= kMaxBases) bases_.erase(bases_.begin());
  auto base = std::make_unique<TriggerBase>();
  base->key = std::move(key);
  base->object.Reset(isolate, object);
  bases_.push_back(std::move(base));
  return object;
}

Result<v8::Local<v8::Value>> JsInstance::RowsToJs(v8::Local<v8::Context> context,
                                                  TriggerShape& shape,
                                                  const std::vector<RowData>* rows) {
  if (rows == nullptr) return v8::Local<v8::Value>(v8::Null(isolate_));
  v8::Local<v8::Function> make_row = shape.make_row.Get(isolate_);
  std::vector<v8::Local<v8::Value>> elements;
  elements.reserve(rows->size());
  std::vector<v8::Local<v8::Value>> args(shape.ncols);
  v8::TryCatch try_catch(isolate_);
  for (const RowData& row : *rows) {
    for (size_t i = 0; i < shape.ncols; ++i) {
      if (i < row.values.size()) {
        SPROCKET_ASSIGN_OR_RETURN(args[i], ToJs(context, row.values[i], SqlType::kAny));
      } else {
        args[i] = v8::Null(isolate_);
      }
    }
    v8::Local<v8::Value> object;
    if (!make_row
             ->Call(context, v8::Undefined(isolate_), static_cast<int>(args.size()), args.data())
             .ToLocal(&object)) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
    elements.push_back(object);
  }
  return v8::Local<v8::Value>(v8::Array::New(isolate_, elements.data(), elements.size()));
}

v8::Local<v8::String> JsInstance::Interned(std::string_view text) {
  for (const auto& [key, value] : interned_) {
    if (key == text) return value.Get(isolate_);
  }
  v8::Local<v8::String> s = StringOrEmpty(isolate_, text);
  interned_.emplace_back(std::string(text), v8::Global<v8::String>(isolate_, s));
  return s;
}

// The values of `rows` (those of the first `count`), flat: row i's column c at
// i * ncols + c. Null when there are no rows.
Result<v8::Local<v8::Value>> JsInstance::ValuesToJs(v8::Local<v8::Context> context,
                                                    const TriggerShape& shape, const RowData* rows,
                                                    size_t count) {
  if (rows == nullptr) return v8::Local<v8::Value>(v8::Null(isolate_));
  size_t n = shape.ncols;
  values_.resize(count * n);
  for (size_t r = 0; r < count; ++r) {
    const std::vector<Value>& values = rows[r].values;
    for (size_t c = 0; c < n; ++c) {
      v8::Local<v8::Value>& slot = values_[r * n + c];
      if (c < values.size()) {
        SPROCKET_ASSIGN_OR_RETURN(slot, ToJs(context, values[c], SqlType::kAny));
      } else {
        slot = v8::Null(isolate_);
      }
    }
  }
  return v8::Local<v8::Value>(v8::Array::New(isolate_, values_.data(), values_.size()));
}

Result<TriggerResult> JsInstance::CallTrigger(CallContext& call, const TriggerData& trigger) {
  if (broken_) return Status(StatusCode::kInternal, What() + ": instance is no longer usable");
  CallScope scope(*this, call);
  v8::Local<v8::Context> context = scope.context();
  v8::Isolate* isolate = isolate_;
  const RowData* base_row = trigger.new_row != nullptr ? trigger.new_row : trigger.old_row;
  std::shared_ptr<const std::vector<std::string>> columns;
  if (base_row != nullptr) {
    columns = base_row->columns;
  } else if (trigger.new_table != nullptr && !trigger.new_table->empty()) {
    columns = trigger.new_table->front().columns;
  } else if (trigger.old_table != nullptr && !trigger.old_table->empty()) {
    columns = trigger.old_table->front().columns;
  }
  SPROCKET_ASSIGN_OR_RETURN(TriggerShape * shape, ShapeFor(context, columns));
  ShapeInUse in_use(shape);
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Object> base, BaseFor(context, trigger));

  v8::Local<v8::Value> args[11];
  args[0] = base;
  args[1] = Interned(TriggerOpName(trigger.op));
  args[2] = Interned(TriggerWhenName(trigger.when));
  args[3] = Interned(TriggerLevelName(trigger.level));
  args[4] = v8::Integer::New(isolate, trigger.depth);
  SPROCKET_ASSIGN_OR_RETURN(args[5], RowsToJs(context, *shape, trigger.new_table));
  SPROCKET_ASSIGN_OR_RETURN(args[6], RowsToJs(context, *shape, trigger.old_table));
  args[7] = trigger.new_table_name.empty()
                ? v8::Local<v8::Value>(v8::Null(isolate))
                : v8::Local<v8::Value>(StringOrEmpty(isolate, trigger.new_table_name));
  args[8] = trigger.old_table_name.empty()
                ? v8::Local<v8::Value>(v8::Null(isolate))
                : v8::Local<v8::Value>(StringOrEmpty(isolate, trigger.old_table_name));
  SPROCKET_ASSIGN_OR_RETURN(args[9], ValuesToJs(context, *shape, trigger.new_row, 1));
  SPROCKET_ASSIGN_OR_RETURN(args[10], ValuesToJs(context, *shape, trigger.old_row, 1));
  v8::Local<v8::Value> ctx;
  {
    v8::TryCatch try_catch(isolate);
    if (!shape->make_ctx.Get(isolate)
             ->Call(context, v8::Undefined(isolate), 11, args)
             .ToLocal(&ctx)) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
  }

  v8::Local<v8::Value> value;
  SPROCKET_RETURN_IF_ERROR(InvokeJs(call, 1, &ctx, context, &value));

  TriggerResult out;
  // What AFTER and statement-level triggers return is ignored.
  if (base_row == nullptr || trigger.when == TriggerWhen::kAfter) return out;

  // BEFORE ROW rules (docs/design.md §3.2), read as a batch of one row reads them: null skips the
  // row; nothing keeps ctx.NEW as the function left it (OLD for DELETE); an object
  // replaces the row.
  RowReport report;
  report.Reset(1);
  TriggerBatch batch;
  if (trigger.new_row != nullptr) batch.new_rows = std::span<const RowData>(trigger.new_row, 1);
  batch.size = 1;
  batch.report = &report;
  BatchState state;
  state.batch = &batch;
  state.shape = shape;
  state.out = v8::Array::New(isolate, 0);
  v8::Local<v8::Array> stop = v8::Array::New(isolate, 3);
  v8::Local<v8::Value> finish_args[] = {
      value, ctx, v8::Integer::New(isolate, 0), args[9], args[10], state.out, stop};
  v8::Local<v8::Value> ok;
  {
    v8::TryCatch try_catch(isolate);
    if (!shape->finish.Get(isolate)
             ->Call(context, v8::Undefined(isolate), 7, finish_args)
             .ToLocal(&ok)) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
    if (!ok->IsTrue()) {
      v8::Local<v8::Value> returned;
      if (!stop->Get(context, 2).ToLocal(&returned)) {
        return ErrorFrom(try_catch, context, window_sequence_);
      }
      return NotARow(context, returned);
    }
  }
  SPROCKET_RETURN_IF_ERROR(ReportBatch(context, state));
  if (report.skipped(0)) {
    out.outcome = TriggerResult::Outcome::kSkip;
    return out;
  }
  if (trigger.new_row != nullptr) out.row = *trigger.new_row;
  for (RowReport::Change& change : report.changes()) {
    if (change.column < out.row.values.size()) {
      out.row.values[change.column] = std::move(change.value);
    }
  }
  return out;
}

Status JsInstance::NotARow(v8::Local<v8::Context> context, v8::Local<v8::Value> value) {
  return Status(
      StatusCode::kInvalidArgument,
      What() + " must return a row object, null or nothing, got " + DescribeJs(context, value));
}

Status JsInstance::CallTriggerBatch(CallContext& call, const TriggerData& trigger,
                                    TriggerBatch& batch) {
  if (broken_) return Status(StatusCode::kInternal, What() + ": instance is no longer usable");
  if (batch.size == 0) return Status::Ok();
  if ((batch.new_rows.empty() && batch.old_rows.empty()) ||
      (!batch.new_rows.empty() && batch.new_rows.size() < batch.size) ||
      (!batch.old_rows.empty() && batch.old_rows.size() < batch.size) ||
      batch.size > std::numeric_limits<int32_t>::max() / 1024) {
    return Status(StatusCode::kInternal, What() + ": malformed trigger batch");
  }
  const RowData* first = !batch.new_rows.empty() ? &batch.new_rows[0] : &batch.old_rows[0];
  CallScope scope(*this, call);
  v8::Local<v8::Context> context = scope.context();
  v8::Isolate* isolate = isolate_;
  SPROCKET_ASSIGN_OR_RETURN(TriggerShape * shape, ShapeFor(context, first->columns));
  ShapeInUse in_use(shape);
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Object> base, BaseFor(context, trigger));
  const bool after = batch.report == nullptr;

  BatchState state;
  state.batch = &batch;
  state.shape = shape;
  state.out = v8::Array::New(isolate, 0);
  v8::Local<v8::Array> stop = v8::Array::New(isolate, 3);
  v8::Local<v8::Value> args[12];
  args[0] = base;
  args[1] = Interned(TriggerOpName(trigger.op));
  args[2] = Interned(TriggerWhenName(trigger.when));
  args[3] = Interned(TriggerLevelName(trigger.level));
  args[4] = v8::Integer::New(isolate, trigger.depth);
  args[5] = v8::Boolean::New(isolate, after);
  SPROCKET_ASSIGN_OR_RETURN(
      args[6], ValuesToJs(context, *shape, batch.new_rows.empty() ? nullptr : batch.new_rows.data(),
                          batch.size));
  SPROCKET_ASSIGN_OR_RETURN(
      args[7], ValuesToJs(context, *shape, batch.old_rows.empty() ? nullptr : batch.old_rows.data(),
                          batch.size));
  args[9] = v8::Integer::NewFromUnsigned(isolate, static_cast<uint32_t>(batch.size));
  args[10] = state.out;
  args[11] = stop;
  v8::Local<v8::Function> run = shape->batch.Get(isolate);
  v8::Local<v8::Function> finish = shape->finish.Get(isolate);

  // Batches nest when a row's ctx.db call fires this function again.
  BatchState* outer = batch_;
  const uint32_t outer_progress = progress_[0];
  batch_ = &state;
  size_t next = 0;
  Status status = RunGuest(call, context, [&] {
    while (next < batch.size) {
      args[8] = v8::Integer::NewFromUnsigned(isolate, static_cast<uint32_t>(next));
      v8::Local<v8::Value> stopped;
      if (!run->Call(context, v8::Undefined(isolate), 12, args).ToLocal(&stopped)) return false;
      size_t at = stopped->IsUint32() ? stopped.As<v8::Uint32>()->Value() : batch.size;
      if (at >= batch.size) break;
      v8::Local<v8::Value> kind, ctx, value;
      if (!stop->Get(context, 0).ToLocal(&kind) || !stop->Get(context, 1).ToLocal(&ctx) ||
          !stop->Get(context, 2).ToLocal(&value)) {
        return false;
      }
      if (!kind->StrictEquals(v8::Integer::New(isolate, 1))) {
        state.failed = NotARow(context, value);
        return true;
      }
      // A promise: settle it, then finish the row with its value.
      if (!Settle(&value)) return false;
      if (!after) {
        v8::Local<v8::Value> finish_args[] = {
            value,   ctx,     v8::Integer::NewFromUnsigned(isolate, static_cast<uint32_t>(at)),
            args[6], args[7], state.out,
            stop};
        v8::Local<v8::Value> ok;
        if (!finish->Call(context, v8::Undefined(isolate), 7, finish_args).ToLocal(&ok)) {
          return false;
        }
        if (!ok->IsTrue()) {
          if (!stop->Get(context, 2).ToLocal(&value)) return false;
          state.failed = NotARow(context, value);
          return true;
        }
      }
      next = at + 1;
    }
    return true;
  });
  batch_ = outer;
  __atomic_store_n(&progress_[0], outer_progress, __ATOMIC_RELAXED);  // the watchdog reads it
  SPROCKET_RETURN_IF_ERROR(status);
  SPROCKET_RETURN_IF_ERROR(state.failed);
  if (after) return Status::Ok();
  return ReportBatch(context, state);
}

Status JsInstance::ReportBatch(v8::Local<v8::Context> context, BatchState& state) {
  TriggerBatch& batch = *state.batch;
  const size_t n = std::max<size_t>(state.shape->ncols, 1);
  const uint32_t length = state.out->Length();
  state.applying = true;
  v8::TryCatch try_catch(isolate_);
  Status status;
  for (; state.consumed + 1 < length; state.consumed += 2) {
    v8::Local<v8::Value> code, value;
    if (!state.out->Get(context, state.consumed).ToLocal(&code) ||
        !state.out->Get(context, state.consumed + 1).ToLocal(&value) || !code->IsInt32()) {
      status = ErrorFrom(try_catch, context, window_sequence_);
      break;
    }
    int32_t at = code.As<v8::Int32>()->Value();
    if (at < 0) {
      size_t row = static_cast<size_t>(-1 - static_cast<int64_t>(at));
      batch.report->Skip(row);
      continue;
    }
    size_t row = static_cast<size_t>(at) / n, column = static_cast<size_t>(at) % n;
    if (row >= batch.size || batch.new_rows.empty()) continue;
    auto v = FromJs(context, value, SqlType::kAny);
    if (ShouldStop() || isolate_->IsExecutionTerminating()) {
      status = StoppedStatus();
      break;
    }
    if (!v.ok()) {
      status = v.status().WithContext(What() + " column " +
                                      QuoteIdentifier((*state.shape->columns)[column]));
      break;
    }
    batch.report->Set(row, column, std::move(*v));
  }
  state.applying = false;
  return status;
}

std::string JsInstance::KeyName(v8::Local<v8::Value> key) {
  for (const auto& [name, text] : key_names_) {
    if (name == key) return text;
  }
  std::string text = ToUtf8(isolate_, key);
  constexpr size_t kMaxKeyNames = 256;
  if (key->IsString() && key_names_.size() < kMaxKeyNames) {
    key_names_.emplace_back(v8::Global<v8::Value>(isolate_, key), text);
  }
  return text;
}

Status JsInstance::BeforeDatabase() {
  BatchState* state = batch_;
  if (state == nullptr || state->applying || state->batch->report == nullptr) return Status::Ok();
  if (!state->failed.ok()) return state->failed;
  uint32_t progress = progress_[0];
  if (progress == 0) return Status::Ok();
  // What the rows before the running one decided, then that they are final: the host
  // writes them before it serves the access.
  v8::Local<v8::Context> context = isolate_->GetCurrentContext();
  Status st = ReportBatch(context, *state);
  if (!st.ok()) {
    state->failed = st;
    return st;
  }
  state->batch->report->Reached(progress - 1);
  return Status::Ok();
}

}  // namespace sprocket::runtime::js
