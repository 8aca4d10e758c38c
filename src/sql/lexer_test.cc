#include "sql/lexer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sprocket::sql {
namespace {

std::vector<Token> Lex(std::string_view source, Position start = {}) {
  Result<std::vector<Token>> tokens = Tokenize(source, start);
  EXPECT_TRUE(tokens.ok()) << tokens.status().message();
  return tokens.ok() ? *tokens : std::vector<Token>{};
}

// The tokens' texts, without the final kEnd.
std::vector<std::string> Texts(std::string_view source) {
  std::vector<std::string> texts;
  for (const Token& token : Lex(source)) {
    if (token.kind != TokenKind::kEnd) texts.emplace_back(token.text);
  }
  return texts;
}

std::vector<TokenKind> Kinds(std::string_view source) {
  std::vector<TokenKind> kinds;
  for (const Token& token : Lex(source)) kinds.push_back(token.kind);
  return kinds;
}

std::string LexError(std::string_view source, Position start = {}) {
  Result<std::vector<Token>> tokens = Tokenize(source, start);
  if (tokens.ok()) return "(no error)";
  EXPECT_EQ(tokens.status().code(), StatusCode::kSyntaxError);
  return tokens.status().message();
}

using K = TokenKind;

TEST(LexerTest, EmptyInputIsJustEnd) {
  std::vector<Token> tokens = Lex("");
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].kind, K::kEnd);
  EXPECT_EQ(tokens[0].position.line, 1);
  EXPECT_EQ(tokens[0].position.column, 1);
  EXPECT_EQ(tokens[0].position.offset, 0u);
}

