// The shape of a table or view as the engine needs it to run rows through triggers: its
// columns (generated, DEFAULT, type affinity), how a row is found again (rowid, INTEGER
// PRIMARY KEY, WITHOUT ROWID key), and SQLite's type affinity applied to a value — one
// implementation, used by the trigger engine, its row loops and CREATE TRIGGER's body check.
#ifndef SPROCKET_ENGINE_TABLE_SHAPE_H_
#define SPROCKET_ENGINE_TABLE_SHAPE_H_

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"
#include "sprocket/value.h"

namespace sprocket {

struct TableShape {
  std::string name;  // as the catalog spells it
  bool is_view = false;
  bool exists = false;
  std::shared_ptr<const std::vector<std::string>> columns;  // every column, in order
  std::vector<bool> generated;                              // per column
  std::vector<std::string> defaults;                        // DEFAULT text, "" when none
  std::vector<char> affinity;  // 'I'nteger, 'R'eal, 'N'umeric, 'T'ext, 'B'lob (none)
  std::string key;             // rowid tables: "rowid" (or _rowid_ / oid)
  std::vector<int> pk;         // WITHOUT ROWID tables: primary key columns
  int ipk = -1;                // the INTEGER PRIMARY KEY column (the rowid's alias), or -1

  int ColumnIndex(std::string_view column) const;  // case-insensitive; -1 when absent
};

// Reads the shape of main.`shape->name` (a table's hidden virtual-table columns left
// out); a missing table leaves `exists` false and no columns.
Status LoadTableShape(sqlite3* db, TableShape* shape);

// The type affinity of a column declared `declared`, by SQLite's rules (datatype3.html
// §3.1): 'I', 'T', 'B' (none), 'R' or 'N'.
char AffinityOf(std::string_view declared);

// `v` as a column of `affinity` stores it, so that NEW in a BEFORE trigger holds what
// would be written: text that reads as a number becomes one in numeric columns, a number
// becomes text in text columns, a whole REAL becomes an INTEGER in INTEGER/NUMERIC ones.
Value WithAffinity(Value v, char affinity);

}  // namespace sprocket

#endif  // SPROCKET_ENGINE_TABLE_SHAPE_H_
