#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "sprocket/sprocket.h"

namespace {

TEST(CApiTest, OpenExecPrepareStep) {
  sprocket_db* db = nullptr;
  ASSERT_EQ(sprocket_open(":memory:", &db), SPROCKET_OK);
  ASSERT_EQ(sprocket_exec(db,
                          "CREATE TABLE t(x INTEGER, y TEXT); "
                          "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, NULL)"),
            SPROCKET_OK);
  EXPECT_EQ(sprocket_changes(db), 3);
  sprocket_stmt* st = nullptr;
  ASSERT_EQ(sprocket_prepare(db, "SELECT x, y FROM t WHERE x >= ?1 ORDER BY x", &st), SPROCKET_OK);
  ASSERT_EQ(sprocket_bind_int64(st, 1, 2), SPROCKET_OK);
  ASSERT_EQ(sprocket_step(st), SPROCKET_ROW);
  EXPECT_EQ(sprocket_column_count(st), 2);
  EXPECT_STREQ(sprocket_column_name(st, 1), "y");
  EXPECT_EQ(sprocket_column_int64(st, 0), 2);
  EXPECT_STREQ(sprocket_column_text(st, 1), "b");
  ASSERT_EQ(sprocket_step(st), SPROCKET_ROW);
  EXPECT_EQ(sprocket_column_type(st, 1), SPROCKET_NULL);
  EXPECT_EQ(sprocket_column_text(st, 1), nullptr);
  EXPECT_EQ(sprocket_step(st), SPROCKET_DONE);
  EXPECT_EQ(sprocket_finalize(st), SPROCKET_OK);
  EXPECT_EQ(sprocket_close(db), SPROCKET_OK);
}

TEST(CApiTest, ErrorsCarryMessageAndSqlState) {
  sprocket_db* db = nullptr;
  ASSERT_EQ(sprocket_open(":memory:", &db), SPROCKET_OK);
  EXPECT_EQ(sprocket_exec(db, "SELECT * FROM nope"), SPROCKET_ERROR);
  EXPECT_STREQ(sprocket_errmsg(db), "no such table: nope");
  EXPECT_EQ(sprocket_exec(db, "CREATE FUNCTION f( RETURNS INT"), SPROCKET_ERROR);
  EXPECT_STREQ(sprocket_sqlstate(db), "42601");
  EXPECT_EQ(sprocket_exec(db, "SELECT 1"), SPROCKET_OK);
  EXPECT_STREQ(sprocket_sqlstate(db), "00000");
  sprocket_close(db);
}

TEST(CApiTest, FunctionsThroughPrepare) {
  sprocket_db* db = nullptr;
  ASSERT_EQ(sprocket_open(":memory:", &db), SPROCKET_OK);
  sprocket_stmt* create = nullptr;
  ASSERT_EQ(sprocket_prepare(db,
                             "CREATE FUNCTION twice(x REAL) RETURNS REAL LANGUAGE sql AS "
                             "'SELECT x * 2'",
                             &create),
            SPROCKET_OK);
  EXPECT_EQ(sprocket_step(create), SPROCKET_DONE);
  sprocket_finalize(create);
  sprocket_stmt* st = nullptr;
  ASSERT_EQ(sprocket_prepare(db, "SELECT twice(?1)", &st), SPROCKET_OK);
  sprocket_bind_double(st, 1, 1.25);
  ASSERT_EQ(sprocket_step(st), SPROCKET_ROW);
  EXPECT_DOUBLE_EQ(sprocket_column_double(st, 0), 2.5);
  sprocket_finalize(st);
  sprocket_close(db);
}

}  // namespace

