#include "sqllogictest/test_file.h"

#include <gtest/gtest.h>

#include "sqllogictest/results.h"

namespace sprocket::slt {
namespace {

constexpr const char* kHeader =
    "# name: test/sql/x.test\n"
    "# description: a test\n"
    "# group: [x]\n"
    "\n";

TestFile Parse(const std::string& body) {
  return ParseTestFile(std::string(kHeader) + body, "test/sql/x.test");
}

std::string LintMessages(const TestFile& file) {
  std::string out;
  for (const auto& error : file.lint_errors) {
    out += std::to_string(error.line) + ": " + error.message + "\n";
  }
  return out;
}

TEST(TestFileTest, Header) {
  TestFile file = Parse("");
  EXPECT_EQ(file.name, "test/sql/x.test");
  EXPECT_EQ(file.description, "a test");
  EXPECT_EQ(file.group, "[x]");
  EXPECT_TRUE(file.lint_errors.empty()) << LintMessages(file);
  EXPECT_TRUE(file.records.empty());
}

TEST(TestFileTest, NameMustMatchPath) {
  TestFile file = ParseTestFile(kHeader, "test/sql/y.test");
  ASSERT_EQ(file.lint_errors.size(), 1u);
  EXPECT_EQ(file.lint_errors[0].line, 1);
  EXPECT_NE(file.lint_errors[0].message.find("test/sql/y.test"), std::string::npos);
}

TEST(TestFileTest, MissingNameIsLint) {
  TestFile file = ParseTestFile("statement ok\nSELECT 1\n", "test/sql/x.test");
  ASSERT_EQ(file.lint_errors.size(), 1u);
  EXPECT_NE(file.lint_errors[0].message.find("# name:"), std::string::npos);
}

TEST(TestFileTest, Statements) {
  TestFile file = Parse(
      "statement ok\n"
      "CREATE TABLE t(a);\n"
      "INSERT INTO t VALUES (1)\n"
      "\n"
      "# a comment\n"
      "statement error con2\n"
      "SELECT * FROM nope\n"
      "----\n"
      "no such table: nope\n");
  ASSERT_TRUE(file.lint_errors.empty()) << LintMessages(file);
  ASSERT_EQ(file.records.size(), 2u);
  EXPECT_EQ(file.records[0].kind, RecordKind::kStatementOk);
  EXPECT_EQ(file.records[0].line, 5);
  EXPECT_EQ(file.records[0].sql, "CREATE TABLE t(a);\nINSERT INTO t VALUES (1)");
  EXPECT_EQ(file.records[0].connection, "");
  EXPECT_EQ(file.records[1].kind, RecordKind::kStatementError);
  EXPECT_EQ(file.records[1].line, 10);
  EXPECT_EQ(file.records[1].connection, "con2");
  EXPECT_EQ(file.records[1].sql, "SELECT * FROM nope");
  EXPECT_EQ(file.records[1].expected_error, "no such table: nope");
}

TEST(TestFileTest, BareStatementErrorIsLint) {
  TestFile file = Parse(
      "statement error\n"
      "SELECT * FROM nope\n"
      "\n"
      "statement error\n"
      "SELECT * FROM nope\n"
      "----\n"
      "\n");
  ASSERT_EQ(file.lint_errors.size(), 2u) << LintMessages(file);
  EXPECT_EQ(file.lint_errors[0].line, 5);
  EXPECT_NE(file.lint_errors[0].message.find("must name the expected error"), std::string::npos);
  EXPECT_EQ(file.lint_errors[1].line, 8);
  EXPECT_TRUE(file.records.empty());
}

TEST(TestFileTest, Query) {
  TestFile file = Parse(
      "query ITR rowsort con2\n"
      "SELECT 1, 'a', 1.5\n"
      "----\n"
      "1\ta\t1.5\n"
      "\n"
      "query I\n"
      "SELECT 1 WHERE 0\n"
      "----\n"
      "\n"
      "query T valuesort\n"
      "SELECT 'x'\n"
      "----\n"
      "x\n");
  ASSERT_TRUE(file.lint_errors.empty()) << LintMessages(file);
  ASSERT_EQ(file.records.size(), 3u);
  const Record& q = file.records[0];
  EXPECT_EQ(q.kind, RecordKind::kQuery);
  EXPECT_EQ(q.types, "ITR");
  EXPECT_EQ(q.sort, SortMode::kRowSort);
  EXPECT_EQ(q.connection, "con2");
  EXPECT_EQ(q.sql, "SELECT 1, 'a', 1.5");
  EXPECT_EQ(q.expected, std::vector<std::string>{"1\ta\t1.5"});
  EXPECT_TRUE(file.records[1].expected.empty());
  EXPECT_EQ(file.records[2].sort, SortMode::kValueSort);
}

TEST(TestFileTest, QueryLint) {
  TestFile file = Parse(
      "query\n"
      "SELECT 1\n"
      "----\n"
      "1\n"
      "\n"
      "query I\n"
      "SELECT 1\n"
      "\n"
      "query I rowsort nosort\n"
      "SELECT 1\n"
      "----\n"
      "1\n");
  EXPECT_EQ(file.lint_errors.size(), 3u) << LintMessages(file);
  EXPECT_TRUE(file.records.empty());
}

TEST(TestFileTest, Directives) {
  TestFile file = Parse(
      "load __TEST_DIR__/a.db\n"
      "\n"
      "restart\n"
      "mode skip\n"
      "mode unskip\n"
      "halt\n");
  ASSERT_TRUE(file.lint_errors.empty()) << LintMessages(file);
  ASSERT_EQ(file.records.size(), 5u);
  EXPECT_EQ(file.records[0].kind, RecordKind::kLoad);
  EXPECT_EQ(file.records[0].path, "__TEST_DIR__/a.db");
  EXPECT_EQ(file.records[1].kind, RecordKind::kRestart);
  EXPECT_EQ(file.records[2].kind, RecordKind::kModeSkip);
  EXPECT_EQ(file.records[3].kind, RecordKind::kModeUnskip);
  EXPECT_EQ(file.records[4].kind, RecordKind::kHalt);
}

TEST(TestFileTest, UnknownCommandIsLint) {
  TestFile file = Parse(
      "statment ok\n"
      "SELECT 1\n"
      "\n"
      "statement maybe\n"
      "SELECT 1\n"
      "\n"
      "statement ok\n"
      "SELECT 1\n"
      "----\n"
      "\n");
  EXPECT_EQ(file.lint_errors.size(), 3u) << LintMessages(file);
  EXPECT_TRUE(file.records.empty());
}

TEST(TestFileTest, StatementOkMayListNotices) {
  TestFile file = Parse(
      "statement ok\n"
      "DROP FUNCTION IF EXISTS f\n"
      "----\n"
      "does not exist, skipping\n"
      "second notice\n");
  ASSERT_EQ(file.records.size(), 1u) << LintMessages(file);
  EXPECT_EQ(file.records[0].kind, RecordKind::kStatementOk);
  EXPECT_EQ(file.records[0].expected,
            (std::vector<std::string>{"does not exist, skipping", "second notice"}));
}

TEST(TestFileTest, CrLfLines) {
  TestFile file = ParseTestFile(
      "# name: test/sql/x.test\r\n\r\nquery I\r\nSELECT 1\r\n----\r\n1\r\n", "test/sql/x.test");
  ASSERT_TRUE(file.lint_errors.empty()) << LintMessages(file);
  ASSERT_EQ(file.records.size(), 1u);
  EXPECT_EQ(file.records[0].expected, std::vector<std::string>{"1"});
}

ResultSet MakeResult(std::vector<std::string> columns, std::vector<std::vector<Value>> rows) {
  ResultSet result;
  result.columns = std::move(columns);
  result.rows = std::move(rows);
  return result;
}

Record Query(std::string types, SortMode sort, std::vector<std::string> expected) {
  Record record;
  record.kind = RecordKind::kQuery;
  record.types = std::move(types);
  record.sort = sort;
  record.expected = std::move(expected);
  return record;
}

TEST(ResultsTest, RendersValues) {
  EXPECT_EQ(RenderValue(Value()), "NULL");
  EXPECT_EQ(RenderValue(Value("")), "(empty)");
  EXPECT_EQ(RenderValue(Value(120.0)), "120.0");
  EXPECT_EQ(RenderValue(Value(int64_t{-7})), "-7");
  EXPECT_EQ(RenderValue(Value::FromBlob("\x01\xab")), "x'01AB'");
}

TEST(ResultsTest, ComparesRows) {
  ResultSet result = MakeResult({"a", "b"}, {{2, "y"}, {1, Value()}});
  EXPECT_EQ(CompareResult(Query("IT", SortMode::kNoSort, {"2\ty", "1\tNULL"}), result), "");
  EXPECT_NE(CompareResult(Query("IT", SortMode::kNoSort, {"1\tNULL", "2\ty"}), result), "");
  EXPECT_EQ(CompareResult(Query("IT", SortMode::kRowSort, {"1\tNULL", "2\ty"}), result), "");
  // Value mode: one value per line.
  EXPECT_EQ(CompareResult(Query("IT", SortMode::kNoSort, {"2", "y", "1", "NULL"}), result), "");
  EXPECT_EQ(CompareResult(Query("IT", SortMode::kValueSort, {"1", "2", "NULL", "y"}), result), "");
}

TEST(ResultsTest, ColumnCountMustMatch) {
  std::string difference =
      CompareResult(Query("I", SortMode::kNoSort, {"1\t2"}), MakeResult({"a", "b"}, {{1, 2}}));
  EXPECT_NE(difference.find("declares 1 column(s) but the query returned 2"), std::string::npos)
      << difference;
}

TEST(ResultsTest, MismatchShowsBoth) {
  std::string difference =
      CompareResult(Query("R", SortMode::kNoSort, {"120"}), MakeResult({"x"}, {{120.0}}));
  EXPECT_EQ(difference, "---- expected (1 line(s))\n120\n---- actual (1 line(s))\n120.0\n");
}

}  // namespace
}  // namespace sprocket::slt
