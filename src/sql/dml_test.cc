#include "sql/dml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sql/lexer.h"

namespace sprocket::sql {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

DmlStatement Parse(std::string_view sql) {
  Result<std::optional<DmlStatement>> parsed = ParseDml(sql);
  EXPECT_TRUE(parsed.ok()) << sql << "\n" << parsed.status().message();
  if (!parsed.ok()) return {};
  EXPECT_TRUE(parsed->has_value()) << sql;
  return parsed->value_or(DmlStatement{});
}

bool IsNotDml(std::string_view sql) {
  Result<std::optional<DmlStatement>> parsed = ParseDml(sql);
  EXPECT_TRUE(parsed.ok()) << sql << "\n" << parsed.status().message();
  return parsed.ok() && !parsed->has_value();
}

std::string Error(std::string_view sql) {
  Result<std::optional<DmlStatement>> parsed = ParseDml(sql);
  if (parsed.ok()) return "(no error)";
  EXPECT_EQ(parsed.status().code(), StatusCode::kSyntaxError) << sql;
  return parsed.status().message();
}

// ---------------------------------------------------------------------------------------
// INSERT / REPLACE

TEST(ParseDmlInsertTest, ValuesWithColumns) {
  DmlStatement s = Parse("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')");
  EXPECT_EQ(s.op, DmlOp::kInsert);
  EXPECT_EQ(s.with_text, "");
  EXPECT_EQ(s.conflict, "");
  EXPECT_EQ(s.schema, "");
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.alias, "");
  EXPECT_EQ(s.indexed_text, "");
  EXPECT_THAT(s.columns, ElementsAre("a", "b"));
  EXPECT_EQ(s.source, DmlStatement::Source::kValues);
  EXPECT_EQ(s.source_text, "VALUES (1, 'x'), (2, 'y')");
  EXPECT_THAT(s.upserts, IsEmpty());
  EXPECT_EQ(s.returning_text, "");
}

TEST(ParseDmlInsertTest, LowerCaseWithoutColumnList) {
  DmlStatement s = Parse("insert into t values(1),(2)");
  EXPECT_EQ(s.table, "t");
  EXPECT_THAT(s.columns, IsEmpty());
  EXPECT_EQ(s.source, DmlStatement::Source::kValues);
  EXPECT_EQ(s.source_text, "values(1),(2)");
}

TEST(ParseDmlInsertTest, QuotedNamesSchemaAndAlias) {
  DmlStatement s =
      Parse("INSERT INTO \"My Schema\".[My Table] AS \"x y\" (\"a b\", `c`, [d]) VALUES (1, 2, 3)");
  EXPECT_EQ(s.schema, "My Schema");
  EXPECT_EQ(s.table, "My Table");
  EXPECT_EQ(s.alias, "x y");
  EXPECT_THAT(s.columns, ElementsAre("a b", "c", "d"));
  EXPECT_EQ(s.source_text, "VALUES (1, 2, 3)");
}

TEST(ParseDmlInsertTest, DoubledQuotesInNames) {
  DmlStatement s = Parse("INSERT INTO main.\"a\"\"b\" (\"c\"\"d\") VALUES (1)");
  EXPECT_EQ(s.schema, "main");
  EXPECT_EQ(s.table, "a\"b");
  EXPECT_THAT(s.columns, ElementsAre("c\"d"));
}

TEST(ParseDmlInsertTest, StringsAsNames) {
  // SQLite accepts a string literal where it expects a name.
  DmlStatement s = Parse("INSERT INTO 'my table' AS 'x' ('a b') VALUES (1)");
  EXPECT_EQ(s.table, "my table");
  EXPECT_EQ(s.alias, "x");
  EXPECT_THAT(s.columns, ElementsAre("a b"));
}

TEST(ParseDmlInsertTest, OrActions) {
  for (std::string_view action : {"ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"}) {
    DmlStatement upper = Parse("INSERT OR " + std::string(action) + " INTO t VALUES (1)");
    EXPECT_EQ(upper.conflict, action);
    std::string lower_action(action);
    for (char& c : lower_action) c = static_cast<char>(c - 'A' + 'a');
    DmlStatement lower = Parse("insert or " + lower_action + " into t values (1)");
    EXPECT_EQ(lower.conflict, action);
    EXPECT_EQ(lower.op, DmlOp::kInsert);
  }
}

TEST(ParseDmlInsertTest, InsertOrIgnore) {
  DmlStatement s = Parse("INSERT OR IGNORE INTO t(a) VALUES (1)");
  EXPECT_EQ(s.conflict, "IGNORE");
  EXPECT_EQ(s.table, "t");
  EXPECT_THAT(s.columns, ElementsAre("a"));
}

TEST(ParseDmlInsertTest, ReplaceInto) {
  DmlStatement s = Parse("REPLACE INTO aux.t (id) SELECT id FROM s");
  EXPECT_EQ(s.op, DmlOp::kInsert);
  EXPECT_EQ(s.conflict, "REPLACE");
  EXPECT_EQ(s.schema, "aux");
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text, "SELECT id FROM s");
}

TEST(ParseDmlInsertTest, DefaultValues) {
  DmlStatement s = Parse("INSERT INTO t DEFAULT VALUES");
  EXPECT_EQ(s.source, DmlStatement::Source::kDefaultValues);
  EXPECT_EQ(s.source_text, "");
  EXPECT_EQ(s.returning_text, "");

  s = Parse("insert into t default values returning *;");
  EXPECT_EQ(s.source, DmlStatement::Source::kDefaultValues);
  EXPECT_EQ(s.source_text, "");
  EXPECT_EQ(s.returning_text, "*");
}

