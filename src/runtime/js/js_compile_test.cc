#include "runtime/js/js_compile.h"

#include <gtest/gtest.h>

#include <string>

namespace sprocket::runtime::js {
namespace {

TEST(JsSkeletonTest, BlanksCommentsAndEmptiesLiterals) {
  EXPECT_EQ(JsSkeleton("a // function f(\nb", false), "a  \nb");
  EXPECT_EQ(JsSkeleton("a /* function f( */ b", false), "a   b");
  EXPECT_EQ(JsSkeleton("x = 'function f(' + \"}\"", false), "x = '' + \"\"");
  EXPECT_EQ(JsSkeleton("x = `a ${ {b: 1}.b } c`; y", false), "x = ` {b: 1}.b `; y");
  EXPECT_EQ(JsSkeleton("x = /function f\\(/g.test(s)", false), "x = //.test(s)");
  EXPECT_EQ(JsSkeleton("x = a / b / c", false), "x = a / b / c");
  EXPECT_EQ(JsSkeleton("return /[/]/.test(s)", false), "return //.test(s)");
}

TEST(JsSkeletonTest, TopLevelBlanksBlocks) {
  EXPECT_EQ(JsSkeleton("function g() { function f() {} }\nf", true),
            "function g() {                 }\nf");
  // A division inside a block is not a regular expression (the code before it counts).
  EXPECT_EQ(JsSkeleton("function r(v) { return f(v) / 100; }\nconst x = 1 / 2", true),
            "function r(v) {" + std::string(20, ' ') + "}\nconst x = 1 / 2");
}

FunctionDef Def(std::string name, std::string source) {
  FunctionDef def;
  def.name = name;
  def.entry_point = name;
  def.language = "javascript";
  def.source = std::move(source);
  def.params = {{"x", "INTEGER", SqlType::kInteger}};
  return def;
}

// Regression: a comment mentioning `function name(` made a plv8-style body look like a
// body that declares the function (which then was never found).
TEST(BuildScriptTest, DeclarationsInCommentsAndStringsDoNotCount) {
  for (const char* body :
       {"// like function f(x) in the old version\nreturn x * 2",
        "/* function f(x) { } */ return x * 2", "const s = 'function f(x)'; return x * 2",
        "function helper() { function f(y) { return y } } return x * 2"}) {
    auto script = BuildScript(Def("f", body));
    ASSERT_TRUE(script.ok()) << body;
    EXPECT_TRUE(script->wrapped) << body;
  }
  auto declared = BuildScript(Def("f", "// the entry point\nfunction f(x) { return x * 2 }"));
  ASSERT_TRUE(declared.ok());
  EXPECT_FALSE(declared->wrapped);
  EXPECT_EQ(declared->global, "f");
}

TEST(BuildScriptTest, AwaitInACommentDoesNotMakeTheBodyAsync) {
  auto script = BuildScript(Def("f", "// await the result\nreturn x"));
  ASSERT_TRUE(script.ok());
  EXPECT_EQ(script->text.rfind("(function", 0), 0u) << script->text;
}

}  // namespace
}  // namespace sprocket::runtime::js
