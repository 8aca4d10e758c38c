#include "engine/ddl.h"

#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/strings.h"
#include "engine/host_api_impl.h"
#include "engine/session_impl.h"
#include "engine/table_shape.h"
#include "engine/triggers.h"
#include "runtime/defaults.h"
#include "runtime/types.h"
#include "sql/lexer.h"

namespace sprocket {

namespace {

constexpr int64_t kMaxSourceBytes = 64 << 20;  // AS FILE and inline bodies

Status NotFound(std::string message) { return Status(StatusCode::kNotFound, std::move(message)); }
Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message));
}
std::string Q(std::string_view name) { return QuoteIdentifier(name); }

// SQLite registers functions under names of at most 255 bytes.
constexpr size_t kMaxFunctionNameBytes = 255;
Status CheckFunctionName(std::string_view name) {
  if (name.size() <= kMaxFunctionNameBytes) return Status::Ok();
  return Invalid("function name \"" + std::string(name.substr(0, 32)) + "…\" is too long (" +
                 std::to_string(name.size()) + " bytes; at most " +
                 std::to_string(kMaxFunctionNameBytes) + ")");
}

runtime::Volatility ToRuntime(sql::Volatility v) {
  switch (v) {
    case sql::Volatility::kImmutable:
      return runtime::Volatility::kImmutable;
    case sql::Volatility::kStable:
      return runtime::Volatility::kStable;
    case sql::Volatility::kVolatile:
      return runtime::Volatility::kVolatile;
  }
  return runtime::Volatility::kVolatile;
}

security::CapabilityKind ToSecurity(sql::CapabilityKind k) {
  switch (k) {
    case sql::CapabilityKind::kDatabaseRead:
      return security::CapabilityKind::kDatabaseRead;
    case sql::CapabilityKind::kDatabaseWrite:
      return security::CapabilityKind::kDatabaseWrite;
    case sql::CapabilityKind::kNetworkAccess:
      return security::CapabilityKind::kNetworkAccess;
    case sql::CapabilityKind::kFileRead:
      return security::CapabilityKind::kFileRead;
    case sql::CapabilityKind::kFileWrite:
      return security::CapabilityKind::kFileWrite;
  }
  return security::CapabilityKind::kDatabaseRead;
}

security::Policy ToSecurity(sql::SecurityPolicy p) {
  switch (p) {
    case sql::SecurityPolicy::kMinimal:
      return security::Policy::kMinimal;
    case sql::SecurityPolicy::kDefault:
      return security::Policy::kDefault;
    case sql::SecurityPolicy::kPermissive:
      return security::Policy::kPermissive;
  }
  return security::Policy::kDefault;
}

Result<std::vector<runtime::Param>> ConvertParams(const std::vector<sql::ParamDef>& defs,
                                                  std::string_view what) {
  std::vector<runtime::Param> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < defs.size(); ++i) {
    runtime::Param p;
    p.name = defs[i].name;
    p.declared_type = defs[i].type;
    auto type = runtime::ParseSqlType(defs[i].type);
    if (!type.ok()) {
      return type.status().WithContext(std::string(what) + " " + std::to_string(i + 1) +
                                       (p.name.empty() ? "" : " (" + p.name + ")"));
    }
    p.type = *type;
    if (!p.name.empty() && !seen.insert(ToLower(p.name)).second) {
      return Invalid(std::string(what) + " name \"" + p.name + "\" used more than once");
    }
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::string> ReadSourceFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Status(StatusCode::kNotFound,
                  "could not read file \"" + path + "\": " + std::strerror(errno));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string data = buffer.str();
  if (static_cast<int64_t>(data.size()) > kMaxSourceBytes) {
    return Status(StatusCode::kResourceExhausted,
                  "file \"" + path + "\" is larger than the 64 MiB limit for function sources");
  }
  return data;
}

// Does `condition` mention NEW.x / OLD.x?
void ScanRowReferences(const std::string& condition, bool* uses_new, bool* uses_old) {
  *uses_new = *uses_old = false;
  auto tokens = sql::Tokenize(condition);
  if (!tokens.ok()) return;
  const auto& t = *tokens;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (!t[i + 1].Is(".")) continue;
    if (t[i].Is("NEW")) *uses_new = true;
    if (t[i].Is("OLD")) *uses_old = true;
  }
}

