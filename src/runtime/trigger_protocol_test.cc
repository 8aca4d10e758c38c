#include "runtime/trigger_protocol.h"

#include <gtest/gtest.h>

#include <cctype>

#include "runtime/runtime.h"

namespace sprocket::runtime {
namespace {

std::shared_ptr<const std::vector<std::string>> Columns() {
  static auto columns =
      std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"id", "name"});
  return columns;
}

RowData Row(int64_t id, std::string name) {
  return RowData{Columns(), {Value(id), Value(std::move(name))}};
}

// Records what it is asked to write: the rows' ids, and when.
struct RecordingWriter : BeforeRowBatch::Writer {
  BeforeRowBatch* batch = nullptr;
  std::vector<std::string> written;  // "id:name"
  int writes = 0;
  Status fail;
  Status Write(std::span<const size_t> kept) override {
    ++writes;
    if (!fail.ok()) return fail;
    for (size_t i : kept) {
      const RowData& row = batch->new_rows()[i];
      written.push_back(std::to_string(row.values[0].integer()) + ":" + row.values[1].text());
    }
    return Status::Ok();
  }
};

TEST(TriggerProtocolTest, NamesArePostgresNames) {
  EXPECT_STREQ(TriggerWhenName(TriggerWhen::kInsteadOf), "INSTEAD OF");
  EXPECT_STREQ(TriggerLevelName(TriggerLevel::kStatement), "STATEMENT");
  EXPECT_STREQ(TriggerOpName(TriggerOp::kDelete), "DELETE");
}

TEST(TriggerProtocolTest, ReportResultReportsOnlyWhatChanged) {
  RowReport report;
  report.Reset(3);
  RowData before = Row(1, "a");
  TriggerResult same{TriggerResult::Outcome::kKeep, Row(1, "a")};
  ReportResult(report, 0, &before, same);
  EXPECT_TRUE(report.changes().empty());
  TriggerResult changed{TriggerResult::Outcome::kKeep,
                        RowData{Columns(), {Value(1.0), Value("b")}}};
  ReportResult(report, 1, &before, changed);
  ASSERT_EQ(report.changes().size(), 2u);  // 1.0 is not the integer 1
  EXPECT_EQ(report.changes()[1].column, 1u);
  EXPECT_EQ(report.changes()[1].value.text(), "b");
  ReportResult(report, 2, &before, TriggerResult{TriggerResult::Outcome::kSkip, {}});
  EXPECT_TRUE(report.skipped(2));
  EXPECT_FALSE(report.skipped(1));
}

TEST(TriggerProtocolTest, RowsAreWrittenWhenFinalAndOnlyOnce) {
  BeforeRowBatch before;
  RecordingWriter writer;
  writer.batch = &before;
  before.Start(4, /*has_new=*/true, /*has_old=*/false);
  for (int i = 0; i < 4; ++i) before.new_rows()[i] = Row(i, "r" + std::to_string(i));
  RowReport& report = *before.batch().report;
  // Row 0 changed, row 1 skipped; the call for row 2 reaches the database.
  report.Set(0, 1, Value("changed"));
  report.Skip(1);
  report.Reached(2);
  ASSERT_TRUE(before.Flush(writer).ok());
  EXPECT_EQ(writer.written, (std::vector<std::string>{"0:changed"}));
  // Flushing again writes nothing new; a change to a final row is ignored.
  report.Set(0, 1, Value("late"));
  ASSERT_TRUE(before.Flush(writer).ok());
  EXPECT_EQ(writer.writes, 1);
  report.Set(3, 1, Value("last"));
  ASSERT_TRUE(before.Finish(writer, Status::Ok()).ok());
  EXPECT_EQ(writer.written, (std::vector<std::string>{"0:changed", "2:r2", "3:last"}));
}

TEST(TriggerProtocolTest, AFailedCallWritesNothingMore) {
  BeforeRowBatch before;
  RecordingWriter writer;
  writer.batch = &before;
  before.Start(2, true, false);
  for (int i = 0; i < 2; ++i) before.new_rows()[i] = Row(i, "r");
  Status failed = before.Finish(writer, Status(StatusCode::kGuestError, "boom"));
  EXPECT_EQ(failed.message(), "boom");
  EXPECT_TRUE(writer.written.empty());
}

TEST(TriggerProtocolTest, AFailedWriteFailsTheBatchEvenWhenTheGuestGoesOn) {
  BeforeRowBatch before;
  RecordingWriter writer;
  writer.batch = &before;
  before.Start(3, true, false);
  for (int i = 0; i < 3; ++i) before.new_rows()[i] = Row(i, "r");
  writer.fail = Status(StatusCode::kConstraint, "UNIQUE constraint failed: t.id");
  before.batch().report->Reached(1);
  EXPECT_FALSE(before.Flush(writer).ok());
  // The guest caught its access's error and returned normally: the write error stands.
  writer.fail = Status::Ok();
  Status finished = before.Finish(writer, Status::Ok());
  EXPECT_EQ(finished.code(), StatusCode::kConstraint);
  EXPECT_TRUE(writer.written.empty());
}

// A backend that hands back whole rows: the default CallTriggerBatch reports them.
class UppercaseInstance : public Instance {
 public:
  Result<Value> Call(CallContext&, std::span<const Value>) override { return Value(); }
  Result<TriggerResult> CallTrigger(CallContext&, const TriggerData& data) override {
    TriggerResult result;
    if (data.new_row->values[0].integer() % 2 == 1) {
      result.outcome = TriggerResult::Outcome::kSkip;
      return result;
    }
    result.row = *data.new_row;
    std::string name = result.row.values[1].text();
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    result.row.values[1] = Value(name);
    reached.push_back(batch_report->reached());
    return result;
  }
  RowReport* batch_report = nullptr;
  std::vector<size_t> reached;
};

class NoHost : public HostApi {
 public:
  Result<ResultSet> Query(std::string_view, const std::vector<Value>&) override {
    return Status(StatusCode::kInternal, "no");
  }
  Result<ExecResult> Execute(std::string_view, const std::vector<Value>&) override {
    return Status(StatusCode::kInternal, "no");
  }
  Result<ExecResult> Insert(std::string_view, const std::vector<std::string>&,
                            std::span<const Value>) override {
    return Status(StatusCode::kInternal, "no");
  }
  Status CheckSql(std::string_view, int*) override { return Status::Ok(); }
  Status Log(LogLevel, std::string_view) override { return Status::Ok(); }
  Result<int64_t> NowMicros() override { return 0; }
  bool ClockAllowed() const override { return false; }
  Result<uint64_t> RandomU64() override { return 0; }
  SessionInfo session_info() const override { return {}; }
};

TEST(TriggerProtocolTest, DefaultBatchCallsRowByRowAndReports) {
  BeforeRowBatch before;
  RecordingWriter writer;
  writer.batch = &before;
  before.Start(4, true, false);
  for (int i = 0; i < 4; ++i) before.new_rows()[i] = Row(i, "row" + std::to_string(i));
  UppercaseInstance instance;
  instance.batch_report = before.batch().report;
  NoHost host;
  FunctionDef def;
  def.name = "upper";
  CallContext context(host, def);
  TriggerData data;
  ASSERT_TRUE(instance.CallTriggerBatch(context, data, before.batch()).ok());
  EXPECT_EQ(instance.reached, (std::vector<size_t>{0, 2}));  // rows before each call final
  ASSERT_TRUE(before.Finish(writer, Status::Ok()).ok());
  EXPECT_EQ(writer.written, (std::vector<std::string>{"0:ROW0", "2:ROW2"}));
}

}  // namespace
}  // namespace sprocket::runtime