TEST(ParseDmlInsertTest, SelectSource) {
  DmlStatement s =
      Parse("INSERT INTO t (a) SELECT x FROM s WHERE y > 1 GROUP BY x ORDER BY x LIMIT 3");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text, "SELECT x FROM s WHERE y > 1 GROUP BY x ORDER BY x LIMIT 3");
  EXPECT_THAT(s.upserts, IsEmpty());
}

TEST(ParseDmlInsertTest, SelectWithJoinsIsNotAnUpsert) {
  DmlStatement s = Parse(
      "INSERT INTO t SELECT a.x, b.y FROM a JOIN b ON a.id = b.id "
      "LEFT JOIN c ON conflict = 1 JOIN d ON (d.k = c.k)");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text,
            "SELECT a.x, b.y FROM a JOIN b ON a.id = b.id "
            "LEFT JOIN c ON conflict = 1 JOIN d ON (d.k = c.k)");
  EXPECT_THAT(s.upserts, IsEmpty());
}

TEST(ParseDmlInsertTest, SelectWithWhereTrueThenUpsert) {
  DmlStatement s = Parse("INSERT INTO t SELECT * FROM s WHERE true ON CONFLICT DO NOTHING");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text, "SELECT * FROM s WHERE true");
  ASSERT_EQ(s.upserts.size(), 1u);
  EXPECT_TRUE(s.upserts[0].do_nothing);
  EXPECT_EQ(s.upserts[0].target_text, "");
  EXPECT_THAT(s.upserts[0].target_columns, IsEmpty());
  EXPECT_EQ(s.upserts[0].text, "ON CONFLICT DO NOTHING");
}

TEST(ParseDmlInsertTest, SelectJoinThenUpsertAndReturning) {
  DmlStatement s = Parse(
      "INSERT INTO t SELECT a.x FROM a JOIN b ON a.id = b.id WHERE 1 "
      "ON CONFLICT (x) DO UPDATE SET n = n + 1 RETURNING x");
  EXPECT_EQ(s.source_text, "SELECT a.x FROM a JOIN b ON a.id = b.id WHERE 1");
  ASSERT_EQ(s.upserts.size(), 1u);
  EXPECT_THAT(s.upserts[0].target_columns, ElementsAre("x"));
  ASSERT_EQ(s.upserts[0].set.size(), 1u);
  EXPECT_EQ(s.upserts[0].set[0].expr_text, "n + 1");
  EXPECT_EQ(s.returning_text, "x");
}

TEST(ParseDmlInsertTest, SelectSourceWithItsOwnWith) {
  DmlStatement s = Parse("INSERT INTO t WITH c AS (SELECT 1 AS x) SELECT x FROM c");
  EXPECT_EQ(s.with_text, "");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text, "WITH c AS (SELECT 1 AS x) SELECT x FROM c");
}

TEST(ParseDmlInsertTest, ValuesCompoundIsASelect) {
  DmlStatement s = Parse("INSERT INTO t VALUES (1) UNION ALL SELECT 2");
  EXPECT_EQ(s.source, DmlStatement::Source::kSelect);
  EXPECT_EQ(s.source_text, "VALUES (1) UNION ALL SELECT 2");
}

TEST(ParseDmlInsertTest, ValuesWithSubqueries) {
  DmlStatement s = Parse(
      "INSERT INTO t VALUES ((SELECT max(id) FROM s WHERE s.k = 1) + 1, (SELECT 'ON CONFLICT'))");
  EXPECT_EQ(s.source, DmlStatement::Source::kValues);
  EXPECT_EQ(s.source_text,
            "VALUES ((SELECT max(id) FROM s WHERE s.k = 1) + 1, (SELECT 'ON CONFLICT'))");
  EXPECT_THAT(s.upserts, IsEmpty());
}

TEST(ParseDmlInsertTest, ValuesThenReturning) {
  DmlStatement s = Parse("INSERT INTO t VALUES (1) RETURNING id, name AS n, a + b AS \"sum\"");
  EXPECT_EQ(s.source_text, "VALUES (1)");
  EXPECT_EQ(s.returning_text, "id, name AS n, a + b AS \"sum\"");
}

TEST(ParseDmlInsertTest, StringsHideKeywords) {
  DmlStatement s =
      Parse("INSERT INTO t VALUES ('ON CONFLICT DO NOTHING', 'RETURNING *', \"x\"); -- done");
  EXPECT_EQ(s.source_text, "VALUES ('ON CONFLICT DO NOTHING', 'RETURNING *', \"x\")");
  EXPECT_THAT(s.upserts, IsEmpty());
  EXPECT_EQ(s.returning_text, "");
}

