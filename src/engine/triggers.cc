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

constexpr size_t kMaxPlans = 256;
constexpr int kValuesPerCall = 100;  // below SQLite's limit on function arguments
constexpr const char* kTempPrefix = "_sprocket_";

std::string Q(std::string_view name) { return QuoteIdentifier(name); }

const sql::TriggerEvent* EventFor(const catalog::TriggerRecord& t, sql::DmlOp op) {
  for (const sql::TriggerEvent& e : t.events) {
    if (OpIndex(op) == static_cast<int>(e.op)) return &e;
  }
  return nullptr;
}

char AffinityOf(std::string_view declared) {
  std::string t = ToUpper(declared);
  if (t.find("INT") != std::string::npos) return 'I';
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return 'T';
  }
  if (t.empty() || t.find("BLOB") != std::string::npos) return 'B';
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos) {
    return 'R';
  }
  return 'N';
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

int TriggerTable::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns->size(); ++i) {
    if (EqualsIgnoreCase((*columns)[i], column)) return static_cast<int>(i);
  }
  return -1;
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

Status TriggerEngine::LoadShape(TriggerTable& table) {
  sqlite3* db = this->db();
  table.exists = false;
  table.is_view = false;
  table.key.clear();
  table.pk.clear();
  auto columns = std::make_shared<std::vector<std::string>>();
  table.generated.clear();
  table.defaults.clear();
  table.affinity.clear();
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet kind,
      RunStatement(db,
                   "SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1 "
                   "COLLATE NOCASE",
                   {Value(table.name)}));
  if (kind.rows.empty()) {
    table.columns = std::move(columns);
    return Status::Ok();
  }
  table.exists = true;
  table.is_view = kind.rows[0][0].type() == ValueType::kText && kind.rows[0][0].text() == "view";
  bool without_rowid = kind.rows[0][1].type() == ValueType::kInteger && kind.rows[0][1].integer();
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet info,
      RunStatement(db,
                   "SELECT name, type, dflt_value, pk, hidden FROM pragma_table_xinfo(?1, 'main') "
                   "ORDER BY cid",
                   {Value(table.name)}));
  std::vector<std::pair<int64_t, int>> pk;
  for (const std::vector<Value>& row : info.rows) {
    int64_t hidden = row[4].type() == ValueType::kInteger ? row[4].integer() : 0;
    if (hidden == 1) continue;  // a virtual table's hidden column
    int index = static_cast<int>(columns->size());
    columns->push_back(row[0].type() == ValueType::kText ? row[0].text() : "");
    table.generated.push_back(hidden == 2 || hidden == 3);
    table.defaults.push_back(row[2].type() == ValueType::kText ? row[2].text() : "");
    table.affinity.push_back(AffinityOf(row[1].type() == ValueType::kText ? row[1].text() : ""));
    if (row[3].type() == ValueType::kInteger && row[3].integer() > 0) {
      pk.emplace_back(row[3].integer(), index);
    }
  }
  std::sort(pk.begin(), pk.end());
  table.ipk = -1;
  if (!without_rowid && pk.size() == 1) {
    const std::vector<Value>& row = info.rows[static_cast<size_t>(pk[0].second)];
    if (row[1].type() == ValueType::kText && ToUpper(row[1].text()) == "INTEGER") {
      table.ipk = pk[0].second;
    }
  }
  table.columns = std::move(columns);
  if (table.is_view) return Status::Ok();
  if (without_rowid) {
    for (const auto& [order, index] : pk) table.pk.push_back(index);
    return Status::Ok();
  }
  for (const char* name : {"rowid", "_rowid_", "oid"}) {
    if (table.ColumnIndex(name) < 0) {
      table.key = name;
      break;
    }
  }
  if (table.key.empty()) {
    // Every alias of the rowid is a column name: the INTEGER PRIMARY KEY is the rowid.
    for (const auto& [order, index] : pk) table.pk.push_back(index);
  }
  return Status::Ok();
}

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

// --- capturing rows -------------------------------------------------------------------

void TriggerEngine::RowFunction(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  static_cast<TriggerEngine*>(sqlite3_user_data(ctx))->OnRow(argc, argv);
}