// Settings of ALTER FUNCTION … SET.
Status ApplySetting(const sql::Setting& s, catalog::FunctionRecord* r) {
  auto positive = [&](int64_t* field, int64_t minimum) -> Status {
    const int64_t* v = std::get_if<int64_t>(&s.value.value);
    if (v == nullptr || *v < minimum) {
      return Invalid("setting " + s.name + " expects an integer of at least " +
                     std::to_string(minimum));
    }
    *field = *v;
    return Status::Ok();
  };
  if (s.name == "max_memory_bytes") return positive(&r->def.limits.max_memory_bytes, 1 << 20);
  if (s.name == "max_cpu_time_ms") return positive(&r->def.limits.max_cpu_time_ms, 1);
  if (s.name == "max_instructions") return positive(&r->def.limits.max_instructions, 0);
  if (s.name == "max_wall_time_ms") return positive(&r->def.limits.max_wall_time_ms, 1);
  if (s.name == "hot_reload") {
    const bool* v = std::get_if<bool>(&s.value.value);
    if (v == nullptr) return Invalid("setting hot_reload expects true or false");
    r->def.hot_reload = *v;
    return Status::Ok();
  }
  if (s.name == "jit_level") {
    const std::string* v = std::get_if<std::string>(&s.value.value);
    std::string level = v ? ToLower(*v) : "";
    if (level == "low_latency")
      r->def.jit_level = runtime::JitLevel::kLowLatency;
    else if (level == "balanced")
      r->def.jit_level = runtime::JitLevel::kBalanced;
    else if (level == "fast")
      r->def.jit_level = runtime::JitLevel::kFast;
    else
      return Invalid("setting jit_level expects 'low_latency', 'balanced' or 'fast'");
    return Status::Ok();
  }
  return Invalid("unknown setting \"" + s.name +
                 "\" (expected max_memory_bytes, max_cpu_time_ms, max_wall_time_ms, "
                 "max_instructions, hot_reload or jit_level)");
}

}  // namespace

Ddl::Ddl(SessionImpl& session) : session_(session), catalog_(session.db()) {}

Status Ddl::Run(const sql::ParsedStatement& statement) {
  // Names, arguments and bodies go to the catalog (some as JSON) and to SQLite's function
  // registry: text that is not UTF-8 is refused here, as PostgreSQL refuses it.
  if (size_t bad = InvalidUtf8Offset(statement.text); bad != std::string::npos) {
    sql::Position at = sql::Advance(statement.position, statement.text, static_cast<int>(bad));
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned char>(statement.text[bad]));
    return Invalid(std::string("invalid byte sequence for encoding \"UTF8\": ") + hex +
                   " at line " + std::to_string(at.line) + ", column " + std::to_string(at.column));
  }
  SessionImpl::EngineScope engine(session_);
  return std::visit(
      [&](const auto& node) -> Status {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, sql::CreateFunctionStmt>)
          return CreateFunction(node);
        else if constexpr (std::is_same_v<T, sql::DropFunctionStmt>)
          return DropFunction(node);
        else if constexpr (std::is_same_v<T, sql::AlterFunctionStmt>)
          return AlterFunction(node);
        else if constexpr (std::is_same_v<T, sql::CreateTriggerStmt>)
          return CreateTrigger(node);
        else if constexpr (std::is_same_v<T, sql::DropTriggerStmt>)
          return DropTrigger(node);
        else if constexpr (std::is_same_v<T, sql::AlterTriggerStmt>)
          return AlterTrigger(node);
        else if constexpr (std::is_same_v<T, sql::AlterTableTriggerStmt>)
          return AlterTableTrigger(node);
        else
          return Status(StatusCode::kInternal, "not a catalog statement");
      },
      statement.node);
}

Result<std::string> Ddl::RelationKind(const std::string& name) {
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet rs, RunStatement(session_.db(),
                                 "SELECT type FROM sqlite_schema WHERE type IN ('table', 'view') "
                                 "AND name = ?1 COLLATE NOCASE",
                                 {Value(name)}));
  return rs.rows.empty() ? std::string() : rs.rows[0][0].text();
}

Result<bool> Ddl::HasColumn(const std::string& table, const std::string& column) {
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet rs,
      RunStatement(session_.db(),
                   "SELECT 1 FROM pragma_table_xinfo(?1) WHERE name = ?2 COLLATE NOCASE",
                   {Value(table), Value(column)}));
  return !rs.rows.empty();
}

Result<bool> Ddl::IsBuiltinFunction(const std::string& name) {
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet rs, RunStatement(session_.db(),
                                 "SELECT 1 FROM pragma_function_list WHERE builtin AND name = "
                                 "lower(?1)",
                                 {Value(name)}));
  return !rs.rows.empty();
}

