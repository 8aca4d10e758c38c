#include "sql/splitter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sprocket::sql {
namespace {

std::vector<std::string> Split(std::string_view script) {
  Result<std::vector<StatementText>> statements = SplitStatements(script);
  EXPECT_TRUE(statements.ok()) << statements.status().message();
  std::vector<std::string> texts;
  if (statements.ok()) {
    for (const StatementText& statement : *statements) texts.emplace_back(statement.text);
  }
  return texts;
}

using Texts = std::vector<std::string>;

TEST(SplitterTest, EmptyScripts) {
  EXPECT_EQ(Split(""), Texts{});
  EXPECT_EQ(Split("   \n\t "), Texts{});
  EXPECT_EQ(Split("-- only a comment\n/* and another */"), Texts{});
  EXPECT_EQ(Split(";;; ; -- x\n;"), Texts{});
}

TEST(SplitterTest, SplitsOnSemicolons) {
  EXPECT_EQ(Split("SELECT 1; SELECT 2;"), (Texts{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT 1;SELECT 2"), (Texts{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT 1;;\n;SELECT 2;  "), (Texts{"SELECT 1", "SELECT 2"}));
}

TEST(SplitterTest, TextIsTrimmedOfCommentsAndWhitespace) {
  EXPECT_EQ(Split("  -- lead\n /* c */ SELECT /* in */ 1 -- trail\n /* x */ ; -- after"),
            (Texts{"SELECT /* in */ 1"}));
}

TEST(SplitterTest, SemicolonsInsideQuotesAndCommentsDoNotSplit) {
  EXPECT_EQ(Split("SELECT 'a;b', \"c;d\", [e;f], `g;h` -- i;j\n, 1 /* k;l */; SELECT 2"),
            (Texts{"SELECT 'a;b', \"c;d\", [e;f], `g;h` -- i;j\n, 1", "SELECT 2"}));
  EXPECT_EQ(Split("SELECT 'it''s;'; SELECT X'3b'"), (Texts{"SELECT 'it''s;'", "SELECT X'3b'"}));
}

TEST(SplitterTest, SemicolonsInsideDollarQuotesDoNotSplit) {
  const char* script =
      "CREATE FUNCTION f() RETURNS int LANGUAGE js AS $$ let a = 1; return a; $$;\n"
      "CREATE FUNCTION g() RETURNS int LANGUAGE js AS $fn$ s = '$$;'; return 1; $fn$;\n"
      "SELECT f()";
  EXPECT_EQ(Split(script),
            (Texts{"CREATE FUNCTION f() RETURNS int LANGUAGE js AS $$ let a = 1; return a; $$",
                   "CREATE FUNCTION g() RETURNS int LANGUAGE js AS $fn$ s = '$$;'; return 1; "
                   "$fn$",
                   "SELECT f()"}));
}

TEST(SplitterTest, PositionsAreScriptRelative) {
  Result<std::vector<StatementText>> statements =
      SplitStatements("SELECT 1;\n  -- c\n  SELECT 'é';   SELECT\n3");
  ASSERT_TRUE(statements.ok());
  ASSERT_EQ(statements->size(), 3u);
  const std::vector<StatementText>& s = *statements;
  EXPECT_EQ(s[0].position.line, 1);
  EXPECT_EQ(s[0].position.column, 1);
  EXPECT_EQ(s[0].position.offset, 0u);
  EXPECT_EQ(s[1].position.line, 3);
  EXPECT_EQ(s[1].position.column, 3);
  EXPECT_EQ(s[1].position.offset, 19u);
  EXPECT_EQ(s[2].text, "SELECT\n3");
  EXPECT_EQ(s[2].position.line, 3);
  EXPECT_EQ(s[2].position.column, 18);  // 'é' counts two bytes
  EXPECT_EQ(s[2].position.offset, 34u);
}

TEST(SplitterTest, NativeTriggerBodyKeepsItsSemicolons) {
  const char* script =
      "CREATE TRIGGER t1 AFTER INSERT ON users BEGIN\n"
      "  INSERT INTO log VALUES (1);\n"
      "  UPDATE counts SET n = n + 1;\n"
      "END;\n"
      "SELECT 1;";
  EXPECT_EQ(Split(script), (Texts{"CREATE TRIGGER t1 AFTER INSERT ON users BEGIN\n"
                                  "  INSERT INTO log VALUES (1);\n"
                                  "  UPDATE counts SET n = n + 1;\n"
                                  "END",
                                  "SELECT 1"}));
}

TEST(SplitterTest, CaseEndInsideNativeTriggerBodyDoesNotEndIt) {
  const char* script =
      "CREATE TEMP TRIGGER IF NOT EXISTS main.t1 BEFORE UPDATE OF a, b ON t "
      "FOR EACH ROW WHEN new.a > 0 BEGIN "
      "SELECT CASE WHEN new.a > 5 THEN RAISE(ABORT, 'big; too') END; "
      "UPDATE t SET c = CASE new.b WHEN 1 THEN 'one' ELSE 'other' END WHERE rowid = new.rowid; "
      "END; SELECT 2";
  std::vector<std::string> texts = Split(script);
  ASSERT_EQ(texts.size(), 2u);
  EXPECT_TRUE(texts[0].ends_with("WHERE rowid = new.rowid; END"));
  EXPECT_EQ(texts[1], "SELECT 2");
}

TEST(SplitterTest, TemporaryAndExplainTriggersHaveBodies) {
  EXPECT_EQ(
      Split("CREATE TEMPORARY TRIGGER x AFTER DELETE ON t BEGIN DELETE FROM u; END; "
            "SELECT 1"),
      (Texts{"CREATE TEMPORARY TRIGGER x AFTER DELETE ON t BEGIN DELETE FROM u; END", "SELECT 1"}));
  EXPECT_EQ(Split("EXPLAIN QUERY PLAN CREATE TRIGGER x AFTER DELETE ON t BEGIN SELECT 1; END; "
                  "SELECT 2"),
            (Texts{"EXPLAIN QUERY PLAN CREATE TRIGGER x AFTER DELETE ON t BEGIN SELECT 1; END",
                   "SELECT 2"}));
}

TEST(SplitterTest, SprocketTriggersEndAtTheirSemicolon) {
  EXPECT_EQ(Split("CREATE TRIGGER t AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f(); "
                  "BEGIN; SELECT 1; END;"),
            (Texts{"CREATE TRIGGER t AFTER INSERT ON u FOR EACH ROW EXECUTE FUNCTION f()", "BEGIN",
                   "SELECT 1", "END"}));
  EXPECT_EQ(Split("CREATE OR REPLACE TRIGGER t AFTER INSERT ON u LANGUAGE js AS $$ a; b; $$; "
                  "SELECT 1"),
            (Texts{"CREATE OR REPLACE TRIGGER t AFTER INSERT ON u LANGUAGE js AS $$ a; b; $$",
                   "SELECT 1"}));
  // A table or trigger named "begin" is not a body.
  EXPECT_EQ(Split("CREATE TRIGGER begin AFTER INSERT ON begin EXECUTE FUNCTION f(); SELECT 1"),
            (Texts{"CREATE TRIGGER begin AFTER INSERT ON begin EXECUTE FUNCTION f()", "SELECT 1"}));
  EXPECT_EQ(
      Split("CREATE TRIGGER x AFTER INSERT ON main.begin EXECUTE FUNCTION f(); SELECT 1"),
      (Texts{"CREATE TRIGGER x AFTER INSERT ON main.begin EXECUTE FUNCTION f()", "SELECT 1"}));
  // BEGIN inside the WHEN parentheses is not a body either.
  EXPECT_EQ(
      Split("CREATE TRIGGER x AFTER INSERT ON t WHEN (begin) EXECUTE FUNCTION f(); "
            "SELECT 1"),
      (Texts{"CREATE TRIGGER x AFTER INSERT ON t WHEN (begin) EXECUTE FUNCTION f()", "SELECT 1"}));
  // An incomplete Sprocket trigger still ends at its ';'.
  EXPECT_EQ(Split("CREATE TRIGGER x AFTER INSERT ON t; SELECT 1"),
            (Texts{"CREATE TRIGGER x AFTER INSERT ON t", "SELECT 1"}));
}

TEST(SplitterTest, OtherStatementsWithBeginAndEnd) {
  EXPECT_EQ(Split("BEGIN; CREATE TABLE trigger_log(a); END"),
            (Texts{"BEGIN", "CREATE TABLE trigger_log(a)", "END"}));
  EXPECT_EQ(Split("SELECT CASE WHEN 1 THEN 2 END; SELECT 3"),
            (Texts{"SELECT CASE WHEN 1 THEN 2 END", "SELECT 3"}));
}

TEST(SplitterTest, UnterminatedNativeTriggerRunsToTheEnd) {
  EXPECT_EQ(Split("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2;"),
            (Texts{"CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; SELECT 2;"}));
}

TEST(SplitterTest, Errors) {
  Result<std::vector<StatementText>> r = SplitStatements("SELECT 1;\nSELECT 'abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kSyntaxError);
  EXPECT_EQ(r.status().message(), "syntax error at line 2, column 8: unterminated string");
  r = SplitStatements("SELECT $x$ ; $y$");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "syntax error at line 1, column 8: unterminated dollar-quoted string $x$");
  r = SplitStatements("SELECT 1 /* ; ");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "syntax error at line 1, column 10: unterminated /* comment");
  r = SplitStatements("SELECT \"a;");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "syntax error at line 1, column 8: unterminated quoted identifier");
}

