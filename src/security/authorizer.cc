#include "security/authorizer.h"

#include <sqlite3.h>

#include "common/strings.h"
#include "sql/lexer.h"

namespace sprocket::security {

namespace {

std::string Str(const char* s) { return s ? std::string(s) : std::string(); }

bool IsCatalogTable(std::string_view table) { return StartsWithIgnoreCase(table, "_sprocket_"); }

// Functions nobody may call: they load native code or take raw pointers.
bool IsForbiddenFunction(std::string_view name) {
  return EqualsIgnoreCase(name, "load_extension") || EqualsIgnoreCase(name, "fts3_tokenizer");
}

// Functions that read the clock or randomness, or may: refused under MINIMAL (and to
// IMMUTABLE functions). SQLite's date and time functions read the clock when called
// without arguments or with 'now' (which may be computed at run time), so they are refused
// as a whole.
bool IsAmbientFunction(std::string_view name) {
  static const char* const kNames[] = {
      "random",   "randomblob",    "current_date",      "current_time", "current_timestamp",
      "changes",  "total_changes", "last_insert_rowid", "date",         "time",
      "datetime", "julianday",     "unixepoch",         "strftime",     "timediff"};
  for (const char* n : kNames) {
    if (EqualsIgnoreCase(name, n)) return true;
  }
  return false;
}

// Table-valued functions a guest may use freely: they read only their arguments.
bool IsPureTableFunction(std::string_view name) {
  return EqualsIgnoreCase(name, "json_each") || EqualsIgnoreCase(name, "json_tree");
}

const char* DdlName(int action) {
  switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
      return "CREATE INDEX";
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
      return "CREATE TABLE";
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
      return "CREATE TRIGGER";
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
      return "CREATE VIEW";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
      return "DROP INDEX";
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
      return "DROP TABLE";
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      return "DROP TRIGGER";
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return "DROP VIEW";
    case SQLITE_ALTER_TABLE:
      return "ALTER TABLE";
    case SQLITE_REINDEX:
      return "REINDEX";
    case SQLITE_ANALYZE:
      return "ANALYZE";
    case SQLITE_CREATE_VTABLE:
      return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_VTABLE:
      return "DROP VIRTUAL TABLE";
    default:
      return nullptr;
  }
}

// The table a DDL action is about (arg2 for ALTER TABLE, arg1 or arg2 otherwise).
std::string DdlTable(const AuthRequest& r) {
  switch (r.action) {
    case SQLITE_ALTER_TABLE:
      return Str(r.arg2);
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      return Str(r.arg2);
    default:
      return Str(r.arg1);
  }
}

AuthDecision Deny(std::string message, std::string capability = "", std::string target = "") {
  AuthDecision d;
  d.allowed = false;
  d.message = "permission denied: " + std::move(message);
  d.capability = std::move(capability);
  d.target = std::move(target);
  return d;
}

std::string Through(const AuthRequest& r) {
  if (r.inner == nullptr) return "";
  return " (through " + QuoteIdentifier(r.inner) + ")";
}

std::string FunctionName(std::string_view function) {
  return "function " + QuoteIdentifier(function);
}

}  // namespace