namespace {

struct Collected {
  std::vector<std::string> logs;
  std::vector<std::string> notices;
};

void CollectLog(void* arg, int level, const char* function, const char* message) {
  static_cast<Collected*>(arg)->logs.push_back(std::to_string(level) + " " + function + ": " +
                                               message);
}

void CollectNotice(void* arg, const char* severity, const char* message) {
  static_cast<Collected*>(arg)->notices.push_back(std::string(severity) + ": " + message);
}

TEST(CApiTest, OptionsLogSinkAndNotices) {
  Collected got;
  sprocket_options* options = sprocket_options_new();
  ASSERT_NE(options, nullptr);
  EXPECT_EQ(sprocket_options_set_int(options, "busy_timeout_ms", 100), SPROCKET_OK);
  EXPECT_EQ(sprocket_options_set_int(options, "no_such_setting", 1), SPROCKET_MISUSE);
  EXPECT_EQ(sprocket_options_set_int(options, "max_warm_instances", -1), SPROCKET_MISUSE);
  EXPECT_EQ(sprocket_options_set_text(options, "user", "alice"), SPROCKET_OK);
  EXPECT_EQ(sprocket_options_set_log(options, CollectLog, &got), SPROCKET_OK);
  sprocket_db* db = nullptr;
  ASSERT_EQ(sprocket_open_v2(":memory:", options, &db), SPROCKET_OK);
  sprocket_options_free(options);  // the database keeps what it needs
  ASSERT_EQ(sprocket_set_notice_handler(db, CollectNotice, &got), SPROCKET_OK);
  ASSERT_EQ(sprocket_exec(db,
                          "CREATE FUNCTION hello() RETURNS TEXT LANGUAGE js AS $$ "
                          "console.warn('hi from', sprocket.session.user); "
                          "return sprocket.session.user $$"),
            SPROCKET_OK);
  sprocket_stmt* st = nullptr;
  ASSERT_EQ(sprocket_prepare(db, "SELECT hello()", &st), SPROCKET_OK);
  ASSERT_EQ(sprocket_step(st), SPROCKET_ROW);
  EXPECT_STREQ(sprocket_column_text(st, 0), "alice");
  sprocket_finalize(st);
  ASSERT_EQ(got.logs.size(), 1u);
  EXPECT_EQ(got.logs[0], "2 hello: hi from alice");
  EXPECT_EQ(sprocket_exec(db, "DROP FUNCTION IF EXISTS nope"), SPROCKET_OK);
  ASSERT_EQ(sprocket_prepare(db, "DROP FUNCTION IF EXISTS nope2", &st), SPROCKET_OK);
  EXPECT_EQ(sprocket_step(st), SPROCKET_DONE);
  sprocket_finalize(st);
  ASSERT_EQ(got.notices.size(), 2u);
  EXPECT_EQ(got.notices[0], "NOTICE: function \"nope\" does not exist, skipping");
  EXPECT_EQ(got.notices[1], "NOTICE: function \"nope2\" does not exist, skipping");
  sprocket_close(db);

  // Languages chosen by the embedder.
  options = sprocket_options_new();
  EXPECT_EQ(sprocket_options_set_text(options, "languages", "sql"), SPROCKET_OK);
  ASSERT_EQ(sprocket_open_v2(":memory:", options, &db), SPROCKET_OK);
  sprocket_options_free(options);
  EXPECT_EQ(sprocket_exec(db, "CREATE FUNCTION j() RETURNS INT LANGUAGE js AS $$ return 1 $$"),
            SPROCKET_ERROR);
  EXPECT_NE(std::string(sprocket_errmsg(db)).find("(available: sql)"), std::string::npos)
      << sprocket_errmsg(db);
  sprocket_close(db);
}

TEST(CApiTest, InterruptStopsAStatement) {
  sprocket_db* db = nullptr;
  ASSERT_EQ(sprocket_open(":memory:", &db), SPROCKET_OK);
  ASSERT_EQ(sprocket_exec(db,
                          "CREATE FUNCTION spin() RETURNS INT LANGUAGE js AS $$ for (;;) {} $$; "
                          "ALTER FUNCTION spin SET max_cpu_time_ms = 600000"),
            SPROCKET_OK);
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    while (!done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      sprocket_interrupt(db);
    }
  });
  EXPECT_EQ(sprocket_exec(db, "SELECT spin()"), SPROCKET_ERROR);
  done = true;
  interrupter.join();
  EXPECT_STREQ(sprocket_sqlstate(db), "57014");
  EXPECT_STREQ(sprocket_errmsg(db), "interrupted");
  sprocket_close(db);
}

}  // namespace
