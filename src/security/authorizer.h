// The access rules SQLite's authorizer callback (sqlite3_set_authorizer) applies while a
// statement is prepared. Because SQLite reports every table a statement really touches —
// through views, subqueries, CTEs and SQLite triggers — checking there means a guest
// cannot reach a table indirectly.
//
// Three principals prepare SQL on a connection:
//   the engine — Sprocket's own catalog and row-pipeline SQL: everything is allowed;
//   the user   — SQL the application runs: everything except writing the catalog,
//                loading extensions and a few unsafe switches;
//   a guest    — SQL a function runs through the HostApi: only what its CapabilitySet
//                grants, never the catalog, ATTACH, PRAGMA, DDL or transaction control.
#ifndef SPROCKET_SECURITY_AUTHORIZER_H_
#define SPROCKET_SECURITY_AUTHORIZER_H_

#include <string>
#include <string_view>

#include "security/capability.h"
#include "sprocket/status.h"

namespace sprocket::security {

// The arguments of one authorizer callback (any may be null).
struct AuthRequest {
  int action;
  const char* arg1;
  const char* arg2;
  const char* database;
  const char* inner;  // the innermost trigger or view responsible, if any
  // For SQLITE_READ with an empty column and no database (SQLite's check of a FROM item
  // none of whose columns is used, as in count(*)): true when no table of that
  // name exists in any schema of the connection — the name is a CTE's or a table
  // function's, whose own reads are checked one by one. Set by the caller, who can ask.
  bool no_such_table = false;
};

struct AuthDecision {
  bool allowed = true;
  std::string message;     // for the user, when denied
  std::string capability;  // for the audit log: the missing capability, e.g. DATABASE_READ
  std::string target;      // and its target, e.g. users
};

AuthDecision AuthorizeUser(const AuthRequest& request);
AuthDecision AuthorizeGuest(std::string_view function, const CapabilitySet& capabilities,
                            const AuthRequest& request);

// The first keyword of `sql` when it is not a statement a function may run (only SELECT,
// VALUES, WITH, INSERT, UPDATE, DELETE and REPLACE may), else "". Fails on bad tokens.
Result<std::string> DisallowedStatementKind(std::string_view sql);

// The checks on a guest statement's text that the authorizer cannot make: only SELECT,
// VALUES, WITH, INSERT, UPDATE, DELETE and REPLACE may run (VACUUM, REINDEX and PRAGMA
// never reach the authorizer), and under MINIMAL, date functions may not ask for 'now'.
// kPermissionDenied on refusal; the decision's audit fields are filled in `audit`.
Status CheckGuestStatement(std::string_view function, const CapabilitySet& capabilities,
                           std::string_view sql, AuthDecision* audit);

}  // namespace sprocket::security

#endif  // SPROCKET_SECURITY_AUTHORIZER_H_