TEST(ParseDmlInsertTest, SeveralUpserts) {
  DmlStatement s = Parse(
      "INSERT INTO t (id, n, m) VALUES (1, 'a', 2)\n"
      "  ON CONFLICT (id) DO UPDATE SET n = excluded.n, m = m + excluded.m WHERE excluded.m > 0\n"
      "  ON CONFLICT (n COLLATE nocase, m) WHERE m > 0 DO NOTHING\n"
      "  on conflict do update set (n, m) = (excluded.n, 0)\n"
      "  RETURNING id, n AS name;");
  EXPECT_EQ(s.source_text, "VALUES (1, 'a', 2)");
  ASSERT_EQ(s.upserts.size(), 3u);

  const UpsertClause& first = s.upserts[0];
  EXPECT_THAT(first.target_columns, ElementsAre("id"));
  EXPECT_EQ(first.target_text, "(id)");
  EXPECT_EQ(first.target_where_text, "");
  EXPECT_FALSE(first.do_nothing);
  ASSERT_EQ(first.set.size(), 2u);
  EXPECT_THAT(first.set[0].columns, ElementsAre("n"));
  EXPECT_EQ(first.set[0].expr_text, "excluded.n");
  EXPECT_THAT(first.set[0].elements, IsEmpty());
  EXPECT_THAT(first.set[1].columns, ElementsAre("m"));
  EXPECT_EQ(first.set[1].expr_text, "m + excluded.m");
  EXPECT_EQ(first.where_text, "excluded.m > 0");
  EXPECT_EQ(first.text,
            "ON CONFLICT (id) DO UPDATE SET n = excluded.n, m = m + excluded.m WHERE "
            "excluded.m > 0");

  const UpsertClause& second = s.upserts[1];
  EXPECT_THAT(second.target_columns, IsEmpty());
  EXPECT_EQ(second.target_text, "(n COLLATE nocase, m)");
  EXPECT_EQ(second.target_where_text, "m > 0");
  EXPECT_TRUE(second.do_nothing);
  EXPECT_THAT(second.set, IsEmpty());
  EXPECT_EQ(second.where_text, "");
  EXPECT_EQ(second.text, "ON CONFLICT (n COLLATE nocase, m) WHERE m > 0 DO NOTHING");

  const UpsertClause& third = s.upserts[2];
  EXPECT_THAT(third.target_columns, IsEmpty());
  EXPECT_EQ(third.target_text, "");
  EXPECT_FALSE(third.do_nothing);
  ASSERT_EQ(third.set.size(), 1u);
  EXPECT_THAT(third.set[0].columns, ElementsAre("n", "m"));
  EXPECT_EQ(third.set[0].expr_text, "(excluded.n, 0)");
  EXPECT_THAT(third.set[0].elements, ElementsAre("excluded.n", "0"));
  EXPECT_EQ(third.text, "on conflict do update set (n, m) = (excluded.n, 0)");

  EXPECT_EQ(s.returning_text, "id, n AS name");
}

TEST(ParseDmlInsertTest, UpsertTargets) {
  DmlStatement s = Parse(
      "INSERT INTO t VALUES (1) ON CONFLICT (\"a b\" ASC, [c] desc, d) DO NOTHING "
      "ON CONFLICT (lower(e)) DO NOTHING ON CONFLICT (f + 1, g) DO NOTHING");
  ASSERT_EQ(s.upserts.size(), 3u);
  EXPECT_THAT(s.upserts[0].target_columns, ElementsAre("a b", "c", "d"));
  EXPECT_EQ(s.upserts[0].target_text, "(\"a b\" ASC, [c] desc, d)");
  EXPECT_THAT(s.upserts[1].target_columns, IsEmpty());
  EXPECT_EQ(s.upserts[1].target_text, "(lower(e))");
  EXPECT_THAT(s.upserts[2].target_columns, IsEmpty());
  EXPECT_EQ(s.upserts[2].target_text, "(f + 1, g)");
}

TEST(ParseDmlInsertTest, UpsertDoUpdateWithSubqueryAndCase) {
  DmlStatement s = Parse(
      "INSERT INTO t (k, v) VALUES (1, 2) ON CONFLICT (k) DO UPDATE SET "
      "v = CASE WHEN excluded.v > v THEN excluded.v ELSE v END, "
      "w = (SELECT count(*) FROM s WHERE s.k = excluded.k) "
      "WHERE v IS NOT DISTINCT FROM excluded.v OR k IN (SELECT k FROM u WHERE u.on_hold)");
  ASSERT_EQ(s.upserts.size(), 1u);
  const UpsertClause& upsert = s.upserts[0];
  ASSERT_EQ(upsert.set.size(), 2u);
  EXPECT_EQ(upsert.set[0].expr_text, "CASE WHEN excluded.v > v THEN excluded.v ELSE v END");
  EXPECT_EQ(upsert.set[1].expr_text, "(SELECT count(*) FROM s WHERE s.k = excluded.k)");
  EXPECT_THAT(upsert.set[1].elements, IsEmpty());
  EXPECT_EQ(upsert.where_text,
            "v IS NOT DISTINCT FROM excluded.v OR k IN (SELECT k FROM u WHERE u.on_hold)");
}

TEST(ParseDmlInsertTest, WithPrefix) {
  DmlStatement s = Parse(
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
      "INSERT INTO t SELECT x FROM c");
  EXPECT_EQ(s.with_text,
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3)");
  EXPECT_EQ(s.op, DmlOp::kInsert);
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.source_text, "SELECT x FROM c");
}

// ---------------------------------------------------------------------------------------
// UPDATE

TEST(ParseDmlUpdateTest, Basic) {
  DmlStatement s = Parse("UPDATE t SET a = 1, b = 'x, y' WHERE id = 2");
  EXPECT_EQ(s.op, DmlOp::kUpdate);
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.conflict, "");
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_THAT(s.set[0].columns, ElementsAre("a"));
  EXPECT_EQ(s.set[0].expr_text, "1");
  EXPECT_THAT(s.set[1].columns, ElementsAre("b"));
  EXPECT_EQ(s.set[1].expr_text, "'x, y'");
  EXPECT_EQ(s.from_text, "");
  EXPECT_EQ(s.where_text, "id = 2");
  EXPECT_EQ(s.returning_text, "");
  EXPECT_EQ(s.order_by_text, "");
  EXPECT_EQ(s.limit_text, "");
}

