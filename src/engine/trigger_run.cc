// TriggerEngine, running statements: the plan of each statement text (its target table
// and what the engine must do for it), kept for the statements a session runs again, and
// Run, which sends a change through the row loop or SQLite's own path with the
// statement-level triggers and AFTER events around it.
#include <algorithm>

#include "common/strings.h"
#include "engine/guest_call.h"
#include "engine/row_loop.h"
#include "engine/session_impl.h"
#include "engine/triggers.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {
constexpr size_t kMaxPlans = 256;
std::string Q(std::string_view name) { return QuoteIdentifier(name); }
}  // namespace

// --- running statements ---------------------------------------------------------------

std::shared_ptr<StatementPlan> TriggerEngine::PlanFor(std::string_view sql) {
  // A statement a trigger runs for each row (db.execute) alternates with the one it runs
  // for: the last two are found without hashing their text.
  for (const RecentPlan& r : recent_plans_) {
    if (r.sql.size() == sql.size() && r.sql == sql) return r.plan;
  }
  auto it = plans_.find(sql);
  if (it != plans_.end()) {
    RememberPlan(it->first, it->second);
    return it->second;
  }
  auto plan = std::make_shared<StatementPlan>();
  std::optional<sql::DmlTarget> target = sql::PeekDmlTarget(sql);
  if (target && (target->schema.empty() || EqualsIgnoreCase(target->schema, "main"))) {
    auto t = tables_.find(ToLower(target->table));
    if (t != tables_.end() && t->second->exists) plan->table = t->second.get();
  }
  if (plan->table != nullptr) {
    TriggerTable& table = *plan->table;
    plan->op = target->op;
    plan->text = NumberParameters(sql);
    auto parsed = sql::ParseDml(plan->text);
    if (parsed.ok() && *parsed) plan->dml = std::move(**parsed);
    const sql::DmlStatement* d = plan->dml ? &*plan->dml : nullptr;
    int instead = table.is_view ? kInsteadIdx : kBeforeIdx;
    bool row_triggers = !table.Triggers(plan->op, instead, kRowIdx).empty();
    std::vector<bool> set(table.columns->size(), false);
    auto mark = [&](const std::vector<sql::Assignment>& assignments) {
      for (const sql::Assignment& a : assignments) {
        for (const std::string& c : a.columns) {
          int index = table.ColumnIndex(c);
          if (index >= 0) set[index] = true;
        }
      }
    };
    auto any_fires = [&](const std::vector<TriggerSlot*>& list) {
      for (const TriggerSlot* t : list) {
        if (t->update_of.empty()) return true;
        for (int c : t->update_of) {
          if (set[c]) return true;
        }
      }
      return false;
    };
    if (plan->op == sql::DmlOp::kInsert && d != nullptr) {
      for (const sql::UpsertClause& u : d->upserts) {
        if (!u.do_nothing) {
          plan->upsert_update = true;
          mark(u.set);
        }
      }
      if (plan->upsert_update && !table.is_view &&
          any_fires(table.Triggers(sql::DmlOp::kUpdate, kBeforeIdx, kRowIdx))) {
        plan->emulate_upsert = true;
      }
    } else if (plan->op == sql::DmlOp::kUpdate && d != nullptr) {
      mark(d->set);
      if (!table.is_view) row_triggers = any_fires(table.Triggers(plan->op, kBeforeIdx, kRowIdx));
    }
    plan->set_columns = std::move(set);
    plan->knows_set_columns =
        d != nullptr && (plan->op == sql::DmlOp::kUpdate || plan->upsert_update);
    plan->own_loop = row_triggers || plan->emulate_upsert;
    if (table.is_view && !row_triggers) {
      // SQLite would accept some changes of a view without an INSTEAD OF trigger (INSERT
      // … RETURNING) and write nothing; a view is only writable through its triggers.
      plan->own_loop = true;
      plan->error = Status(StatusCode::kInvalidArgument,
                           "cannot modify " + table.name + " because it is a view");
    }
    if (plan->own_loop && d == nullptr) {
      plan->error = Status(
          StatusCode::kNotSupported,
          "cannot run this statement with the triggers of " + Q(table.name) + ": " +
              (parsed.ok() ? "not a plain INSERT, UPDATE or DELETE" : parsed.status().message()));
    }
  }
  // The recent plans point into plans_'s keys: they go with it.
  if (plans_.size() >= kMaxPlans) ClearPlans();
  plans_.emplace(std::string(sql), plan);
  return plan;
}

