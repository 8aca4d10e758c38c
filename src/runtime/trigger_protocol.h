// The trigger protocol between the engine and every language backend (docs/design.md §3.2,
// §4 ctx), in PostgreSQL's terms and independent of any language:
//
//   TriggerData     what the function is told: TG_WHEN/TG_LEVEL/TG_OP (enums), TG_NAME, …,
//                   NEW/OLD, the transition tables;
//   TriggerResult   what one call decided (BEFORE ROW: skip the row, or keep NEW as it is
//                   now);
//   TriggerBatch    consecutive row-level calls made in one go: the backend calls the
//                   function on rows i…j and reports in a RowReport, per row, skipped or
//                   kept and which columns of NEW it changed — plain records, with no
//                   callback into the engine and no row changed in place, so that a backend
//                   in another process sends the same thing over a pipe;
//   BeforeRowBatch  the host's side of a BEFORE ROW batch: applies what the backend
//                   reports and writes rows as soon as they are final.
#ifndef SPROCKET_RUNTIME_TRIGGER_PROTOCOL_H_
#define SPROCKET_RUNTIME_TRIGGER_PROTOCOL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket::runtime {

// A table row handed to or returned by a trigger function: values aligned with
// `columns` (which the rows of one statement share).
struct RowData {
  std::shared_ptr<const std::vector<std::string>> columns;
  std::vector<Value> values;
};

// The event a trigger fires for (TG_WHEN, TG_LEVEL, TG_OP): enums in the runtime, their
// PostgreSQL names only where a guest sees them (…Name()).
enum class TriggerWhen { kBefore, kAfter, kInsteadOf };
enum class TriggerLevel { kRow, kStatement };
enum class TriggerOp { kInsert, kUpdate, kDelete };
const char* TriggerWhenName(TriggerWhen when);     // "BEFORE", "AFTER", "INSTEAD OF"
const char* TriggerLevelName(TriggerLevel level);  // "ROW", "STATEMENT"
const char* TriggerOpName(TriggerOp op);           // "INSERT", "UPDATE", "DELETE"

// What a trigger function is told about the event (docs/design.md §4 ctx): the TG_* values,
// the rows, and for statement-level triggers the transition sets. Borrowed for one call.
struct TriggerData {
  std::string name;                                 // TG_NAME
  std::string table;                                // TG_TABLE_NAME
  TriggerWhen when = TriggerWhen::kBefore;          // TG_WHEN
  TriggerLevel level = TriggerLevel::kRow;          // TG_LEVEL
  TriggerOp op = TriggerOp::kInsert;                // TG_OP
  std::vector<std::string> argv;                    // TG_ARGV
  int depth = 1;                                    // TG_DEPTH
  const RowData* new_row = nullptr;                 // NEW (INSERT, UPDATE at row level)
  const RowData* old_row = nullptr;                 // OLD (UPDATE, DELETE at row level)
  const std::vector<RowData>* new_table = nullptr;  // NEW_TABLE (statement level)
  const std::vector<RowData>* old_table = nullptr;  // OLD_TABLE
  std::string new_table_name;                       // REFERENCING NEW TABLE AS …, empty when none
  std::string old_table_name;                       // REFERENCING OLD TABLE AS …
};

// What one trigger call decided. The BEFORE ROW rules of docs/design.md §3.2, which every
// backend applies to its language's return value: returning null (None, …) skips the row;
// returning nothing keeps NEW as the function left it (OLD for DELETE); returning a row
// replaces NEW; anything else is an error. AFTER and statement-level results are ignored.
struct TriggerResult {
  enum class Outcome {
    kKeep,  // write NEW as it now is (the function may have changed it): `row` holds it
    kSkip,  // returned null: do not write the row
  };
  Outcome outcome = Outcome::kKeep;
  RowData row;  // kKeep: the row to write (NEW, or what the function returned)
};

