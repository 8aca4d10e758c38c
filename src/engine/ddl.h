// Execution of Sprocket's catalog statements: CREATE/DROP/ALTER FUNCTION and PROCEDURE,
// CREATE/DROP/ALTER TRIGGER, ALTER TABLE … ENABLE/DISABLE TRIGGER. Validation follows
// PostgreSQL's rules and messages where the syntax is PostgreSQL's.
#ifndef SPROCKET_ENGINE_DDL_H_
#define SPROCKET_ENGINE_DDL_H_

#include "catalog/catalog.h"
#include "sprocket/status.h"
#include "sql/ast.h"

namespace sprocket {

class SessionImpl;

class Ddl {
 public:
  explicit Ddl(SessionImpl& session);
  // Runs `statement` (one of the extension statements). The caller provides the savepoint.
  Status Run(const sql::ParsedStatement& statement);

 private:
  Status CreateFunction(const sql::CreateFunctionStmt& s);
  Status DropFunction(const sql::DropFunctionStmt& s);
  Status AlterFunction(const sql::AlterFunctionStmt& s);
  Status CreateTrigger(const sql::CreateTriggerStmt& s);
  Status DropTrigger(const sql::DropTriggerStmt& s);
  Status AlterTrigger(const sql::AlterTriggerStmt& s);
  Status AlterTableTrigger(const sql::AlterTableTriggerStmt& s);

  // Grants, revokes or sets the policy of a function or an inline trigger.
  Status ChangeCapabilities(catalog::OwnerKind kind, const std::string& owner,
                            const std::string& owner_table, const sql::AlterAction& action);

  // "table", "view" or "" (absent), for a name in the main schema.
  // Notices for what is recorded but does not act yet (STANDARDS: never in silence).
  void NoticeNoEffectYet(security::CapabilityKind kind);
  void NoticeSettings(const sql::SetSettings& set, const runtime::FunctionDef& def);
  Result<std::string> RelationKind(const std::string& name);
  Result<bool> HasColumn(const std::string& table, const std::string& column);
  Result<bool> IsBuiltinFunction(const std::string& name);
  // The canonical name of a LANGUAGE clause, or an error listing the languages there are.
  Result<std::string> CanonicalLanguage(const std::string& language);

  SessionImpl& session_;
  catalog::Catalog catalog_;
};

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_DDL_H_
