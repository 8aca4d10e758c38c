#include "cli/shell.h"

#include <gtest/gtest.h>

#include <sstream>

#include "cli/dot_commands.h"

namespace sprocket::cli {
namespace {

class ShellTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(":memory:");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(*db);
    auto session = db_->Connect();
    ASSERT_TRUE(session.ok()) << session.status().message();
    session_ = std::move(*session);
    ShellSettings settings;
    settings.output.mode = OutputMode::kCsv;
    shell_ = std::make_unique<Shell>(*session_, out_, err_, settings);
  }

  std::unique_ptr<Database> db_;
  std::unique_ptr<Session> session_;
  std::ostringstream out_;
  std::ostringstream err_;
  std::unique_ptr<Shell> shell_;
};

TEST_F(ShellTest, RunsStatementsAndPrintsOnlyQueries) {
  Status status =
      shell_->RunScript(std::string_view("CREATE TABLE t(a);\n"
                                         "INSERT INTO t VALUES (1), (2);\n"
                                         "SELECT a FROM t ORDER BY a;\n"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(out_.str(), "a\n1\n2\n");
}

TEST_F(ShellTest, StopsAtTheFirstError) {
  Status status =
      shell_->RunScript(std::string_view("SELECT 1 AS x;\n"
                                         "SELECT * FROM nope;\n"
                                         "SELECT 2 AS y;\n"));
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("no such table: nope"), std::string::npos);
  EXPECT_EQ(out_.str(), "x\n1\n");
}

TEST_F(ShellTest, DotCommandsOnlyBetweenStatements) {
  Status status =
      shell_->RunScript(std::string_view(".headers off\n"
                                         "SELECT 1 +\n"
                                         ".5;\n"
                                         ".mode json\n"
                                         "SELECT 2 AS b;\n"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(out_.str(), "1.5\n[{\"b\":2}]\n");
}

TEST_F(ShellTest, StatementsSpanLinesAndShareLines) {
  Status status =
      shell_->RunScript(std::string_view("SELECT 1 AS a; SELECT\n"
                                         "  2 AS b;  -- trailing comment\n"
                                         "SELECT 3 AS c"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(out_.str(), "a\n1\nb\n2\nc\n3\n");
}

TEST_F(ShellTest, UnknownDotCommand) {
  Status status = shell_->RunScript(std::string_view(".nope\nSELECT 1;\n"));
  EXPECT_EQ(status.message(), "unknown command \".nope\" (see .help)");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(ShellTest, QuitStopsTheScript) {
  Status status = shell_->RunScript(std::string_view("SELECT 1 AS a;\n.quit\nSELECT 2 AS b;\n"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_TRUE(shell_->quit_requested());
  EXPECT_EQ(out_.str(), "a\n1\n");
}

TEST_F(ShellTest, NamedSourceLocatesErrors) {
  std::istringstream in("SELECT 1;\n\nSELECT *\nFROM nope;\n");
  Status status = shell_->RunScript(in, "script.sql");
  EXPECT_EQ(status.message().rfind("script.sql:3: ", 0), 0u) << status.message();
}

TEST_F(ShellTest, Timer) {
  Status status = shell_->RunScript(std::string_view(".timer on\nCREATE TABLE t(a);\n"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(out_.str().rfind("Run Time: real ", 0), 0u) << out_.str();
}

TEST_F(ShellTest, TablesSkipsTheCatalog) {
  Status status = shell_->RunScript(
      std::string_view("CREATE TABLE zebra(a);\nCREATE VIEW apple AS SELECT 1;\n.tables\n"));
  ASSERT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(out_.str(), "apple\nzebra\n");
}

TEST_F(ShellTest, ModeWithoutArgumentShowsIt) {
  ASSERT_TRUE(RunDotCommand(".mode", *shell_).ok());
  EXPECT_EQ(out_.str(), "current output mode: csv\n");
  EXPECT_EQ(RunDotCommand(".mode box", *shell_).message(), "usage: .mode table|csv|json");
  EXPECT_EQ(RunDotCommand(".timer maybe", *shell_).message(), "usage: .timer on|off");
  EXPECT_EQ(RunDotCommand(".read", *shell_).message(), "usage: .read FILE");
}

TEST(SplitDotCommandTest, Words) {
  EXPECT_EQ(SplitDotCommand(".mode  csv "), (std::vector<std::string>{".mode", "csv"}));
  EXPECT_EQ(SplitDotCommand(".read 'my file.sql'"),
            (std::vector<std::string>{".read", "my file.sql"}));
  EXPECT_EQ(SplitDotCommand(".schema \"t\""), (std::vector<std::string>{".schema", "t"}));
}

}  // namespace
}  // namespace sprocket::cli
