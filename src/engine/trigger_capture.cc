// TriggerEngine, AFTER-row capture: the rows SQLite changes reach the engine through the
// TEMP triggers' _sprocket_row function or the pre-update hook and are queued, as events
// with their values, in the frame of the statement in progress (the after-commit queue
// will take its events from here too).
#include <algorithm>

#include "common/strings.h"
#include "engine/guest_call.h"
#include "engine/row_loop.h"
#include "engine/session_impl.h"
#include "engine/triggers.h"
#include "sql/lexer.h"

namespace sprocket {

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

}  // namespace sprocket
