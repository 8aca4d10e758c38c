// Trigger calls at the runtime level: ctx, the BEFORE ROW return rules and both body
// styles. (Firing triggers from SQL is the engine's; see test/pending/triggers/.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "runtime/js/js_runtime.h"

namespace sprocket::runtime {
namespace {

// A host that refuses the database and counts log lines.
class FakeHost : public HostApi {
 public:
  Result<ResultSet> Query(std::string_view, const std::vector<Value>&) override { return Denied(); }
  Result<ExecResult> Execute(std::string_view, const std::vector<Value>&) override {
    return Denied();
  }
  Result<ExecResult> Insert(std::string_view, const std::vector<std::string>&,
                            std::span<const Value>) override {
    return Denied();
  }
  Status CheckSql(std::string_view, int*) override { return Status::Ok(); }
  Status Log(LogLevel, std::string_view message) override {
    last_log = std::string(message);
    return Status::Ok();
  }
  Result<int64_t> NowMicros() override { return int64_t{0}; }
  bool ClockAllowed() const override { return true; }
  Result<uint64_t> RandomU64() override { return uint64_t{4}; }
  SessionInfo session_info() const override { return {"tester", ":memory:"}; }

  std::string last_log;

 private:
  static Status Denied() { return Status(StatusCode::kPermissionDenied, "no database here"); }
};

FunctionDef TriggerDef(std::string name, std::string source) {
  FunctionDef def;
  def.name = def.entry_point = std::move(name);
  def.kind = FunctionKind::kTrigger;
  def.language = "javascript";
  def.source = std::move(source);
  return def;
}

class JsTriggerTest : public ::testing::Test {
 protected:
  Result<TriggerResult> Fire(const std::string& name, const std::string& source,
                             const TriggerData& data) {
    auto compiled = runtime_->Compile(TriggerDef(name, source), {});
    if (!compiled.ok()) return compiled.status();
    auto instance = (*compiled)->CreateInstance();
    if (!instance.ok()) return instance.status();
    FunctionDef def = TriggerDef(name, source);
    CallContext call(host_, def);
    return (*instance)->CallTrigger(call, data);
  }

  TriggerData BeforeInsert() {
    TriggerData t;
    t.name = "set_full_name";
    t.table = "people";
    t.when = TriggerWhen::kBefore;
    t.level = TriggerLevel::kRow;
    t.op = TriggerOp::kInsert;
    t.argv = {"gold", "42"};
    t.new_row = &row_;
    return t;
  }

  std::unique_ptr<LanguageRuntime> runtime_ = NewJsRuntime();
  FakeHost host_;
  RowData row_{std::make_shared<std::vector<std::string>>(
                   std::vector<std::string>{"first_name", "last_name", "full_name", "amount"}),
               {Value("Ada"), Value("Lovelace"), Value(), Value(10.5)}};
};

TEST_F(JsTriggerTest, StyleAMutatesNew) {
  auto r = Fire("compute_full_name",
                "function compute_full_name(ctx) {\n"
                "  ctx.NEW.full_name = `${ctx.NEW.first_name} ${ctx.NEW.last_name}`;\n"
                "}\n",
                BeforeInsert());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->outcome, TriggerResult::Outcome::kKeep);
  ASSERT_EQ(r->row.values.size(), 4u);
  EXPECT_EQ(r->row.values[2], Value("Ada Lovelace"));
  EXPECT_EQ(r->row.values[3], Value(10.5));
}

TEST_F(JsTriggerTest, StyleBHasNewAndTgValuesInScope) {
  auto r = Fire("f",
                "NEW.full_name = [TG_OP, TG_WHEN, TG_LEVEL, TG_NAME, TG_TABLE_NAME, "
                "TG_ARGV.join('/'), TG_DEPTH].join(' ');",
                BeforeInsert());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->row.values[2], Value("INSERT BEFORE ROW set_full_name people gold/42 1"));
}

TEST_F(JsTriggerTest, ReturnNullSkipsAndObjectReplaces) {
  auto skip = Fire("f", "if (NEW.amount > 5) return null; return NEW;", BeforeInsert());
  ASSERT_TRUE(skip.ok()) << skip.status().message();
  EXPECT_EQ(skip->outcome, TriggerResult::Outcome::kSkip);
  auto replace = Fire("f", "return {first_name: 'X', amount: 1};", BeforeInsert());
  ASSERT_TRUE(replace.ok()) << replace.status().message();
  EXPECT_EQ(replace->row.values[0], Value("X"));
  EXPECT_EQ(replace->row.values[1], Value());  // missing: NULL
  EXPECT_EQ(replace->row.values[3], Value(int64_t{1}));
  auto reassign = Fire("f", "NEW = {...NEW, last_name: 'Byron'};", BeforeInsert());
  ASSERT_TRUE(reassign.ok()) << reassign.status().message();
  EXPECT_EQ(reassign->row.values[1], Value("Byron"));
}

TEST_F(JsTriggerTest, ErrorsNameTheLine) {
  auto r = Fire("no_negative", "\nif (NEW.amount > 0) throw new Error('Invalid amount');",
                BeforeInsert());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "javascript function \"no_negative\" line 2: Error: Invalid amount");
  auto bad = Fire("f", "return 42;", BeforeInsert());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("must return a row object, null or nothing"),
            std::string::npos);
}