TEST(LexerTest, WhitespaceAndCommentsAreSkipped) {
  EXPECT_EQ(Kinds("  \t\r\n\f\v -- a comment\n /* block\n comment */ "),
            std::vector<TokenKind>{K::kEnd});
  EXPECT_EQ(Texts("a -- to end of line ; 'x'\nb"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Texts("a -- comment without newline"), (std::vector<std::string>{"a"}));
  EXPECT_EQ(Texts("a/*x*/b"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Texts("a/**/b"), (std::vector<std::string>{"a", "b"}));
}

TEST(LexerTest, BlockCommentsDoNotNest) {
  EXPECT_EQ(Texts("/* outer /* inner */ x */"), (std::vector<std::string>{"x", "*", "/"}));
}

TEST(LexerTest, IdentifiersAndKeywords) {
  std::vector<Token> tokens = Lex("select _x a$b Ünï c1");
  ASSERT_EQ(tokens.size(), 6u);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(tokens[i].kind, K::kIdentifier) << i;
  EXPECT_EQ(tokens[2].text, "a$b");
  EXPECT_EQ(tokens[3].text, "Ünï");
  EXPECT_TRUE(tokens[0].Is("SELECT"));
  EXPECT_TRUE(tokens[0].Is("select"));
  EXPECT_FALSE(tokens[0].Is("SELECTS"));
  EXPECT_EQ(tokens[0].Value(), "select");
}

TEST(LexerTest, QuotedIdentifiers) {
  std::vector<Token> tokens = Lex(R"("a ""b""" [c "d"] `e``f` "SELECT")");
  ASSERT_EQ(tokens.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(tokens[i].kind, K::kQuotedIdentifier) << i;
  EXPECT_EQ(tokens[0].text, R"("a ""b""")");
  EXPECT_EQ(tokens[0].Value(), R"(a "b")");
  EXPECT_EQ(tokens[1].Value(), R"(c "d")");
  EXPECT_EQ(tokens[2].Value(), "e`f");
  EXPECT_EQ(tokens[3].Value(), "SELECT");
  // A quoted identifier is never a keyword.
  EXPECT_FALSE(tokens[3].Is("SELECT"));
  EXPECT_TRUE(tokens[3].IsName());
}

TEST(LexerTest, Strings) {
  std::vector<Token> tokens = Lex("'it''s' '' 'a;b -- c /* d */' 'é'");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[0].kind, K::kString);
  EXPECT_EQ(tokens[0].text, "'it''s'");
  EXPECT_EQ(tokens[0].Value(), "it's");
  EXPECT_EQ(tokens[1].Value(), "");
  EXPECT_EQ(tokens[2].Value(), "a;b -- c /* d */");
  EXPECT_EQ(tokens[3].Value(), "é");
  EXPECT_FALSE(tokens[0].IsName());
}

TEST(LexerTest, Blobs) {
  std::vector<Token> tokens = Lex("X'00ff' x'AB' X'' xy x");
  ASSERT_EQ(tokens.size(), 6u);
  EXPECT_EQ(tokens[0].kind, K::kBlob);
  EXPECT_EQ(tokens[0].Value(), "00ff");
  EXPECT_EQ(tokens[1].kind, K::kBlob);
  EXPECT_EQ(tokens[1].Value(), "AB");
  EXPECT_EQ(tokens[2].kind, K::kBlob);
  EXPECT_EQ(tokens[2].Value(), "");
  EXPECT_EQ(tokens[3].kind, K::kIdentifier);
  EXPECT_EQ(tokens[4].kind, K::kIdentifier);
}

TEST(LexerTest, Numbers) {
  EXPECT_EQ(Texts("42 1.5 .5 1. 1e10 2.5E-3 7e+2 0x1F 0XaB"),
            (std::vector<std::string>{"42", "1.5", ".5", "1.", "1e10", "2.5E-3", "7e+2", "0x1F",
                                      "0XaB"}));
  for (K kind : Kinds("42 1.5 .5 1e10 0x1F")) {
    if (kind != K::kEnd) {
      EXPECT_EQ(kind, K::kNumber);
    }
  }
  // An 'e' without exponent digits, and "0x" without hex digits, end the number.
  EXPECT_EQ(Texts("1e 2e+ 0x"), (std::vector<std::string>{"1", "e", "2", "e", "+", "0", "x"}));
  EXPECT_EQ(Texts("t.c a.5"), (std::vector<std::string>{"t", ".", "c", "a", ".5"}));
}

TEST(LexerTest, Parameters) {
  std::vector<Token> tokens = Lex("? ?12 :name @name $name $1 :1");
  ASSERT_EQ(tokens.size(), 8u);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(tokens[i].kind, K::kParameter) << i;
  EXPECT_EQ(tokens[1].text, "?12");
  EXPECT_EQ(tokens[2].text, ":name");
  EXPECT_EQ(tokens[3].text, "@name");
  EXPECT_EQ(tokens[4].text, "$name");
  EXPECT_EQ(tokens[5].text, "$1");
  // Without a name they are punctuation.
  EXPECT_EQ(Kinds(": @ $"), (std::vector<TokenKind>{K::kPunct, K::kPunct, K::kPunct, K::kEnd}));
  // $1$ is the parameter $1 followed by '$'.
  EXPECT_EQ(Texts("$1$"), (std::vector<std::string>{"$1", "$"}));
}

TEST(LexerTest, DollarQuotes) {
  std::vector<Token> tokens = Lex("$$a 'b' \"c\" ; -- d$$ $fn$ x $$ y $ $f$ $fn$ $a_1$$a_1$");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[0].kind, K::kDollarString);
  EXPECT_EQ(tokens[0].text, "$$a 'b' \"c\" ; -- d$$");
  EXPECT_EQ(tokens[0].Value(), "a 'b' \"c\" ; -- d");
  EXPECT_EQ(tokens[1].kind, K::kDollarString);
  EXPECT_EQ(tokens[1].Value(), " x $$ y $ $f$ ");
  EXPECT_EQ(tokens[2].kind, K::kDollarString);
  EXPECT_EQ(tokens[2].Value(), "");
}

