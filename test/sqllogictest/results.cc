#include "sqllogictest/results.h"

#include <algorithm>

#include "common/strings.h"

namespace sprocket::slt {

namespace {

std::vector<std::vector<std::string>> RenderCells(const ResultSet& result) {
  std::vector<std::vector<std::string>> rows;
  rows.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    std::vector<std::string>& cells = rows.emplace_back();
    for (const Value& value : row) cells.push_back(RenderValue(value));
  }
  return rows;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return out;
}

std::string Listing(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& line : lines) out += line + "\n";
  return out;
}

}  // namespace

std::string RenderValue(const Value& value) {
  if (value.type() == ValueType::kText && value.text().empty()) return "(empty)";
  return value.ToString();
}

std::vector<std::string> RenderRows(const ResultSet& result, SortMode sort) {
  std::vector<std::string> lines;
  if (sort == SortMode::kValueSort) {
    for (auto& cells : RenderCells(result)) {
      for (auto& cell : cells) lines.push_back(std::move(cell));
    }
  } else {
    for (const auto& cells : RenderCells(result)) lines.push_back(Join(cells, "\t"));
  }
  if (sort != SortMode::kNoSort) std::sort(lines.begin(), lines.end());
  return lines;
}

std::string CompareResult(const Record& record, const ResultSet& result) {
  const size_t ncols = result.columns.size();
  if (ncols != record.types.size()) {
    return "the query header \"query " + record.types + "\" declares " +
           std::to_string(record.types.size()) + " column(s) but the query returned " +
           std::to_string(ncols) + " (" + Join(result.columns, ", ") + ")";
  }
  std::vector<std::string> actual = RenderRows(result, record.sort);
  std::vector<std::string> expected = record.expected;

  if (record.sort == SortMode::kValueSort) {
    std::vector<std::string> values;
    for (const auto& line : expected) {
      for (auto& value : SplitTabs(line)) values.push_back(std::move(value));
    }
    std::sort(values.begin(), values.end());
    if (values == actual) return "";
  } else {
    if (record.sort == SortMode::kRowSort) std::sort(expected.begin(), expected.end());
    if (expected == actual) return "";
    // Value mode: one value per line.
    if (ncols > 1 && record.expected.size() == actual.size() * ncols) {
      std::vector<std::string> values;
      for (const auto& line : actual) {
        for (auto& value : SplitTabs(line)) values.push_back(std::move(value));
      }
      if (values == record.expected) return "";
    }
  }
  return "---- expected (" + std::to_string(record.expected.size()) + " line(s))\n" +
         Listing(record.expected) + "---- actual (" + std::to_string(actual.size()) +
         " line(s))\n" + Listing(actual);
}

}  // namespace sprocket::slt
