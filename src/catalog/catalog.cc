#include "catalog/catalog.h"

#include <nlohmann/json.hpp>

#include "common/sqlite_util.h"
#include "common/strings.h"
#include "sql/lexer.h"

namespace sprocket::catalog {

namespace {

using nlohmann::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE _sprocket_meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE _sprocket_functions(
  name TEXT NOT NULL PRIMARY KEY COLLATE NOCASE,
  entry_point TEXT NOT NULL,
  kind TEXT NOT NULL,
  language TEXT NOT NULL,
  params TEXT NOT NULL,
  returns TEXT NOT NULL,
  arguments TEXT NOT NULL,
  returns_text TEXT NOT NULL,
  volatility TEXT NOT NULL,
  strict INTEGER NOT NULL,
  body_kind TEXT NOT NULL,
  source BLOB,
  file_path TEXT,
  source_line INTEGER NOT NULL,
  security_policy TEXT NOT NULL,
  max_memory_bytes INTEGER,
  max_cpu_time_ms INTEGER,
  max_instructions INTEGER,
  max_wall_time_ms INTEGER,
  jit_level TEXT NOT NULL,
  hot_reload INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE _sprocket_triggers(
  table_name TEXT NOT NULL COLLATE NOCASE,
  name TEXT NOT NULL COLLATE NOCASE,
  timing TEXT NOT NULL,
  events TEXT NOT NULL,
  events_text TEXT NOT NULL,
  level TEXT NOT NULL,
  for_all INTEGER NOT NULL,
  referencing TEXT NOT NULL,
  when_condition TEXT,
  function_name TEXT COLLATE NOCASE,
  arguments TEXT NOT NULL,
  language TEXT,
  source TEXT,
  source_line INTEGER NOT NULL,
  security_policy TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  definition TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY(table_name, name)
) WITHOUT ROWID;
CREATE TABLE _sprocket_capabilities(
  owner_kind TEXT NOT NULL,
  owner TEXT NOT NULL COLLATE NOCASE,
  owner_table TEXT NOT NULL COLLATE NOCASE,
  capability TEXT NOT NULL,
  target TEXT NOT NULL,
  granted_at TEXT NOT NULL,
  PRIMARY KEY(owner_kind, owner, owner_table, capability, target)
) WITHOUT ROWID;
CREATE VIEW sprocket_triggers AS
  SELECT name, table_name, timing, events_text AS events, level, when_condition,
         function_name AS function, arguments, language, enabled, definition, created_at
  FROM _sprocket_triggers;
CREATE VIEW sprocket_capabilities AS
  SELECT owner_kind, owner, NULLIF(owner_table, '') AS table_name, capability, target,
         granted_at
  FROM _sprocket_capabilities;
)sql";

// Created with the tables, and again by the migration that changes its columns.
constexpr const char* kFunctionsView = R"sql(
CREATE VIEW sprocket_functions AS
  SELECT name, kind, language, arguments, returns_text AS returns, volatility,
         strict, security_policy, max_memory_bytes, max_cpu_time_ms, max_instructions,
         jit_level, hot_reload,
         CASE body_kind WHEN 'source' THEN source WHEN 'file' THEN source ELSE NULL END AS source,
         definition, created_at, updated_at, max_wall_time_ms
  FROM _sprocket_functions;
)sql";

// The steps from each older format to the next, in order.
struct MigrationStep {
  int to;
  const char* sql;
};
constexpr MigrationStep kMigrations[] = {
    {2,
     "ALTER TABLE _sprocket_functions ADD COLUMN max_wall_time_ms INTEGER;"
     "DROP VIEW IF EXISTS sprocket_functions;"},
};

constexpr const char* kNow = "strftime('%Y-%m-%d %H:%M:%f', 'now')";

const char* KindName(runtime::FunctionKind kind) {
  switch (kind) {
    case runtime::FunctionKind::kScalar:
      return "function";
    case runtime::FunctionKind::kTable:
      return "function";
    case runtime::FunctionKind::kTrigger:
      return "function";
    case runtime::FunctionKind::kProcedure:
      return "procedure";
  }
  return "function";
}

const char* VolatilityName(runtime::Volatility v) {
  switch (v) {
    case runtime::Volatility::kImmutable:
      return "IMMUTABLE";
    case runtime::Volatility::kStable:
      return "STABLE";
    case runtime::Volatility::kVolatile:
      return "VOLATILE";
  }
  return "VOLATILE";
}

json ParamsJson(const std::vector<runtime::Param>& params) {
  json out = json::array();
  for (const runtime::Param& p : params)
    out.push_back({{"name", p.name}, {"type", p.declared_type}});
  return out;
}

Result<std::vector<runtime::Param>> ParamsFromJson(const json& j) {
  std::vector<runtime::Param> out;
  for (const json& p : j) {
    runtime::Param param;
    param.name = p.at("name").get<std::string>();
    param.declared_type = p.at("type").get<std::string>();
    SPROCKET_ASSIGN_OR_RETURN(param.type, runtime::ParseSqlType(param.declared_type));
    out.push_back(std::move(param));
  }
  return out;
}

json ReturnsJson(const runtime::FunctionDef& def) {
  switch (def.kind) {
    case runtime::FunctionKind::kScalar:
      return {{"kind", "scalar"}, {"type", def.return_declared}};
    case runtime::FunctionKind::kTrigger:
      return {{"kind", "trigger"}};
    case runtime::FunctionKind::kProcedure:
      return {{"kind", "void"}};
    case runtime::FunctionKind::kTable:
      if (!def.return_declared.empty()) return {{"kind", "setof"}, {"type", def.return_declared}};
      return {{"kind", "table"}, {"columns", ParamsJson(def.return_columns)}};
  }
  return {};
}

const char* OpName(sql::TriggerOp op) {
  switch (op) {
    case sql::TriggerOp::kInsert:
      return "INSERT";
    case sql::TriggerOp::kUpdate:
      return "UPDATE";
    case sql::TriggerOp::kDelete:
      return "DELETE";
  }
  return "INSERT";
}

// Column text of the current row, "" for NULL.
std::string Text(sqlite3_stmt* stmt, int column) {
  const unsigned char* p = sqlite3_column_text(stmt, column);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt, column))
           : std::string();
}