TEST(LexerTest, DollarQuoteAcrossLines) {
  std::vector<Token> tokens = Lex("AS $body$\nline 1\nline 2\n$body$ LANGUAGE");
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].Value(), "\nline 1\nline 2\n");
  EXPECT_EQ(tokens[2].position.line, 4);
  EXPECT_EQ(tokens[2].position.column, 8);
}

TEST(LexerTest, Operators) {
  EXPECT_EQ(
      Texts("a||b<=c>=d<>e!=f==g<<h>>i->j->>k"),
      (std::vector<std::string>{"a",  "||", "b",  "<=", "c",  ">=", "d",  "<>", "e",   "!=", "f",
                                "==", "g",  "<<", "h",  ">>", "i",  "->", "j",  "->>", "k"}));
  EXPECT_EQ(Texts("(),;.=<>+-*/%&|~!"),
            (std::vector<std::string>{"(", ")", ",", ";", ".", "=", "<>", "+", "-", "*", "/", "%",
                                      "&", "|", "~", "!"}));
  for (K kind : Kinds("|| ->> ( ;")) {
    if (kind != K::kEnd) {
      EXPECT_EQ(kind, K::kPunct);
    }
  }
  EXPECT_TRUE(Lex("||")[0].Is("||"));
}

TEST(LexerTest, PositionsAreLineColumnAndOffset) {
  std::vector<Token> tokens = Lex("SELECT\n  'é' ,\n\tx");
  ASSERT_EQ(tokens.size(), 5u);
  EXPECT_EQ(tokens[1].position.line, 2);
  EXPECT_EQ(tokens[1].position.column, 3);
  EXPECT_EQ(tokens[1].position.offset, 9u);
  // Columns count bytes: 'é' is four bytes long.
  EXPECT_EQ(tokens[2].position.column, 8);
  EXPECT_EQ(tokens[3].position.line, 3);
  EXPECT_EQ(tokens[3].position.column, 2);
  EXPECT_EQ(tokens[4].kind, K::kEnd);
  EXPECT_EQ(tokens[4].position.column, 3);
}

TEST(LexerTest, PositionsAreRelativeToStart) {
  Position start{5, 10, 100};
  std::vector<Token> tokens = Lex("a\n b", start);
  EXPECT_EQ(tokens[0].position.line, 5);
  EXPECT_EQ(tokens[0].position.column, 10);
  EXPECT_EQ(tokens[0].position.offset, 100u);
  EXPECT_EQ(tokens[1].position.line, 6);
  EXPECT_EQ(tokens[1].position.column, 2);
  EXPECT_EQ(tokens[1].position.offset, 103u);
  EXPECT_EQ(LexError("\n  'x", start), "syntax error at line 6, column 3: unterminated string");
}

TEST(LexerTest, UnterminatedQuotes) {
  EXPECT_EQ(LexError("SELECT 'abc"), "syntax error at line 1, column 8: unterminated string");
  EXPECT_EQ(LexError("SELECT 'it''s"), "syntax error at line 1, column 8: unterminated string");
  EXPECT_EQ(LexError("x X'00"), "syntax error at line 1, column 3: unterminated string");
  EXPECT_EQ(LexError("a\n\"b"), "syntax error at line 2, column 1: unterminated quoted identifier");
  EXPECT_EQ(LexError("[b"), "syntax error at line 1, column 1: unterminated quoted identifier");
  EXPECT_EQ(LexError(" `b``"), "syntax error at line 1, column 2: unterminated quoted identifier");
  EXPECT_EQ(LexError("AS $$ body"),
            "syntax error at line 1, column 4: unterminated dollar-quoted string $$");
  EXPECT_EQ(LexError("AS $fn$ body $$ $f$"),
            "syntax error at line 1, column 4: unterminated dollar-quoted string $fn$");
  EXPECT_EQ(LexError("a /* b\n c"), "syntax error at line 1, column 3: unterminated /* comment");
  EXPECT_EQ(LexError("'é' /*"), "syntax error at line 1, column 6: unterminated /* comment");
}