Result<std::string> Ddl::CanonicalLanguage(const std::string& language) {
  runtime::RuntimeRegistry& registry = session_.state().runtimes();
  if (runtime::LanguageRuntime* rt = registry.Find(language)) return std::string(rt->name());
  std::string available = Join(registry.Languages(), ", ");
  if (runtime::IsKnownLanguage(language)) {
    return Status(StatusCode::kNotSupported, "language \"" + language +
                                                 "\" is not available in this build of "
                                                 "Sprocket yet (available: " +
                                                 available + ")");
  }
  return Status(StatusCode::kNotFound,
                "language \"" + language + "\" does not exist (available: " + available + ")");
}

// --- functions ----------------------------------------------------------------------

Status Ddl::CreateFunction(const sql::CreateFunctionStmt& s) {
  std::string what = s.is_procedure ? "procedure" : "function";
  SPROCKET_RETURN_IF_ERROR(CheckFunctionName(s.name));
  catalog::FunctionRecord r;
  runtime::FunctionDef& d = r.def;
  d.name = s.name;
  d.entry_point = s.name;
  SPROCKET_ASSIGN_OR_RETURN(d.language, CanonicalLanguage(s.language));
  SPROCKET_ASSIGN_OR_RETURN(d.params, ConvertParams(s.params, "argument"));
  if (s.is_procedure) {
    d.kind = runtime::FunctionKind::kProcedure;
  } else {
    switch (s.returns.kind) {
      case sql::ReturnKind::kScalar:
        d.kind = runtime::FunctionKind::kScalar;
        break;
      case sql::ReturnKind::kTrigger:
        d.kind = runtime::FunctionKind::kTrigger;
        if (!d.params.empty()) {
          return Invalid(
              "trigger functions cannot have declared arguments (use TG_ARGV for "
              "the trigger's arguments)");
        }
        break;
      case sql::ReturnKind::kTable: {
        d.kind = runtime::FunctionKind::kTable;
        SPROCKET_ASSIGN_OR_RETURN(d.return_columns,
                                  ConvertParams(s.returns.columns, "result column"));
        if (d.return_columns.empty()) return Invalid("RETURNS TABLE needs at least one column");
        break;
      }
      case sql::ReturnKind::kSetof:
        d.kind = runtime::FunctionKind::kTable;
        break;
      case sql::ReturnKind::kVoid:
        d.kind = runtime::FunctionKind::kScalar;
        break;
    }
    if (s.returns.kind == sql::ReturnKind::kScalar || s.returns.kind == sql::ReturnKind::kSetof) {
      d.return_declared = s.returns.type;
      auto type = runtime::ParseSqlType(s.returns.type);
      if (!type.ok()) return type.status().WithContext("return type");
      d.return_type = *type;
    }
  }
  if (d.kind == runtime::FunctionKind::kTable) {
    if (d.params.size() > 30) {
      return Invalid("functions returning TABLE or SETOF take at most 30 arguments");
    }
    SPROCKET_ASSIGN_OR_RETURN(std::string relation, RelationKind(d.name));
    if (!relation.empty()) {
      return Status(StatusCode::kAlreadyExists,
                    "a " + relation + " named " + Q(d.name) +
                        " exists: a function returning TABLE or SETOF needs a name of its own");
    }
  }
  d.volatility = ToRuntime(s.volatility);
  d.strict = s.strict;
  d.source_line = s.body.position.line;
  switch (s.body.kind) {
    case sql::BodyKind::kSource:
      d.source = s.body.text;
      break;
    case sql::BodyKind::kBinary:
      d.source = s.body.text;
      d.source_is_binary = true;
      break;
    case sql::BodyKind::kFile:
      d.file_path = s.body.text;
      SPROCKET_ASSIGN_OR_RETURN(d.source, ReadSourceFile(d.file_path));
      d.source_line = 1;
      break;
  }
  if (static_cast<int64_t>(d.source.size()) > kMaxSourceBytes) {
    return Status(StatusCode::kResourceExhausted,
                  "the body of " + what + " " + Q(d.name) + " is larger than the 64 MiB limit");
  }

  const catalog::FunctionRecord* existing = session_.snapshot().FindFunction(s.name);
  if (existing != nullptr) {
    if (!s.or_replace) {
      return Status(StatusCode::kAlreadyExists, what + " " + Q(s.name) + " already exists");
    }
    if ((existing->def.kind == runtime::FunctionKind::kProcedure) != s.is_procedure) {
      return Invalid("cannot change " + Q(s.name) + " from a " +
                     (s.is_procedure ? "function to a procedure" : "procedure to a function") +
                     " (use DROP first)");
    }
    if (r.ReturnsText() != existing->ReturnsText()) {
      return Invalid("cannot change the return type of existing function " + Q(s.name) + " from " +
                     existing->ReturnsText() + " to " + r.ReturnsText() +
                     " (use DROP FUNCTION first)");
    }
    // CREATE OR REPLACE keeps what ALTER FUNCTION set.
    r.policy = existing->policy;
    d.limits = existing->def.limits;
    d.jit_level = existing->def.jit_level;
    d.hot_reload = existing->def.hot_reload && !d.file_path.empty();
  } else {
    SPROCKET_ASSIGN_OR_RETURN(bool builtin, IsBuiltinFunction(s.name));
    if (builtin) {
      return Status(StatusCode::kAlreadyExists, "function " + Q(s.name) +
                                                    " is a built-in SQLite function and cannot be "
                                                    "replaced");
    }
  }

  runtime::LanguageRuntime* rt = session_.state().runtimes().Find(d.language);
  runtime::CompileOptions options;
  options.checker = &session_.host();
  // Compiled through the L2 cache: the session that registers the function next finds it.
  SPROCKET_RETURN_IF_ERROR(session_.state().Compile(d, *rt, options).status());
  return catalog_.PutFunction(r);
}