Status Corrupt(std::string_view what, std::string_view name, std::string_view why) {
  return Status(StatusCode::kInternal, "the Sprocket catalog entry for " + std::string(what) +
                                           " \"" + std::string(name) +
                                           "\" is unreadable: " + std::string(why));
}

Status StepDone(sqlite3* db, sqlite3_stmt* stmt) {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return SqliteError(db, rc);
  return Status::Ok();
}

Status Bind(sqlite3* db, sqlite3_stmt* stmt, const std::vector<Value>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    int rc = BindValue(stmt, static_cast<int>(i) + 1, values[i]);
    if (rc != SQLITE_OK) return SqliteError(db, rc);
  }
  return Status::Ok();
}

Value OptionalInt(int64_t v) { return v ? Value(v) : Value(); }

// JSON text of `j` as a catalog value. Text that is not UTF-8 is refused before it gets
// here (Ddl); should any arrive, it is replaced rather than thrown as an exception.
Value JsonText(const json& j) {
  return Value(j.dump(-1, ' ', false, json::error_handler_t::replace));
}

Result<FunctionRecord> ReadFunction(sqlite3_stmt* s) {
  FunctionRecord r;
  runtime::FunctionDef& d = r.def;
  d.name = Text(s, 0);
  std::string kind = Text(s, 1);
  d.language = Text(s, 2);
  try {
    SPROCKET_ASSIGN_OR_RETURN(d.params, ParamsFromJson(json::parse(Text(s, 3))));
    json ret = json::parse(Text(s, 4));
    std::string rk = ret.at("kind").get<std::string>();
    if (kind == "procedure") {
      d.kind = runtime::FunctionKind::kProcedure;
    } else if (rk == "trigger") {
      d.kind = runtime::FunctionKind::kTrigger;
    } else if (rk == "scalar" || rk == "setof") {
      d.kind = rk == "scalar" ? runtime::FunctionKind::kScalar : runtime::FunctionKind::kTable;
      d.return_declared = ret.at("type").get<std::string>();
      SPROCKET_ASSIGN_OR_RETURN(d.return_type, runtime::ParseSqlType(d.return_declared));
    } else if (rk == "table") {
      d.kind = runtime::FunctionKind::kTable;
      SPROCKET_ASSIGN_OR_RETURN(d.return_columns, ParamsFromJson(ret.at("columns")));
    } else {
      return Corrupt("function", d.name, "unknown return kind " + rk);
    }
  } catch (const json::exception& e) {
    return Corrupt("function", d.name, e.what());
  }
  std::string vol = Text(s, 5);
  d.volatility = vol == "IMMUTABLE" ? runtime::Volatility::kImmutable
                 : vol == "STABLE"  ? runtime::Volatility::kStable
                                    : runtime::Volatility::kVolatile;
  d.strict = sqlite3_column_int(s, 6) != 0;
  std::string body_kind = Text(s, 7);
  const char* src = static_cast<const char*>(sqlite3_column_blob(s, 8));
  d.source.assign(src ? src : "", sqlite3_column_bytes(s, 8));
  d.source_is_binary = body_kind == "binary";
  d.file_path = Text(s, 9);
  d.source_line = sqlite3_column_int(s, 10);
  auto policy = security::ParsePolicy(Text(s, 11));
  if (!policy.ok()) return Corrupt("function", d.name, policy.status().message());
  r.policy = *policy;
  d.limits.max_memory_bytes = sqlite3_column_int64(s, 12);
  d.limits.max_cpu_time_ms = sqlite3_column_int64(s, 13);
  d.limits.max_instructions = sqlite3_column_int64(s, 14);
  std::string jit = Text(s, 15);
  d.jit_level = jit == "low_latency" ? runtime::JitLevel::kLowLatency
                : jit == "fast"      ? runtime::JitLevel::kFast
                                     : runtime::JitLevel::kBalanced;
  d.hot_reload = sqlite3_column_int(s, 16) != 0;
  r.created_at = Text(s, 17);
  r.updated_at = Text(s, 18);
  d.entry_point = Text(s, 19);
  if (d.entry_point.empty()) d.entry_point = d.name;
  d.limits.max_wall_time_ms = sqlite3_column_int64(s, 20);
  return r;
}

