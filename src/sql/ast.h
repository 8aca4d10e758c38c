// Typed statements of Sprocket's SQL extensions (docs/design.md §3.1, §3.2), as the parser
// produces them. Plain SQLite statements are not parsed into trees: they are classified
// (PlainStatement) and handed to SQLite as text.
#ifndef SPROCKET_SQL_AST_H_
#define SPROCKET_SQL_AST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace sprocket::sql {

// Where a statement or token starts in the script: 1-based line and column, 0-based byte.
struct Position {
  int line = 1;
  int column = 1;
  size_t offset = 0;
};

// An argument or column: `[name] type`. `type` is the type as written, normalised to
// upper case with single spaces ("DOUBLE PRECISION", "VARCHAR(20)", "NUMERIC(10,2)").
struct ParamDef {
  std::string name;  // empty when unnamed
  std::string type;
};

enum class ReturnKind { kScalar, kTrigger, kTable, kSetof, kVoid };
struct ReturnSpec {
  ReturnKind kind = ReturnKind::kVoid;
  std::string type;               // kScalar, kSetof: the type; otherwise empty
  std::vector<ParamDef> columns;  // kTable
};

enum class Volatility { kVolatile, kStable, kImmutable };

// AS $$…$$ / AS '…' (kSource), AS X'…' (kBinary: bytes decoded), AS FILE 'path' (kFile).
enum class BodyKind { kSource, kBinary, kFile };
struct Body {
  BodyKind kind = BodyKind::kSource;
  std::string text;   // kSource: the source (dollar/quote delimiters removed, '' → ')
                      // kBinary: raw bytes; kFile: the path
  Position position;  // where the body's text starts (for guest error line numbers)
};

struct CreateFunctionStmt {
  bool or_replace = false;
  bool is_procedure = false;  // CREATE PROCEDURE: returns nothing, called with CALL
  std::string name;
  std::vector<ParamDef> params;
  ReturnSpec returns;    // kVoid for procedures
  std::string language;  // lower case, as written ("js", "javascript", "sql", …)
  Volatility volatility = Volatility::kVolatile;
  bool strict = false;  // STRICT / RETURNS NULL ON NULL INPUT
  Body body;
};

struct DropFunctionStmt {
  bool is_procedure = false;
  bool if_exists = false;
  std::string name;
  // The argument list, when given (`DROP FUNCTION f(INTEGER)`, `f()`): it must match the
  // function's; names are ignored, as in PostgreSQL.
  std::optional<std::vector<ParamDef>> args;
  bool cascade = false;  // RESTRICT (the default) when false
};

enum class CapabilityKind { kDatabaseRead, kDatabaseWrite, kNetworkAccess, kFileRead, kFileWrite };
struct CapabilitySpec {
  CapabilityKind kind;
  std::string target;  // the quoted argument: table, '*', host pattern or path
};

enum class SecurityPolicy { kMinimal, kDefault, kPermissive };

// `name = value` of ALTER FUNCTION … SET; value is an integer, a boolean or a string.
struct SettingValue {
  std::variant<int64_t, bool, std::string> value;
};
struct Setting {
  std::string name;  // lower case
  SettingValue value;
  Position position;
};

struct SetSettings {
  std::vector<Setting> settings;
};
struct GrantCapabilities {
  std::vector<CapabilitySpec> capabilities;
};
struct RevokeCapabilities {
  std::vector<CapabilitySpec> capabilities;
};
struct SetSecurityPolicy {
  SecurityPolicy policy;
};
struct RenameTo {
  std::string new_name;
};

using AlterAction =
    std::variant<SetSettings, GrantCapabilities, RevokeCapabilities, SetSecurityPolicy, RenameTo>;

// ALTER FUNCTION|PROCEDURE name action
struct AlterFunctionStmt {
  bool is_procedure = false;
  std::string name;
  AlterAction action;
};