namespace {

// "f(INTEGER, TEXT)": how DROP FUNCTION named the function, for its errors.
std::string GivenSignature(const sql::DropFunctionStmt& s) {
  std::string out = s.name + "(";
  for (size_t i = 0; i < s.args->size(); ++i) {
    if (i) out += ", ";
    out += ToUpper((*s.args)[i].type);
  }
  return out + ")";
}

// Whether DROP FUNCTION's argument list names `def`'s signature: the same number of
// arguments, each of the same type (INT and INTEGER alike; names are ignored).
bool SignatureMatches(const sql::DropFunctionStmt& s, const runtime::FunctionDef& def) {
  if (s.args->size() != def.params.size()) return false;
  for (size_t i = 0; i < def.params.size(); ++i) {
    auto given = runtime::ParseSqlType((*s.args)[i].type);
    if (!given.ok() || *given != def.params[i].type) return false;
  }
  return true;
}

}  // namespace

Status Ddl::DropFunction(const sql::DropFunctionStmt& s) {
  std::string what = s.is_procedure ? "procedure" : "function";
  const catalog::FunctionRecord* f = session_.snapshot().FindFunction(s.name);
  if (f != nullptr && s.args && !SignatureMatches(s, f->def)) {
    std::string message = what + " " + GivenSignature(s) + " does not exist";
    std::string has = " (there is " + f->def.name + "(" + f->ArgumentsText() + "))";
    if (s.if_exists) {
      session_.AddNotice(message + ", skipping" + has);
      return Status::Ok();
    }
    return NotFound(message + has);
  }
  if (f == nullptr) {
    std::string named = s.args ? GivenSignature(s) : Q(s.name);
    if (s.if_exists) {
      session_.AddNotice(what + " " + named + " does not exist, skipping");
      return Status::Ok();
    }
    return NotFound(what + " " + named + " does not exist");
  }
  if ((f->def.kind == runtime::FunctionKind::kProcedure) != s.is_procedure) {
    return Invalid(Q(f->def.name) + " is not a " + what);
  }
  std::vector<const catalog::TriggerRecord*> users = session_.snapshot().TriggersUsing(s.name);
  if (!users.empty() && !s.cascade) {
    return Status(StatusCode::kDependentObjects,
                  "cannot drop function " + Q(f->def.name) + " because trigger " +
                      Q(users[0]->name) + " on table " + Q(users[0]->table) +
                      " depends on it (use DROP FUNCTION … CASCADE to drop the triggers too)");
  }
  for (const catalog::TriggerRecord* t : users) {
    SPROCKET_RETURN_IF_ERROR(catalog_.DeleteTrigger(t->table, t->name));
  }
  return catalog_.DeleteFunction(f->def.name);
}

