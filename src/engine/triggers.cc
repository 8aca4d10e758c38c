#include "engine/triggers.h"

#include <algorithm>
#include <cstdlib>

#include "common/strings.h"
#include "engine/function_bridge.h"
#include "engine/guest_call.h"
#include "engine/host_api_impl.h"
#include "engine/row_loop.h"
#include "engine/session_impl.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {

constexpr int kValuesPerCall = 100;  // below SQLite's limit on function arguments
constexpr const char* kTempPrefix = "_sprocket_";

std::string Q(std::string_view name) { return QuoteIdentifier(name); }

const sql::TriggerEvent* EventFor(const catalog::TriggerRecord& t, sql::DmlOp op) {
  for (const sql::TriggerEvent& e : t.events) {
    if (OpIndex(op) == static_cast<int>(e.op)) return &e;
  }
  return nullptr;
}

}  // namespace

int OpIndex(sql::DmlOp op) {
  switch (op) {
    case sql::DmlOp::kInsert:
      return static_cast<int>(sql::TriggerOp::kInsert);
    case sql::DmlOp::kUpdate:
      return static_cast<int>(sql::TriggerOp::kUpdate);
    case sql::DmlOp::kDelete:
      return static_cast<int>(sql::TriggerOp::kDelete);
  }
  return 0;
}

runtime::TriggerOp ToRuntimeOp(sql::DmlOp op) {
  switch (op) {
    case sql::DmlOp::kInsert:
      return runtime::TriggerOp::kInsert;
    case sql::DmlOp::kUpdate:
      return runtime::TriggerOp::kUpdate;
    case sql::DmlOp::kDelete:
      return runtime::TriggerOp::kDelete;
  }
  return runtime::TriggerOp::kInsert;
}

const char* OpName(sql::DmlOp op) {
  switch (op) {
    case sql::DmlOp::kInsert:
      return "INSERT";
    case sql::DmlOp::kUpdate:
      return "UPDATE";
    case sql::DmlOp::kDelete:
      return "DELETE";
  }
  return "";
}

catalog::FunctionRecord InlineTriggerFunction(const catalog::TriggerRecord& t) {
  catalog::FunctionRecord f;
  f.def.name = t.name;
  f.def.entry_point = t.name;
  f.def.kind = runtime::FunctionKind::kTrigger;
  f.def.language = t.language;
  f.def.source = t.source;
  f.def.source_line = t.source_line;
  f.policy = t.policy;
  return f;
}

TriggerEngine::TriggerEngine(SessionImpl& session) : session_(session) {}

TriggerEngine::~TriggerEngine() {
  if (session_.db() != nullptr) sqlite3_preupdate_hook(session_.db(), nullptr, nullptr);
  ClearPlans();
  for (auto& t : triggers_) t->when_stmt.reset();
}

sqlite3* TriggerEngine::db() const { return session_.db(); }

Status TriggerEngine::Open() {
  int rc = sqlite3_create_function_v2(db(), "_sprocket_row", -1, SQLITE_UTF8, this,
                                      &TriggerEngine::RowFunction, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_function_v2(db(), "changes", 0, SQLITE_UTF8, this,
                                    &TriggerEngine::ChangesFunction, nullptr, nullptr, nullptr);
  }
  if (rc != SQLITE_OK) return SqliteError(db(), rc);
  return Status::Ok();
}

void TriggerEngine::ChangesFunction(sqlite3_context* ctx, int, sqlite3_value**) {
  auto* self = static_cast<TriggerEngine*>(sqlite3_user_data(ctx));
  sqlite3* db = self->db();
  if (self->changes_override_ && sqlite3_total_changes64(db) == self->changes_override_->total) {
    sqlite3_result_int64(ctx, self->changes_override_->changes);
    return;
  }
  sqlite3_result_int64(ctx, sqlite3_changes64(db));
}

void TriggerEngine::ReleaseInstances() {
  for (auto& t : triggers_) {
    if (t->own == nullptr || t->own->entry == nullptr) continue;
    session_.ReleaseInstance(*t->own->entry, t->table != nullptr ? t->table->name : "");
  }
}

void TriggerEngine::FlushStats() {
  for (auto& t : triggers_) {
    if (t->own == nullptr || t->own->entry == nullptr) continue;
    const runtime::FunctionDef& def = t->own->entry->record->def;
    session_.state().stats().Merge(def.name, t->table != nullptr ? t->table->name : "",
                                   def.language, t->own->entry->stats);
  }
}