AuthDecision AuthorizeUser(const AuthRequest& r) {
  // VACUUM copies the catalog into a scratch schema, ATTACHed databases are the user's:
  // the catalog is protected in main and temp (where a table could shadow it).
  std::string schema = Str(r.database);
  bool guarded_schema =
      schema.empty() || EqualsIgnoreCase(schema, "main") || EqualsIgnoreCase(schema, "temp");
  switch (r.action) {
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE:
      if (guarded_schema && IsCatalogTable(Str(r.arg1))) {
        return Deny(QuoteIdentifier(Str(r.arg1)) +
                        " is part of the Sprocket catalog and cannot be modified directly; use "
                        "CREATE, ALTER and DROP FUNCTION or TRIGGER",
                    "", Str(r.arg1));
      }
      return {};
    case SQLITE_FUNCTION:
      if (IsForbiddenFunction(Str(r.arg2))) {
        return Deny(Str(r.arg2) + "() is disabled in Sprocket", "", Str(r.arg2));
      }
      return {};
    case SQLITE_PRAGMA:
      if (EqualsIgnoreCase(Str(r.arg1), "writable_schema") && r.arg2 != nullptr) {
        return Deny("PRAGMA writable_schema is disabled in Sprocket: it can corrupt the catalog");
      }
      return {};
    default:
      break;
  }
  // ANALYZE and REINDEX change nothing the catalog relies on.
  if (r.action == SQLITE_ANALYZE || r.action == SQLITE_REINDEX) return {};
  if (const char* ddl = DdlName(r.action); ddl != nullptr && guarded_schema) {
    std::string table = DdlTable(r);
    bool creates = r.action == SQLITE_CREATE_TABLE || r.action == SQLITE_CREATE_VIEW ||
                   r.action == SQLITE_CREATE_TEMP_TABLE || r.action == SQLITE_CREATE_TEMP_VIEW ||
                   r.action == SQLITE_CREATE_VTABLE;
    std::string name = creates ? Str(r.arg1) : table;
    if ((IsSystemTable(name) && !StartsWithIgnoreCase(name, "sqlite_")) ||
        (creates && IsPureTableFunction(name))) {
      if (creates) {
        return Deny("the name " + QuoteIdentifier(name) +
                    (IsPureTableFunction(name) ? " is reserved for SQLite's table function"
                                               : " is reserved for the Sprocket catalog"));
      }
      return Deny(std::string(ddl) + " on " + QuoteIdentifier(name) +
                  " is not allowed: it is part of the Sprocket catalog");
    }
  }
  return {};
}

AuthDecision AuthorizeGuest(std::string_view function, const CapabilitySet& caps,
                            const AuthRequest& r) {
  const std::string who = FunctionName(function);
  // Grants name tables of the main database: a same-named table of the temp schema or of
  // an attached database is another table, never opened by them.
  const bool table_access = r.action == SQLITE_READ || r.action == SQLITE_INSERT ||
                            r.action == SQLITE_UPDATE || r.action == SQLITE_DELETE;
  if (table_access && r.database != nullptr && !EqualsIgnoreCase(r.database, "main")) {
    const bool read = r.action == SQLITE_READ;
    return Deny(
        who + " cannot " + (read ? "read " : "write ") + QuoteIdentifier(r.database) + "." +
            QuoteIdentifier(Str(r.arg1)) + ": grants cover tables of the main database only",
        read ? "DATABASE_READ" : "DATABASE_WRITE", std::string(r.database) + "." + Str(r.arg1));
  }
  switch (r.action) {
    case SQLITE_SELECT:
    case SQLITE_RECURSIVE:
      return {};
    case SQLITE_READ: {
      std::string table = Str(r.arg1);
      // SQLite checks these while it loads the schema; they read no user data.
      if (EqualsIgnoreCase(table, "sqlite_master") && EqualsIgnoreCase(Str(r.arg2), "ROWID")) {
        return {};
      }
      if (IsPureTableFunction(table) && EqualsIgnoreCase(Str(r.database), "main")) return {};
      if (IsSystemTable(table) || StartsWithIgnoreCase(table, "pragma_") ||
          EqualsIgnoreCase(table, "dbstat") || EqualsIgnoreCase(table, "sqlite_dbpage")) {
        return Deny(who + " cannot read " + QuoteIdentifier(table) +
                        ": the catalog and SQLite's internals are never reachable from functions",
                    "DATABASE_READ", table);
      }
      // count(*) over a CTE or a table function: a name, not data (what the CTE reads
      // is checked where it reads it).
      if (r.no_such_table && r.database == nullptr && Str(r.arg2).empty()) return {};
      if (caps.AllowsRead(table)) return {};
      return Deny(who + " lacks DATABASE_READ(" + QuoteString(table) + ")" + Through(r),
                  "DATABASE_READ", table);
    }
    case SQLITE_INSERT:
    case SQLITE_UPDATE:
    case SQLITE_DELETE: {
      std::string table = Str(r.arg1);
      // Schema loading checks updates of sqlite_master, which SQLite itself never lets a
      // statement perform without writable_schema (refused to everyone).
      if (r.action == SQLITE_UPDATE && EqualsIgnoreCase(table, "sqlite_master")) return {};
      if (IsSystemTable(table)) {
        return Deny(who + " cannot write " + QuoteIdentifier(table) +
                        ": the catalog and SQLite's internals are never reachable from functions",
                    "DATABASE_WRITE", table);
      }
      if (caps.AllowsWrite(table)) return {};
      return Deny(who + " lacks DATABASE_WRITE(" + QuoteString(table) + ")" + Through(r),
                  "DATABASE_WRITE", table);
    }
    case SQLITE_FUNCTION: {
      std::string name = Str(r.arg2);
      if (IsForbiddenFunction(name)) return Deny(name + "() is disabled in Sprocket", "", name);
      if (!caps.AllowsClock() && IsAmbientFunction(name)) {
        return Deny(
            who + (caps.AllowsAmbient() ? " is IMMUTABLE" : " runs under the MINIMAL policy") +
                " and cannot call " + name + "() (it may read the clock or randomness)",
            "POLICY", name);
      }
      return {};
    }
    case SQLITE_PRAGMA:
      return Deny(who + " cannot run PRAGMA " + Str(r.arg1), "PRAGMA", Str(r.arg1));
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
      return Deny(who + " cannot ATTACH or DETACH databases", "ATTACH", Str(r.arg1));
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return Deny(who + " cannot control transactions (" + Str(r.arg1) + ")", "TRANSACTION", "");
    default:
      break;
  }
  if (const char* ddl = DdlName(r.action)) {
    return Deny(who + " cannot change the schema (" + ddl + ")", "DDL", DdlTable(r));
  }
  return Deny(who + " cannot perform this operation (SQLite authorizer action " +
                  std::to_string(r.action) + ")",
              "OPERATION", "");
}