Status Ddl::AlterFunction(const sql::AlterFunctionStmt& s) {
  std::string what = s.is_procedure ? "procedure" : "function";
  const catalog::FunctionRecord* f = session_.snapshot().FindFunction(s.name);
  if (f == nullptr) return NotFound(what + " " + Q(s.name) + " does not exist");
  if ((f->def.kind == runtime::FunctionKind::kProcedure) != s.is_procedure) {
    return Invalid(Q(f->def.name) + " is not a " + what);
  }
  if (const auto* set = std::get_if<sql::SetSettings>(&s.action)) {
    catalog::FunctionRecord r = *f;
    for (const sql::Setting& setting : set->settings) {
      SPROCKET_RETURN_IF_ERROR(ApplySetting(setting, &r));
    }
    NoticeSettings(*set, r.def);
    return catalog_.PutFunction(r);
  }
  if (const auto* rename = std::get_if<sql::RenameTo>(&s.action)) {
    if (session_.snapshot().FindFunction(rename->new_name) != nullptr &&
        !EqualsIgnoreCase(rename->new_name, f->def.name)) {
      return Status(StatusCode::kAlreadyExists,
                    "function " + Q(rename->new_name) + " already exists");
    }
    if (f->def.kind == runtime::FunctionKind::kTable) {
      SPROCKET_ASSIGN_OR_RETURN(std::string relation, RelationKind(rename->new_name));
      if (!relation.empty()) {
        return Status(StatusCode::kAlreadyExists,
                      "a " + relation + " named " + Q(rename->new_name) +
                          " exists: a function returning TABLE or SETOF needs a name of its own");
      }
    }
    SPROCKET_RETURN_IF_ERROR(CheckFunctionName(rename->new_name));
    SPROCKET_ASSIGN_OR_RETURN(bool builtin, IsBuiltinFunction(rename->new_name));
    if (builtin) {
      return Status(StatusCode::kAlreadyExists,
                    "function " + Q(rename->new_name) + " is a built-in SQLite function");
    }
    return catalog_.RenameFunction(f->def.name, rename->new_name);
  }
  return ChangeCapabilities(catalog::OwnerKind::kFunction, f->def.name, "", s.action);
}

void Ddl::NoticeSettings(const sql::SetSettings& set, const runtime::FunctionDef& def) {
  for (const sql::Setting& setting : set.settings) {
    if (setting.name == "hot_reload" && def.hot_reload) {
      session_.AddNotice(
          def.file_path.empty()
              ? "hot_reload has no effect on " + Q(def.name) + ": it was not created AS FILE"
              : "hot_reload is recorded but not implemented yet: " + Q(def.name) +
                    " runs the code read when it was created (CREATE OR REPLACE … AS FILE reads "
                    "the file again)");
    }
    if (setting.name == "max_instructions" && def.limits.max_instructions > 0) {
      runtime::LanguageRuntime* rt = session_.state().runtimes().Find(def.language);
      if (rt == nullptr || !rt->meters_instructions()) {
        session_.AddNotice("max_instructions has no effect on " + def.language +
                           " functions (it meters WebAssembly); their CPU time is limited by "
                           "max_cpu_time_ms");
      }
    }
  }
}

void Ddl::NoticeNoEffectYet(security::CapabilityKind kind) {
  switch (kind) {
    case security::CapabilityKind::kNetworkAccess:
      session_.AddNotice(
          "NETWORK_ACCESS is recorded, but functions cannot reach the network in this version "
          "(there is no fetch yet)");
      break;
    case security::CapabilityKind::kFileRead:
    case security::CapabilityKind::kFileWrite:
      session_.AddNotice(std::string(security::CapabilityKindName(kind)) +
                         " is recorded, but functions cannot reach files in this version (there "
                         "is no ctx.fs yet)");
      break;
    default:
      break;
  }
}

