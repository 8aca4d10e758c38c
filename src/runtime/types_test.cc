#include "runtime/types.h"

#include <gtest/gtest.h>

namespace sprocket::runtime {
namespace {

TEST(SqlTypeTest, ParsesNamesAndAliases) {
  EXPECT_EQ(*ParseSqlType("integer"), SqlType::kInteger);
  EXPECT_EQ(*ParseSqlType("BIGINT"), SqlType::kInteger);
  EXPECT_EQ(*ParseSqlType("double  precision"), SqlType::kReal);
  EXPECT_EQ(*ParseSqlType("VARCHAR(20)"), SqlType::kText);
  EXPECT_EQ(*ParseSqlType("NUMERIC(10,2)"), SqlType::kNumeric);
  EXPECT_EQ(*ParseSqlType("jsonb"), SqlType::kJson);
  EXPECT_EQ(*ParseSqlType("bytea"), SqlType::kBlob);
  EXPECT_EQ(*ParseSqlType("bool"), SqlType::kBoolean);
  auto bad = ParseSqlType("money");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message().rfind("unknown type \"money\"", 0), 0u);
}

TEST(SqlTypeTest, ConvertsLosslesslyOnly) {
  EXPECT_EQ(*ConvertToDeclared(Value(2.0), SqlType::kInteger), Value(int64_t{2}));
  EXPECT_FALSE(ConvertToDeclared(Value(2.5), SqlType::kInteger).ok());
  EXPECT_EQ(*ConvertToDeclared(Value(int64_t{3}), SqlType::kReal), Value(3.0));
  EXPECT_EQ(*ConvertToDeclared(Value("42"), SqlType::kInteger), Value(int64_t{42}));
  EXPECT_EQ(*ConvertToDeclared(Value(" 1.5 "), SqlType::kReal), Value(1.5));
  auto bad = ConvertToDeclared(Value("abc"), SqlType::kReal);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "expected REAL, got TEXT 'abc'");
  EXPECT_EQ(*ConvertToDeclared(Value(), SqlType::kReal), Value());
}

TEST(SqlTypeTest, NumericKeepsExactText) {
  EXPECT_EQ(*ConvertToDeclared(Value("12345678901234567890.125"), SqlType::kNumeric),
            Value("12345678901234567890.125"));
  EXPECT_EQ(*ConvertToDeclared(Value("17"), SqlType::kNumeric), Value(int64_t{17}));
  EXPECT_FALSE(ConvertToDeclared(Value("1.2.3"), SqlType::kNumeric).ok());
}

TEST(SqlTypeTest, BooleanAndJson) {
  EXPECT_EQ(*ConvertToDeclared(Value("true"), SqlType::kBoolean), Value(1));
  EXPECT_EQ(*ConvertToDeclared(Value(int64_t{0}), SqlType::kBoolean), Value(int64_t{0}));
  EXPECT_FALSE(ConvertToDeclared(Value(int64_t{7}), SqlType::kBoolean).ok());
  EXPECT_TRUE(ConvertToDeclared(Value("{\"a\": [1, 2]}"), SqlType::kJson).ok());
  auto bad = ConvertToDeclared(Value("{a:"), SqlType::kJson);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "expected JSON, got TEXT that is not valid JSON: '{a:'");
}

}  // namespace
}  // namespace sprocket::runtime