// ALTER TRIGGER name ON table { SET SECURITY POLICY | GRANT | REVOKE CAPABILITY } (inline
// triggers), or ALTER TRIGGER name ON table RENAME TO other.
struct AlterTriggerStmt {
  std::string name;
  std::string table;
  AlterAction action;  // never SetSettings
};

enum class TriggerTiming { kBefore, kAfter, kInsteadOf, kAfterCommit };
enum class TriggerOp { kInsert, kUpdate, kDelete };
struct TriggerEvent {
  TriggerOp op;
  std::vector<std::string> columns;  // UPDATE OF col, …; empty otherwise
};
// FOR EACH ROW / FOR EACH STATEMENT / FOR ALL (statement level with row sets); kRow when
// no FOR clause is given.
enum class TriggerLevel { kRow, kStatement };
struct Referencing {
  bool is_new = false;  // NEW TABLE vs OLD TABLE
  std::string name;
};

struct ExecuteFunction {
  std::string function;
  std::vector<std::string> args;  // string (or numeric) literal arguments, as text
};
struct InlineBody {
  std::string language;
  Body body;
};

struct CreateTriggerStmt {
  bool or_replace = false;
  bool if_not_exists = false;
  std::string name;
  TriggerTiming timing = TriggerTiming::kBefore;
  std::vector<TriggerEvent> events;
  std::string table;
  std::vector<Referencing> referencing;
  TriggerLevel level = TriggerLevel::kRow;
  bool for_all = false;  // written as FOR ALL
  std::string when;      // the condition's text without the outer parentheses
  Position when_position;
  std::variant<ExecuteFunction, InlineBody> action;
};

struct DropTriggerStmt {
  bool if_exists = false;
  std::string name;
  std::optional<std::string> table;  // absent in SQLite's form (DROP TRIGGER name)
  bool cascade = false;
};

// ALTER TABLE t { ENABLE | DISABLE } TRIGGER { name | ALL }
struct AlterTableTriggerStmt {
  std::string table;
  bool enable = true;
  std::optional<std::string> trigger;  // absent for ALL
};

// CALL name(args): args is the text between the parentheses, given to SQLite as is.
struct CallStmt {
  std::string name;
  std::string args;
};

// Statements SQLite runs, classified because the catalog follows some of them.
enum class PlainKind {
  kOther,
  kDropTable,      // DROP TABLE [IF EXISTS] [schema.]name  → its triggers go too
  kDropView,       // DROP VIEW …                            → its INSTEAD OF triggers go
  kRenameTable,    // ALTER TABLE name RENAME TO new         → triggers follow
  kRenameColumn,   // ALTER TABLE t RENAME [COLUMN] a TO b   → UPDATE OF lists follow
  kBegin,          // BEGIN / SAVEPOINT
  kCommit,         // COMMIT / END / RELEASE
  kRollback,       // ROLLBACK [TO]
  kNativeTrigger,  // CREATE TRIGGER … BEGIN … END (SQLite's own triggers)
};
struct PlainStatement {
  PlainKind kind = PlainKind::kOther;
  std::string table;       // kDropTable/kDropView/kRenameTable/kRenameColumn: the object
  std::string new_name;    // kRenameTable: new table name; kRenameColumn: new column name
  std::string column;      // kRenameColumn: old column name
  bool if_exists = false;  // kDropTable/kDropView
};

using StatementNode = std::variant<PlainStatement, CreateFunctionStmt, DropFunctionStmt,
                                   AlterFunctionStmt, AlterTriggerStmt, CreateTriggerStmt,
                                   DropTriggerStmt, AlterTableTriggerStmt, CallStmt>;

// One statement of a script.
struct ParsedStatement {
  int index = 1;      // 1-based number of the statement in its script
  Position position;  // where its text starts
  std::string text;   // the statement without its terminating ';'
  StatementNode node;
};

}  // namespace sprocket::sql

#endif  // SPROCKET_SQL_AST_H_
