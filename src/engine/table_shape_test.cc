#include "engine/table_shape.h"

#include <gtest/gtest.h>

#include "common/sqlite_util.h"

namespace sprocket {
namespace {

TEST(TableShapeTest, AffinityFollowsSqliteRules) {
  EXPECT_EQ(AffinityOf("INTEGER"), 'I');
  EXPECT_EQ(AffinityOf("BIGINT"), 'I');
  EXPECT_EQ(AffinityOf("point"), 'I');  // contains INT: rule 1 comes first
  EXPECT_EQ(AffinityOf("VARCHAR(20)"), 'T');
  EXPECT_EQ(AffinityOf("clob"), 'T');
  EXPECT_EQ(AffinityOf(""), 'B');
  EXPECT_EQ(AffinityOf("BLOB"), 'B');
  EXPECT_EQ(AffinityOf("DOUBLE PRECISION"), 'R');
  EXPECT_EQ(AffinityOf("FLOATING POINT"), 'I');  // "POINT" contains INT
  EXPECT_EQ(AffinityOf("NUMERIC(10,2)"), 'N');
  EXPECT_EQ(AffinityOf("BOOLEAN"), 'N');
  EXPECT_EQ(AffinityOf("STRING"), 'N');
}

TEST(TableShapeTest, ValuesTakeTheColumnsAffinity) {
  EXPECT_EQ(WithAffinity(Value("42"), 'I'), Value(int64_t{42}));
  EXPECT_EQ(WithAffinity(Value(" 4.5 "), 'N'), Value(4.5));
  EXPECT_EQ(WithAffinity(Value(3.0), 'N'), Value(int64_t{3}));
  EXPECT_EQ(WithAffinity(Value(int64_t{3}), 'R'), Value(3.0));
  EXPECT_EQ(WithAffinity(Value("abc"), 'I'), Value("abc"));
  EXPECT_EQ(WithAffinity(Value(int64_t{7}), 'T'), Value("7"));
  EXPECT_EQ(WithAffinity(Value(1.5), 'T'), Value("1.5"));
  EXPECT_EQ(WithAffinity(Value("7"), 'B'), Value("7"));
  EXPECT_EQ(WithAffinity(Value(), 'I'), Value());
}

TEST(TableShapeTest, LoadsColumnsKeysAndGeneratedColumns) {
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, &sqlite3_close);
  ASSERT_EQ(sqlite3_exec(raw,
                         "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT DEFAULT 'x', "
                         "  amount REAL, twice REAL GENERATED ALWAYS AS (amount * 2));"
                         "CREATE TABLE k(a TEXT, b INT, PRIMARY KEY (b, a)) WITHOUT ROWID;"
                         "CREATE TABLE r(rowid TEXT, _rowid_ TEXT, x INT);"
                         "CREATE VIEW v AS SELECT id, name FROM t;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  TableShape t;
  t.name = "T";  // the catalog's spelling may differ in case
  ASSERT_TRUE(LoadTableShape(raw, &t).ok());
  ASSERT_TRUE(t.exists);
  EXPECT_FALSE(t.is_view);
  EXPECT_EQ(*t.columns, (std::vector<std::string>{"id", "name", "amount", "twice"}));
  EXPECT_EQ(t.generated, (std::vector<bool>{false, false, false, true}));
  EXPECT_EQ(t.defaults[1], "'x'");
  EXPECT_EQ(t.affinity, (std::vector<char>{'I', 'T', 'R', 'R'}));
  EXPECT_EQ(t.ipk, 0);
  EXPECT_EQ(t.key, "rowid");
  EXPECT_EQ(t.ColumnIndex("AMOUNT"), 2);
  EXPECT_EQ(t.ColumnIndex("nope"), -1);

  TableShape k;
  k.name = "k";
  ASSERT_TRUE(LoadTableShape(raw, &k).ok());
  EXPECT_EQ(k.key, "");
  EXPECT_EQ(k.pk, (std::vector<int>{1, 0}));  // in PRIMARY KEY order
  EXPECT_EQ(k.ipk, -1);

  TableShape r;
  r.name = "r";
  ASSERT_TRUE(LoadTableShape(raw, &r).ok());
  EXPECT_EQ(r.key, "oid");  // rowid and _rowid_ are columns

  TableShape v;
  v.name = "v";
  ASSERT_TRUE(LoadTableShape(raw, &v).ok());
  EXPECT_TRUE(v.is_view);
  EXPECT_EQ(v.columns->size(), 2u);

  TableShape missing;
  missing.name = "missing";
  ASSERT_TRUE(LoadTableShape(raw, &missing).ok());
  EXPECT_FALSE(missing.exists);
  EXPECT_TRUE(missing.columns->empty());
}

}  // namespace
}  // namespace sprocket