Result<TriggerRecord> ReadTrigger(sqlite3_stmt* s) {
  TriggerRecord t;
  t.table = Text(s, 0);
  t.name = Text(s, 1);
  std::string timing = Text(s, 2);
  t.timing = timing == "BEFORE"       ? sql::TriggerTiming::kBefore
             : timing == "AFTER"      ? sql::TriggerTiming::kAfter
             : timing == "INSTEAD OF" ? sql::TriggerTiming::kInsteadOf
                                      : sql::TriggerTiming::kAfterCommit;
  try {
    for (const json& e : json::parse(Text(s, 3))) {
      sql::TriggerEvent ev;
      std::string op = e.at("op").get<std::string>();
      ev.op = op == "INSERT"   ? sql::TriggerOp::kInsert
              : op == "UPDATE" ? sql::TriggerOp::kUpdate
                               : sql::TriggerOp::kDelete;
      ev.columns = e.at("columns").get<std::vector<std::string>>();
      t.events.push_back(std::move(ev));
    }
    for (const json& r : json::parse(Text(s, 6))) {
      t.referencing.push_back({r.at("new").get<bool>(), r.at("name").get<std::string>()});
    }
    t.arguments = json::parse(Text(s, 9)).get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    return Corrupt("trigger", t.name, e.what());
  }
  t.level = Text(s, 4) == "ROW" ? sql::TriggerLevel::kRow : sql::TriggerLevel::kStatement;
  t.for_all = sqlite3_column_int(s, 5) != 0;
  t.when = Text(s, 7);
  t.function = Text(s, 8);
  t.language = Text(s, 10);
  t.source = Text(s, 11);
  t.source_line = sqlite3_column_int(s, 12);
  auto policy = security::ParsePolicy(Text(s, 13));
  if (!policy.ok()) return Corrupt("trigger", t.name, policy.status().message());
  t.policy = *policy;
  t.enabled = sqlite3_column_int(s, 14) != 0;
  t.created_at = Text(s, 15);
  return t;
}

}  // namespace

Status Catalog::Exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    Status st(StatusCodeFromSqlite(rc), err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return st;
  }
  return Status::Ok();
}

Result<bool> Catalog::Exists() {
  SPROCKET_ASSIGN_OR_RETURN(ResultSet rs,
                            RunStatement(db_,
                                         "SELECT count(*) FROM sqlite_schema WHERE type = 'table' "
                                         "AND name = '_sprocket_meta'"));
  return rs.rows[0][0].integer() > 0;
}

