// The Sprocket catalog: functions, triggers and capabilities, stored in the database file
// in tables _sprocket_* (read through the views sprocket_functions, sprocket_triggers and
// sprocket_capabilities). Catalog changes are ordinary writes, so they commit and roll
// back with the user's transaction.
//
// Every change also replaces the catalog's version token (a random value in
// _sprocket_meta), so a connection can tell whether its in-memory snapshot is current by
// reading one row.
//
// A Catalog borrows a SQLite connection. The caller must run it with the engine's
// (privileged) authorizer context and inside a transaction or savepoint of its choosing.
#ifndef SPROCKET_CATALOG_CATALOG_H_
#define SPROCKET_CATALOG_CATALOG_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "catalog/records.h"
#include "sprocket/status.h"

namespace sprocket::catalog {

// The catalog's format, stored in _sprocket_meta. A database with an older format is
// migrated when a writable Database opens it (Catalog::Migrate); one with a newer format is
// refused. Format 2 added _sprocket_functions.max_wall_time_ms.
inline constexpr int kCatalogFormat = 2;

class Catalog {
 public:
  explicit Catalog(sqlite3* db) : db_(db) {}

  // Creates the catalog tables and views when they are missing, and checks the format of
  // an existing catalog. Must run in a write transaction when it may create.
  Status Bootstrap();
  // True when the catalog tables exist.
  Result<bool> Exists();
  // The stored format of an existing catalog.
  Result<int64_t> Format();
  // Brings a catalog of an older format to kCatalogFormat, one step at a time (each step
  // names the format it produces), and bumps the version so that open sessions reload.
  // Must run in a write transaction; does nothing for a current catalog.
  Status Migrate();

  // The current version token.
  Result<std::string> ReadToken();
  // Reads the whole catalog.
  Result<std::shared_ptr<const CatalogSnapshot>> Load();

  // Inserts or replaces (by name) a function; bumps the version.
  Status PutFunction(const FunctionRecord& record);
  Status DeleteFunction(std::string_view name);
  // Renames a function, the triggers that execute it and its capabilities.
  Status RenameFunction(std::string_view name, std::string_view new_name);

  // Inserts or replaces (by table and name) a trigger.
  Status PutTrigger(const TriggerRecord& record);
  Status DeleteTrigger(std::string_view table, std::string_view name);
  Status DeleteTriggersOn(std::string_view table);
  // ALTER TABLE … RENAME TO: the table's triggers (and their grants) follow it.
  Status RenameTable(std::string_view table, std::string_view new_name);
  // ALTER TABLE … RENAME COLUMN: UPDATE OF lists and NEW.col / OLD.col in WHEN follow.
  Status RenameColumn(std::string_view table, std::string_view column, std::string_view new_name);

  Status Grant(const CapabilityRecord& record);
  // Returns how many grants were removed. A target of '*' removes every grant of the
  // capability's kind (REVOKE CAPABILITY FILE_WRITE('*'): no file writes at all).
  Result<int> Revoke(const CapabilityRecord& record);
  Status DeleteCapabilitiesOf(OwnerKind kind, std::string_view owner, std::string_view owner_table);

  // Replaces the version token: every connection reloads at its next statement.
  Status BumpVersion();

 private:
  Status Exec(std::string_view sql);
  sqlite3* db_;  // borrowed
};

}  // namespace sprocket::catalog

#endif  // SPROCKET_CATALOG_CATALOG_H_
