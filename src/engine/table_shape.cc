#include "engine/table_shape.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "common/sqlite_util.h"
#include "common/strings.h"

namespace sprocket {

namespace {

bool ParseInteger(std::string_view text, int64_t* out) {
  std::string s(Trim(text));
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (errno != 0 || end != s.c_str() + s.size()) return false;
  *out = v;
  return true;
}

bool ParseReal(std::string_view text, double* out) {
  std::string s(Trim(text));
  if (s.empty()) return false;
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isnan(v)) return false;
  *out = v;
  return true;
}

}  // namespace

int TableShape::ColumnIndex(std::string_view column) const {
  for (size_t i = 0; i < columns->size(); ++i) {
    if (EqualsIgnoreCase((*columns)[i], column)) return static_cast<int>(i);
  }
  return -1;
}

Status LoadTableShape(sqlite3* db, TableShape* shape) {
  TableShape& table = *shape;
  table.exists = false;
  table.is_view = false;
  table.key.clear();
  table.pk.clear();
  auto columns = std::make_shared<std::vector<std::string>>();
  table.generated.clear();
  table.defaults.clear();
  table.affinity.clear();
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet kind,
      RunStatement(db,
                   "SELECT type, wr FROM pragma_table_list WHERE schema = 'main' AND name = ?1 "
                   "COLLATE NOCASE",
                   {Value(table.name)}));
  if (kind.rows.empty()) {
    table.columns = std::move(columns);
    return Status::Ok();
  }
  table.exists = true;
  table.is_view = kind.rows[0][0].type() == ValueType::kText && kind.rows[0][0].text() == "view";
  bool without_rowid = kind.rows[0][1].type() == ValueType::kInteger && kind.rows[0][1].integer();
  SPROCKET_ASSIGN_OR_RETURN(
      ResultSet info,
      RunStatement(db,
                   "SELECT name, type, dflt_value, pk, hidden FROM pragma_table_xinfo(?1, 'main') "
                   "ORDER BY cid",
                   {Value(table.name)}));
  std::vector<std::pair<int64_t, int>> pk;
  for (const std::vector<Value>& row : info.rows) {
    int64_t hidden = row[4].type() == ValueType::kInteger ? row[4].integer() : 0;
    if (hidden == 1) continue;  // a virtual table's hidden column
    int index = static_cast<int>(columns->size());
    columns->push_back(row[0].type() == ValueType::kText ? row[0].text() : "");
    table.generated.push_back(hidden == 2 || hidden == 3);
    table.defaults.push_back(row[2].type() == ValueType::kText ? row[2].text() : "");
    table.affinity.push_back(AffinityOf(row[1].type() == ValueType::kText ? row[1].text() : ""));
    if (row[3].type() == ValueType::kInteger && row[3].integer() > 0) {
      pk.emplace_back(row[3].integer(), index);
    }
  }
  std::sort(pk.begin(), pk.end());
  table.ipk = -1;
  if (!without_rowid && pk.size() == 1) {
    const std::vector<Value>& row = info.rows[static_cast<size_t>(pk[0].second)];
    if (row[1].type() == ValueType::kText && ToUpper(row[1].text()) == "INTEGER") {
      table.ipk = pk[0].second;
    }
  }
  table.columns = std::move(columns);
  if (table.is_view) return Status::Ok();
  if (without_rowid) {
    for (const auto& [order, index] : pk) table.pk.push_back(index);
    return Status::Ok();
  }
  for (const char* name : {"rowid", "_rowid_", "oid"}) {
    if (table.ColumnIndex(name) < 0) {
      table.key = name;
      break;
    }
  }
  if (table.key.empty()) {
    // Every alias of the rowid is a column name: the INTEGER PRIMARY KEY is the rowid.
    for (const auto& [order, index] : pk) table.pk.push_back(index);
  }
  return Status::Ok();
}

char AffinityOf(std::string_view declared) {
  std::string t = ToUpper(declared);
  if (t.find("INT") != std::string::npos) return 'I';
  if (t.find("CHAR") != std::string::npos || t.find("CLOB") != std::string::npos ||
      t.find("TEXT") != std::string::npos) {
    return 'T';
  }
  if (t.empty() || t.find("BLOB") != std::string::npos) return 'B';
  if (t.find("REAL") != std::string::npos || t.find("FLOA") != std::string::npos ||
      t.find("DOUB") != std::string::npos) {
    return 'R';
  }
  return 'N';
}

Value WithAffinity(Value v, char affinity) {
  switch (affinity) {
    case 'I':
    case 'N':
    case 'R': {
      if (v.type() == ValueType::kText) {
        int64_t i;
        double d;
        if (ParseInteger(v.text(), &i)) {
          v = affinity == 'R' ? Value(static_cast<double>(i)) : Value(i);
        } else if (ParseReal(v.text(), &d)) {
          v = Value(d);
        } else {
          return v;
        }
      }
      if (affinity == 'R' && v.type() == ValueType::kInteger) {
        return Value(static_cast<double>(v.integer()));
      }
      if (affinity != 'R' && v.type() == ValueType::kReal) {
        double d = v.real();
        if (std::floor(d) == d && std::fabs(d) < 9.2e18) return Value(static_cast<int64_t>(d));
      }
      return v;
    }
    case 'T':
      if (v.type() == ValueType::kInteger) return Value(std::to_string(v.integer()));
      if (v.type() == ValueType::kReal) {
        char buffer[64];
        sqlite3_snprintf(sizeof buffer, buffer, "%!.15g", v.real());
        return Value(std::string(buffer));
      }
      return v;
    default:
      return v;
  }
}

}  // namespace sprocket