Status Catalog::Bootstrap() {
  SPROCKET_ASSIGN_OR_RETURN(bool exists, Exists());
  if (!exists) {
    SPROCKET_RETURN_IF_ERROR(Exec(kSchema));
    SPROCKET_RETURN_IF_ERROR(Exec(kFunctionsView));
    return Exec("INSERT INTO _sprocket_meta VALUES ('format', '" + std::to_string(kCatalogFormat) +
                "'), ('version', lower(hex(randomblob(16))))");
  }
  SPROCKET_ASSIGN_OR_RETURN(int64_t format, Format());
  if (format > kCatalogFormat) {
    return Status(StatusCode::kNotSupported, "the database's Sprocket catalog has format " +
                                                 std::to_string(format) +
                                                 ", newer than this build understands (" +
                                                 std::to_string(kCatalogFormat) + ")");
  }
  return Status::Ok();
}

Result<int64_t> Catalog::Format() {
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet rs, RunStatement(db_, "SELECT value FROM _sprocket_meta WHERE key = 'format'"));
  if (rs.rows.empty()) {
    return Status(StatusCode::kInvalidArgument, "the Sprocket catalog has no format entry");
  }
  return static_cast<int64_t>(std::atoll(rs.rows[0][0].ToString().c_str()));
}

Status Catalog::Migrate() {
  SPROCKET_ASSIGN_OR_RETURN(int64_t format, Format());
  if (format >= kCatalogFormat) return Status::Ok();
  for (const MigrationStep& step : kMigrations) {
    if (step.to <= format) continue;
    Status st = Exec(step.sql);
    if (!st.ok()) {
      return st.WithContext("migrating the Sprocket catalog to format " + std::to_string(step.to));
    }
    format = step.to;
  }
  SPROCKET_RETURN_IF_ERROR(Exec("DROP VIEW IF EXISTS sprocket_functions"));
  SPROCKET_RETURN_IF_ERROR(Exec(kFunctionsView));
  SPROCKET_RETURN_IF_ERROR(Exec("UPDATE _sprocket_meta SET value = '" +
                                std::to_string(kCatalogFormat) + "' WHERE key = 'format'"));
  return BumpVersion();
}

Result<std::string> Catalog::ReadToken() {
  SPROCKET_ASSIGN_OR_RETURN(
      StmtPtr stmt, PrepareOne(db_, "SELECT value FROM _sprocket_meta WHERE key = 'version'"));
  int rc = sqlite3_step(stmt.get());
  if (rc == SQLITE_ROW) return Text(stmt.get(), 0);
  if (rc == SQLITE_DONE) return std::string();
  return SqliteError(db_, rc);
}

Status Catalog::BumpVersion() {
  return Exec("UPDATE _sprocket_meta SET value = lower(hex(randomblob(16))) WHERE key = 'version'");
}

Result<std::shared_ptr<const CatalogSnapshot>> Catalog::Load() {
  SPROCKET_ASSIGN_OR_RETURN(std::string token, ReadToken());
  // A read-only Database may hold a catalog of format 1 (not migrated): no wall-time limits.
  SPROCKET_ASSIGN_OR_RETURN(ResultSet columns,
                            RunStatement(db_,
                                         "SELECT 1 FROM pragma_table_xinfo('_sprocket_functions') "
                                         "WHERE name = 'max_wall_time_ms'"));
  const bool wall = !columns.rows.empty();
  std::vector<FunctionRecord> functions;
  {
    SPROCKET_ASSIGN_OR_RETURN(
        StmtPtr s, PrepareOne(db_,
                              "SELECT name, kind, language, params, returns, volatility, "
                              "strict, body_kind, source, file_path, source_line, "
                              "security_policy, max_memory_bytes, max_cpu_time_ms, "
                              "max_instructions, jit_level, hot_reload, created_at, "
                              "updated_at, entry_point, " +
                                  std::string(wall ? "max_wall_time_ms" : "NULL") +
                                  " FROM _sprocket_functions ORDER BY name"));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      SPROCKET_ASSIGN_OR_RETURN(FunctionRecord r, ReadFunction(s.get()));
      functions.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc);
  }
  std::vector<TriggerRecord> triggers;
  {
    SPROCKET_ASSIGN_OR_RETURN(
        StmtPtr s, PrepareOne(db_,
                              "SELECT table_name, name, timing, events, level, for_all, "
                              "referencing, when_condition, function_name, arguments, "
                              "language, source, source_line, security_policy, enabled, "
                              "created_at FROM _sprocket_triggers ORDER BY table_name, name"));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      SPROCKET_ASSIGN_OR_RETURN(TriggerRecord t, ReadTrigger(s.get()));
      triggers.push_back(std::move(t));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc);
  }
  std::vector<CapabilityRecord> grants;
  {
    SPROCKET_ASSIGN_OR_RETURN(
        StmtPtr s, PrepareOne(db_,
                              "SELECT owner_kind, owner, owner_table, capability, target, "
                              "granted_at FROM _sprocket_capabilities "
                              "ORDER BY owner_kind, owner, owner_table, capability, target"));
    int rc;
    while ((rc = sqlite3_step(s.get())) == SQLITE_ROW) {
      CapabilityRecord g;
      g.owner_kind = Text(s.get(), 0) == "trigger" ? OwnerKind::kTrigger : OwnerKind::kFunction;
      g.owner = Text(s.get(), 1);
      g.owner_table = Text(s.get(), 2);
      auto kind = security::ParseCapabilityKind(Text(s.get(), 3));
      if (!kind.ok()) return Corrupt("capability of", g.owner, kind.status().message());
      g.capability = {*kind, Text(s.get(), 4)};
      g.granted_at = Text(s.get(), 5);
      grants.push_back(std::move(g));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc);
  }
  return std::shared_ptr<const CatalogSnapshot>(std::make_shared<CatalogSnapshot>(
      std::move(token), std::move(functions), std::move(triggers), std::move(grants)));
}