Result<bool> TriggerEngine::QuietInsert(std::string_view table) {
  auto t = tables_.find(ToLower(table));
  if (t != tables_.end() && t->second->exists) return false;
  SessionImpl::EngineScope engine(session_);
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet found,
      RunStatement(db(),
                   "SELECT count(*) FROM (SELECT type, sql FROM main.sqlite_master WHERE "
                   "tbl_name = ?1 COLLATE NOCASE UNION ALL SELECT type, sql FROM "
                   "temp.sqlite_master WHERE tbl_name = ?1 COLLATE NOCASE) WHERE type = "
                   "'trigger' OR (type = 'table' AND sql LIKE '%REPLACE%')",
                   {Value(table)}));
  return !found.rows.empty() && found.rows[0][0].type() == ValueType::kInteger &&
         found.rows[0][0].integer() == 0;
}

void TriggerEngine::ClearPlans() {
  plans_.clear();
  for (RecentPlan& r : recent_plans_) r = RecentPlan();
}

void TriggerEngine::RememberPlan(std::string_view sql, const std::shared_ptr<StatementPlan>& plan) {
  recent_plans_[next_recent_] = RecentPlan{sql, plan};
  next_recent_ = (next_recent_ + 1) % recent_plans_.size();
}

Status TriggerEngine::Run(std::string_view sql, sqlite3_stmt* native, std::span<const Value> params,
                          ResultSet* out, FunctionRef<Status(ResultSet*)> collect) {
  std::shared_ptr<StatementPlan> plan = PlanFor(sql);
  if (plan->table != nullptr && !plan->table->install_error.ok()) {
    return plan->table->install_error;
  }
  // A function's statement on a table with triggers is undone as a whole when it fails,
  // even if the function catches the error.
  bool guarded = plan->table != nullptr && session_.current_guest() != nullptr;
  if (guarded) SPROCKET_RETURN_IF_ERROR(session_.BeginStatementSavepoint());
  if (frames_.size() <= depth_) frames_.push_back(std::make_unique<Frame>());
  Frame& frame = *frames_[depth_];
  frame.events.clear();
  frame.values.clear();
  frame.captures.clear();
  frame.partial_filled = -1;
  frame.plan = plan.get();
  ++depth_;
  uint64_t calls_before = calls_;
  Status st = RunInner(*plan, native, params, out, collect);
  --depth_;
  frame.events.clear();
  frame.values.clear();
  if (frame.values.capacity() > kKeptEventValues) std::vector<Value>().swap(frame.values);
  frame.captures.clear();
  frame.plan = nullptr;
  if (guarded) st = session_.EndStatementSavepoint(st);
  if (st.ok() && (calls_ != calls_before || plan->own_loop)) {
    // What the triggers wrote does not change what the statement reports.
    sqlite3_set_last_insert_rowid(db(), out->last_insert_rowid);
    changes_override_ = ChangesOverride{out->rows_affected, sqlite3_total_changes64(db())};
  }
  return st;
}

Status TriggerEngine::RunInner(StatementPlan& plan, sqlite3_stmt* native,
                               std::span<const Value> params, ResultSet* out,
                               FunctionRef<Status(ResultSet*)> collect) {
  TriggerTable* table = plan.table;
  const std::vector<bool>* set = plan.knows_set_columns ? &plan.set_columns : nullptr;
  if (table != nullptr) {
    SPROCKET_RETURN_IF_ERROR(FireStatementTriggers(*table, plan.op, kBeforeIdx, set));
    if (plan.upsert_update) {
      SPROCKET_RETURN_IF_ERROR(FireStatementTriggers(*table, sql::DmlOp::kUpdate, kBeforeIdx, set));
    }
  }
  if (plan.own_loop) {
    SPROCKET_RETURN_IF_ERROR(plan.error);
    SPROCKET_RETURN_IF_ERROR(RowLoop(*this, plan, native, params, out).Run());
  } else {
    SPROCKET_RETURN_IF_ERROR(collect(out));
  }
  SPROCKET_RETURN_IF_ERROR(FireQueued(*frames_[depth_ - 1]));
  if (table != nullptr) {
    if (plan.upsert_update) {
      SPROCKET_RETURN_IF_ERROR(FireStatementTriggers(*table, sql::DmlOp::kUpdate, kAfterIdx, set));
    }
    SPROCKET_RETURN_IF_ERROR(FireStatementTriggers(*table, plan.op, kAfterIdx, set));
  }
  return Status::Ok();
}

}  // namespace sprocket
