// In-memory records of catalog rows, and the immutable snapshot of a whole catalog that
// sessions share.
#ifndef SPROCKET_CATALOG_RECORDS_H_
#define SPROCKET_CATALOG_RECORDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "runtime/function_def.h"
#include "security/capability.h"
#include "sql/ast.h"

namespace sprocket::catalog {

struct FunctionRecord {
  runtime::FunctionDef def;
  security::Policy policy = security::Policy::kDefault;
  std::string created_at;  // filled in by Load
  std::string updated_at;

  // Display forms, as the sprocket_functions view shows them.
  std::string ArgumentsText() const;  // "price REAL, rate REAL"
  std::string ReturnsText() const;    // "REAL", "TRIGGER", "TABLE(i INTEGER)", "SETOF INT"
  std::string Definition() const;     // a CREATE statement that recreates the function
  // runtime::CompileKey of the definition without an engine fingerprint: equal means
  // the compiled code would be the same (the content, not the name or the file path).
  std::string ContentKey() const;
};

struct TriggerRecord {
  std::string name;
  std::string table;
  sql::TriggerTiming timing = sql::TriggerTiming::kBefore;
  std::vector<sql::TriggerEvent> events;
  sql::TriggerLevel level = sql::TriggerLevel::kRow;
  bool for_all = false;
  std::vector<sql::Referencing> referencing;
  std::string when;      // condition text, empty when none
  std::string function;  // EXECUTE FUNCTION name; empty for inline triggers
  std::vector<std::string> arguments;
  std::string language;  // inline triggers: canonical language
  std::string source;    // inline triggers: the body
  int source_line = 1;
  security::Policy policy = security::Policy::kPermissive;  // inline triggers
  bool enabled = true;
  std::string created_at;

  bool is_inline() const { return function.empty(); }
  std::string TimingText() const;  // "BEFORE", "AFTER", "INSTEAD OF", "AFTER COMMIT"
  std::string EventsText() const;  // "INSERT OR UPDATE OF a, b"
  std::string LevelText() const;   // "ROW", "STATEMENT"
  std::string Definition() const;
};

enum class OwnerKind { kFunction, kTrigger };
const char* OwnerKindName(OwnerKind kind);  // "function", "trigger"

struct CapabilityRecord {
  OwnerKind owner_kind = OwnerKind::kFunction;
  std::string owner;        // function or trigger name
  std::string owner_table;  // triggers: their table; "" for functions
  security::Capability capability;
  std::string granted_at;
};

// A consistent view of the catalog at one version. Immutable: shared by sessions.
class CatalogSnapshot {
 public:
  CatalogSnapshot(std::string token, std::vector<FunctionRecord> functions,
                  std::vector<TriggerRecord> triggers, std::vector<CapabilityRecord> grants);

  const std::string& token() const { return token_; }
  const std::vector<FunctionRecord>& functions() const { return functions_; }
  const std::vector<TriggerRecord>& triggers() const { return triggers_; }
  const std::vector<CapabilityRecord>& grants() const { return grants_; }

  // Case-insensitive lookups; nullptr when absent.
  const FunctionRecord* FindFunction(std::string_view name) const;
  const TriggerRecord* FindTrigger(std::string_view table, std::string_view name) const;
  std::vector<const TriggerRecord*> TriggersNamed(std::string_view name) const;
  std::vector<const TriggerRecord*> TriggersOn(std::string_view table) const;
  std::vector<const TriggerRecord*> TriggersUsing(std::string_view function) const;

  // The policy and grants a function (or an inline trigger) runs with.
  security::CapabilitySet CapabilitiesOfFunction(std::string_view name) const;
  security::CapabilitySet CapabilitiesOfTrigger(std::string_view table,
                                                std::string_view name) const;

 private:
  std::string token_;
  std::vector<FunctionRecord> functions_;
  std::vector<TriggerRecord> triggers_;
  std::vector<CapabilityRecord> grants_;
};

}  // namespace sprocket::catalog

#endif  // SPROCKET_CATALOG_RECORDS_H_
