#include "engine/sql_rewrite.h"

#include <gtest/gtest.h>

namespace sprocket {
namespace {

TEST(SqlRewriteTest, NumbersAnonymousAndNumberedParameters) {
  EXPECT_EQ(NumberParameters("INSERT INTO t VALUES (?, ?3, ?)"),
            "INSERT INTO t VALUES (:_spu1, :_spu3, :_spu4)");
  // A named parameter takes a number too (SQLite numbers it), and is left as written.
  EXPECT_EQ(NumberParameters("SELECT :a, ?"), "SELECT :a, :_spu2");
  // Question marks in strings, comments and quoted names are not parameters.
  EXPECT_EQ(NumberParameters("SELECT '?', \"?\" /* ? */, ? -- ?"),
            "SELECT '?', \"?\" /* ? */, :_spu1 -- ?");
  EXPECT_EQ(NumberParameters("SELECT 1"), "SELECT 1");
}

TEST(SqlRewriteTest, RewritesQualifiedReferencesOnly) {
  auto replace = [](const sql::Token& q, const std::string& column) -> std::optional<std::string> {
    if (!(q.Is("NEW") || q.Is("OLD"))) return std::nullopt;
    if (column == "missing") return std::nullopt;
    return ":" + std::string(q.Is("NEW") ? "n_" : "o_") + column;
  };
  EXPECT_EQ(RewriteReferences("NEW.a + old.\"b c\" > 0", replace), ":n_a + :o_b c > 0");
  // Not other qualifiers, not the middle of schema.table.column, not unknown columns, not
  // text in literals.
  EXPECT_EQ(RewriteReferences("t.a + main.new.a + new.a.b + NEW.missing + 'NEW.a'", replace),
            "t.a + main.new.a + new.a.b + NEW.missing + 'NEW.a'");
}

TEST(SqlRewriteTest, FindsFunctionCalls) {
  EXPECT_TRUE(CallsFunction("random()"));
  EXPECT_TRUE(CallsFunction("1 + abs(-1)"));
  EXPECT_FALSE(CallsFunction("42"));
  EXPECT_FALSE(CallsFunction("'random()'"));
  EXPECT_FALSE(CallsFunction("(1 + 2)"));
}

}  // namespace
}  // namespace sprocket