TEST(ParseDmlUpdateTest, OrActionSchemaAliasIndexedBy) {
  DmlStatement s = Parse("update or ignore main.t as x indexed by ix set a = x.a + 1");
  EXPECT_EQ(s.conflict, "IGNORE");
  EXPECT_EQ(s.schema, "main");
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.alias, "x");
  EXPECT_EQ(s.indexed_text, "indexed by ix");
  ASSERT_EQ(s.set.size(), 1u);
  EXPECT_EQ(s.set[0].expr_text, "x.a + 1");
}

TEST(ParseDmlUpdateTest, AliasWithoutAsAndNotIndexed) {
  DmlStatement s = Parse("UPDATE t x NOT INDEXED SET a = 1");
  EXPECT_EQ(s.alias, "x");
  EXPECT_EQ(s.indexed_text, "NOT INDEXED");

  s = Parse("UPDATE t \"my alias\" SET a = 1");
  EXPECT_EQ(s.alias, "my alias");

  s = Parse("UPDATE t SET a = 1");
  EXPECT_EQ(s.alias, "");
  EXPECT_EQ(s.indexed_text, "");
}

TEST(ParseDmlUpdateTest, QuotedNames) {
  DmlStatement s = Parse("UPDATE [My Table] SET \"my col\" = 1, `b` = 2, [c d] = 3");
  EXPECT_EQ(s.table, "My Table");
  ASSERT_EQ(s.set.size(), 3u);
  EXPECT_THAT(s.set[0].columns, ElementsAre("my col"));
  EXPECT_THAT(s.set[1].columns, ElementsAre("b"));
  EXPECT_THAT(s.set[2].columns, ElementsAre("c d"));
}

TEST(ParseDmlUpdateTest, CaseExpression) {
  DmlStatement s = Parse(
      "UPDATE t SET a = CASE WHEN b > 0 THEN 'pos' WHEN b < 0 THEN 'neg' ELSE 'zero' END, "
      "c = CASE b WHEN 1 THEN 2 END WHERE d");
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_EQ(s.set[0].expr_text, "CASE WHEN b > 0 THEN 'pos' WHEN b < 0 THEN 'neg' ELSE 'zero' END");
  EXPECT_EQ(s.set[1].expr_text, "CASE b WHEN 1 THEN 2 END");
  EXPECT_EQ(s.where_text, "d");
}

TEST(ParseDmlUpdateTest, SubqueriesInSetAndWhere) {
  DmlStatement s = Parse(
      "UPDATE t SET a = (SELECT max(x) FROM s WHERE s.id = t.id), "
      "b = coalesce((SELECT y FROM s WHERE s.k IN (1, 2) ORDER BY y LIMIT 1), 0) "
      "WHERE id IN (SELECT id FROM s WHERE flag ORDER BY id LIMIT 5) RETURNING *");
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_EQ(s.set[0].expr_text, "(SELECT max(x) FROM s WHERE s.id = t.id)");
  EXPECT_THAT(s.set[0].elements, IsEmpty());
  EXPECT_EQ(s.set[1].expr_text,
            "coalesce((SELECT y FROM s WHERE s.k IN (1, 2) ORDER BY y LIMIT 1), 0)");
  EXPECT_EQ(s.from_text, "");
  EXPECT_EQ(s.where_text, "id IN (SELECT id FROM s WHERE flag ORDER BY id LIMIT 5)");
  EXPECT_EQ(s.returning_text, "*");
}

TEST(ParseDmlUpdateTest, RowValueAssignments) {
  DmlStatement s = Parse(
      "UPDATE t SET (a, \"b c\") = (1, f(2, 3)), (d, e) = (SELECT x, y FROM s WHERE s.id = t.id), "
      "(g) = (VALUES (1)), h = (1), (i, j) = ((SELECT 1), (2 + 3))");
  ASSERT_EQ(s.set.size(), 5u);
  EXPECT_THAT(s.set[0].columns, ElementsAre("a", "b c"));
  EXPECT_EQ(s.set[0].expr_text, "(1, f(2, 3))");
  EXPECT_THAT(s.set[0].elements, ElementsAre("1", "f(2, 3)"));

  EXPECT_THAT(s.set[1].columns, ElementsAre("d", "e"));
  EXPECT_EQ(s.set[1].expr_text, "(SELECT x, y FROM s WHERE s.id = t.id)");
  EXPECT_THAT(s.set[1].elements, IsEmpty());

  EXPECT_THAT(s.set[2].columns, ElementsAre("g"));
  EXPECT_THAT(s.set[2].elements, IsEmpty());

  EXPECT_THAT(s.set[3].columns, ElementsAre("h"));
  EXPECT_EQ(s.set[3].expr_text, "(1)");
  EXPECT_THAT(s.set[3].elements, IsEmpty());  // not a row-value assignment

  EXPECT_THAT(s.set[4].columns, ElementsAre("i", "j"));
  EXPECT_THAT(s.set[4].elements, ElementsAre("(SELECT 1)", "(2 + 3)"));
}

TEST(ParseDmlUpdateTest, RowValueWithWithSubquery) {
  DmlStatement s = Parse("UPDATE t SET (a, b) = (WITH c AS (SELECT 1, 2) SELECT * FROM c)");
  ASSERT_EQ(s.set.size(), 1u);
  EXPECT_EQ(s.set[0].expr_text, "(WITH c AS (SELECT 1, 2) SELECT * FROM c)");
  EXPECT_THAT(s.set[0].elements, IsEmpty());
}

