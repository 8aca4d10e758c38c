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

}  // namespace

Status RegisterVirtualTables(SessionImpl& session) {
  int rc = sqlite3_create_module_v2(session.db(), "sprocket_audit", &kAuditModule,
                                    &session.state().audit(), nullptr);
  if (rc != SQLITE_OK) return SqliteError(session.db(), rc);
  return Status::Ok();
}

}  // namespace sprocket
