#include <gtest/gtest.h>

#include "common/strings.h"
#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket {
namespace {

Result<int> Half(int x) {
  if (x % 2) return Status(StatusCode::kInvalidArgument, "odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  SPROCKET_ASSIGN_OR_RETURN(int h, Half(x));
  SPROCKET_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST(StatusTest, ResultCarriesValueOrError) {
  int q = 0;
  EXPECT_TRUE(Quarter(8, &q).ok());
  EXPECT_EQ(q, 2);
  Status s = Quarter(6, &q);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "odd");
  EXPECT_STREQ(SqlState(s.code()), "22023");
}

TEST(StatusTest, ContextStacksOutermostFirst) {
  Status s(StatusCode::kGuestError, "boom");
  EXPECT_EQ(s.WithContext("function \"f\"").WithContext("trigger \"t\"").message(),
            "trigger \"t\": function \"f\": boom");
  EXPECT_TRUE(Status::Ok().WithContext("x").ok());
}

TEST(ValueTest, FormatsRealsShortestWithPoint) {
  EXPECT_EQ(FormatReal(120.0), "120.0");
  EXPECT_EQ(FormatReal(0.1), "0.1");
  EXPECT_EQ(FormatReal(-2.5), "-2.5");
  EXPECT_EQ(FormatReal(1e300), "1e+300");
}

TEST(ValueTest, LiteralsQuote) {
  EXPECT_EQ(Value("it's").ToSqlLiteral(), "'it''s'");
  EXPECT_EQ(Value::FromBlob(std::string("\x00\xff", 2)).ToSqlLiteral(), "X'00FF'");
  EXPECT_EQ(Value().ToSqlLiteral(), "NULL");
  EXPECT_EQ(Value(int64_t{42}).type(), ValueType::kInteger);
}

TEST(StringsTest, CaseAndQuoting) {
  EXPECT_TRUE(EqualsIgnoreCase("Select", "SELECT"));
  EXPECT_FALSE(EqualsIgnoreCase("Select", "SELECTX"));
  EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(Trim("  x y \n"), "x y");
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

TEST(StringsTest, InvalidUtf8Offset) {
  EXPECT_EQ(InvalidUtf8Offset("plain"), std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("José Müller 東京 😀"), std::string_view::npos);
  EXPECT_EQ(InvalidUtf8Offset("a\xff"), 1u);
  EXPECT_EQ(InvalidUtf8Offset("ab\xc3"), 2u);            // truncated
  EXPECT_EQ(InvalidUtf8Offset("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(InvalidUtf8Offset("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(InvalidUtf8Offset("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(InvalidUtf8Offset("\xe2\x82"), 0u);
  EXPECT_EQ(InvalidUtf8Offset(std::string_view("a\0b", 3)), std::string_view::npos);
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

TEST(StatusTest, FramesRenderOutermostFirst) {
  Status st = Status(StatusCode::kGuestError, "Error: boom")
                  .WithFrame(ErrorFrame::Function("javascript", "f", 3))
                  .WithFrame(ErrorFrame::Trigger("t", "orders"));
  EXPECT_EQ(st.message(),
            "trigger \"t\" on \"orders\": javascript function \"f\" line 3: Error: boom");
  EXPECT_EQ(st.primary(), "Error: boom");
  ASSERT_EQ(st.frames().size(), 2u);
  EXPECT_EQ(st.frames()[0].kind, ErrorFrame::Kind::kFunction);
  EXPECT_EQ(st.frames()[1].table, "orders");
  EXPECT_EQ(st.code(), StatusCode::kGuestError);
  EXPECT_EQ(
      st.WithContext("statement 2").message(),
      "statement 2: trigger \"t\" on \"orders\": javascript function \"f\" line 3: Error: boom");
  EXPECT_TRUE(Status::Ok().WithFrame(ErrorFrame::Context("x")).ok());
}

// Regression: a nested error repeated its prefix once per level (a depth-64 error was one
// 2,800-character line).
TEST(StatusTest, RecursionIsShownOnce) {
  Status st(StatusCode::kResourceExhausted, "function call depth limit (64) exceeded");
  for (int i = 0; i < 64; ++i) st = st.WithFrame(ErrorFrame::Function("javascript", "f", 1));
  EXPECT_EQ(
      st.message(),
      "javascript function \"f\" line 1 (64 levels): function call depth limit (64) exceeded");
  EXPECT_EQ(st.frames().size(), 64u);
}

// The innermost trigger names itself; the triggers (and functions) that fired it are
// context, kept in frames() but not in the message.
TEST(StatusTest, InnermostTriggerNamesItself) {
  Status st = Status(StatusCode::kGuestError, "Error: U9999")
                  .WithFrame(ErrorFrame::Function("javascript", "c_tf", 4))
                  .WithFrame(ErrorFrame::Trigger("c_tr", "c"))
                  .WithFrame(ErrorFrame::Function("javascript", "b_tf", 2))
                  .WithFrame(ErrorFrame::Trigger("b_tr", "b"))
                  .WithContext("statement 3");
  EXPECT_EQ(
      st.message(),
      "statement 3: trigger \"c_tr\" on \"c\": javascript function \"c_tf\" line 4: Error: U9999");
  EXPECT_EQ(st.frames().size(), 5u);
}

}  // namespace
}  // namespace sprocket
