#include "runtime/runtime.h"

#include <algorithm>

#include "common/sha256.h"
#include "common/strings.h"

namespace sprocket::runtime {

const char* JitLevelName(JitLevel level) {
  switch (level) {
    case JitLevel::kLowLatency:
      return "low_latency";
    case JitLevel::kBalanced:
      return "balanced";
    case JitLevel::kFast:
      return "fast";
  }
  return "balanced";
}

std::string CompileKey(const FunctionDef& def, std::string_view engine) {
  Sha256 h;
  h.UpdateField("sprocket-compile-key-1");
  h.UpdateField(engine);
  h.UpdateField(def.language);
  h.UpdateField(static_cast<int64_t>(def.kind));
  h.UpdateField(def.entry_point);
  h.UpdateField(static_cast<int64_t>(def.params.size()));
  for (const Param& p : def.params) {
    h.UpdateField(p.name);
    h.UpdateField(p.declared_type);
  }
  h.UpdateField(def.return_declared);
  h.UpdateField(static_cast<int64_t>(def.return_columns.size()));
  for (const Param& p : def.return_columns) {
    h.UpdateField(p.name);
    h.UpdateField(p.declared_type);
  }
  h.UpdateField(static_cast<int64_t>(def.volatility));
  h.UpdateField(def.strict ? 1 : 0);
  h.UpdateField(def.source_is_binary ? 1 : 0);
  h.UpdateField(def.source);
  h.UpdateField(def.source_line);  // error messages name lines of the CREATE statement
  h.UpdateField(def.limits.max_memory_bytes);
  h.UpdateField(def.limits.max_cpu_time_ms);
  h.UpdateField(def.limits.max_instructions);
  h.UpdateField(static_cast<int64_t>(def.jit_level));
  return h.HexFinal();
}

Result<Rows> Instance::CallTable(CallContext& context, std::span<const Value> args) {
  return Status(StatusCode::kNotSupported,
                "language \"" + context.function().language +
                    "\" does not support functions returning TABLE or SETOF");
}

Result<TriggerResult> Instance::CallTrigger(CallContext& context, const TriggerData& trigger) {
  return Status(StatusCode::kNotSupported, "language \"" + context.function().language +
                                               "\" does not support trigger functions yet");
}

Status Instance::CallTriggerBatch(CallContext& context, const TriggerData& trigger,
                                  TriggerBatch& batch) {
  TriggerData data = trigger;
  for (size_t i = 0; i < batch.size; ++i) {
    if (batch.report != nullptr) batch.report->Reached(i);
    const RowData* new_row = batch.new_rows.empty() ? nullptr : &batch.new_rows[i];
    data.new_row = new_row;
    data.old_row = batch.old_rows.empty() ? nullptr : &batch.old_rows[i];
    SPROCKET_ASSIGN_OR_RETURN(TriggerResult result, CallTrigger(context, data));
    if (batch.report != nullptr) ReportResult(*batch.report, i, new_row, result);
  }
  return Status::Ok();
}

const RuntimeEnvironment& DefaultEnvironment() {
  static const RuntimeEnvironment* environment = [] {
    auto* e = new RuntimeEnvironment;
    e->database_path = ":memory:";
    return e;
  }();
  return *environment;
}

Status RuntimeRegistry::Register(std::unique_ptr<LanguageRuntime> runtime) {
  std::vector<std::string> names = runtime->aliases();
  names.emplace_back(runtime->name());
  for (const std::string& n : names) {
    if (Find(n) != nullptr) {
      return Status(StatusCode::kAlreadyExists, "language \"" + n + "\" is registered twice");
    }
  }
  if (environment_ != nullptr) runtime->Attach(environment_);
  runtimes_.push_back(std::move(runtime));
  return Status::Ok();
}

LanguageRuntime* RuntimeRegistry::Find(std::string_view language) const {
  for (const auto& r : runtimes_) {
    if (EqualsIgnoreCase(r->name(), language)) return r.get();
    for (const std::string& alias : r->aliases()) {
      if (EqualsIgnoreCase(alias, language)) return r.get();
    }
  }
  return nullptr;
}

std::vector<std::string> RuntimeRegistry::Languages() const {
  std::vector<std::string> names;
  for (const auto& r : runtimes_) names.emplace_back(r->name());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sprocket::runtime