TEST(ParseDmlUpdateTest, FromReturningOrderByLimit) {
  DmlStatement s = Parse(
      "UPDATE inventory SET qty = qty - d.n "
      "FROM (SELECT item, sum(n) AS n FROM daily WHERE day = 1 GROUP BY item) AS d "
      "JOIN x ON x.id = d.item "
      "WHERE inventory.item = d.item "
      "RETURNING inventory.item, qty AS left_over "
      "ORDER BY qty DESC LIMIT 10 OFFSET 2");
  ASSERT_EQ(s.set.size(), 1u);
  EXPECT_EQ(s.set[0].expr_text, "qty - d.n");
  EXPECT_EQ(s.from_text,
            "(SELECT item, sum(n) AS n FROM daily WHERE day = 1 GROUP BY item) AS d "
            "JOIN x ON x.id = d.item");
  EXPECT_EQ(s.where_text, "inventory.item = d.item");
  EXPECT_EQ(s.returning_text, "inventory.item, qty AS left_over");
  EXPECT_EQ(s.order_by_text, "qty DESC");
  EXPECT_EQ(s.limit_text, "10 OFFSET 2");
}

TEST(ParseDmlUpdateTest, IsDistinctFromIsNotAFromClause) {
  DmlStatement s = Parse("UPDATE t SET a = b IS NOT DISTINCT FROM c, d = e IS DISTINCT FROM f");
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_EQ(s.set[0].expr_text, "b IS NOT DISTINCT FROM c");
  EXPECT_EQ(s.set[1].expr_text, "e IS DISTINCT FROM f");
  EXPECT_EQ(s.from_text, "");

  s = Parse("UPDATE t SET a = b IS DISTINCT FROM s.c FROM s WHERE s.id = t.id");
  ASSERT_EQ(s.set.size(), 1u);
  EXPECT_EQ(s.set[0].expr_text, "b IS DISTINCT FROM s.c");
  EXPECT_EQ(s.from_text, "s");
  EXPECT_EQ(s.where_text, "s.id = t.id");
}

TEST(ParseDmlUpdateTest, OrderByAndLimitWithoutWhere) {
  DmlStatement s = Parse("UPDATE t SET a = 1 ORDER BY b LIMIT 2");
  EXPECT_EQ(s.set[0].expr_text, "1");
  EXPECT_EQ(s.order_by_text, "b");
  EXPECT_EQ(s.limit_text, "2");

  s = Parse("UPDATE t SET a = 1 LIMIT 5, 10");
  EXPECT_EQ(s.order_by_text, "");
  EXPECT_EQ(s.limit_text, "5, 10");
}

TEST(ParseDmlUpdateTest, CommentsAreKeptInsideAndTrimmedOutside) {
  DmlStatement s = Parse(
      "/* lead */ UPDATE t /* c1 */ SET a = /* before */ 1 /* inline */ + 2 -- trailing\n"
      "WHERE b = 3 -- end\n ; -- after\n");
  ASSERT_EQ(s.set.size(), 1u);
  EXPECT_EQ(s.set[0].expr_text, "1 /* inline */ + 2");
  EXPECT_EQ(s.where_text, "b = 3");
}

TEST(ParseDmlUpdateTest, MultiLine) {
  DmlStatement s = Parse("UPDATE t\nSET a = 1,\n    b = 2\nWHERE c = 3\n  AND d = 4;\n");
  ASSERT_EQ(s.set.size(), 2u);
  EXPECT_EQ(s.set[1].expr_text, "2");
  EXPECT_EQ(s.where_text, "c = 3\n  AND d = 4");
}

TEST(ParseDmlUpdateTest, WithMaterializedPrefix) {
  DmlStatement s = Parse(
      "WITH a AS MATERIALIZED (SELECT 1 AS x), b(y) AS NOT MATERIALIZED (SELECT 2) "
      "UPDATE t SET x = (SELECT x FROM a) WHERE y IN b");
  EXPECT_EQ(s.with_text,
            "WITH a AS MATERIALIZED (SELECT 1 AS x), b(y) AS NOT MATERIALIZED (SELECT 2)");
  EXPECT_EQ(s.op, DmlOp::kUpdate);
  EXPECT_EQ(s.where_text, "y IN b");
}

// ---------------------------------------------------------------------------------------
// DELETE

TEST(ParseDmlDeleteTest, Bare) {
  DmlStatement s = Parse("DELETE FROM t");
  EXPECT_EQ(s.op, DmlOp::kDelete);
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.alias, "");
  EXPECT_EQ(s.where_text, "");
  EXPECT_EQ(s.returning_text, "");
  EXPECT_THAT(s.set, IsEmpty());
}

TEST(ParseDmlDeleteTest, AllClauses) {
  DmlStatement s = Parse(
      "delete from \"s\".\"t\" as x indexed by \"ix\" where a = 1 returning *, a + 1 AS b "
      "order by a desc, b limit 1 offset 2;");
  EXPECT_EQ(s.schema, "s");
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.alias, "x");
  EXPECT_EQ(s.indexed_text, "indexed by \"ix\"");
  EXPECT_EQ(s.where_text, "a = 1");
  EXPECT_EQ(s.returning_text, "*, a + 1 AS b");
  EXPECT_EQ(s.order_by_text, "a desc, b");
  EXPECT_EQ(s.limit_text, "1 offset 2");
}

TEST(ParseDmlDeleteTest, AliasWithoutAs) {
  DmlStatement s = Parse("DELETE FROM t x WHERE x.a = 1");
  EXPECT_EQ(s.alias, "x");
  EXPECT_EQ(s.where_text, "x.a = 1");

  s = Parse("DELETE FROM t WHERE a = 1");
  EXPECT_EQ(s.alias, "");

  s = Parse("DELETE FROM t NOT INDEXED RETURNING a");
  EXPECT_EQ(s.alias, "");
  EXPECT_EQ(s.indexed_text, "NOT INDEXED");
  EXPECT_EQ(s.returning_text, "a");
}