Status Catalog::PutFunction(const FunctionRecord& r) {
  const runtime::FunctionDef& d = r.def;
  std::string sql =
      std::string(
          "INSERT INTO _sprocket_functions (name, kind, language, params, returns, arguments, "
          "returns_text, volatility, strict, body_kind, source, file_path, source_line, "
          "security_policy, max_memory_bytes, max_cpu_time_ms, max_instructions, jit_level, "
          "hot_reload, definition, entry_point, max_wall_time_ms, created_at, updated_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
          "?18, ?19, ?20, ?21, ?22, ") +
      kNow + ", " + kNow +
      ") ON CONFLICT(name) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
      "language = excluded.language, params = excluded.params, returns = excluded.returns, "
      "arguments = excluded.arguments, returns_text = excluded.returns_text, "
      "volatility = excluded.volatility, strict = excluded.strict, "
      "body_kind = excluded.body_kind, source = excluded.source, "
      "file_path = excluded.file_path, source_line = excluded.source_line, "
      "security_policy = excluded.security_policy, "
      "max_memory_bytes = excluded.max_memory_bytes, "
      "max_cpu_time_ms = excluded.max_cpu_time_ms, "
      "max_instructions = excluded.max_instructions, "
      "max_wall_time_ms = excluded.max_wall_time_ms, jit_level = excluded.jit_level, "
      "hot_reload = excluded.hot_reload, definition = excluded.definition, "
      "entry_point = excluded.entry_point, updated_at = excluded.updated_at";
  SPROCKET_ASSIGN_OR_RETURN(StmtPtr s, PrepareOne(db_, sql));
  std::string body_kind = !d.file_path.empty() ? "file" : d.source_is_binary ? "binary" : "source";
  Value source = d.source_is_binary ? Value::FromBlob(d.source) : Value(d.source);
  SPROCKET_RETURN_IF_ERROR(Bind(db_, s.get(),
                                {Value(d.name),
                                 Value(KindName(d.kind)),
                                 Value(d.language),
                                 JsonText(ParamsJson(d.params)),
                                 JsonText(ReturnsJson(d)),
                                 Value(r.ArgumentsText()),
                                 Value(r.ReturnsText()),
                                 Value(VolatilityName(d.volatility)),
                                 Value(d.strict ? 1 : 0),
                                 Value(body_kind),
                                 source,
                                 d.file_path.empty() ? Value() : Value(d.file_path),
                                 Value(d.source_line),
                                 Value(security::PolicyName(r.policy)),
                                 OptionalInt(d.limits.max_memory_bytes),
                                 OptionalInt(d.limits.max_cpu_time_ms),
                                 OptionalInt(d.limits.max_instructions),
                                 Value(runtime::JitLevelName(d.jit_level)),
                                 Value(d.hot_reload ? 1 : 0),
                                 Value(r.Definition()),
                                 Value(d.entry_point.empty() ? d.name : d.entry_point),
                                 OptionalInt(d.limits.max_wall_time_ms)}));
  SPROCKET_RETURN_IF_ERROR(StepDone(db_, s.get()));
  return BumpVersion();
}

