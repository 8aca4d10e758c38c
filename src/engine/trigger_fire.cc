// TriggerEngine, firing: one trigger call through the guest-call path (depth limit,
// context frames), WHEN conditions, BEFORE ROW lists and batches (runtime's trigger
// protocol), statement-level triggers with their transition tables, and the queued AFTER
// ROW events of a frame.
#include <algorithm>

#include "common/strings.h"
#include "engine/guest_call.h"
#include "engine/row_loop.h"
#include "engine/session_impl.h"
#include "engine/triggers.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {
std::string Q(std::string_view name) { return QuoteIdentifier(name); }
}  // namespace

// --- calling triggers -----------------------------------------------------------------

Status TriggerEngine::Invoke(TriggerSlot& t, runtime::TriggerData& data, size_t rows, bool batch,
                             GuestCallFn call) {
  if (stack_.size() >= static_cast<size_t>(kMaxDepth)) {
    std::string chain;
    for (const TriggerSlot* s : stack_) chain += s->record->name + " → ";
    return Status(StatusCode::kResourceExhausted, "trigger depth limit (" +
                                                      std::to_string(kMaxDepth) +
                                                      ") exceeded: " + chain + t.record->name);
  }
  FunctionSlot* slot = t.function;
  if (slot == nullptr || slot->entry == nullptr) {
    return Status(StatusCode::kNotFound, "function " + Q(t.record->function) + " does not exist")
        .WithFrame(ContextOf(t));
  }
  data.name = t.record->name;
  data.table = t.record->table;
  data.argv = t.record->arguments;
  data.depth = static_cast<int>(stack_.size()) + 1;
  for (const sql::Referencing& r : t.record->referencing) {
    (r.is_new ? data.new_table_name : data.old_table_name) = r.name;
  }
  stack_.push_back(&t);
  calls_ += rows;
  Status status = CallGuest(
      session_, *slot, batch ? GuestCallKind::kTriggerBatch : GuestCallKind::kTrigger, rows, call);
  stack_.pop_back();
  // The trigger is the error's context (a nested trigger's error keeps its own frames
  // inside: Status::message() shows it from the innermost trigger on).
  if (!status.ok()) return status.WithFrame(ContextOf(t));
  return status;
}

ErrorFrame TriggerEngine::ContextOf(const TriggerSlot& t) {
  return ErrorFrame::Trigger(t.record->name, t.record->table);
}

Result<runtime::TriggerResult> TriggerEngine::Call(TriggerSlot& t, runtime::TriggerData& data) {
  runtime::TriggerResult result;
  SPROCKET_RETURN_IF_ERROR(Invoke(
      t, data, 1, /*batch=*/false, [&](runtime::Instance& instance, runtime::CallContext& context) {
        Result<runtime::TriggerResult> r = instance.CallTrigger(context, data);
        if (!r.ok()) return r.status();
        result = std::move(*r);
        return Status::Ok();
      }));
  return result;
}

TriggerSlot* TriggerEngine::BatchTrigger(const std::vector<TriggerSlot*>& list, sql::DmlOp op,
                                         const std::vector<bool>* set_columns) {
  TriggerSlot* found = nullptr;
  for (TriggerSlot* t : list) {
    if (!Listed(*t, op, set_columns)) continue;
    if (found != nullptr || !t->record->when.empty() || !t->record->referencing.empty()) {
      return nullptr;
    }
    found = t;
  }
  return found;
}

Status TriggerEngine::FireRowBatch(TriggerSlot& t, sql::DmlOp op, runtime::TriggerWhen timing,
                                   runtime::TriggerBatch& batch) {
  runtime::TriggerData data;
  data.when = timing;
  data.level = runtime::TriggerLevel::kRow;
  data.op = ToRuntimeOp(op);
  return Invoke(t, data, batch.size, /*batch=*/true,
                [&](runtime::Instance& instance, runtime::CallContext& context) {
                  return instance.CallTriggerBatch(context, data, batch);
                });
}

Status TriggerEngine::FireBeforeRowBatch(TriggerSlot& t, sql::DmlOp op, runtime::TriggerWhen timing,
                                         runtime::BeforeRowBatch& before,
                                         runtime::BeforeRowBatch::Writer& writer) {
  runtime::TriggerData data;
  data.when = timing;
  data.level = runtime::TriggerLevel::kRow;
  data.op = ToRuntimeOp(op);
  Status fired = Invoke(t, data, before.batch().size, /*batch=*/true,
                        [&](runtime::Instance& instance, runtime::CallContext& context) {
                          session_.AttachBatch(&before, &writer);
                          return instance.CallTriggerBatch(context, data, before.batch());
                        });
  return before.Finish(writer, std::move(fired));
}