TEST(ParseDmlDeleteTest, WhereWithSubqueryAndCase) {
  DmlStatement s = Parse(
      "DELETE FROM t WHERE id IN (SELECT id FROM s WHERE s.x = 'LIMIT 1' ORDER BY 1 LIMIT 3) "
      "AND CASE WHEN a THEN b ELSE c END ORDER BY id LIMIT 10");
  EXPECT_EQ(s.where_text,
            "id IN (SELECT id FROM s WHERE s.x = 'LIMIT 1' ORDER BY 1 LIMIT 3) "
            "AND CASE WHEN a THEN b ELSE c END");
  EXPECT_EQ(s.order_by_text, "id");
  EXPECT_EQ(s.limit_text, "10");
}

TEST(ParseDmlDeleteTest, WithPrefixHidingDmlWordsInStrings) {
  DmlStatement s = Parse(
      "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), "
      "old AS NOT MATERIALIZED (SELECT 'INSERT INTO x; DELETE FROM y' AS s, \"UPDATE\" FROM z) "
      "DELETE FROM t WHERE id IN r");
  EXPECT_EQ(s.with_text,
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), "
            "old AS NOT MATERIALIZED (SELECT 'INSERT INTO x; DELETE FROM y' AS s, \"UPDATE\" "
            "FROM z)");
  EXPECT_EQ(s.op, DmlOp::kDelete);
  EXPECT_EQ(s.table, "t");
  EXPECT_EQ(s.where_text, "id IN r");
}

TEST(ParseDmlDeleteTest, CteNamedReplace) {
  // REPLACE is a fallback identifier in SQLite, so it can name a CTE.
  DmlStatement s = Parse("WITH replace AS (SELECT 1 AS x) DELETE FROM t WHERE a IN replace");
  EXPECT_EQ(s.with_text, "WITH replace AS (SELECT 1 AS x)");
  EXPECT_EQ(s.op, DmlOp::kDelete);
}

TEST(ParseDmlDeleteTest, TrailingSemicolonsAndComments) {
  DmlStatement s = Parse("DELETE FROM t WHERE a = ';' ; ; -- bye\n/* really */");
  EXPECT_EQ(s.where_text, "a = ';'");
}

// ---------------------------------------------------------------------------------------
// Statements that are not DML

TEST(ParseDmlTest, NotDml) {
  for (std::string_view sql : {
           "",
           "   ",
           ";",
           "-- only a comment",
           "/* only */ -- comments",
           "SELECT 1",
           "SELECT * FROM t WHERE a IN (DELETE)",
           "VALUES (1), (2)",
           "CREATE TABLE t(a)",
           "CREATE TRIGGER tr AFTER INSERT ON t BEGIN DELETE FROM u; END",
           "PRAGMA user_version",
           "EXPLAIN DELETE FROM t",
           "WITH c AS (SELECT 1) SELECT * FROM c",
           "WITH c AS (SELECT 'DELETE FROM t') SELECT * FROM c",
           "WITH c AS (SELECT 1) VALUES (1)",
           "WITH c AS (SELECT 1)",
           "WITH c AS (SELECT 1)) DELETE FROM t",
           "SELECT 'unterminated",
           "\"insert\" INTO t VALUES (1)",
       }) {
    EXPECT_TRUE(IsNotDml(sql)) << sql;
    EXPECT_FALSE(PeekDmlTarget(sql).has_value()) << sql;
  }
}

// ---------------------------------------------------------------------------------------
// Malformed DML