TEST(IsCompleteStatementTest, Basics) {
  EXPECT_TRUE(IsCompleteStatement(""));
  EXPECT_TRUE(IsCompleteStatement("  \n"));
  EXPECT_TRUE(IsCompleteStatement("-- just a comment"));
  EXPECT_TRUE(IsCompleteStatement("/* c */"));
  EXPECT_TRUE(IsCompleteStatement(";"));
  EXPECT_TRUE(IsCompleteStatement("SELECT 1;"));
  EXPECT_TRUE(IsCompleteStatement("SELECT 1; -- trailing comment\n  "));
  EXPECT_TRUE(IsCompleteStatement("SELECT 1; /* c */"));
  EXPECT_TRUE(IsCompleteStatement("SELECT 1; SELECT 2;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT 1"));
  EXPECT_FALSE(IsCompleteStatement("SELECT 1; SELECT 2"));
  EXPECT_FALSE(IsCompleteStatement("SELECT 1 -- ;"));
}

TEST(IsCompleteStatementTest, OpenQuotesAndComments) {
  EXPECT_FALSE(IsCompleteStatement("SELECT 'a;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT \"a;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT [a;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT `a;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT X'00;"));
  EXPECT_FALSE(IsCompleteStatement("AS $$ a;"));
  EXPECT_FALSE(IsCompleteStatement("AS $fn$ a; $$;"));
  EXPECT_FALSE(IsCompleteStatement("SELECT 1; /* a;"));
  EXPECT_TRUE(IsCompleteStatement("AS $fn$ a; $$; $fn$;"));
  EXPECT_TRUE(IsCompleteStatement("SELECT 'a;';"));
}

TEST(IsCompleteStatementTest, NativeTriggerBodies) {
  EXPECT_FALSE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN"));
  EXPECT_FALSE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1;"));
  EXPECT_FALSE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT CASE 1 END;"));
  EXPECT_FALSE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END"));
  EXPECT_TRUE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END;"));
  EXPECT_TRUE(
      IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1; END; -- done\n"));
  EXPECT_TRUE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN SELECT 1;;END;"));
  EXPECT_TRUE(
      IsCompleteStatement("create temp trigger x after insert on t begin select 1; end /* c */ ;"));
  EXPECT_TRUE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t EXECUTE FUNCTION f();"));
  EXPECT_TRUE(IsCompleteStatement("CREATE TRIGGER x AFTER INSERT ON t;"));
}

}  // namespace
}  // namespace sprocket::sql
