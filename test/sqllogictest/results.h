// How a query's result is rendered and compared with the rows a .test file expects.
//
// Values: NULL → "NULL", empty text → "(empty)", REAL via FormatReal ("120.0"), BLOB as
// Value::ToString ("x'00FF'"), everything else as text. A row is its values joined by tabs.
// Expected rows are written one per line, or — for several columns — one value per line
// (DuckDB's value mode), recognized when the line count equals rows × columns.
#ifndef SPROCKET_TEST_SQLLOGICTEST_RESULTS_H_
#define SPROCKET_TEST_SQLLOGICTEST_RESULTS_H_

#include <string>
#include <vector>

#include "sprocket/sprocket.hpp"
#include "sqllogictest/test_file.h"

namespace sprocket::slt {

std::string RenderValue(const Value& value);

// The result's rows as the lines a .test file would hold (sorted per `sort`).
std::vector<std::string> RenderRows(const ResultSet& result, SortMode sort);

// Checks `result` against the query record `record`. Returns "" when it matches, else a
// description of the difference (wrong column count, or expected vs actual rows).
std::string CompareResult(const Record& record, const ResultSet& result);

}  // namespace sprocket::slt

#endif  // SPROCKET_TEST_SQLLOGICTEST_RESULTS_H_
