// JsInstance::CallTrigger: the trigger context (DESIGN §4 ctx) built by JavaScript helpers
// compiled once per row layout, so that a row costs one call into V8 (with the values as
// arguments) rather than one property store per value through the API.
#include <nlohmann/json.hpp>
#include <string>

#include "common/strings.h"
#include "runtime/js/js_call_scope.h"
#include "runtime/js/js_convert.h"
#include "runtime/js/js_instance.h"

namespace sprocket::runtime::js {

namespace {

// A JavaScript string literal for `text`: a JSON string is one (U+2028 and U+2029 are
// allowed in string literals since ES2019).
std::string JsString(std::string_view text) {
  return nlohmann::json(std::string(text))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<v8::Local<v8::Function>> CompileHelper(v8::Local<v8::Context> context,
                                              const std::string& source) {
  v8::Isolate* isolate = context->GetIsolate();
  v8::TryCatch try_catch(isolate);
  v8::Local<v8::Script> script;
  v8::Local<v8::Value> value;
  if (!v8::Script::Compile(context, StringOrEmpty(isolate, source)).ToLocal(&script) ||
      !script->Run(context).ToLocal(&value) || !value->IsFunction()) {
    return Status(StatusCode::kInternal, "could not compile the trigger context helpers");
  }
  return value.As<v8::Function>();
}

}  // namespace

Result<JsInstance::TriggerShape*> JsInstance::ShapeFor(
    v8::Local<v8::Context> context,
    const std::shared_ptr<const std::vector<std::string>>& columns) {
  for (const auto& shape : shapes_) {
    if (shape->columns == columns) return shape.get();
  }
  // A table's layout is shared by its rows; a few layouts per instance are kept.
  constexpr size_t kMaxShapes = 16;
  if (shapes_.size() >= kMaxShapes) shapes_.erase(shapes_.begin());
  auto shape = std::make_unique<TriggerShape>();
  shape->columns = columns;
  shape->ncols = columns != nullptr ? columns->size() : 0;
  std::string params, news, olds, values;
  for (size_t i = 0; i < shape->ncols; ++i) {
    std::string key = JsString((*columns)[i]);
    std::string n = "n" + std::to_string(i);
    std::string o = "o" + std::to_string(i);
    params += ", " + n;
    news += (i ? ", " : "") + key + ": " + n;
    olds += (i ? ", " : "") + key + ": " + o;
    values += (i ? ", " : "") + std::string("v[") + key + "]";
  }
  std::string old_params;
  for (size_t i = 0; i < shape->ncols; ++i) old_params += ", o" + std::to_string(i);
  // A class, so that every ctx has the same shape (fast property access in the trigger);
  // session is a getter on its prototype (read only when used).
  std::string make_ctx =
      "(function (sp) {\n"
      "  class Ctx {\n"
      "    constructor(b, op, when, level, depth, hn, ho, nt, ot" +
      params + old_params +
      ") {\n"
      "      this.NEW = hn ? {" +
      news + "} : null;\n      this.OLD = ho ? {" + olds +
      "} : null;\n"
      "      this.TG_OP = op; this.TG_WHEN = when; this.TG_LEVEL = level; this.TG_NAME = b.name;\n"
      "      this.TG_TABLE_NAME = b.table; this.TG_ARGV = [...b.argv]; this.TG_DEPTH = depth;\n"
      "      this.NEW_TABLE = nt; this.OLD_TABLE = ot; this.db = b.db; this.log = b.log;\n"
      "    }\n"
      "    get session() { return sp.session; }\n"
      "  }\n"
      "  return function (b, op, when, level, depth, hn, ho, nt, ot, ntn, otn" +
      params + old_params +
      ") {\n"
      "    const ctx = new Ctx(b, op, when, level, depth, hn, ho, nt, ot" +
      params + old_params +
      ");\n"
      "    if (ntn) ctx[ntn] = nt;\n"
      "    if (otn) ctx[otn] = ot;\n"
      "    return ctx;\n"
      "  };\n"
      "})";
  std::string extract =
      "(function (v, ctx, del) {\n"
      "  if (v === undefined) v = del ? ctx.OLD : ctx.NEW;\n"
      "  if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;\n"
      "  return [" +
      values +
      "];\n"
      "})";
  std::string make_row =
      "(function (" + (params.empty() ? "" : params.substr(2)) + ") { return {" + news + "}; })";
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Function> factory, CompileHelper(context, make_ctx));
  v8::Local<v8::Value> sprocket_object, f1_value;
  {
    v8::TryCatch try_catch(isolate_);
    if (!context->Global()
             ->Get(context, StringOrEmpty(isolate_, "sprocket"))
             .ToLocal(&sprocket_object) ||
        !factory->Call(context, v8::Undefined(isolate_), 1, &sprocket_object).ToLocal(&f1_value) ||
        !f1_value->IsFunction()) {
      return Status(StatusCode::kInternal, "could not build the trigger context helper");
    }
  }
  v8::Local<v8::Function> f1 = f1_value.As<v8::Function>();
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Function> f2, CompileHelper(context, extract));
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Function> f3, CompileHelper(context, make_row));
  shape->make_ctx.Reset(isolate_, f1);
  shape->extract.Reset(isolate_, f2);
  shape->make_row.Reset(isolate_, f3);
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