TEST_F(JsTriggerTest, StatementLevelGetsTransitionTables) {
  std::vector<RowData> inserted = {row_, row_};
  TriggerData t;
  t.name = "totals";
  t.table = "people";
  t.when = TriggerWhen::kAfter;
  t.level = TriggerLevel::kStatement;
  t.op = TriggerOp::kInsert;
  t.new_table = &inserted;
  t.new_table_name = "inserted";
  auto r = Fire("f",
                "ctx.log(`${NEW_TABLE.length} ${ctx.inserted.length} ${OLD_TABLE} "
                "${NEW_TABLE[1].last_name} ${ctx.session.user}`);",
                t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(host_.last_log, "2 2 null Lovelace tester");
}

TEST_F(JsTriggerTest, DatabaseRefusalIsCatchable) {
  auto r = Fire("f",
                "try { ctx.db.query('SELECT 1') } catch (e) { NEW.full_name = e.code + ' ' + "
                "e.message }",
                BeforeInsert());
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->row.values[2], Value("42501 no database here"));
}

}  // namespace
}  // namespace sprocket::runtime

namespace sprocket::runtime {
namespace {

FunctionDef SpinDef(int64_t cpu_ms, int64_t wall_ms) {
  FunctionDef def;
  def.name = def.entry_point = "spin";
  def.language = "javascript";
  def.return_declared = "INTEGER";
  def.return_type = SqlType::kInteger;
  def.source = "for (;;) {}";
  def.limits.max_cpu_time_ms = cpu_ms;
  def.limits.max_wall_time_ms = wall_ms;
  return def;
}

// A cancel request raised from another thread stops a spinning call (not its CPU limit:
// that is a minute here), and the instance says it must be replaced.
TEST(JsCancelTest, CancelStopsASpinningCall) {
  std::unique_ptr<LanguageRuntime> runtime = NewJsRuntime();
  FakeHost host;
  FunctionDef def = SpinDef(60000, 0);
  auto compiled = runtime->Compile(def, {});
  ASSERT_TRUE(compiled.ok()) << compiled.status().message();
  auto instance = (*compiled)->CreateInstance();
  ASSERT_TRUE(instance.ok());
  CancelToken cancel;
  CallContext call(host, def, cancel);
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    cancel.Request();
  });
  Result<Value> r = (*instance)->Call(call, {});
  canceller.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "interrupted");
  EXPECT_FALSE((*instance)->healthy());
}

// The wall-clock limit stops a call independently of the CPU limit.
TEST(JsCancelTest, WallClockLimitStopsACall) {
  std::unique_ptr<LanguageRuntime> runtime = NewJsRuntime();
  FakeHost host;
  FunctionDef def = SpinDef(60000, 100);
  auto compiled = runtime->Compile(def, {});
  ASSERT_TRUE(compiled.ok());
  auto instance = (*compiled)->CreateInstance();
  ASSERT_TRUE(instance.ok());
  CallContext call(host, def);
  Result<Value> r = (*instance)->Call(call, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "javascript function \"spin\" exceeded its wall-clock time limit (100 ms)");
  // A fresh instance works (and a cancelled token that was reset does not stop calls).
  CancelToken cancel;
  cancel.Request();
  cancel.Reset();
  FunctionDef quick = def;
  quick.source = "return 7";
  auto compiled_quick = runtime->Compile(quick, {});
  ASSERT_TRUE(compiled_quick.ok());
  auto fresh = (*compiled_quick)->CreateInstance();
  ASSERT_TRUE(fresh.ok());
  CallContext call2(host, quick, cancel);
  Result<Value> ok = (*fresh)->Call(call2, {});
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_EQ(*ok, Value(7));
}

}  // namespace
}  // namespace sprocket::runtime

namespace sprocket::runtime {
namespace {

// The L3 interface: compiled code serialised by one runtime loads back in another; bytes
// the engine cannot use fall back to compiling the source.
TEST(JsSerializeTest, CompiledCodeRoundTrips) {
  FakeHost host;
  FunctionDef def;
  def.name = def.entry_point = "triple";
  def.language = "javascript";
  def.params = {{"x", "INTEGER", SqlType::kInteger}};
  def.return_declared = "INTEGER";
  def.return_type = SqlType::kInteger;
  def.source = "return x * 3";
  std::string bytes;
  {
    std::unique_ptr<LanguageRuntime> runtime = NewJsRuntime();
    auto compiled = runtime->Compile(def, {});
    ASSERT_TRUE(compiled.ok());
    bytes = (*compiled)->Serialize();
  }
  EXPECT_GT(bytes.size(), 16u);
  for (const std::string& input : {bytes, std::string("not a code cache at all")}) {
    std::unique_ptr<LanguageRuntime> runtime = NewJsRuntime();
    auto loaded = runtime->Load(def, input);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    for (int i = 0; i < 2; ++i) {  // the first instance, then one from the loaded cache
      auto instance = (*loaded)->CreateInstance();
      ASSERT_TRUE(instance.ok()) << instance.status().message();
      CallContext call(host, def);
      Value arg(int64_t{14});
      auto r = (*instance)->Call(call, std::span<const Value>(&arg, 1));
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(*r, Value(42));
    }
  }
}

}  // namespace
}  // namespace sprocket::runtime
