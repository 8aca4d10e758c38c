#include "engine/virtual_tables.h"

#include <sqlite3.h>

#include <ctime>
#include <memory>
#include <vector>

#include "common/sqlite_util.h"
#include "engine/session_impl.h"
#include "security/audit_log.h"

namespace sprocket {

namespace {

// sprocket_audit: an eponymous, read-only table over the audit ring. Each scan reads a
// snapshot of the ring.
struct AuditTable {
  sqlite3_vtab base;
  security::AuditLog* log;
};

struct AuditCursor {
  sqlite3_vtab_cursor base;
  std::vector<security::AuditEvent> events;
  size_t at = 0;
};

std::string FormatTime(int64_t micros) {
  std::time_t secs = static_cast<std::time_t>(micros / 1000000);
  std::tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lld", static_cast<long long>(micros % 1000000));
  return std::string(buf) + frac;
}

int AuditConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db,
      "CREATE TABLE x(id INTEGER, time TEXT, event TEXT, subject TEXT, capability TEXT, "
      "target TEXT, detail TEXT)");
  if (rc != SQLITE_OK) return rc;
  auto table = std::make_unique<AuditTable>();
  table->log = static_cast<security::AuditLog*>(aux);
  *out = &table.release()->base;  // owned by SQLite until AuditDisconnect
  return SQLITE_OK;
}

int AuditDisconnect(sqlite3_vtab* vtab) {
  std::unique_ptr<AuditTable> owned(reinterpret_cast<AuditTable*>(vtab));
  return SQLITE_OK;
}

int AuditBestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  info->estimatedCost = 1000;
  return SQLITE_OK;
}

int AuditOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto cursor = std::make_unique<AuditCursor>();
  *out = &cursor.release()->base;  // owned by SQLite until AuditClose
  return SQLITE_OK;
}

int AuditClose(sqlite3_vtab_cursor* cur) {
  std::unique_ptr<AuditCursor> owned(reinterpret_cast<AuditCursor*>(cur));
  return SQLITE_OK;
}

int AuditFilter(sqlite3_vtab_cursor* cur, int, const char*, int, sqlite3_value**) {
  auto* cursor = reinterpret_cast<AuditCursor*>(cur);
  cursor->events = reinterpret_cast<AuditTable*>(cur->pVtab)->log->Snapshot();
  cursor->at = 0;
  return SQLITE_OK;
}

int AuditNext(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<AuditCursor*>(cur)->at++;
  return SQLITE_OK;
}

int AuditEof(sqlite3_vtab_cursor* cur) {
  auto* cursor = reinterpret_cast<AuditCursor*>(cur);
  return cursor->at >= cursor->events.size();
}

void ResultText(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

int AuditColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int column) {
  auto* cursor = reinterpret_cast<AuditCursor*>(cur);
  const security::AuditEvent& e = cursor->events[cursor->at];
  switch (column) {
    case 0:
      sqlite3_result_int64(ctx, e.id);
      break;
    case 1:
      ResultText(ctx, FormatTime(e.time_micros));
      break;
    case 2:
      ResultText(ctx, e.event);
      break;
    case 3:
      ResultText(ctx, e.subject);
      break;
    case 4:
      e.capability.empty() ? sqlite3_result_null(ctx) : ResultText(ctx, e.capability);
      break;
    case 5:
      e.target.empty() ? sqlite3_result_null(ctx) : ResultText(ctx, e.target);
      break;
    case 6:
      ResultText(ctx, e.detail);
      break;
  }
  return SQLITE_OK;
}

int AuditRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  auto* cursor = reinterpret_cast<AuditCursor*>(cur);
  *rowid = cursor->events[cursor->at].id;
  return SQLITE_OK;
}

const sqlite3_module kAuditModule = {
    /*iVersion=*/0,
    /*xCreate=*/nullptr,  // eponymous only
    AuditConnect,         AuditBestIndex, AuditDisconnect,
    /*xDestroy=*/nullptr, AuditOpen,      AuditClose,
    AuditFilter,          AuditNext,      AuditEof,
    AuditColumn,          AuditRowid,
};

// sprocket_function_stats: an eponymous, read-only table over the Database's statistics
// (this session's calls are merged at the end of each statement).
struct StatsTable {
  sqlite3_vtab base;
  FunctionStats* stats;
};

struct StatsCursor {
  sqlite3_vtab_cursor base;
  std::vector<FunctionStatsRow> rows;
  size_t at = 0;
};

int StatsConnect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
  int rc = sqlite3_declare_vtab(
      db,
      "CREATE TABLE x(function TEXT, table_name TEXT, language TEXT, calls INTEGER, "
      "errors INTEGER, total_ms REAL, mean_ms REAL, p50_ms REAL, p99_ms REAL, "
      "instance_hits INTEGER, instance_misses INTEGER, compile_hits INTEGER, "
      "compiles INTEGER, compile_ms REAL, peak_memory_bytes INTEGER, last_error TEXT, "
      "last_error_at TEXT)");
  if (rc != SQLITE_OK) return rc;
  auto table = std::make_unique<StatsTable>();
  table->stats = static_cast<FunctionStats*>(aux);
  *out = &table.release()->base;  // owned by SQLite until StatsDisconnect
  return SQLITE_OK;
}