Status Catalog::DeleteFunction(std::string_view name) {
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(db_, "DELETE FROM _sprocket_functions WHERE name = ?1", {Value(name)}).status());
  SPROCKET_RETURN_IF_ERROR(DeleteCapabilitiesOf(OwnerKind::kFunction, name, ""));
  return BumpVersion();
}

Status Catalog::RenameFunction(std::string_view name, std::string_view new_name) {
  SPROCKET_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> snapshot, Load());
  const FunctionRecord* f = snapshot->FindFunction(name);
  if (f == nullptr)
    return Status(StatusCode::kNotFound, "function \"" + std::string(name) + "\" does not exist");
  FunctionRecord renamed = *f;
  renamed.def.name = std::string(new_name);
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(db_, "DELETE FROM _sprocket_functions WHERE name = ?1", {Value(name)}).status());
  SPROCKET_RETURN_IF_ERROR(PutFunction(renamed));
  for (const TriggerRecord* t : snapshot->TriggersUsing(name)) {
    TriggerRecord moved = *t;
    moved.function = std::string(new_name);
    SPROCKET_RETURN_IF_ERROR(PutTrigger(moved));
  }
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(db_,
                   "UPDATE _sprocket_capabilities SET owner = ?2 WHERE owner_kind = "
                   "'function' AND owner = ?1",
                   {Value(name), Value(new_name)})
          .status());
  return BumpVersion();
}

Status Catalog::PutTrigger(const TriggerRecord& t) {
  json events = json::array();
  for (const sql::TriggerEvent& e : t.events) {
    events.push_back({{"op", OpName(e.op)}, {"columns", e.columns}});
  }
  json referencing = json::array();
  for (const sql::Referencing& r : t.referencing) {
    referencing.push_back({{"new", r.is_new}, {"name", r.name}});
  }
  std::string sql =
      std::string(
          "INSERT OR REPLACE INTO _sprocket_triggers (table_name, name, timing, events, "
          "events_text, level, for_all, referencing, when_condition, function_name, arguments, "
          "language, source, source_line, security_policy, enabled, definition, created_at) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, "
          "coalesce(?18, ") +
      kNow + "))";
  SPROCKET_ASSIGN_OR_RETURN(StmtPtr s, PrepareOne(db_, sql));
  SPROCKET_RETURN_IF_ERROR(Bind(
      db_, s.get(),
      {Value(t.table), Value(t.name), Value(t.TimingText()), JsonText(events),
       Value(t.EventsText()), Value(t.LevelText()), Value(t.for_all ? 1 : 0), JsonText(referencing),
       t.when.empty() ? Value() : Value(t.when), t.function.empty() ? Value() : Value(t.function),
       JsonText(json(t.arguments)), t.language.empty() ? Value() : Value(t.language),
       t.is_inline() ? Value(t.source) : Value(), Value(t.source_line),
       Value(security::PolicyName(t.policy)), Value(t.enabled ? 1 : 0), Value(t.Definition()),
       t.created_at.empty() ? Value() : Value(t.created_at)}));
  SPROCKET_RETURN_IF_ERROR(StepDone(db_, s.get()));
  return BumpVersion();
}

Status Catalog::DeleteTrigger(std::string_view table, std::string_view name) {
  SPROCKET_RETURN_IF_ERROR(RunStatement(db_,
                                        "DELETE FROM _sprocket_triggers WHERE table_name = ?1 "
                                        "AND name = ?2",
                                        {Value(table), Value(name)})
                               .status());
  SPROCKET_RETURN_IF_ERROR(DeleteCapabilitiesOf(OwnerKind::kTrigger, name, table));
  return BumpVersion();
}

Status Catalog::DeleteTriggersOn(std::string_view table) {
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(db_, "DELETE FROM _sprocket_triggers WHERE table_name = ?1", {Value(table)})
          .status());
  SPROCKET_RETURN_IF_ERROR(RunStatement(db_,
                                        "DELETE FROM _sprocket_capabilities WHERE owner_kind = "
                                        "'trigger' AND owner_table = ?1",
                                        {Value(table)})
                               .status());
  return BumpVersion();
}