Result<bool> TriggerEngine::When(TriggerSlot& t, const runtime::RowData* new_row,
                                 const runtime::RowData* old_row) {
  const std::string& when = t.record->when;
  if (when.empty()) return true;
  TriggerTable& table = *t.table;
  int ncols = static_cast<int>(table.columns->size());
  if (!t.when_ready) {
    t.when_columns.clear();
    auto parameter = [&](const sql::Token& q, const std::string& column) {
      int index = table.ColumnIndex(column);
      if (index < 0 || !(q.Is("NEW") || q.Is("OLD"))) return std::optional<std::string>();
      int n = index + (q.Is("NEW") ? 0 : ncols);
      return std::optional<std::string>(":_sp" + std::to_string(n));
    };
    std::string sql = "SELECT (" + RewriteReferences(when, parameter) + ")";
    SessionImpl::EngineScope engine(session_);
    auto stmt = session_.PrepareChecked(sql);
    if (!stmt.ok()) {
      return stmt.status().WithContext("WHEN condition").WithFrame(ContextOf(t));
    }
    t.when_stmt = std::move(*stmt);
    int count = sqlite3_bind_parameter_count(t.when_stmt.get());
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(t.when_stmt.get(), i);
      int n = name != nullptr && std::string_view(name).rfind(":_sp", 0) == 0 ? std::atoi(name + 4)
                                                                              : -1;
      t.when_columns.push_back(n);
    }
    t.when_ready = true;
  }
  sqlite3_stmt* stmt = t.when_stmt.get();
  for (size_t i = 0; i < t.when_columns.size(); ++i) {
    int n = t.when_columns[i];
    const runtime::RowData* row = n < ncols ? new_row : old_row;
    int column = n < ncols ? n : n - ncols;
    Value v;
    if (n >= 0 && row != nullptr && column < static_cast<int>(row->values.size())) {
      v = row->values[column];
    }
    BindValue(stmt, static_cast<int>(i) + 1, v);
  }
  int rc = sqlite3_step(stmt);
  bool holds = false;
  if (rc == SQLITE_ROW) {
    holds = sqlite3_column_type(stmt, 0) != SQLITE_NULL && sqlite3_column_double(stmt, 0) != 0.0;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    Status st = session_.ErrorFor(rc);
    sqlite3_reset(stmt);
    return st.WithContext("WHEN condition").WithFrame(ContextOf(t));
  }
  sqlite3_reset(stmt);
  return holds;
}

bool TriggerEngine::Listed(const TriggerSlot& t, sql::DmlOp op,
                           const std::vector<bool>* set_columns) {
  if (op != sql::DmlOp::kUpdate || set_columns == nullptr || t.update_of.empty()) return true;
  for (int c : t.update_of) {
    if (c < static_cast<int>(set_columns->size()) && (*set_columns)[c]) return true;
  }
  return false;
}

Result<bool> TriggerEngine::FireRowTriggers(const std::vector<TriggerSlot*>& list, sql::DmlOp op,
                                            runtime::TriggerWhen timing, runtime::RowData* new_row,
                                            const runtime::RowData* old_row,
                                            const std::vector<bool>* set_columns,
                                            bool apply_results) {
  for (TriggerSlot* t : list) {
    if (!Listed(*t, op, set_columns)) continue;
    const runtime::RowData* when_new = op == sql::DmlOp::kDelete ? nullptr : new_row;
    SPROCKET_ASSIGN_OR_RETURN(bool holds, When(*t, when_new, old_row));
    if (!holds) continue;
    runtime::TriggerData data;
    data.when = timing;
    data.level = runtime::TriggerLevel::kRow;
    data.op = ToRuntimeOp(op);
    data.new_row = op == sql::DmlOp::kDelete ? nullptr : new_row;
    data.old_row = old_row;
    if (!t->record->referencing.empty() && depth_ > 0) {
      TransitionSets(*t->table, op, &data.new_table, &data.old_table);
    }
    SPROCKET_ASSIGN_OR_RETURN(runtime::TriggerResult result, Call(*t, data));
    if (!apply_results) continue;
    if (result.outcome == runtime::TriggerResult::Outcome::kSkip) return false;
    if (op != sql::DmlOp::kDelete && result.row.values.size() == new_row->values.size()) {
      new_row->values = std::move(result.row.values);
    }
  }
  return true;
}

void TriggerEngine::TransitionSets(TriggerTable& table, sql::DmlOp op,
                                   const std::vector<runtime::RowData>** new_rows,
                                   const std::vector<runtime::RowData>** old_rows) {
  static const std::vector<runtime::RowData> kNone;
  Capture* c = depth_ > 0 ? CaptureFor(*frames_[depth_ - 1], &table, op) : nullptr;
  *new_rows = op == sql::DmlOp::kDelete ? nullptr : c != nullptr ? &c->new_rows : &kNone;
  *old_rows = op == sql::DmlOp::kInsert ? nullptr : c != nullptr ? &c->old_rows : &kNone;
}

