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

void ResultText(sqlite3_context* ctx, const std::string& s) {
  sqlite3_result_text64(ctx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// An eponymous, read-only table over a snapshot of rows taken when a scan starts.
// `Source` says what: its schema, how to take a snapshot from the module's aux pointer,
// each row's columns and rowid.
template <typename Source>
struct SnapshotTable {
  struct Table {
    sqlite3_vtab base;  // first: SQLite casts between the two
    void* aux;
  };
  struct Cursor {
    sqlite3_vtab_cursor base;  // first
    std::vector<typename Source::Row> rows;
    size_t at = 0;
  };
  static Cursor* AsCursor(sqlite3_vtab_cursor* cur) { return reinterpret_cast<Cursor*>(cur); }

  static int Connect(sqlite3* db, void* aux, int, const char* const*, sqlite3_vtab** out, char**) {
    int rc = sqlite3_declare_vtab(db, Source::kSchema);
    if (rc != SQLITE_OK) return rc;
    auto table = std::make_unique<Table>();
    table->aux = aux;
    *out = &table.release()->base;  // owned by SQLite until Disconnect
    return SQLITE_OK;
  }
  static int Disconnect(sqlite3_vtab* vtab) {
    std::unique_ptr<Table> owned(reinterpret_cast<Table*>(vtab));
    return SQLITE_OK;
  }
  static int BestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
    info->estimatedCost = 1000;
    return SQLITE_OK;
  }
  static int Open(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
    auto cursor = std::make_unique<Cursor>();
    *out = &cursor.release()->base;  // owned by SQLite until Close
    return SQLITE_OK;
  }
  static int Close(sqlite3_vtab_cursor* cur) {
    std::unique_ptr<Cursor> owned(AsCursor(cur));
    return SQLITE_OK;
  }
  static int Filter(sqlite3_vtab_cursor* cur, int, const char*, int, sqlite3_value**) {
    AsCursor(cur)->rows = Source::Snapshot(reinterpret_cast<Table*>(cur->pVtab)->aux);
    AsCursor(cur)->at = 0;
    return SQLITE_OK;
  }
  static int Next(sqlite3_vtab_cursor* cur) {
    AsCursor(cur)->at++;
    return SQLITE_OK;
  }
  static int Eof(sqlite3_vtab_cursor* cur) {
    return AsCursor(cur)->at >= AsCursor(cur)->rows.size();
  }
  static int Column(sqlite3_vtab_cursor* cur, sqlite3_context* ctx, int column) {
    Source::Column(ctx, AsCursor(cur)->rows[AsCursor(cur)->at], column);
    return SQLITE_OK;
  }
  static int Rowid(sqlite3_vtab_cursor* cur, sqlite3_int64* rowid) {
    *rowid = Source::Rowid(AsCursor(cur)->rows[AsCursor(cur)->at], AsCursor(cur)->at);
    return SQLITE_OK;
  }
  static constexpr sqlite3_module kModule = {
      /*iVersion=*/0,
      /*xCreate=*/nullptr,  // eponymous only
      Connect,
      BestIndex,
      Disconnect,
      /*xDestroy=*/nullptr,
      Open,
      Close,
      Filter,
      Next,
      Eof,
      Column,
      Rowid,
  };
};

// sprocket_audit: the audit ring.
struct AuditSource {
  using Row = security::AuditEvent;
  static constexpr const char* kSchema =
      "CREATE TABLE x(id INTEGER, time TEXT, event TEXT, subject TEXT, capability TEXT, "
      "target TEXT, detail TEXT)";
  static std::vector<Row> Snapshot(void* aux) {
    return static_cast<security::AuditLog*>(aux)->Snapshot();
  }
  static sqlite3_int64 Rowid(const Row& e, size_t) { return e.id; }
  static void Column(sqlite3_context* ctx, const Row& e, int column);
};

void AuditSource::Column(sqlite3_context* ctx, const Row& e, int column) {
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
}

// sprocket_function_stats: the Database's statistics (this session's calls are merged at
// the end of each statement).
struct StatsSource {
  using Row = FunctionStatsRow;
  static constexpr const char* kSchema =
      "CREATE TABLE x(function TEXT, table_name TEXT, language TEXT, calls INTEGER, "
      "errors INTEGER, total_ms REAL, mean_ms REAL, p50_ms REAL, p99_ms REAL, "
      "instance_hits INTEGER, instance_misses INTEGER, instance_ms REAL, compile_hits INTEGER, "
      "compiles INTEGER, compile_ms REAL, peak_memory_bytes INTEGER, last_error TEXT, "
      "last_error_at TEXT)";
  static std::vector<Row> Snapshot(void* aux) {
    return static_cast<FunctionStats*>(aux)->Snapshot();
  }
  static sqlite3_int64 Rowid(const Row&, size_t index) {
    return static_cast<sqlite3_int64>(index) + 1;
  }
  static void Column(sqlite3_context* ctx, const Row& r, int column);
};

void StatsSource::Column(sqlite3_context* ctx, const Row& r, int column) {
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
      sqlite3_result_double(ctx, r.instance_ms);
      break;
    case 12:
      integer(r.compile_hits);
      break;
    case 13:
      integer(r.compiles);
      break;
    case 14:
      sqlite3_result_double(ctx, r.compile_ms);
      break;
    case 15:
      integer(r.peak_memory);
      break;
    case 16:
      r.last_error.empty() ? sqlite3_result_null(ctx) : ResultText(ctx, r.last_error);
      break;
    case 17:
      r.last_error.empty() ? sqlite3_result_null(ctx)
                           : ResultText(ctx, FormatTime(r.last_error_micros));
      break;
  }
}

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
  int rc =
      sqlite3_create_module_v2(session.db(), "sprocket_audit", &SnapshotTable<AuditSource>::kModule,
                               &session.state().audit(), nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_create_module_v2(session.db(), "sprocket_function_stats",
                                  &SnapshotTable<StatsSource>::kModule, &session.state().stats(),
                                  nullptr);
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