int StatsDisconnect(sqlite3_vtab* vtab) {
  std::unique_ptr<StatsTable> owned(reinterpret_cast<StatsTable*>(vtab));
  return SQLITE_OK;
}

int StatsOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  auto cursor = std::make_unique<StatsCursor>();
  *out = &cursor.release()->base;  // owned by SQLite until StatsClose
  return SQLITE_OK;
}

int StatsClose(sqlite3_vtab_cursor* cur) {
  std::unique_ptr<StatsCursor> owned(reinterpret_cast<StatsCursor*>(cur));
  return SQLITE_OK;
}

int StatsFilter(sqlite3_vtab_cursor* cur, int, const char*, int, sqlite3_value**) {
  auto* cursor = reinterpret_cast<StatsCursor*>(cur);
  cursor->rows = reinterpret_cast<StatsTable*>(cur->pVtab)->stats->Snapshot();
  cursor->at = 0;
  return SQLITE_OK;
}

int StatsNext(sqlite3_vtab_cursor* cur) {
  reinterpret_cast<StatsCursor*>(cur)->at++;
  return SQLITE_OK;
}

int StatsEof(sqlite3_vtab_cursor* cur) {
  auto* cursor = reinterpret_cast<StatsCursor*>(cur);
  return cursor->at >= cursor->rows.size();
}

int StatsColumn(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int column) {
  auto* cursor = reinterpret_cast<StatsCursor*>(cur);
  const FunctionStatsRow& r = cursor->rows[cursor->at];
  auto integer = [&](uint64_t v) { sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(v)); };
  switch (column) {
    case 0:
      ResultText(ctx, r.function);
      break;
    case 1:
      r.table.empty() ? sqlite3_result_null(ctx) : ResultText(ctx, r.table);
      break;
    case 2:
      ResultText(ctx, r.language);
      break;
    case 3:
      integer(r.calls);
      break;
    case 4:
      integer(r.errors);
      break;
    case 5:
      sqlite3_result_double(ctx, r.total_ms);
      break;
    case 6:
      sqlite3_result_double(ctx, r.mean_ms);
      break;
    case 7:
      sqlite3_result_double(ctx, r.p50_ms);
      break;
    case 8:
      sqlite3_result_double(ctx, r.p99_ms);
      break;
    case 9:
      integer(r.instance_hits);
      break;
    case 10:
      integer(r.instance_misses);
      break;
    case 11:
      integer(r.compile_hits);
      break;
    case 12:
      integer(r.compiles);
      break;
    case 13:
      sqlite3_result_double(ctx, r.compile_ms);
      break;
    case 14:
      integer(r.peak_memory);
      break;
    case 15:
      r.last_error.empty() ? sqlite3_result_null(ctx) : ResultText(ctx, r.last_error);
      break;
    case 16:
      r.last_error.empty() ? sqlite3_result_null(ctx)
                           : ResultText(ctx, FormatTime(r.last_error_micros));
      break;
  }
  return SQLITE_OK;
}

int StatsRowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
  *rowid = static_cast<sqlite3_int64>(reinterpret_cast<StatsCursor*>(cur)->at) + 1;
  return SQLITE_OK;
}

const sqlite3_module kStatsModule = {
    /*iVersion=*/0,
    /*xCreate=*/nullptr,  // eponymous only
    StatsConnect,         AuditBestIndex, StatsDisconnect,
    /*xDestroy=*/nullptr, StatsOpen,      StatsClose,
    StatsFilter,          StatsNext,      StatsEof,
    StatsColumn,          StatsRowid,
};

// sprocket_function_stats_reset([name]): forgets the statistics of every function, or of
// the one named. Returns how many functions' statistics it dropped.
void StatsReset(sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* session = static_cast<SessionImpl*>(sqlite3_user_data(ctx));
  if (session->current_guest() != nullptr) {
    sqlite3_result_error(ctx, "permission denied: functions cannot reset statistics", -1);
    return;
  }
  // What this session counted so far is part of what is reset.
  session->FlushStats();
  size_t n;
  if (argc == 0 || sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    n = session->state().stats().Reset();
  } else {
    const unsigned char* text = sqlite3_value_text(argv[0]);
    std::string name(text != nullptr ? reinterpret_cast<const char*>(text) : "");
    n = session->state().stats().Reset(&name);
  }
  sqlite3_result_int64(ctx, static_cast<sqlite3_int64>(n));
}

}  // namespace

Status RegisterVirtualTables(SessionImpl& session) {
  int rc = sqlite3_create_module_v2(session.db(), "sprocket_audit", &kAuditModule,
                                    &session.state().audit(), nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_module_v2(session.db(), "sprocket_function_stats", &kStatsModule,
                                  &session.state().stats(), nullptr);
  }
  for (int arity : {0, 1}) {
    if (rc == SQLITE_OK) {
      rc = sqlite3_create_function_v2(session.db(), "sprocket_function_stats_reset", arity,
                                      SQLITE_UTF8 | SQLITE_DIRECTONLY, &session, StatsReset,
                                      nullptr, nullptr, nullptr);
    }
  }
  if (rc != SQLITE_OK) return SqliteError(session.db(), rc);
  return Status::Ok();
}

}  // namespace sprocket