Status Ddl::ChangeCapabilities(catalog::OwnerKind kind, const std::string& owner,
                               const std::string& owner_table, const sql::AlterAction& action) {
  std::string subject = kind == catalog::OwnerKind::kFunction
                            ? "function " + Q(owner)
                            : "trigger " + Q(owner) + " on " + Q(owner_table);
  if (const auto* policy = std::get_if<sql::SetSecurityPolicy>(&action)) {
    security::Policy p = ToSecurity(policy->policy);
    if (kind == catalog::OwnerKind::kFunction) {
      catalog::FunctionRecord r = *session_.snapshot().FindFunction(owner);
      r.policy = p;
      SPROCKET_RETURN_IF_ERROR(catalog_.PutFunction(r));
    } else {
      catalog::TriggerRecord t = *session_.snapshot().FindTrigger(owner_table, owner);
      t.policy = p;
      SPROCKET_RETURN_IF_ERROR(catalog_.PutTrigger(t));
    }
    session_.RecordAudit("policy", subject, "POLICY", security::PolicyName(p),
                         subject + " now runs under the " + security::PolicyName(p) + " policy");
    return Status::Ok();
  }
  const std::vector<sql::CapabilitySpec>* specs = nullptr;
  bool grant = false;
  if (const auto* g = std::get_if<sql::GrantCapabilities>(&action)) {
    specs = &g->capabilities;
    grant = true;
  } else if (const auto* r = std::get_if<sql::RevokeCapabilities>(&action)) {
    specs = &r->capabilities;
  } else {
    return Status(StatusCode::kInternal, "unexpected ALTER action");
  }
  for (const sql::CapabilitySpec& spec : *specs) {
    SPROCKET_ASSIGN_OR_RETURN(security::Capability cap,
                              security::ValidateCapability(ToSecurity(spec.kind), spec.target));
    catalog::CapabilityRecord record{kind, owner, owner_table, cap, ""};
    if (grant) {
      SPROCKET_RETURN_IF_ERROR(catalog_.Grant(record));
      NoticeNoEffectYet(cap.kind);
    } else {
      SPROCKET_ASSIGN_OR_RETURN(int removed, catalog_.Revoke(record));
      if (removed == 0) {
        // PostgreSQL warns, too, when a REVOKE finds nothing to take away.
        session_.AddNotice(subject + " had no " + cap.ToString() + " grant: nothing was revoked",
                           "WARNING");
      }
    }
    session_.RecordAudit(
        grant ? "grant" : "revoke", subject, security::CapabilityKindName(cap.kind), cap.target,
        (grant ? "granted " : "revoked ") + cap.ToString() + (grant ? " to " : " from ") + subject);
  }
  return Status::Ok();
}

// --- triggers -----------------------------------------------------------------------

