#include "cli/output.h"

#include <gtest/gtest.h>

#include <sstream>

namespace sprocket::cli {
namespace {

ResultSet MakeResult(std::vector<std::string> columns, std::vector<std::vector<Value>> rows) {
  ResultSet result;
  result.columns = std::move(columns);
  result.rows = std::move(rows);
  return result;
}

TEST(OutputModeTest, Parses) {
  EXPECT_EQ(ParseOutputMode("table"), OutputMode::kTable);
  EXPECT_EQ(ParseOutputMode("CSV"), OutputMode::kCsv);
  EXPECT_EQ(ParseOutputMode("json"), OutputMode::kJson);
  EXPECT_EQ(ParseOutputMode("box"), std::nullopt);
}

TEST(FormatTableTest, SelectOne) {
  EXPECT_EQ(FormatTable(MakeResult({"1"}, {{1}}), true), "1\n-\n1\n");
}

TEST(FormatTableTest, AlignsNumbersRightAndTextLeft) {
  ResultSet result = MakeResult({"id", "name", "price"},
                                {{1, "apple", 1.5}, {22, Value(), Value()}, {3, "", 120.0}});
  EXPECT_EQ(FormatTable(result, true),
            "id  name   price\n"
            "--  -----  -----\n"
            " 1  apple    1.5\n"
            "22  NULL    NULL\n"
            " 3         120.0\n");
}

TEST(FormatTableTest, NoHeaders) {
  EXPECT_EQ(FormatTable(MakeResult({"a", "b"}, {{"x", 10}, {"yy", 2}}), false),
            "x   10\n"
            "yy   2\n");
}

TEST(FormatTableTest, MixedColumnKeepsHeaderLeftAndBlobsAsHex) {
  ResultSet result = MakeResult({"v"}, {{1}, {Value::FromBlob(std::string("\x00\xff", 2))}});
  EXPECT_EQ(FormatTable(result, true),
            "v\n"
            "-------\n"
            "      1\n"
            "x'00FF'\n");
}

TEST(FormatTableTest, EmptyResultPrintsHeader) {
  EXPECT_EQ(FormatTable(MakeResult({"name", "n"}, {}), true), "name  n\n----  -\n");
}

TEST(FormatTableTest, CountsUtf8CodePoints) {
  EXPECT_EQ(FormatTable(MakeResult({"w", "n"}, {{"é", 1}, {"ab", 2}}), true),
            "w   n\n"
            "--  -\n"
            "é   1\n"
            "ab  2\n");
}

TEST(FormatCsvTest, Rfc4180) {
  ResultSet result = MakeResult({"a", "b,c"}, {{"x\"y", Value()}, {"", "line\nbreak"}, {1, 2.5}});
  EXPECT_EQ(FormatCsv(result, true),
            "a,\"b,c\"\n"
            "\"x\"\"y\",\n"
            "\"\",\"line\nbreak\"\n"
            "1,2.5\n");
  EXPECT_EQ(FormatCsv(MakeResult({"1"}, {{1}}), false), "1\n");
}

TEST(FormatJsonTest, TypedValues) {
  ResultSet result = MakeResult(
      {"i", "r", "t", "n", "b"},
      {{1, 120.0, "say \"hi\"\n", Value(), Value::FromBlob(std::string("\x00\x0a\xff", 3))}});
  EXPECT_EQ(
      FormatJson(result),
      "[{\"i\":1,\"r\":120.0,\"t\":\"say \\\"hi\\\"\\n\",\"n\":null,\"b\":\"\\\\x000aff\"}]\n");
}

TEST(FormatJsonTest, RowsAndEmpty) {
  EXPECT_EQ(FormatJson(MakeResult({"a"}, {{1}, {2}})), "[{\"a\":1},\n{\"a\":2}]\n");
  EXPECT_EQ(FormatJson(MakeResult({"a"}, {})), "[]\n");
}

TEST(FormatJsonTest, NonFiniteRealsAndBadUtf8) {
  ResultSet result = MakeResult({"x", "s"}, {{1.0 / 0.0, std::string("a\xff")}});
  EXPECT_EQ(FormatJson(result), "[{\"x\":null,\"s\":\"a\xEF\xBF\xBD\"}]\n");
}

TEST(WriteResultTest, ChoosesMode) {
  std::ostringstream out;
  WriteResult(MakeResult({"1"}, {{1}}), {OutputMode::kCsv, true}, out);
  WriteResult(MakeResult({"1"}, {{1}}), {OutputMode::kJson, true}, out);
  EXPECT_EQ(out.str(), "1\n1\n[{\"1\":1}]\n");
}

}  // namespace
}  // namespace sprocket::cli
