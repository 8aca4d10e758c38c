#include "sqllogictest/runner.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sprocket::slt {
namespace {

constexpr const char* kHeader = "# name: test/sql/x.test\n\n";

struct Outcome {
  bool passed;
  std::string output;
  Summary summary;
};

Outcome RunBody(const std::string& body, RunnerOptions options = {}) {
  std::ostringstream out;
  Runner runner(out, options);
  bool passed = runner.RunText(std::string(kHeader) + body, "x.test", "test/sql/x.test");
  return {passed, out.str(), runner.summary()};
}

TEST(RunnerTest, PassingFile) {
  Outcome outcome = RunBody(
      "statement ok\n"
      "CREATE TABLE t(a INTEGER, b TEXT, c REAL, d BLOB)\n"
      "\n"
      "statement ok\n"
      "INSERT INTO t VALUES (1, 'one', 1.5, x'00ff'), (2, '', NULL, NULL)\n"
      "\n"
      "query ITRT\n"
      "SELECT a, b, c, d FROM t ORDER BY a\n"
      "----\n"
      "1\tone\t1.5\tx'00FF'\n"
      "2\t(empty)\tNULL\tNULL\n"
      "\n"
      "statement error\n"
      "SELECT * FROM nope\n"
      "----\n"
      "no such table: nope\n");
  EXPECT_TRUE(outcome.passed) << outcome.output;
  EXPECT_EQ(outcome.summary.records_passed, 4);
  EXPECT_EQ(outcome.summary.files_passed, 1);
}

TEST(RunnerTest, MismatchFailsAndStops) {
  Outcome outcome = RunBody(
      "query I\n"
      "SELECT 2\n"
      "----\n"
      "3\n"
      "\n"
      "statement ok\n"
      "SELECT 1\n");
  EXPECT_FALSE(outcome.passed);
  EXPECT_NE(outcome.output.find("x.test:3: query result mismatch"), std::string::npos)
      << outcome.output;
  EXPECT_NE(outcome.output.find("SELECT 2"), std::string::npos);
  EXPECT_EQ(outcome.summary.records_failed, 1);
  EXPECT_EQ(outcome.summary.records_passed, 0);  // stopped at the failure
}

TEST(RunnerTest, KeepGoing) {
  RunnerOptions options;
  options.keep_going = true;
  Outcome outcome = RunBody(
      "statement ok\n"
      "SELECT * FROM nope\n"
      "\n"
      "statement ok\n"
      "SELECT 1\n",
      options);
  EXPECT_FALSE(outcome.passed);
  EXPECT_EQ(outcome.summary.records_failed, 1);
  EXPECT_EQ(outcome.summary.records_passed, 1);
}

TEST(RunnerTest, WrongErrorMessageFails) {
  Outcome outcome = RunBody(
      "statement error\n"
      "SELECT * FROM nope\n"
      "----\n"
      "no such column\n");
  EXPECT_FALSE(outcome.passed);
  EXPECT_NE(outcome.output.find("wrong error"), std::string::npos) << outcome.output;
}

TEST(RunnerTest, UnexpectedSuccessFails) {
  Outcome outcome = RunBody(
      "statement error\n"
      "SELECT 1\n"
      "----\n"
      "some error\n");
  EXPECT_FALSE(outcome.passed);
  EXPECT_NE(outcome.output.find("statement succeeded"), std::string::npos) << outcome.output;
}

TEST(RunnerTest, LintFailsBeforeRunning) {
  Outcome outcome = RunBody(
      "statement ok\n"
      "CREATE TABLE t(a)\n"
      "\n"
      "statement error\n"
      "SELECT * FROM nope\n");
  EXPECT_FALSE(outcome.passed);
  EXPECT_NE(outcome.output.find("lint"), std::string::npos) << outcome.output;
  EXPECT_EQ(outcome.summary.records_passed, 0);
}

TEST(RunnerTest, RestartKeepsTheFile) {
  Outcome outcome = RunBody(
      "statement ok\n"
      "CREATE TABLE t(a); INSERT INTO t VALUES (42)\n"
      "\n"
      "restart\n"
      "\n"
      "query I\n"
      "SELECT a FROM t\n"
      "----\n"
      "42\n");
  EXPECT_TRUE(outcome.passed) << outcome.output;
}

TEST(RunnerTest, LoadAndTestDir) {
  Outcome outcome = RunBody(
      "load __TEST_DIR__/other.db\n"
      "\n"
      "statement ok\n"
      "CREATE TABLE t(a)\n"
      "\n"
      "restart\n"
      "\n"
      "query T\n"
      "SELECT name FROM pragma_database_list WHERE file LIKE '%other.db'\n"
      "----\n"
      "main\n");
  EXPECT_TRUE(outcome.passed) << outcome.output;
}

TEST(RunnerTest, NamedConnectionsShareTheDatabase) {
  Outcome outcome = RunBody(
      "statement ok\n"
      "CREATE TABLE t(a)\n"
      "\n"
      "statement ok\n"
      "BEGIN; INSERT INTO t VALUES (1)\n"
      "\n"
      "query I con2\n"
      "SELECT count(*) FROM t\n"
      "----\n"
      "0\n"
      "\n"
      "statement ok\n"
      "COMMIT\n"
      "\n"
      "query I con2\n"
      "SELECT count(*) FROM t\n"
      "----\n"
      "1\n");
  EXPECT_TRUE(outcome.passed) << outcome.output;
}

TEST(RunnerTest, SkipAndHalt) {
  Outcome outcome = RunBody(
      "mode skip\n"
      "\n"
      "statement ok\n"
      "this is not sql\n"
      "\n"
      "mode unskip\n"
      "\n"
      "statement ok\n"
      "SELECT 1\n"
      "\n"
      "halt\n"
      "\n"
      "statement ok\n"
      "this is not sql either\n");
  EXPECT_TRUE(outcome.passed) << outcome.output;
  EXPECT_EQ(outcome.summary.records_skipped, 1);
  EXPECT_EQ(outcome.summary.records_passed, 1);
}

}  // namespace
}  // namespace sprocket::slt