TEST(ParseDmlTest, ErrorsNameTheUnexpectedToken) {
  EXPECT_EQ(Error("UPDATE t WHERE a = 1"),
            "syntax error at line 1, column 10: cannot decompose UPDATE: expected SET after "
            "table name, found 'WHERE'");
  EXPECT_EQ(Error("INSERT t VALUES (1)"),
            "syntax error at line 1, column 8: cannot decompose INSERT: expected INTO after "
            "'INSERT', found 't'");
  EXPECT_THAT(Error("INSERT INTO t"),
              ::testing::HasSubstr("cannot decompose INSERT: expected VALUES, SELECT or DEFAULT "
                                   "VALUES after 't', found end of statement"));
  EXPECT_THAT(Error("insert into t;"),
              ::testing::HasSubstr("expected VALUES, SELECT or DEFAULT VALUES after 't', found "
                                   "end of statement"));
  EXPECT_THAT(Error("INSERT INTO t DEFAULT (1)"),
              ::testing::HasSubstr("expected VALUES after 'DEFAULT', found '('"));
  EXPECT_THAT(Error("INSERT INTO t DEFAULT VALUES ON CONFLICT DO NOTHING"),
              ::testing::HasSubstr("expected end of statement after 'VALUES', found 'ON'"));
  EXPECT_THAT(Error("INSERT OR BOGUS INTO t VALUES (1)"),
              ::testing::HasSubstr(
                  "expected ROLLBACK, ABORT, FAIL, IGNORE or REPLACE after 'OR', found 'BOGUS'"));
  EXPECT_THAT(Error("REPLACE t VALUES (1)"),
              ::testing::HasSubstr("cannot decompose REPLACE: expected INTO after 'REPLACE'"));
  EXPECT_THAT(Error("INSERT INTO t (a, ) VALUES (1)"),
              ::testing::HasSubstr("expected column name after ',', found ')'"));
  EXPECT_THAT(Error("INSERT INTO t (a b) VALUES (1)"),
              ::testing::HasSubstr("expected ) after 'a', found 'b'"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1"),
              ::testing::HasSubstr("expected ) after '1', found end of statement"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON CONFLICT NOTHING"),
              ::testing::HasSubstr("expected ( or DO after 'CONFLICT', found 'NOTHING'"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 1"),
              ::testing::HasSubstr("expected CONFLICT after 'ON', found 'DUPLICATE'"));
  EXPECT_THAT(
      Error("INSERT INTO t VALUES (1) ON CONFLICT (a) DO"),
      ::testing::HasSubstr("expected NOTHING or UPDATE after 'DO', found end of statement"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON CONFLICT (a) NOTHING"),
              ::testing::HasSubstr("expected DO after ')', found 'NOTHING'"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON CONFLICT (a,) DO NOTHING"),
              ::testing::HasSubstr("expected indexed column after ',', found ')'"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON CONFLICT (a DO NOTHING"),
              ::testing::HasSubstr("expected ) after 'NOTHING', found end of statement"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) ON CONFLICT DO UPDATE a = 1"),
              ::testing::HasSubstr("expected SET after 'UPDATE', found 'a'"));
  EXPECT_THAT(Error("INSERT INTO t VALUES (1) RETURNING"),
              ::testing::HasSubstr("expected result column after 'RETURNING'"));
  EXPECT_THAT(Error("UPDATE t SET = 1"),
              ::testing::HasSubstr("expected column name after 'SET', found '='"));
  EXPECT_THAT(Error("UPDATE t SET a 1"), ::testing::HasSubstr("expected = after 'a', found '1'"));
  EXPECT_THAT(Error("UPDATE t SET 'a' 'b' = 1"),
              ::testing::HasSubstr("expected = after string 'a', found string 'b'"));
  EXPECT_THAT(Error("UPDATE t SET a = 1 WHERE b LIMIT"),
              ::testing::HasSubstr("expected expression after 'LIMIT', found end of statement"));
  EXPECT_THAT(Error("DELETE FROM x'00'"),
              ::testing::HasSubstr("expected table name after 'FROM', found blob x'00'"));
  EXPECT_THAT(Error("UPDATE t SET a = WHERE b"),
              ::testing::HasSubstr("expected expression after '=', found 'WHERE'"));
  EXPECT_THAT(Error("UPDATE t SET a = 1,"),
              ::testing::HasSubstr("expected column name after ',', found end of statement"));
  EXPECT_THAT(Error("UPDATE t SET (a, b = (1, 2)"),
              ::testing::HasSubstr("expected ) after 'b', found '='"));
  EXPECT_THAT(Error("UPDATE t SET (a, b) = (1, , 2)"),
              ::testing::HasSubstr("expected expression after ',', found ','"));
  EXPECT_THAT(Error("UPDATE t SET a = 1 FROM WHERE b"),
              ::testing::HasSubstr("expected table after 'FROM', found 'WHERE'"));
  EXPECT_THAT(Error("UPDATE t INDEXED ix SET a = 1"),
              ::testing::HasSubstr("expected BY after 'INDEXED', found 'ix'"));
  EXPECT_THAT(Error("UPDATE t NOT SET a = 1"),
              ::testing::HasSubstr("expected INDEXED after 'NOT', found 'SET'"));
  EXPECT_THAT(Error("UPDATE"),
              ::testing::HasSubstr("expected table name after 'UPDATE', found end of statement"));
  EXPECT_THAT(Error("UPDATE s.(x) SET a = 1"),
              ::testing::HasSubstr("expected table name after '.', found '('"));
  EXPECT_THAT(Error("DELETE t"), ::testing::HasSubstr("expected FROM after 'DELETE', found 't'"));
  EXPECT_THAT(Error("DELETE FROM"),
              ::testing::HasSubstr("expected table name after 'FROM', found end of statement"));
  EXPECT_THAT(Error("DELETE FROM 42"),
              ::testing::HasSubstr("expected table name after 'FROM', found '42'"));
  EXPECT_THAT(Error("DELETE FROM t WHERE"),
              ::testing::HasSubstr("expected expression after 'WHERE', found end of statement"));
  EXPECT_THAT(Error("DELETE FROM t WHERE a)"),
              ::testing::HasSubstr("expected end of statement after 'a', found ')'"));
  EXPECT_THAT(Error("DELETE FROM t LIMIT 1 WHERE a"),
              ::testing::HasSubstr("expected end of statement after '1', found 'WHERE'"));
  EXPECT_THAT(Error("DELETE FROM t ORDER a"),
              ::testing::HasSubstr("expected BY after 'ORDER', found 'a'"));
  EXPECT_THAT(Error("DELETE FROM t AS"),
              ::testing::HasSubstr("expected alias after 'AS', found end of statement"));
  EXPECT_THAT(Error("DELETE FROM t; SELECT 1"),
              ::testing::HasSubstr("expected end of statement after ';', found 'SELECT'"));
  EXPECT_THAT(Error("WITH c AS (SELECT 1) DELETE t"),
              ::testing::HasSubstr("cannot decompose DELETE: expected FROM after 'DELETE'"));
}

TEST(ParseDmlTest, ErrorPositionsAreLineAndColumn) {
  EXPECT_EQ(Error("DELETE FROM t\nWHERE a = 1\nLIMIT 1 garbage ("),
            "syntax error at line 3, column 18: cannot decompose DELETE: expected ) after "
            "'(', found end of statement");
}

TEST(ParseDmlTest, LexerErrorsInDml) {
  EXPECT_THAT(Error("INSERT INTO t VALUES ('abc"), ::testing::HasSubstr("unterminated string"));
  EXPECT_THAT(Error("UPDATE t SET a = 1 /* open"), ::testing::HasSubstr("unterminated /*"));
  EXPECT_THAT(Error("DELETE FROM t; 'dangling"), ::testing::HasSubstr("unterminated string"));
  EXPECT_THAT(Error("WITH c AS (SELECT \"x) DELETE FROM t"),
              ::testing::HasSubstr("unterminated quoted identifier"));
}

// Every prefix of, and every token dropped from, a set of statements: decomposing never
// crashes, and each result is a statement, nullopt or a syntax error.
TEST(ParseDmlTest, TruncatedAndMangledInputsDoNotCrash) {
  const std::vector<std::string> statements = {
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 3) "
      "INSERT OR IGNORE INTO main.t AS a (x, \"y\") SELECT x, 'q' FROM c JOIN d ON c.x = d.x "
      "WHERE 1 ON CONFLICT (x COLLATE nocase) WHERE x > 0 DO UPDATE SET (y, z) = (1, 2) "
      "WHERE excluded.y ON CONFLICT DO NOTHING RETURNING *;",
      "REPLACE INTO t VALUES (1, (SELECT 2)), (3, 4) RETURNING a AS b",
      "INSERT INTO t DEFAULT VALUES",
      "UPDATE OR ROLLBACK [s].t AS x INDEXED BY ix SET a = CASE WHEN b THEN 1 END, "
      "(c, d) = (SELECT 1, 2) FROM u JOIN v ON u.k = v.k WHERE u.id = x.id AND e IS NOT "
      "DISTINCT FROM f RETURNING a ORDER BY a LIMIT 1 OFFSET 2",
      "DELETE FROM t NOT INDEXED WHERE a IN (SELECT b FROM u WHERE c) RETURNING * ORDER BY a "
      "LIMIT 3; ;",
  };
  auto check = [](std::string_view sql) {
    Result<std::optional<DmlStatement>> parsed = ParseDml(sql);
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.status().code(), StatusCode::kSyntaxError) << sql;
    }
    (void)PeekDmlTarget(sql);
  };
  for (const std::string& sql : statements) {
    // The whole statement decomposes.
    Result<std::optional<DmlStatement>> whole = ParseDml(sql);
    ASSERT_TRUE(whole.ok()) << sql << "\n" << whole.status().message();
    ASSERT_TRUE(whole->has_value()) << sql;
    ASSERT_TRUE(PeekDmlTarget(sql).has_value()) << sql;

    for (size_t length = 0; length <= sql.size(); ++length) {
      check(std::string_view(sql).substr(0, length));
    }
    Result<std::vector<Token>> tokens = Tokenize(sql);
    ASSERT_TRUE(tokens.ok());
    for (const Token& token : *tokens) {
      size_t offset = static_cast<size_t>(token.text.data() - sql.data());
      std::string mangled = sql;
      mangled.erase(offset, token.text.size());
      check(mangled);
      std::string doubled = sql;
      doubled.insert(offset, std::string(token.text) + " ");
      check(doubled);
    }
  }
  for (std::string_view garbage : {"(", ")", "((", "))", ",", "WITH", "WITH (", "WITH )",
                                   "WITH c AS (", "INSERT INTO t VALUES )", "UPDATE t SET a = )",
                                   "DELETE FROM t WHERE ((a)", "INSERT INTO t SELECT ) ON"}) {
    check(garbage);
  }
}

// ---------------------------------------------------------------------------------------
// PeekDmlTarget

TEST(PeekDmlTargetTest, Ops) {
  std::optional<DmlTarget> target = PeekDmlTarget("INSERT INTO t VALUES (1)");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->op, DmlOp::kInsert);
  EXPECT_EQ(target->schema, "");
  EXPECT_EQ(target->table, "t");

  target = PeekDmlTarget("replace into \"S\".\"My T\" values (1)");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->op, DmlOp::kInsert);
  EXPECT_EQ(target->schema, "S");
  EXPECT_EQ(target->table, "My T");

  target = PeekDmlTarget("UPDATE OR FAIL aux.[u] SET a = 1");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->op, DmlOp::kUpdate);
  EXPECT_EQ(target->schema, "aux");
  EXPECT_EQ(target->table, "u");

  target = PeekDmlTarget("DELETE FROM `d`");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->op, DmlOp::kDelete);
  EXPECT_EQ(target->table, "d");
}