Status Ddl::CreateTrigger(const sql::CreateTriggerStmt& s) {
  if (StartsWithIgnoreCase(s.name, "_sprocket_")) {
    return Status(StatusCode::kPermissionDenied,
                  "permission denied: trigger names starting with _sprocket_ are reserved");
  }
  if (security::IsSystemTable(s.table)) {
    return Status(StatusCode::kPermissionDenied,
                  "permission denied: cannot create triggers on " + Q(s.table) +
                      ", which is part of the Sprocket catalog or SQLite's internals");
  }
  SPROCKET_ASSIGN_OR_RETURN(std::string kind, RelationKind(s.table));
  if (kind.empty()) return NotFound("table " + Q(s.table) + " does not exist");
  bool is_view = kind == "view";
  bool row = s.level == sql::TriggerLevel::kRow;
  const bool instead = s.timing == sql::TriggerTiming::kInsteadOf;
  if (is_view && !instead && row) {
    return Invalid(Q(s.table) +
                   " is a view: views cannot have row-level BEFORE or AFTER "
                   "triggers (use INSTEAD OF)");
  }
  if (!is_view && instead) {
    return Invalid(Q(s.table) + " is a table: tables cannot have INSTEAD OF triggers");
  }
  if (is_view && s.timing == sql::TriggerTiming::kAfterCommit) {
    return Invalid(Q(s.table) + " is a view: AFTER COMMIT OF triggers need a table");
  }
  if (s.timing == sql::TriggerTiming::kAfterCommit) {
    session_.AddNotice("AFTER COMMIT OF triggers are recorded but do not fire yet in this version");
  }
  if (instead && !row) return Invalid("INSTEAD OF triggers must be FOR EACH ROW");
  if (instead && !s.when.empty()) return Invalid("INSTEAD OF triggers cannot have WHEN conditions");
  bool has_insert = false, has_update = false, has_delete = false;
  for (const sql::TriggerEvent& e : s.events) {
    has_insert |= e.op == sql::TriggerOp::kInsert;
    has_update |= e.op == sql::TriggerOp::kUpdate;
    has_delete |= e.op == sql::TriggerOp::kDelete;
    if (!e.columns.empty() && instead) {
      return Invalid("INSTEAD OF triggers cannot have column lists");
    }
    for (const std::string& c : e.columns) {
      SPROCKET_ASSIGN_OR_RETURN(bool exists, HasColumn(s.table, c));
      if (!exists)
        return NotFound("column " + Q(c) + " of relation " + Q(s.table) + " does not exist");
    }
  }
  bool seen_old = false, seen_new = false;
  for (const sql::Referencing& r : s.referencing) {
    if (s.timing != sql::TriggerTiming::kAfter) {
      return Invalid("transition tables (REFERENCING) can only be specified for AFTER triggers");
    }
    if (r.is_new) {
      if (seen_new) return Invalid("NEW TABLE cannot be specified multiple times");
      if (!has_insert && !has_update) {
        return Invalid("NEW TABLE can only be specified for an INSERT or UPDATE trigger");
      }
      seen_new = true;
    } else {
      if (seen_old) return Invalid("OLD TABLE cannot be specified multiple times");
      if (!has_delete && !has_update) {
        return Invalid("OLD TABLE can only be specified for a DELETE or UPDATE trigger");
      }
      seen_old = true;
    }
  }
  if (!s.when.empty()) {
    bool uses_new = false, uses_old = false;
    ScanRowReferences(s.when, &uses_new, &uses_old);
    if (!row && (uses_new || uses_old)) {
      return Invalid("statement trigger's WHEN condition cannot reference column values");
    }
    if (uses_old && has_insert && !has_update && !has_delete) {
      return Invalid("INSERT trigger's WHEN condition cannot reference OLD values");
    }
    if (uses_new && has_delete && !has_update && !has_insert) {
      return Invalid("DELETE trigger's WHEN condition cannot reference NEW values");
    }
  }

  catalog::TriggerRecord t;
  t.name = s.name;
  t.table = s.table;
  t.timing = s.timing;
  t.events = s.events;
  t.level = s.level;
  t.for_all = s.for_all;
  t.referencing = s.referencing;
  t.when = s.when;
  if (const auto* exec = std::get_if<sql::ExecuteFunction>(&s.action)) {
    const catalog::FunctionRecord* f = session_.snapshot().FindFunction(exec->function);
    if (f == nullptr) return NotFound("function " + Q(exec->function) + " does not exist");
    if (f->def.kind != runtime::FunctionKind::kTrigger) {
      return Invalid("function " + Q(f->def.name) + " must return type trigger");
    }
    t.function = f->def.name;
    t.arguments = exec->args;
  } else {
    const auto& body = std::get<sql::InlineBody>(s.action);
    SPROCKET_ASSIGN_OR_RETURN(t.language, CanonicalLanguage(body.language));
    if (body.body.kind != sql::BodyKind::kSource) {
      return Invalid("an inline trigger body must be source text ($$…$$ or '…')");
    }
    t.source = body.body.text;
    t.source_line = body.body.position.line;
    // The body as the trigger engine will compile it (the same L2 key).
    const runtime::FunctionDef def = InlineTriggerFunction(t).def;
    // The body is checked like a function's (LANGUAGE sql: its statements prepare, with
    // NEW and OLD bound to the table's columns), as PostgreSQL's check_function_bodies.
    TableShape shape;
    shape.name = s.table;
    SPROCKET_RETURN_IF_ERROR(LoadTableShape(session_.db(), &shape));
    runtime::CompileOptions options;
    options.checker = &session_.host();
    options.trigger_columns = shape.columns.get();
    // Through the L2 cache: the session that fires the trigger first finds it compiled.
    auto compiled = session_.state().Compile(def, *session_.state().runtimes().Find(t.language),
                                             options, s.table);
    if (!compiled.ok()) return compiled.status().WithContext("trigger " + Q(s.name));
  }

  const catalog::TriggerRecord* existing = session_.snapshot().FindTrigger(s.table, s.name);
  if (existing != nullptr) {
    if (s.if_not_exists) return Status::Ok();
    if (!s.or_replace) {
      return Status(StatusCode::kAlreadyExists, "trigger " + Q(s.name) + " for relation " +
                                                    Q(existing->table) + " already exists");
    }
    t.created_at = existing->created_at;
    t.enabled = existing->enabled;
    if (t.is_inline() && existing->is_inline()) t.policy = existing->policy;
    if (!t.is_inline() || !existing->is_inline()) {
      // An inline trigger's grants belong to its body; they do not survive a change of kind.
      SPROCKET_RETURN_IF_ERROR(catalog_.DeleteCapabilitiesOf(catalog::OwnerKind::kTrigger,
                                                             existing->name, existing->table));
    }
    t.table = existing->table;
  }
  return catalog_.PutTrigger(t);
}