Status Catalog::RenameTable(std::string_view table, std::string_view new_name) {
  SPROCKET_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> snapshot, Load());
  std::vector<const TriggerRecord*> triggers = snapshot->TriggersOn(table);
  if (triggers.empty()) return Status::Ok();
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(db_, "DELETE FROM _sprocket_triggers WHERE table_name = ?1", {Value(table)})
          .status());
  for (const TriggerRecord* t : triggers) {
    TriggerRecord moved = *t;
    moved.table = std::string(new_name);
    SPROCKET_RETURN_IF_ERROR(PutTrigger(moved));
  }
  return RunStatement(db_,
                      "UPDATE _sprocket_capabilities SET owner_table = ?2 WHERE owner_kind = "
                      "'trigger' AND owner_table = ?1",
                      {Value(table), Value(new_name)})
      .status();
}

namespace {

// `when` with every NEW.column / OLD.column reference renamed.
std::string RenameInCondition(const std::string& when, std::string_view column,
                              std::string_view new_name) {
  auto tokens = sql::Tokenize(when);
  if (!tokens.ok()) return when;
  const std::vector<sql::Token>& t = *tokens;
  std::string out;
  size_t copied = 0;
  for (size_t i = 2; i < t.size(); ++i) {
    if (t[i].IsName() && EqualsIgnoreCase(t[i].Value(), column) && t[i - 1].Is(".") &&
        (t[i - 2].Is("NEW") || t[i - 2].Is("OLD"))) {
      out.append(when, copied, t[i].position.offset - copied);
      out += QuoteIdentifier(new_name);
      copied = t[i].position.offset + t[i].text.size();
    }
  }
  out.append(when, copied, std::string::npos);
  return out;
}

}  // namespace

Status Catalog::RenameColumn(std::string_view table, std::string_view column,
                             std::string_view new_name) {
  SPROCKET_ASSIGN_OR_RETURN(std::shared_ptr<const CatalogSnapshot> snapshot, Load());
  for (const TriggerRecord* t : snapshot->TriggersOn(table)) {
    TriggerRecord changed = *t;
    for (sql::TriggerEvent& e : changed.events) {
      for (std::string& c : e.columns) {
        if (EqualsIgnoreCase(c, column)) c = std::string(new_name);
      }
    }
    if (!changed.when.empty()) changed.when = RenameInCondition(changed.when, column, new_name);
    SPROCKET_RETURN_IF_ERROR(PutTrigger(changed));
  }
  return Status::Ok();
}

Status Catalog::Grant(const CapabilityRecord& g) {
  std::string sql = std::string(
                        "INSERT OR IGNORE INTO _sprocket_capabilities (owner_kind, owner, "
                        "owner_table, capability, target, granted_at) VALUES (?1, ?2, ?3, ?4, "
                        "?5, ") +
                    kNow + ")";
  SPROCKET_RETURN_IF_ERROR(
      RunStatement(
          db_, sql,
          {Value(OwnerKindName(g.owner_kind)), Value(g.owner), Value(g.owner_table),
           Value(security::CapabilityKindName(g.capability.kind)), Value(g.capability.target)})
          .status());
  return BumpVersion();
}

Result<int> Catalog::Revoke(const CapabilityRecord& g) {
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet rs,
      RunStatement(
          db_,
          "DELETE FROM _sprocket_capabilities WHERE owner_kind = ?1 AND owner = ?2 AND "
          "owner_table = ?3 AND capability = ?4 AND (target = ?5 OR ?5 = '*')",
          {Value(OwnerKindName(g.owner_kind)), Value(g.owner), Value(g.owner_table),
           Value(security::CapabilityKindName(g.capability.kind)), Value(g.capability.target)}));
  SPROCKET_RETURN_IF_ERROR(BumpVersion());
  return static_cast<int>(rs.rows_affected);
}

Status Catalog::DeleteCapabilitiesOf(OwnerKind kind, std::string_view owner,
                                     std::string_view owner_table) {
  return RunStatement(db_,
                      "DELETE FROM _sprocket_capabilities WHERE owner_kind = ?1 AND owner = ?2 "
                      "AND owner_table = ?3",
                      {Value(OwnerKindName(kind)), Value(owner), Value(owner_table)})
      .status();
}

}  // namespace sprocket::catalog
