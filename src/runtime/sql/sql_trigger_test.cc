// SQL trigger bodies at the runtime level: NEW/OLD/TG_* bound, statements run through the
// host. (Firing from SQL is the engine's; see test/pending/triggers/.)
#include <gtest/gtest.h>

#include "common/sqlite_util.h"
#include "runtime/sql/sql_runtime.h"

namespace sprocket::runtime {
namespace {

// A host over a plain SQLite connection, without capability checks.
class DirectHost : public HostApi {
 public:
  explicit DirectHost(sqlite3* db) : db_(db) {}
  Result<ResultSet> Query(std::string_view sql, const std::vector<Value>& params) override {
    return RunStatement(db_, sql, params);
  }
  Result<ExecResult> Execute(std::string_view sql, const std::vector<Value>& params) override {
    SPROCKET_ASSIGN_OR_RETURN(ResultSet r, RunStatement(db_, sql, params));
    return ExecResult{r.rows_affected, r.last_insert_rowid};
  }
  Result<ExecResult> Insert(std::string_view, const std::vector<std::string>&,
                            std::span<const Value>) override {
    return Status(StatusCode::kNotSupported, "not here");
  }
  Status CheckSql(std::string_view sql, int*) override { return PrepareOne(db_, sql).status(); }
  Status Log(LogLevel, std::string_view) override { return Status::Ok(); }
  Result<int64_t> NowMicros() override { return int64_t{0}; }
  bool ClockAllowed() const override { return true; }
  Result<uint64_t> RandomU64() override { return uint64_t{0}; }
  SessionInfo session_info() const override { return {"tester", ":memory:"}; }

 private:
  sqlite3* db_;
};

class SqlTriggerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sqlite3_open(":memory:", &db_), SQLITE_OK);
    ASSERT_TRUE(RunStatement(db_, "CREATE TABLE audit(op TEXT, tbl TEXT, old_v, new_v)").ok());
  }
  void TearDown() override { sqlite3_close(db_); }

  Result<TriggerResult> Fire(const std::string& body, const TriggerData& data) {
    FunctionDef def;
    def.name = def.entry_point = "audit_row";
    def.kind = FunctionKind::kTrigger;
    def.language = "sql";
    def.source = body;
    auto compiled = runtime_->Compile(def, {});
    if (!compiled.ok()) return compiled.status();
    auto instance = (*compiled)->CreateInstance();
    if (!instance.ok()) return instance.status();
    DirectHost host(db_);
    CallContext call(host, def);
    return (*instance)->CallTrigger(call, data);
  }

  sqlite3* db_ = nullptr;
  std::unique_ptr<LanguageRuntime> runtime_ = NewSqlRuntime();
  std::shared_ptr<const std::vector<std::string>> columns_ =
      std::make_shared<std::vector<std::string>>(std::vector<std::string>{"id", "v"});
};

TEST_F(SqlTriggerTest, BindsNewOldAndTgValues) {
  RowData old_row{columns_, {Value(1), Value("before")}};
  RowData new_row{columns_, {Value(1), Value("after")}};
  TriggerData t;
  t.name = "audit_users";
  t.table = "users";
  t.when = TriggerWhen::kAfter;
  t.level = TriggerLevel::kRow;
  t.op = TriggerOp::kUpdate;
  t.old_row = &old_row;
  t.new_row = &new_row;
  auto r = Fire(
      "INSERT INTO audit VALUES (TG_OP, TG_TABLE_NAME, OLD.v, NEW.v); "
      "INSERT INTO audit VALUES (TG_NAME, TG_WHEN || '/' || TG_LEVEL, OLD.id, new.ID)",
      t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->outcome, TriggerResult::Outcome::kKeep);
  EXPECT_EQ(r->row.values[1], Value("after"));
  auto rows = RunStatement(db_, "SELECT * FROM audit ORDER BY rowid");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->rows.size(), 2u);
  EXPECT_EQ(rows->rows[0],
            (std::vector<Value>{Value("UPDATE"), Value("users"), Value("before"), Value("after")}));
  EXPECT_EQ(rows->rows[1], (std::vector<Value>{Value("audit_users"), Value("AFTER/ROW"),
                                               Value(int64_t{1}), Value(int64_t{1})}));
}

TEST_F(SqlTriggerTest, MissingRowsAreNullAndUnknownColumnsFail) {
  RowData new_row{columns_, {Value(2), Value("x")}};
  TriggerData t;
  t.op = TriggerOp::kInsert;
  t.new_row = &new_row;
  auto r = Fire("INSERT INTO audit VALUES (TG_OP, 't', OLD.v, NEW.v)", t);
  ASSERT_TRUE(r.ok()) << r.status().message();
  auto rows = RunStatement(db_, "SELECT old_v IS NULL, new_v FROM audit");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ(rows->rows[0], (std::vector<Value>{Value(int64_t{1}), Value("x")}));
  auto bad = Fire("INSERT INTO audit VALUES ('x', 't', NEW.nope, 1)", t);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "sql function \"audit_row\": NEW has no column \"nope\"");
}

}  // namespace
}  // namespace sprocket::runtime