TEST(PeekDmlTargetTest, SkipsWithClause) {
  std::optional<DmlTarget> target = PeekDmlTarget(
      "WITH a(x) AS (SELECT 'UPDATE u SET' FROM (SELECT 1)), b AS MATERIALIZED (VALUES (2)) "
      "UPDATE t SET x = 1");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->op, DmlOp::kUpdate);
  EXPECT_EQ(target->table, "t");
}

TEST(PeekDmlTargetTest, LooksOnlyAtTheHead) {
  // The rest of the statement is not read: neither its errors nor what cannot be lexed.
  std::optional<DmlTarget> target = PeekDmlTarget("UPDATE t SET");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->table, "t");
  target = PeekDmlTarget("INSERT INTO t VALUES ('unterminated");
  ASSERT_TRUE(target.has_value());
  EXPECT_EQ(target->table, "t");
}

TEST(PeekDmlTargetTest, MalformedHead) {
  EXPECT_FALSE(PeekDmlTarget("INSERT INTO").has_value());
  EXPECT_FALSE(PeekDmlTarget("INSERT t VALUES (1)").has_value());
  EXPECT_FALSE(PeekDmlTarget("DELETE t").has_value());
  EXPECT_FALSE(PeekDmlTarget("UPDATE s.").has_value());
  EXPECT_FALSE(PeekDmlTarget("UPDATE OR x t SET a = 1").has_value());
  EXPECT_FALSE(PeekDmlTarget("WITH c AS (SELECT 'x").has_value());
}

}  // namespace
}  // namespace sprocket::sql