Status TriggerEngine::Apply(const catalog::CatalogSnapshot& snapshot) {
  ReleaseInstances();
  ClearPlans();
  hooks_.clear();
  preupdate_tables_.clear();
  tables_.clear();
  triggers_.clear();
  snapshot_ = &snapshot;
  MarkStale();
  for (const catalog::TriggerRecord& r : snapshot.triggers()) {
    if (!r.enabled || r.timing == sql::TriggerTiming::kAfterCommit) continue;
    auto slot = std::make_unique<TriggerSlot>();
    slot->record = &r;
    if (r.is_inline()) {
      slot->own_record = std::make_unique<catalog::FunctionRecord>(InlineTriggerFunction(r));
      slot->own = std::make_unique<FunctionSlot>();
      slot->own->session = &session_;
      slot->own->name = r.name;
      slot->own->entry = session_.MakeEntry(
          slot->own_record.get(), snapshot.CapabilitiesOfTrigger(r.table, r.name), r.table);
      slot->function = slot->own.get();
    } else {
      slot->function = session_.FindSlot(r.function);
    }
    std::string key = ToLower(r.table);
    auto& table = tables_[key];
    if (table == nullptr) {
      table = std::make_unique<TriggerTable>();
      table->name = r.table;
      table->columns = std::make_shared<std::vector<std::string>>();
    }
    slot->table = table.get();
    int timing = r.timing == sql::TriggerTiming::kBefore  ? kBeforeIdx
                 : r.timing == sql::TriggerTiming::kAfter ? kAfterIdx
                                                          : kInsteadIdx;
    int level = r.level == sql::TriggerLevel::kRow ? kRowIdx : kStatementIdx;
    for (const sql::TriggerEvent& e : r.events) {
      table->lists[static_cast<int>(e.op)][timing][level].push_back(slot.get());
    }
    triggers_.push_back(std::move(slot));
  }
  for (auto& [key, table] : tables_) {
    for (auto& by_op : table->lists) {
      for (auto& by_timing : by_op) {
        for (auto& list : by_timing) {
          std::stable_sort(list.begin(), list.end(),
                           [](const TriggerSlot* a, const TriggerSlot* b) {
                             return a->record->name < b->record->name;
                           });
        }
      }
    }
  }
  return Status::Ok();
}

Status TriggerEngine::LoadShape(TriggerTable& table) { return LoadTableShape(db(), &table); }

bool TriggerEngine::UsesPreUpdate(const TriggerTable& table) {
  // SQLite's pre-update values are the stored record's: rowid tables whose columns are all
  // stored (a generated column's value is not in it).
  return !table.is_view && !table.key.empty() &&
         std::find(table.generated.begin(), table.generated.end(), true) == table.generated.end();
}

std::vector<TriggerEngine::TempTrigger> TriggerEngine::DesiredTempTriggers() {
  hooks_.clear();
  preupdate_tables_.clear();
  std::vector<TempTrigger> out;
  for (auto& [key, table] : tables_) {
    if (!table->exists) continue;
    int ncols = static_cast<int>(table->columns->size());
    for (sql::DmlOp op : {sql::DmlOp::kInsert, sql::DmlOp::kUpdate, sql::DmlOp::kDelete}) {
      if (table->is_view) {
        // SQLite prepares a change to a view only when the view has an INSTEAD OF trigger;
        // the engine's row loop runs the statement, never this one.
        if (table->Triggers(op, kInsteadIdx, kRowIdx).empty()) continue;
        out.push_back(
            {table.get(), "CREATE TEMP TRIGGER " +
                              Q(kTempPrefix + std::string("v") + std::to_string(out.size())) +
                              " INSTEAD OF " + OpName(op) + " ON " + Q(table->name) +
                              " BEGIN SELECT RAISE(ABORT, " +
                              QuoteString("the INSTEAD OF triggers of " + Q(table->name) +
                                          " cannot run for a change made inside SQLite") +
                              "); END"});
        continue;
      }
      const std::vector<TriggerSlot*>& after = table->Triggers(op, kAfterIdx, kRowIdx);
      bool capture = !table->Triggers(op, kAfterIdx, kStatementIdx).empty();
      for (const TriggerSlot* t : after) capture |= !t->record->referencing.empty();
      if (after.empty() && !capture) continue;
      Hook hook;
      hook.table = table.get();
      hook.op = op;
      hook.ncols = ncols;
      hook.has_old = op != sql::DmlOp::kInsert;
      hook.has_new = op != sql::DmlOp::kDelete;
      hook.capture = capture;
      hook.after = &after;
      int k = static_cast<int>(hooks_.size());
      hooks_.push_back(hook);
      if (UsesPreUpdate(*table)) {
        if (preupdate_tables_.empty() || preupdate_tables_.back().name != table->name) {
          preupdate_tables_.push_back(PreUpdateTable{table->name});
        }
        preupdate_tables_.back().hooks[OpIndex(op)] = k;
        continue;
      }
      // One TEMP trigger per table and event, so that the rows arrive in order, one call
      // (or one call per 100 columns) each; the triggers' WHEN and UPDATE OF are applied
      // when the events fire. When every AFTER UPDATE trigger lists columns, SQLite skips
      // updates that assign none of them.
      std::string event = OpName(op);
      if (op == sql::DmlOp::kUpdate && !capture) {
        std::vector<std::string> columns;
        for (const TriggerSlot* t : after) {
          if (t->update_of.empty()) {
            columns.clear();
            break;
          }
          for (int c : t->update_of) {
            std::string q = Q((*table->columns)[c]);
            if (std::find(columns.begin(), columns.end(), q) == columns.end()) columns.push_back(q);
          }
        }
        if (!columns.empty()) event += " OF " + Join(columns, ", ");
      }
      std::vector<std::string> values;
      if (hook.has_old) {
        for (const std::string& c : *table->columns) values.push_back("OLD." + Q(c));
      }
      if (hook.has_new) {
        for (const std::string& c : *table->columns) values.push_back("NEW." + Q(c));
      }
      std::string calls;
      for (size_t i = 0; i < values.size() || i == 0; i += kValuesPerCall) {
        if (!calls.empty()) calls += ", ";
        calls += "_sprocket_row(" + std::to_string(k) + ", " + std::to_string(i);
        for (size_t j = i; j < values.size() && j < i + kValuesPerCall; ++j) {
          calls += ", " + values[j];
        }
        calls += ")";
      }
      out.push_back({table.get(), "CREATE TEMP TRIGGER " + Q(kTempPrefix + std::to_string(k)) +
                                      " AFTER " + event + " ON " + Q(table->name) +
                                      " FOR EACH ROW BEGIN SELECT " + calls + "; END"});
    }
  }
  return out;
}