TEST(LexerTest, QuotesInsideOtherQuotesAreText) {
  EXPECT_EQ(Texts(R"('a "b' "c 'd" -- 'e
[f 'g] /* 'h */ `i "j`)"),
            (std::vector<std::string>{R"('a "b')", R"("c 'd")", "[f 'g]", R"(`i "j`)"}));
}

TEST(LexerTest, ValueOfOtherTokensIsTheirText) {
  std::vector<Token> tokens = Lex("42 ?1 <=");
  EXPECT_EQ(tokens[0].Value(), "42");
  EXPECT_EQ(tokens[1].Value(), "?1");
  EXPECT_EQ(tokens[2].Value(), "<=");
  EXPECT_EQ(tokens[3].Value(), "");
}

TEST(LexerTest, ControlBytesArePunctuation) {
  std::vector<Token> tokens = Lex(std::string_view("a\x01\x7f", 3));
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(tokens[1].kind, K::kPunct);
  EXPECT_EQ(tokens[2].kind, K::kPunct);
}

TEST(AdvanceTest, CountsLinesAndBytes) {
  Position start{2, 5, 10};
  Position p = Advance(start, "ab\ncé\nd", 7);
  EXPECT_EQ(p.line, 4);
  EXPECT_EQ(p.column, 1);
  EXPECT_EQ(p.offset, 17u);
  p = Advance(start, "ab\ncé", 6);
  EXPECT_EQ(p.line, 3);
  EXPECT_EQ(p.column, 4);
  // An offset past the end stops at the end.
  p = Advance(start, "ab", 99);
  EXPECT_EQ(p.column, 7);
  EXPECT_EQ(p.offset, 12u);
}

// The SQLite dialect reads a statement exactly as SQLite's tokenizer does: the pieces the
// trigger engine cuts from it must be what SQLite authorised (test/sandbox/js/second_lexer_*).
TEST(LexerTest, SqliteDialectReadsVariablesAndNulAsSqliteDoes) {
  auto texts = [](std::string_view sql, Dialect dialect) {
    std::vector<std::string> out;
    auto tokens = Tokenize(sql, {}, dialect);
    if (!tokens.ok()) return std::vector<std::string>{"error: " + tokens.status().message()};
    for (const Token& t : *tokens) {
      if (t.kind != TokenKind::kEnd) out.emplace_back(t.text);
    }
    return out;
  };
  // $q$ is a variable and /* … */ a comment for SQLite; a dollar quote for Sprocket scripts.
  EXPECT_EQ(texts("SELECT $q$/*$q$ RETURNING x --*/", Dialect::kSqlite),
            (std::vector<std::string>{"SELECT", "$q$"}));
  EXPECT_EQ(texts("SELECT $q$/*$q$ RETURNING x --*/", Dialect::kSprocket),
            (std::vector<std::string>{"SELECT", "$q$/*$q$", "RETURNING", "x"}));
  // SQLite stops at a NUL byte.
  EXPECT_EQ(texts(std::string_view("SELECT 1\0 RETURNING x", 21), Dialect::kSqlite),
            (std::vector<std::string>{"SELECT", "1"}));
  // TCL variables: "(…)" runs to the next ')', "::" pairs belong to the name.
  EXPECT_EQ(texts("SELECT $x(/*) --*/", Dialect::kSqlite),
            (std::vector<std::string>{"SELECT", "$x(/*)"}));
  EXPECT_EQ(
      texts("SELECT $a::b, @c, :d, #e, $", Dialect::kSqlite),
      (std::vector<std::string>{"SELECT", "$a::b", ",", "@c", ",", ":d", ",", "#e", ",", "$"}));
}

}  // namespace
}  // namespace sprocket::sql
