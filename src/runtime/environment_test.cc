#include "runtime/environment.h"

#include <gtest/gtest.h>

#include "runtime/runtime.h"

namespace sprocket::runtime {
namespace {

class NamedRuntime : public LanguageRuntime {
 public:
  explicit NamedRuntime(std::string name) : name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  std::string version() const override { return "1"; }
  Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef&,
                                                    const CompileOptions&) override {
    environment().Log(LogLevel::kInfo, name_, "compiling for " + environment().database_path);
    return Status(StatusCode::kNotSupported, "no");
  }

 private:
  std::string name_;
};

TEST(RuntimeEnvironmentTest, RegisteredRuntimesSeeTheirDatabase) {
  auto env = std::make_shared<RuntimeEnvironment>();
  env->database_path = "/data/app.db";
  std::vector<std::string> logged;
  env->log = [&](LogLevel, std::string_view source, std::string_view message) {
    logged.push_back(std::string(source) + ": " + std::string(message));
  };
  RuntimeRegistry registry(env);
  ASSERT_TRUE(registry.Register(std::make_unique<NamedRuntime>("lang")).ok());
  LanguageRuntime* rt = registry.Find("LANG");
  ASSERT_NE(rt, nullptr);
  EXPECT_EQ(rt->environment().database_path, "/data/app.db");
  FunctionDef def;
  EXPECT_FALSE(rt->Compile(def, {}).ok());
  EXPECT_EQ(logged, (std::vector<std::string>{"lang: compiling for /data/app.db"}));
}

TEST(RuntimeEnvironmentTest, ARuntimeOnItsOwnHasTheDefaultEnvironment) {
  NamedRuntime rt("lang");
  EXPECT_EQ(rt.environment().database_path, ":memory:");
  rt.environment().Log(LogLevel::kInfo, "lang", "dropped");  // no sink: nothing happens
  FunctionDef def;
  def.language = "javascript";
  Limits limits = rt.environment().EffectiveLimits(def);
  EXPECT_EQ(limits.max_cpu_time_ms, DefaultsFor("javascript").max_cpu_time_ms);
  EXPECT_GT(limits.max_memory_bytes, 0);
}

}  // namespace
}  // namespace sprocket::runtime
