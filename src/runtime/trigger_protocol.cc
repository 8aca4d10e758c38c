#include "runtime/trigger_protocol.h"

#include <algorithm>

namespace sprocket::runtime {

const char* TriggerWhenName(TriggerWhen when) {
  switch (when) {
    case TriggerWhen::kBefore:
      return "BEFORE";
    case TriggerWhen::kAfter:
      return "AFTER";
    case TriggerWhen::kInsteadOf:
      return "INSTEAD OF";
  }
  return "BEFORE";
}

const char* TriggerLevelName(TriggerLevel level) {
  return level == TriggerLevel::kRow ? "ROW" : "STATEMENT";
}

const char* TriggerOpName(TriggerOp op) {
  switch (op) {
    case TriggerOp::kInsert:
      return "INSERT";
    case TriggerOp::kUpdate:
      return "UPDATE";
    case TriggerOp::kDelete:
      return "DELETE";
  }
  return "INSERT";
}

// --- RowReport ------------------------------------------------------------------------

void RowReport::Reset(size_t rows) {
  skipped_.assign(rows, 0);
  changes_.clear();
  reached_ = 0;
}

void RowReport::Skip(size_t row) {
  if (row < skipped_.size()) skipped_[row] = 1;
}

void RowReport::Set(size_t row, size_t column, Value value) {
  if (row >= skipped_.size() || row < reached_) return;  // final rows stay as they are
  changes_.push_back(
      Change{static_cast<uint32_t>(row), static_cast<uint32_t>(column), std::move(value)});
}

void RowReport::Reached(size_t row) { reached_ = std::max(reached_, std::min(row, size())); }

void ReportResult(RowReport& report, size_t row, const RowData* new_row,
                  const TriggerResult& result) {
  if (result.outcome == TriggerResult::Outcome::kSkip) {
    report.Skip(row);
    return;
  }
  if (new_row == nullptr) return;
  const std::vector<Value>& before = new_row->values;
  const std::vector<Value>& after = result.row.values;
  if (after.size() != before.size()) return;  // not a row of this table: NEW is kept
  for (size_t c = 0; c < before.size(); ++c) {
    if (!(after[c] == before[c])) report.Set(row, c, after[c]);  // 1 and 1.0 differ
  }
}

// --- BeforeRowBatch -------------------------------------------------------------------

void BeforeRowBatch::Start(size_t size, bool has_new, bool has_old) {
  new_rows_.resize(has_new ? size : 0);
  old_rows_.resize(has_old ? size : 0);
  report_.Reset(size);
  batch_.new_rows = std::span<const RowData>(new_rows_);
  batch_.old_rows = std::span<const RowData>(old_rows_);
  batch_.size = size;
  batch_.report = &report_;
  applied_ = 0;
  written_ = 0;
  write_error_ = Status::Ok();
  writing_ = false;
}

Status BeforeRowBatch::WriteUntil(Writer& writer, size_t end) {
  if (!write_error_.ok()) return write_error_;
  // A write runs statements; a guest they call that reaches the database does not write
  // this batch's rows again.
  if (writing_ || end <= written_) return Status::Ok();
  std::span<RowReport::Change> changes = report_.changes();
  for (; applied_ < changes.size(); ++applied_) {
    RowReport::Change& change = changes[applied_];
    if (change.row < written_ || change.row >= new_rows_.size()) continue;
    std::vector<Value>& values = new_rows_[change.row].values;
    if (change.column < values.size()) values[change.column] = std::move(change.value);
  }
  kept_.clear();
  for (; written_ < end; ++written_) {
    if (!report_.skipped(written_)) kept_.push_back(written_);
  }
  if (kept_.empty()) return Status::Ok();
  writing_ = true;
  write_error_ = writer.Write(kept_);
  writing_ = false;
  return write_error_;
}

Status BeforeRowBatch::Flush(Writer& writer) { return WriteUntil(writer, report_.reached()); }

Status BeforeRowBatch::Finish(Writer& writer, Status status) {
  // A row that could not be written fails the statement as it is (the guest may have
  // caught the error of the access that wrote it).
  if (!write_error_.ok()) return write_error_;
  SPROCKET_RETURN_IF_ERROR(status);
  return WriteUntil(writer, batch_.size);
}

}  // namespace sprocket::runtime