// What a backend reports about the rows of a BEFORE ROW / INSTEAD OF batch, as records in
// the order it learns them: a row skipped; a column of a row's NEW set to a new value; the
// call for a row about to reach the database (so the rows before it are final). A row
// nothing was reported for is kept unchanged.
class RowReport {
 public:
  struct Change {
    uint32_t row;
    uint32_t column;
    Value value;
  };

  // Starts a report for `rows` rows: all kept, nothing changed, nothing final.
  void Reset(size_t rows);
  size_t size() const { return skipped_.size(); }

  // The function returned null for `row`.
  void Skip(size_t row);
  // The function's result for `row` has `value` in `column` of NEW.
  void Set(size_t row, size_t column, Value value);
  // The call for `row` is about to reach the database: rows before it are final. (Once the
  // backend returns, every row is.)
  void Reached(size_t row);

  bool skipped(size_t row) const { return skipped_[row] != 0; }
  size_t reached() const { return reached_; }
  std::span<Change> changes() { return changes_; }

 private:
  std::vector<uint8_t> skipped_;
  std::vector<Change> changes_;
  size_t reached_ = 0;
};

// Reports `result`, the decision of the call for `row` whose NEW was `new_row` (null for
// DELETE), as a backend that hands back whole rows does: skipped, or the columns whose
// values differ (nothing for a row of another width: NEW is kept).
void ReportResult(RowReport& report, size_t row, const RowData* new_row,
                  const TriggerResult& result);

// Consecutive row-level calls of one trigger, made in one go (the engine's fast path for
// statements over many rows). Row i is called with new_rows[i] and/or old_rows[i], as the
// event has them; TriggerData's new_row and old_row are not used. The rows are read only.
//
// PostgreSQL runs a BEFORE ROW trigger for row i after rows 0…i-1 are written, and the
// trigger can see them. So before the call for row i reaches the database (ctx.db and the
// like), the backend reports what it decided for the rows before i and report->Reached(i);
// the host writes them before it serves the access. Without a database access nothing can
// tell the difference.
struct TriggerBatch {
  std::span<const RowData> new_rows;  // empty for DELETE
  std::span<const RowData> old_rows;  // empty for INSERT
  size_t size = 0;
  // BEFORE ROW / INSTEAD OF: where the backend reports each row's outcome (Reset by the
  // host). Null for AFTER ROW, whose results are ignored.
  RowReport* report = nullptr;
};

// The host's side of a BEFORE ROW / INSTEAD OF batch. The host fills the rows, hands
// batch() to the backend, calls Flush() before serving each database access the backend
// makes during the call, and Finish() when the call returned. Rows go to the Writer in
// order, each once, with the changes the backend reported applied, skipped rows left out.
class BeforeRowBatch {
 public:
  class Writer {
   public:
    virtual ~Writer() = default;
    // Writes rows `kept` (indexes into the batch, ascending), whose new_rows() are final.
    virtual Status Write(std::span<const size_t> kept) = 0;
  };

  // A batch of `size` rows; the caller fills new_rows() (unless DELETE) and old_rows()
  // (unless INSERT) before the call.
  void Start(size_t size, bool has_new, bool has_old);
  std::vector<RowData>& new_rows() { return new_rows_; }
  std::vector<RowData>& old_rows() { return old_rows_; }
  TriggerBatch& batch() { return batch_; }

  // Writes the rows the backend has reported final and not yet written. A write that fails
  // is returned, and returned again by Finish: the batch fails with it even when the guest
  // catches the error of its database access.
  Status Flush(Writer& writer);
  // The backend returned `status`: on success every row is final and the rest are written.
  Status Finish(Writer& writer, Status status);

 private:
  Status WriteUntil(Writer& writer, size_t end);

  std::vector<RowData> new_rows_;
  std::vector<RowData> old_rows_;
  RowReport report_;
  TriggerBatch batch_;
  size_t applied_ = 0;  // changes applied to new_rows_
  size_t written_ = 0;  // rows handed to the writer (or skipped)
  std::vector<size_t> kept_;
  Status write_error_;
  bool writing_ = false;
};

}  // namespace sprocket::runtime

#endif  // SPROCKET_RUNTIME_TRIGGER_PROTOCOL_H_
