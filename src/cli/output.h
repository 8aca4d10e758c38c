// How the shell prints a statement's result: an aligned table (the default), CSV or JSON.
//
// The formatters are pure functions of a ResultSet; they never fail. Thread safety: none
// needed (no state).
#ifndef SPROCKET_CLI_OUTPUT_H_
#define SPROCKET_CLI_OUTPUT_H_

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "sprocket/sprocket.hpp"

namespace sprocket::cli {

enum class OutputMode { kTable, kCsv, kJson };

// "table", "csv" or "json" (case-insensitive); nullopt for anything else.
std::optional<OutputMode> ParseOutputMode(std::string_view name);
const char* OutputModeName(OutputMode mode);

struct OutputOptions {
  OutputMode mode = OutputMode::kTable;
  // Print the column names (table: a header and a separator line; csv: a header row).
  // JSON always names its keys.
  bool headers = true;
};

// Aligned columns separated by two spaces, a header and a dashed separator line:
//
//   id  name   price
//   --  -----  -----
//    1  apple    1.5
//    2  NULL    NULL
//
// Numbers (and the header and NULLs of columns that hold only numbers) are right-aligned,
// everything else left-aligned. Trailing spaces are trimmed. REAL values are printed with
// FormatReal, BLOBs as x'..', NULL as NULL.
std::string FormatTable(const ResultSet& result, bool headers);

// RFC 4180: fields holding a comma, a quote, CR or LF are quoted, quotes doubled; NULL is an
// empty field and an empty string is "" so the two stay apart. Rows end with "\n".
std::string FormatCsv(const ResultSet& result, bool headers);

// One JSON array of objects (column name → value) per result, rows separated by ",\n":
// [{"id":1,"name":"apple"},
// {"id":2,"name":null}]
// INTEGER and REAL are JSON numbers (REAL via FormatReal; NaN and infinities become null),
// TEXT is a string (invalid UTF-8 replaced by U+FFFD), BLOB is "\\x0aff" (hex string).
std::string FormatJson(const ResultSet& result);

// Writes `result` in the chosen mode and flushes `out`, so results appear as they arrive.
void WriteResult(const ResultSet& result, const OutputOptions& options, std::ostream& out);

}  // namespace sprocket::cli

#endif  // SPROCKET_CLI_OUTPUT_H_