Status TriggerEngine::FireStatementTriggers(TriggerTable& table, sql::DmlOp op, int timing,
                                            const std::vector<bool>* set_columns) {
  const std::vector<TriggerSlot*>& list = table.Triggers(op, timing, kStatementIdx);
  if (list.empty()) return Status::Ok();
  const std::vector<runtime::RowData>* new_rows = nullptr;
  const std::vector<runtime::RowData>* old_rows = nullptr;
  if (timing == kAfterIdx) TransitionSets(table, op, &new_rows, &old_rows);
  for (TriggerSlot* t : list) {
    if (!Listed(*t, op, set_columns)) continue;
    SPROCKET_ASSIGN_OR_RETURN(bool holds, When(*t, nullptr, nullptr));  // no column values
    if (!holds) continue;
    runtime::TriggerData data;
    data.when = timing == kBeforeIdx ? runtime::TriggerWhen::kBefore : runtime::TriggerWhen::kAfter;
    data.level = runtime::TriggerLevel::kStatement;
    data.op = ToRuntimeOp(op);
    data.new_table = new_rows;
    data.old_table = old_rows;
    SPROCKET_RETURN_IF_ERROR(Call(*t, data).status());
  }
  return Status::Ok();
}

Status TriggerEngine::FireQueued(Frame& frame) {
  constexpr size_t kBatchRows = 256;
  std::vector<bool> changed;
  // The rows handed to the triggers: their buffers are reused from event to event.
  std::vector<runtime::RowData> new_rows, old_rows;
  // Moves the values of `e` into new_rows[slot] / old_rows[slot].
  auto take = [&](const RowEvent& e, const Hook& hook, size_t slot) {
    auto fill = [&](std::vector<runtime::RowData>& rows, size_t from) {
      if (rows.size() <= slot) rows.resize(slot + 1);
      runtime::RowData& r = rows[slot];
      if (r.columns != hook.table->columns) r.columns = hook.table->columns;
      auto first = std::make_move_iterator(frame.values.begin() + static_cast<ptrdiff_t>(from));
      r.values.assign(first, first + hook.ncols);
    };
    if (hook.has_old) fill(old_rows, e.at);
    if (hook.has_new) fill(new_rows, e.at + (hook.has_old ? hook.ncols : 0));
  };
  for (size_t i = 0; i < frame.events.size();) {
    // Copied: the triggers called below may queue more events in this frame.
    const RowEvent e = frame.events[i];
    const Hook& hook = hooks_[e.hook];
    // UPDATE OF looks at the statement's SET list; for rows SQLite changed on its own
    // (FOREIGN KEY actions), at the columns whose values changed.
    const std::vector<bool>* set_columns = nullptr;
    bool same_columns = true;  // set_columns holds for every event of this hook
    if (hook.op == sql::DmlOp::kUpdate) {
      const StatementPlan* plan = frame.plan;
      if (plan != nullptr && plan->table == hook.table && plan->knows_set_columns) {
        set_columns = &plan->set_columns;
      } else {
        const Value* old_values = &frame.values[e.at];
        const Value* new_values = old_values + hook.ncols;
        changed.assign(static_cast<size_t>(hook.ncols), false);
        for (size_t c = 0; c < changed.size(); ++c) {
          changed[c] = !(new_values[c] == old_values[c]);
        }
        set_columns = &changed;
        same_columns = false;
      }
    }
    // Consecutive events of one hook whose only trigger is simple go in batches.
    TriggerSlot* single = same_columns ? BatchTrigger(*hook.after, hook.op, set_columns) : nullptr;
    if (single != nullptr) {
      size_t end = i + 1;
      while (end < frame.events.size() && end - i < kBatchRows &&
             frame.events[end].hook == e.hook) {
        ++end;
      }
      for (size_t k = i; k < end; ++k) take(frame.events[k], hook, k - i);
      runtime::TriggerBatch batch;
      batch.size = end - i;
      if (hook.has_new) {
        batch.new_rows = std::span<const runtime::RowData>(new_rows.data(), batch.size);
      }
      if (hook.has_old) {
        batch.old_rows = std::span<const runtime::RowData>(old_rows.data(), batch.size);
      }
      SPROCKET_RETURN_IF_ERROR(FireRowBatch(*single, hook.op, runtime::TriggerWhen::kAfter, batch));
      i = end;
      continue;
    }
    take(e, hook, 0);
    SPROCKET_RETURN_IF_ERROR(FireRowTriggers(*hook.after, hook.op, runtime::TriggerWhen::kAfter,
                                             hook.has_new ? &new_rows[0] : nullptr,
                                             hook.has_old ? &old_rows[0] : nullptr, set_columns,
                                             /*apply_results=*/false)
                                 .status());
    ++i;
  }
  return Status::Ok();
}

}  // namespace sprocket
