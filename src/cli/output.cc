#include "cli/output.h"

#include <algorithm>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/strings.h"

namespace sprocket::cli {

namespace {

bool IsNumber(const Value& v) {
  return v.type() == ValueType::kInteger || v.type() == ValueType::kReal;
}

// Display width of UTF-8 text: one per code point (continuation bytes do not count).
size_t DisplayWidth(std::string_view s) {
  size_t width = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++width;
  }
  return width;
}

void AppendPadded(std::string& out, std::string_view cell, size_t width, bool right) {
  size_t pad = width - std::min(width, DisplayWidth(cell));
  if (right) out.append(pad, ' ');
  out.append(cell);
  if (!right) out.append(pad, ' ');
}

void TrimTrailingSpaces(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
}

std::string CsvField(std::string_view s) {
  if (s.empty()) return "\"\"";
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string JsonString(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string JsonValue(const Value& v) {
  switch (v.type()) {
    case ValueType::kNull:
      return "null";
    case ValueType::kInteger:
      return std::to_string(v.integer());
    case ValueType::kReal: {
      std::string text = FormatReal(v.real());
      // JSON has no NaN or infinities.
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") return "null";
      return text;
    }
    case ValueType::kText:
      return JsonString(v.text());
    case ValueType::kBlob: {
      static const char kHex[] = "0123456789abcdef";
      std::string hex = "\\x";
      for (unsigned char c : v.blob()) {
        hex += kHex[c >> 4];
        hex += kHex[c & 15];
      }
      return JsonString(hex);
    }
  }
  return "null";
}

}  // namespace

std::optional<OutputMode> ParseOutputMode(std::string_view name) {
  if (EqualsIgnoreCase(name, "table")) return OutputMode::kTable;
  if (EqualsIgnoreCase(name, "csv")) return OutputMode::kCsv;
  if (EqualsIgnoreCase(name, "json")) return OutputMode::kJson;
  return std::nullopt;
}

const char* OutputModeName(OutputMode mode) {
  switch (mode) {
    case OutputMode::kTable:
      return "table";
    case OutputMode::kCsv:
      return "csv";
    case OutputMode::kJson:
      return "json";
  }
  return "table";
}

std::string FormatTable(const ResultSet& result, bool headers) {
  const size_t ncols = result.columns.size();
  std::vector<size_t> widths(ncols, 0);
  // A column is numeric when it holds at least one number and nothing but numbers and
  // NULLs; its header and NULLs are then right-aligned with the numbers.
  std::vector<bool> numeric(ncols, false);
  std::vector<bool> non_numeric(ncols, false);
  std::vector<std::vector<std::string>> cells;
  cells.reserve(result.rows.size());
  for (const auto& row : result.rows) {
    std::vector<std::string>& line = cells.emplace_back();
    line.reserve(ncols);
    for (size_t c = 0; c < ncols; ++c) {
      const Value value = c < row.size() ? row[c] : Value();
      line.push_back(value.ToString());
      widths[c] = std::max(widths[c], DisplayWidth(line.back()));
      if (IsNumber(value)) {
        numeric[c] = true;
      } else if (!value.is_null()) {
        non_numeric[c] = true;
      }
    }
  }
  for (size_t c = 0; c < ncols; ++c) {
    numeric[c] = numeric[c] && !non_numeric[c];
    if (headers) widths[c] = std::max(widths[c], DisplayWidth(result.columns[c]));
    widths[c] = std::max<size_t>(widths[c], 1);
  }

  std::string out;
  std::string line;
  auto end_line = [&]() {
    TrimTrailingSpaces(line);
    out += line;
    out += '\n';
    line.clear();
  };
  if (headers) {
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) line += "  ";
      AppendPadded(line, result.columns[c], widths[c], numeric[c]);
    }
    end_line();
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) line += "  ";
      line.append(widths[c], '-');
    }
    end_line();
  }
  for (size_t r = 0; r < result.rows.size(); ++r) {
    const auto& row = result.rows[r];
    for (size_t c = 0; c < ncols; ++c) {
      if (c > 0) line += "  ";
      bool is_null = c >= row.size() || row[c].is_null();
      bool right = is_null ? numeric[c] : IsNumber(row[c]);
      AppendPadded(line, cells[r][c], widths[c], right);
    }
    end_line();
  }
  return out;
}

std::string FormatCsv(const ResultSet& result, bool headers) {
  std::string out;
  if (headers) {
    for (size_t c = 0; c < result.columns.size(); ++c) {
      if (c > 0) out += ',';
      out += CsvField(result.columns[c]);
    }
    out += '\n';
  }
  for (const auto& row : result.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      if (!row[c].is_null()) out += CsvField(row[c].ToString());
    }
    out += '\n';
  }
  return out;
}

std::string FormatJson(const ResultSet& result) {
  std::vector<std::string> keys;
  keys.reserve(result.columns.size());
  for (const auto& column : result.columns) keys.push_back(JsonString(column));

  std::string out = "[";
  for (size_t r = 0; r < result.rows.size(); ++r) {
    if (r > 0) out += ",\n";
    out += '{';
    const auto& row = result.rows[r];
    for (size_t c = 0; c < keys.size(); ++c) {
      if (c > 0) out += ',';
      out += keys[c];
      out += ':';
      out += c < row.size() ? JsonValue(row[c]) : "null";
    }
    out += '}';
  }
  out += "]\n";
  return out;
}

void WriteResult(const ResultSet& result, const OutputOptions& options, std::ostream& out) {
  switch (options.mode) {
    case OutputMode::kTable:
      out << FormatTable(result, options.headers);
      break;
    case OutputMode::kCsv:
      out << FormatCsv(result, options.headers);
      break;
    case OutputMode::kJson:
      out << FormatJson(result);
      break;
  }
  out.flush();
}

}  // namespace sprocket::cli
