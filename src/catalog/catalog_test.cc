#include "catalog/catalog.h"

#include <gtest/gtest.h>

#include "common/sqlite_util.h"

namespace sprocket::catalog {
namespace {

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(Catalog(db_).Bootstrap().ok());
  }
  void TearDown() override { sqlite3_close(db_); }

  static FunctionRecord AddTax() {
    FunctionRecord r;
    r.def.name = "add_tax";
    r.def.language = "sql";
    r.def.params = {{"price", "REAL", runtime::SqlType::kReal},
                    {"rate", "REAL", runtime::SqlType::kReal}};
    r.def.return_declared = "REAL";
    r.def.return_type = runtime::SqlType::kReal;
    r.def.volatility = runtime::Volatility::kImmutable;
    r.def.source = " SELECT price * (1 + rate) ";
    return r;
  }

  sqlite3* db_ = nullptr;
};

TEST_F(CatalogTest, BootstrapIsIdempotentAndVersioned) {
  Catalog c(db_);
  EXPECT_TRUE(c.Bootstrap().ok());
  auto t1 = c.ReadToken();
  ASSERT_TRUE(t1.ok());
  EXPECT_EQ(t1->size(), 32u);
  ASSERT_TRUE(c.BumpVersion().ok());
  EXPECT_NE(*c.ReadToken(), *t1);
}

TEST_F(CatalogTest, FunctionsRoundTrip) {
  Catalog c(db_);
  FunctionRecord r = AddTax();
  r.def.limits.max_cpu_time_ms = 250;
  ASSERT_TRUE(c.PutFunction(r).ok());
  auto snap = c.Load();
  ASSERT_TRUE(snap.ok()) << snap.status().message();
  const FunctionRecord* f = (*snap)->FindFunction("ADD_TAX");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->def.params.size(), 2u);
  EXPECT_EQ(f->def.params[1].name, "rate");
  EXPECT_EQ(f->def.return_type, runtime::SqlType::kReal);
  EXPECT_EQ(f->def.volatility, runtime::Volatility::kImmutable);
  EXPECT_EQ(f->def.limits.max_cpu_time_ms, 250);
  EXPECT_EQ(f->Definition(),
            "CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL LANGUAGE sql IMMUTABLE "
            "AS $$ SELECT price * (1 + rate) $$");
  auto view = RunStatement(db_, "SELECT name, arguments, returns FROM sprocket_functions");
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->rows[0][1], Value("price REAL, rate REAL"));
}

TEST_F(CatalogTest, TriggersFollowRenames) {
  Catalog c(db_);
  TriggerRecord t;
  t.name = "vip";
  t.table = "accounts";
  t.timing = sql::TriggerTiming::kBefore;
  t.events = {{sql::TriggerOp::kUpdate, {"balance"}}};
  t.when = "NEW.balance > 10000 AND OLD.balance <= 10000";
  t.function = "flag_vip";
  t.arguments = {"gold"};
  ASSERT_TRUE(c.PutTrigger(t).ok());
  ASSERT_TRUE(c.Grant({OwnerKind::kTrigger,
                       "vip",
                       "accounts",
                       {security::CapabilityKind::kDatabaseRead, "x"},
                       ""})
                  .ok());
  ASSERT_TRUE(c.RenameTable("accounts", "acct").ok());
  ASSERT_TRUE(c.RenameColumn("acct", "balance", "bal").ok());
  auto snap = c.Load();
  ASSERT_TRUE(snap.ok());
  const TriggerRecord* r = (*snap)->FindTrigger("acct", "VIP");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->events[0].columns[0], "bal");
  EXPECT_EQ(r->when, "NEW.\"bal\" > 10000 AND OLD.\"bal\" <= 10000");
  EXPECT_EQ(r->Definition(),
            "CREATE TRIGGER vip BEFORE UPDATE OF bal ON acct FOR EACH ROW WHEN (NEW.\"bal\" > "
            "10000 AND OLD.\"bal\" <= 10000) EXECUTE FUNCTION flag_vip('gold')");
  EXPECT_EQ((*snap)->CapabilitiesOfTrigger("acct", "vip").grants().size(), 1u);
  EXPECT_EQ((*snap)->FindTrigger("accounts", "vip"), nullptr);
}

TEST_F(CatalogTest, GrantsAndRevokes) {
  Catalog c(db_);
  ASSERT_TRUE(c.PutFunction(AddTax()).ok());
  CapabilityRecord g{
      OwnerKind::kFunction, "add_tax", "", {security::CapabilityKind::kDatabaseRead, "users"}, ""};
  ASSERT_TRUE(c.Grant(g).ok());
  ASSERT_TRUE(c.Grant(g).ok());  // idempotent
  auto snap = c.Load();
  EXPECT_TRUE((*snap)->CapabilitiesOfFunction("add_tax").AllowsRead("users"));
  EXPECT_EQ(*c.Revoke(g), 1);
  EXPECT_EQ(*c.Revoke(g), 0);
  EXPECT_FALSE((*c.Load())->CapabilitiesOfFunction("add_tax").AllowsRead("users"));
}

}  // namespace
}  // namespace sprocket::catalog