namespace {

// The first keyword of `tokens` when it is not a statement a function may run, else "".
Result<std::string> DisallowedKind(const std::vector<sql::Token>& tokens) {
  const sql::Token& first = tokens[0];
  if (first.kind == sql::TokenKind::kEnd) {
    return Status(StatusCode::kInvalidArgument, "empty SQL statement");
  }
  static const char* const kAllowed[] = {"SELECT", "VALUES", "WITH",   "INSERT",
                                         "UPDATE", "DELETE", "REPLACE"};
  for (const char* k : kAllowed) {
    if (first.Is(k)) return std::string();
  }
  return ToUpper(first.text);
}

}  // namespace

Result<std::string> DisallowedStatementKind(std::string_view sql) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<sql::Token> tokens, sql::Tokenize(sql));
  return DisallowedKind(tokens);
}

Status CheckGuestStatement(std::string_view function, const CapabilitySet& caps,
                           std::string_view sql, AuthDecision* audit) {
  SPROCKET_ASSIGN_OR_RETURN(std::vector<sql::Token> tokens, sql::Tokenize(sql));
  SPROCKET_ASSIGN_OR_RETURN(std::string kind, DisallowedKind(tokens));
  if (!kind.empty()) {
    *audit = Deny(FunctionName(function) +
                      " may only run SELECT, INSERT, UPDATE, DELETE and REPLACE statements, "
                      "not " +
                      kind,
                  "STATEMENT", kind);
    return Status(StatusCode::kPermissionDenied, audit->message);
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    // A ROLLBACK conflict would end the caller's transaction.
    if (i + 1 < tokens.size() && tokens[i].Is("OR") && tokens[i + 1].Is("ROLLBACK")) {
      *audit = Deny(
          FunctionName(function) + " cannot use OR ROLLBACK: it would end the caller's transaction",
          "TRANSACTION", "ROLLBACK");
      return Status(StatusCode::kPermissionDenied, audit->message);
    }
    if (!caps.AllowsClock() && tokens[i].kind == sql::TokenKind::kString &&
        EqualsIgnoreCase(tokens[i].Value(), "now")) {
      *audit =
          Deny(FunctionName(function) +
                   (caps.AllowsAmbient() ? " is IMMUTABLE" : " runs under the MINIMAL policy") +
                   " and cannot read the clock ('now')",
               "POLICY", "now");
      return Status(StatusCode::kPermissionDenied, audit->message);
    }
  }
  return Status::Ok();
}

}  // namespace sprocket::security