Status Ddl::DropTrigger(const sql::DropTriggerStmt& s) {
  const catalog::CatalogSnapshot& snap = session_.snapshot();
  if (s.table) {
    const catalog::TriggerRecord* t = snap.FindTrigger(*s.table, s.name);
    if (t == nullptr) {
      if (s.if_exists) return Status::Ok();
      SPROCKET_ASSIGN_OR_RETURN(std::string kind, RelationKind(*s.table));
      if (kind.empty()) return NotFound("table " + Q(*s.table) + " does not exist");
      return NotFound("trigger " + Q(s.name) + " for table " + Q(*s.table) + " does not exist");
    }
    return catalog_.DeleteTrigger(t->table, t->name);
  }
  std::vector<const catalog::TriggerRecord*> named = snap.TriggersNamed(s.name);
  if (named.size() == 1) return catalog_.DeleteTrigger(named[0]->table, named[0]->name);
  if (named.size() > 1) {
    std::vector<std::string> tables;
    for (const auto* t : named) tables.push_back(Q(t->table));
    return Invalid("trigger name " + Q(s.name) + " is ambiguous: it exists on tables " +
                   Join(tables, ", ") + "; use DROP TRIGGER " + s.name + " ON table");
  }
  // SessionImpl::Run hands DROP TRIGGER of a name Sprocket does not have to SQLite.
  return Status(StatusCode::kInternal, "DROP TRIGGER " + Q(s.name) + " reached the catalog");
}

Status Ddl::AlterTrigger(const sql::AlterTriggerStmt& s) {
  const catalog::TriggerRecord* t = session_.snapshot().FindTrigger(s.table, s.name);
  if (t == nullptr) {
    return NotFound("trigger " + Q(s.name) + " for table " + Q(s.table) + " does not exist");
  }
  if (const auto* rename = std::get_if<sql::RenameTo>(&s.action)) {
    if (session_.snapshot().FindTrigger(t->table, rename->new_name) != nullptr) {
      return Status(
          StatusCode::kAlreadyExists,
          "trigger " + Q(rename->new_name) + " for relation " + Q(t->table) + " already exists");
    }
    catalog::TriggerRecord renamed = *t;
    renamed.name = rename->new_name;
    SPROCKET_RETURN_IF_ERROR(
        RunStatement(session_.db(),
                     "UPDATE _sprocket_capabilities SET owner = ?3 WHERE "
                     "owner_kind = 'trigger' AND owner = ?1 AND "
                     "owner_table = ?2",
                     {Value(t->name), Value(t->table), Value(rename->new_name)})
            .status());
    SPROCKET_RETURN_IF_ERROR(RunStatement(session_.db(),
                                          "DELETE FROM _sprocket_triggers WHERE table_name = ?1 "
                                          "AND name = ?2",
                                          {Value(t->table), Value(t->name)})
                                 .status());
    return catalog_.PutTrigger(renamed);
  }
  if (!t->is_inline()) {
    return Invalid("trigger " + Q(t->name) + " executes function " + Q(t->function) +
                   ", which holds its capabilities: use ALTER FUNCTION " + t->function);
  }
  if (std::holds_alternative<sql::SetSettings>(s.action)) {
    return Invalid("ALTER TRIGGER takes SET SECURITY POLICY, GRANT, REVOKE or RENAME TO");
  }
  return ChangeCapabilities(catalog::OwnerKind::kTrigger, t->name, t->table, s.action);
}

Status Ddl::AlterTableTrigger(const sql::AlterTableTriggerStmt& s) {
  SPROCKET_ASSIGN_OR_RETURN(std::string kind, RelationKind(s.table));
  if (kind.empty()) return NotFound("table " + Q(s.table) + " does not exist");
  std::vector<const catalog::TriggerRecord*> targets;
  if (s.trigger) {
    const catalog::TriggerRecord* t = session_.snapshot().FindTrigger(s.table, *s.trigger);
    if (t == nullptr) {
      return NotFound("trigger " + Q(*s.trigger) + " for table " + Q(s.table) + " does not exist");
    }
    targets.push_back(t);
  } else {
    targets = session_.snapshot().TriggersOn(s.table);
  }
  for (const catalog::TriggerRecord* t : targets) {
    if (t->enabled == s.enable) continue;
    catalog::TriggerRecord changed = *t;
    changed.enabled = s.enable;
    SPROCKET_RETURN_IF_ERROR(catalog_.PutTrigger(changed));
  }
  return Status::Ok();
}

}  // namespace sprocket
