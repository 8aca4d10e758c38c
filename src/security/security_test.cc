#include <gtest/gtest.h>
#include <sqlite3.h>

#include "security/audit_log.h"
#include "security/authorizer.h"
#include "security/capability.h"

namespace sprocket::security {
namespace {

AuthRequest Req(int action, const char* a1, const char* a2 = nullptr, const char* inner = nullptr) {
  return AuthRequest{action, a1, a2, "main", inner};
}

TEST(CapabilityTest, ValidatesTargets) {
  EXPECT_EQ(ValidateCapability(CapabilityKind::kNetworkAccess, "API.Example.com:443")->target,
            "api.example.com:443");
  EXPECT_FALSE(ValidateCapability(CapabilityKind::kNetworkAccess, "http://x").ok());
  EXPECT_FALSE(ValidateCapability(CapabilityKind::kNetworkAccess, "host:99999").ok());
  EXPECT_EQ(ValidateCapability(CapabilityKind::kFileRead, "/srv/data/")->target, "/srv/data");
  EXPECT_FALSE(ValidateCapability(CapabilityKind::kFileRead, "relative/path").ok());
  EXPECT_FALSE(ValidateCapability(CapabilityKind::kFileWrite, "/srv/../etc").ok());
  auto cat = ValidateCapability(CapabilityKind::kDatabaseRead, "_sprocket_functions");
  ASSERT_FALSE(cat.ok());
  EXPECT_EQ(cat.status().code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(ParseCapabilityKind("DATABASE_EAT").ok());
}

TEST(CapabilityTest, PoliciesAndGrants) {
  CapabilitySet none(Policy::kDefault, {});
  EXPECT_FALSE(none.AllowsRead("users"));
  EXPECT_TRUE(none.AllowsAmbient());
  CapabilitySet minimal(Policy::kMinimal, {});
  EXPECT_FALSE(minimal.AllowsAmbient());
  CapabilitySet permissive(Policy::kPermissive, {});
  EXPECT_TRUE(permissive.AllowsRead("users"));
  EXPECT_TRUE(permissive.AllowsWrite("users"));
  EXPECT_FALSE(permissive.AllowsRead("_sprocket_functions"));
  EXPECT_FALSE(permissive.AllowsWrite("sqlite_master"));
  CapabilitySet some(Policy::kDefault, {{CapabilityKind::kDatabaseRead, "Users"},
                                        {CapabilityKind::kDatabaseWrite, "*"}});
  EXPECT_TRUE(some.AllowsRead("users"));
  EXPECT_FALSE(some.AllowsRead("orders"));
  EXPECT_TRUE(some.AllowsWrite("orders"));
  EXPECT_FALSE(some.AllowsWrite("sprocket_audit"));
}

TEST(CapabilityTest, NetworkAndFilePatterns) {
  CapabilitySet caps(Policy::kDefault, {{CapabilityKind::kNetworkAccess, "*.example.com"},
                                        {CapabilityKind::kNetworkAccess, "api.test:8080"},
                                        {CapabilityKind::kFileRead, "/srv/data"}});
  EXPECT_TRUE(caps.AllowsNetwork("a.example.com", 443));
  EXPECT_FALSE(caps.AllowsNetwork("example.com", 443));
  EXPECT_FALSE(caps.AllowsNetwork("evilexample.com", 443));
  EXPECT_TRUE(caps.AllowsNetwork("api.test", 8080));
  EXPECT_FALSE(caps.AllowsNetwork("api.test", 80));
  EXPECT_TRUE(caps.AllowsFile("/srv/data/x.csv", false));
  EXPECT_TRUE(caps.AllowsFile("/srv/data", false));
  EXPECT_FALSE(caps.AllowsFile("/srv/database", false));
  EXPECT_FALSE(caps.AllowsFile("/srv/data/x.csv", true));
}

TEST(AuthorizerTest, UserCannotWriteCatalog) {
  EXPECT_TRUE(AuthorizeUser(Req(SQLITE_READ, "_sprocket_functions", "name")).allowed);
  AuthDecision d = AuthorizeUser(Req(SQLITE_INSERT, "_sprocket_functions"));
  EXPECT_FALSE(d.allowed);
  EXPECT_NE(d.message.find("Sprocket catalog"), std::string::npos);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_DROP_TABLE, "_sprocket_triggers")).allowed);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_DROP_VIEW, "sprocket_functions")).allowed);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_CREATE_TABLE, "_sprocket_x")).allowed);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_ALTER_TABLE, "main", "_sprocket_functions")).allowed);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_FUNCTION, nullptr, "load_extension")).allowed);
  EXPECT_FALSE(AuthorizeUser(Req(SQLITE_PRAGMA, "writable_schema", "1")).allowed);
  EXPECT_TRUE(AuthorizeUser(Req(SQLITE_PRAGMA, "table_info", "t")).allowed);
  EXPECT_TRUE(AuthorizeUser(Req(SQLITE_CREATE_TABLE, "users")).allowed);
}