v8::Local<v8::String> JsInstance::Interned(const std::string& text) {
  for (const auto& [key, value] : interned_) {
    if (key == text) return value.Get(isolate_);
  }
  v8::Local<v8::String> s = StringOrEmpty(isolate_, text);
  interned_.emplace_back(text, v8::Global<v8::String>(isolate_, s));
  return s;
}

Result<TriggerResult> JsInstance::CallTrigger(CallContext& call, const TriggerData& trigger) {
  if (broken_) return Status(StatusCode::kInternal, What() + ": instance is no longer usable");
  CallScope scope(*this);
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
  SPROCKET_ASSIGN_OR_RETURN(v8::Local<v8::Object> base, BaseFor(context, trigger));

  size_t n = shape->ncols;
  constexpr size_t kFixed = 11;
  args_.resize(kFixed + 2 * n);
  std::vector<v8::Local<v8::Value>>& args = args_;
  args[0] = base;
  args[1] = Interned(trigger.op);
  args[2] = Interned(trigger.when);
  args[3] = Interned(trigger.level);
  args[4] = v8::Integer::New(isolate, trigger.depth);
  args[5] = v8::Boolean::New(isolate, trigger.new_row != nullptr);
  args[6] = v8::Boolean::New(isolate, trigger.old_row != nullptr);
  SPROCKET_ASSIGN_OR_RETURN(args[7], RowsToJs(context, *shape, trigger.new_table));
  SPROCKET_ASSIGN_OR_RETURN(args[8], RowsToJs(context, *shape, trigger.old_table));
  args[9] = trigger.new_table_name.empty()
                ? v8::Local<v8::Value>(v8::Null(isolate))
                : v8::Local<v8::Value>(StringOrEmpty(isolate, trigger.new_table_name));
  args[10] = trigger.old_table_name.empty()
                 ? v8::Local<v8::Value>(v8::Null(isolate))
                 : v8::Local<v8::Value>(StringOrEmpty(isolate, trigger.old_table_name));
  for (int which = 0; which < 2; ++which) {
    const RowData* row = which == 0 ? trigger.new_row : trigger.old_row;
    for (size_t i = 0; i < n; ++i) {
      v8::Local<v8::Value>& slot = args[kFixed + which * n + i];
      if (row != nullptr && i < row->values.size()) {
        SPROCKET_ASSIGN_OR_RETURN(slot, ToJs(context, row->values[i], SqlType::kAny));
      } else {
        slot = v8::Undefined(isolate);
      }
    }
  }
  v8::Local<v8::Value> ctx;
  {
    v8::TryCatch try_catch(isolate);
    if (!shape->make_ctx.Get(isolate)
             ->Call(context, v8::Undefined(isolate), static_cast<int>(args.size()), args.data())
             .ToLocal(&ctx)) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
  }

  v8::Local<v8::Value> value;
  SPROCKET_RETURN_IF_ERROR(InvokeJs(call, 1, &ctx, context, &value));

  TriggerResult out;
  // What AFTER and statement-level triggers return is ignored.
  if (base_row == nullptr || trigger.when == "AFTER") return out;

  // BEFORE ROW rules (DESIGN §3.2): null skips the row; nothing keeps ctx.NEW as the
  // function left it (OLD for DELETE); an object replaces the row.
  v8::Local<v8::Value> extract_args[] = {value, ctx,
                                         v8::Boolean::New(isolate, trigger.new_row == nullptr)};
  v8::Local<v8::Value> row;
  v8::TryCatch try_catch(isolate);
  if (!shape->extract.Get(isolate)
           ->Call(context, v8::Undefined(isolate), 3, extract_args)
           .ToLocal(&row)) {
    return ErrorFrom(try_catch, context, window_sequence_);
  }
  if (row->IsNull()) {
    out.outcome = TriggerResult::Outcome::kSkip;
    return out;
  }
  if (!row->IsArray()) {
    return Status(
        StatusCode::kInvalidArgument,
        What() + " must return a row object, null or nothing, got " + DescribeJs(context, row));
  }
  v8::Local<v8::Array> cells = row.As<v8::Array>();
  out.row.columns = base_row->columns;
  out.row.values.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    v8::Local<v8::Value> cell;
    if (!cells->Get(context, static_cast<uint32_t>(i)).ToLocal(&cell)) {
      return ErrorFrom(try_catch, context, window_sequence_);
    }
    auto v = FromJs(context, cell, SqlType::kAny);
    if (ShouldStop() || isolate_->IsExecutionTerminating()) return StoppedStatus();
    if (!v.ok()) {
      return v.status().WithContext(What() + " column " + QuoteIdentifier((*base_row->columns)[i]));
    }
    out.row.values.push_back(std::move(*v));
  }
  return out;
}

}  // namespace sprocket::runtime::js