void TriggerEngine::OnRow(int argc, sqlite3_value** argv) {
  if (argc < 2 || depth_ == 0) return;  // a row changed outside any statement we run
  int64_t k = sqlite3_value_int64(argv[0]);
  int64_t offset = sqlite3_value_int64(argv[1]);
  if (k < 0 || k >= static_cast<int64_t>(hooks_.size())) return;
  const Hook& hook = hooks_[k];
  Frame& frame = *frames_[depth_ - 1];
  int total = hook.ncols * ((hook.has_old ? 1 : 0) + (hook.has_new ? 1 : 0));
  RowEvent& e = frame.partial;
  if (offset == 0) {
    // An event left unfinished (a statement interrupted between its chunks) is dropped.
    if (frame.partial_filled >= 0) frame.values.resize(e.at);
    e.hook = static_cast<int>(k);
    e.at = frame.values.size();
    frame.partial_filled = 0;
  } else if (frame.partial_filled != offset || e.hook != k) {
    return;
  }
  // _sprocket_row is registered as SQLITE_UTF8: its arguments' text is UTF-8.
  for (int i = 2; i < argc; ++i) AppendValueFromSqlite(frame.values, argv[i], /*utf8=*/true);
  frame.partial_filled += argc - 2;
  if (frame.partial_filled < total) return;
  frame.partial_filled = -1;
  FinishEvent(frame, static_cast<int>(k), e.at);
}

void TriggerEngine::PreUpdate(void* self, sqlite3*, int op, const char* db_name, const char* table,
                              sqlite3_int64, sqlite3_int64) {
  static_cast<TriggerEngine*>(self)->OnPreUpdate(op, db_name, table);
}

void TriggerEngine::OnPreUpdate(int op, const char* db_name, const char* table) {
  if (depth_ == 0 || sqlite3_stricmp(db_name, "main") != 0) return;
  sql::DmlOp dml = op == SQLITE_INSERT   ? sql::DmlOp::kInsert
                   : op == SQLITE_UPDATE ? sql::DmlOp::kUpdate
                                         : sql::DmlOp::kDelete;
  int k = -1;
  for (const PreUpdateTable& t : preupdate_tables_) {
    if (sqlite3_stricmp(t.name.c_str(), table) == 0) {
      k = t.hooks[OpIndex(dml)];
      break;
    }
  }
  if (k < 0) return;
  const Hook& hook = hooks_[k];
  Frame& frame = *frames_[depth_ - 1];
  size_t at = frame.values.size();
  sqlite3* handle = db();
  for (int side = 0; side < 2; ++side) {
    if (side == 0 ? !hook.has_old : !hook.has_new) continue;
    for (int c = 0; c < hook.ncols; ++c) {
      sqlite3_value* v = nullptr;
      int rc =
          side == 0 ? sqlite3_preupdate_old(handle, c, &v) : sqlite3_preupdate_new(handle, c, &v);
      if (rc != SQLITE_OK || v == nullptr) {
        frame.values.emplace_back();
      } else {
        AppendValueFromSqlite(frame.values, v, utf8_.value_or(false));
      }
    }
  }
  FinishEvent(frame, k, at);
}

void TriggerEngine::FinishEvent(Frame& frame, int k, size_t at) {
  const Hook& hook = hooks_[k];
  if (hook.capture) {
    Capture* c = CaptureFor(frame, hook.table, hook.op);
    auto first = frame.values.begin() + static_cast<ptrdiff_t>(at);
    auto row = [&](ptrdiff_t from) {
      return runtime::RowData{hook.table->columns,
                              std::vector<Value>(first + from, first + from + hook.ncols)};
    };
    if (hook.has_old) c->old_rows.push_back(row(0));
    if (hook.has_new) c->new_rows.push_back(row(hook.has_old ? hook.ncols : 0));
  }
  if (!hook.after->empty()) {
    frame.events.push_back(RowEvent{k, at});
  } else {
    frame.values.resize(at);
  }
}

TriggerEngine::Capture* TriggerEngine::CaptureFor(Frame& frame, TriggerTable* table,
                                                  sql::DmlOp op) {
  for (Capture& c : frame.captures) {
    if (c.table == table && c.op == op) return &c;
  }
  frame.captures.push_back(Capture{table, op, {}, {}});
  return &frame.captures.back();
}

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