Status TriggerEngine::InstallTempTriggers(const std::vector<TempTrigger>& wanted) {
  sqlite3* db = this->db();
  SessionImpl::EngineScope engine(session_);
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet existing,
      RunStatement(db,
                   "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND "
                   "substr(name, 1, 10) = '_sprocket_'"));
  for (const std::vector<Value>& row : existing.rows) {
    if (row[0].type() != ValueType::kText) continue;
    SPROCKET_RETURN_IF_ERROR(
        RunStatement(db, "DROP TRIGGER IF EXISTS temp." + Q(row[0].text())).status());
  }
  installed_.clear();
  for (auto& [key, table] : tables_) table->install_error = Status::Ok();
  for (const TempTrigger& t : wanted) {
    Status st = RunStatement(db, t.sql).status();
    if (!st.ok()) {
      // The trigger no longer fits its table (a column it names was dropped): statements
      // on the table fail with this error until the trigger is fixed.
      t.table->install_error =
          Status(StatusCode::kInvalidArgument,
                 "the triggers on " + Q(t.table->name) + " cannot be installed: " + st.message());
      continue;
    }
    installed_.push_back(t.sql);
  }
  return Status::Ok();
}

Status TriggerEngine::Refresh() {
  if (!stale_ || tables_.empty()) {
    if (tables_.empty() && !installed_.empty()) {
      SPROCKET_RETURN_IF_ERROR(InstallTempTriggers({}));
    }
    stale_ = false;
    return Status::Ok();
  }
  SessionImpl::EngineScope engine(session_);
  for (auto& [key, table] : tables_) SPROCKET_RETURN_IF_ERROR(LoadShape(*table));
  for (auto& t : triggers_) {
    t->update_of.clear();
    t->when_stmt.reset();
    t->when_ready = false;
    const sql::TriggerEvent* e = EventFor(*t->record, sql::DmlOp::kUpdate);
    if (e == nullptr) continue;
    for (const std::string& c : e->columns) {
      int index = t->table->ColumnIndex(c);
      if (index >= 0) t->update_of.push_back(index);
    }
  }
  ClearPlans();
  std::vector<TempTrigger> desired = DesiredTempTriggers();
  if (!preupdate_tables_.empty() && !utf8_.has_value()) {
    // The pre-update values are the records' own, in the database's encoding, which is
    // fixed once the database has tables.
    SPROCKET_ASSIGN_OR_RETURN(ResultSet encoding, RunStatement(db(), "PRAGMA encoding"));
    utf8_ = !encoding.rows.empty() && encoding.rows[0][0].type() == ValueType::kText &&
            encoding.rows[0][0].text() == "UTF-8";
  }
  sqlite3_preupdate_hook(db(), preupdate_tables_.empty() ? nullptr : &TriggerEngine::PreUpdate,
                         this);
  bool same = desired.size() == installed_.size();
  for (size_t i = 0; same && i < desired.size(); ++i) same = desired[i].sql == installed_[i];
  if (same) {
    SPROCKET_ASSIGN_OR_RETURN(
        ResultSet count,
        RunStatement(db(),
                     "SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger' AND "
                     "substr(name, 1, 10) = '_sprocket_'"));
    same = count.rows[0][0].integer() == static_cast<int64_t>(installed_.size());
  }
  if (!same) SPROCKET_RETURN_IF_ERROR(InstallTempTriggers(desired));
  stale_ = false;
  return Status::Ok();
}

}  // namespace sprocket
