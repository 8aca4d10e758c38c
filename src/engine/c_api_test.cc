#include <gtest/gtest.h>

#include <string>

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