TEST(AuthorizerTest, GuestNeedsGrants) {
  CapabilitySet caps(Policy::kDefault, {{CapabilityKind::kDatabaseRead, "users"}});
  EXPECT_TRUE(AuthorizeGuest("f", caps, Req(SQLITE_READ, "users", "id")).allowed);
  AuthDecision d = AuthorizeGuest("f", caps, Req(SQLITE_READ, "secrets", "x", "v_secrets"));
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.message,
            "permission denied: function \"f\" lacks DATABASE_READ('secrets') (through "
            "\"v_secrets\")");
  EXPECT_EQ(d.capability, "DATABASE_READ");
  EXPECT_EQ(d.target, "secrets");
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_INSERT, "users")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_READ, "_sprocket_functions", "x")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_READ, "sqlite_master", "sql")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_READ, "pragma_table_info", "x")).allowed);
  EXPECT_TRUE(AuthorizeGuest("f", caps, Req(SQLITE_READ, "json_each", "value")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_ATTACH, "/tmp/x.db")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_PRAGMA, "foreign_keys", "0")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_CREATE_TABLE, "t")).allowed);
  EXPECT_FALSE(AuthorizeGuest("f", caps, Req(SQLITE_TRANSACTION, "COMMIT")).allowed);
  EXPECT_TRUE(AuthorizeGuest("f", caps, Req(SQLITE_FUNCTION, nullptr, "random")).allowed);
  CapabilitySet minimal(Policy::kMinimal, {});
  EXPECT_FALSE(AuthorizeGuest("f", minimal, Req(SQLITE_FUNCTION, nullptr, "random")).allowed);
  EXPECT_TRUE(AuthorizeGuest("f", minimal, Req(SQLITE_FUNCTION, nullptr, "abs")).allowed);
}

TEST(AuthorizerTest, GuestStatementGate) {
  CapabilitySet caps(Policy::kDefault, {});
  AuthDecision audit;
  EXPECT_TRUE(CheckGuestStatement("f", caps, "select 1", &audit).ok());
  EXPECT_TRUE(CheckGuestStatement("f", caps, "WITH x AS (SELECT 1) SELECT * FROM x", &audit).ok());
  Status vacuum = CheckGuestStatement("f", caps, "VACUUM", &audit);
  EXPECT_EQ(vacuum.code(), StatusCode::kPermissionDenied);
  EXPECT_FALSE(CheckGuestStatement("f", caps, "PRAGMA foreign_keys=off", &audit).ok());
  EXPECT_FALSE(CheckGuestStatement("f", caps, "ATTACH 'x' AS y", &audit).ok());
  EXPECT_TRUE(CheckGuestStatement("f", caps, "SELECT date('now')", &audit).ok());
  CapabilitySet minimal(Policy::kMinimal, {});
  EXPECT_FALSE(CheckGuestStatement("f", minimal, "SELECT date('now')", &audit).ok());
  EXPECT_TRUE(CheckGuestStatement("f", minimal, "SELECT date('2020-01-01')", &audit).ok());
}

TEST(AuditLogTest, IsABoundedRing) {
  AuditLog log(3);
  for (int i = 0; i < 5; ++i) log.Record({.event = "denied", .target = std::to_string(i)});
  auto events = log.Snapshot();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events.front().target, "2");
  EXPECT_EQ(events.front().id, 3);
  EXPECT_EQ(events.back().id, 5);
  EXPECT_GT(events.back().time_micros, 0);
}

}  // namespace
}  // namespace sprocket::security
