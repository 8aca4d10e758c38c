// Decomposition of SQLite's INSERT / REPLACE / UPDATE / DELETE statements into their
// clauses, as source text. The trigger engine uses it to run a statement's row loop itself
// when a table has BEFORE ROW or INSTEAD OF triggers (docs/design.md §3.3): it re-assembles
// queries from these pieces (the rows to change, the SET expressions, RETURNING) and so
// never interprets an expression itself — SQLite does.
//
// Every *_text field is a verbatim slice of the statement (comments inside kept), trimmed,
// without the clause's keyword; empty when the clause is absent. Names (table, schema,
// alias, columns) are unquoted values ("My Col" for "My Col" or [My Col]).
#ifndef SPROCKET_SQL_DML_H_
#define SPROCKET_SQL_DML_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sprocket/status.h"

namespace sprocket::sql {

enum class DmlOp { kInsert, kUpdate, kDelete };

// col = expr, or (c1, c2) = row-value. For a row-value assignment whose right side is a
// parenthesised list of expressions, `elements` holds each expression's text (as many as
// `columns` in a statement SQLite accepts; a different count is left for the caller to
// report); for one whose right side is a subquery, `elements` is empty.
struct Assignment {
  std::vector<std::string> columns;
  std::string expr_text;              // the right-hand side as written
  std::vector<std::string> elements;  // row-value list elements, see above
};

// ON CONFLICT [(target) [WHERE target_where]] DO { NOTHING | UPDATE SET … [WHERE …] }
struct UpsertClause {
  std::vector<std::string> target_columns;  // indexed columns named in the target; empty
                                            // when there is no target, or it uses an
                                            // expression/COLLATE (then see target_text)
  std::string target_text;        // "(a, b COLLATE nocase)" with parentheses; empty if none
  std::string target_where_text;  // the target's WHERE (partial index)
  bool do_nothing = false;
  std::vector<Assignment> set;  // DO UPDATE SET
  std::string where_text;       // DO UPDATE … WHERE
  std::string text;             // the whole clause from ON through its end, verbatim
};

struct DmlStatement {
  DmlOp op = DmlOp::kInsert;
  std::string with_text;  // "WITH [RECURSIVE] cte AS (…), …" including the WITH keyword
  // "OR ROLLBACK|ABORT|FAIL|IGNORE|REPLACE" → the upper-case action word; "REPLACE" for a
  // REPLACE statement; empty when none.
  std::string conflict;
  std::string schema;  // empty when not qualified
  std::string table;
  std::string alias;         // AS alias (INSERT INTO t AS a, UPDATE t AS a, DELETE FROM t AS a)
  std::string indexed_text;  // "INDEXED BY ix" or "NOT INDEXED", verbatim; empty if none

  // INSERT / REPLACE
  std::vector<std::string> columns;  // the column list; empty when none was given
  enum class Source { kValues, kSelect, kDefaultValues };
  Source source = Source::kValues;
  // The rows to insert as a statement SQLite can run on its own: "VALUES (…), (…)" or the
  // SELECT (with its own WITH clause when it has one); empty for DEFAULT VALUES.
  std::string source_text;
  std::vector<UpsertClause> upserts;  // in order

  // UPDATE
  std::vector<Assignment> set;
  std::string from_text;  // UPDATE … FROM <from_text>

  // UPDATE / DELETE
  std::string where_text;
  std::string order_by_text;  // ORDER BY … (SQLITE_ENABLE_UPDATE_DELETE_LIMIT)
  std::string limit_text;     // LIMIT … [OFFSET …]: everything after LIMIT

  std::string returning_text;  // RETURNING …
};

// Decomposes `sql`, one statement (a trailing ';' is allowed). Returns nullopt when it is
// not an INSERT, REPLACE, UPDATE or DELETE (for example a SELECT, or a WITH … SELECT).
// A statement that looks like DML but cannot be decomposed is a kSyntaxError naming what
// was unexpected; callers then let SQLite run it (and report its own error).
Result<std::optional<DmlStatement>> ParseDml(std::string_view sql);

// Cheap classification without decomposing: the op and unquoted target table of a DML
// statement, or nullopt. Skips a leading WITH clause.
struct DmlTarget {
  DmlOp op = DmlOp::kInsert;
  std::string schema;
  std::string table;
};
std::optional<DmlTarget> PeekDmlTarget(std::string_view sql);

}  // namespace sprocket::sql

#endif  // SPROCKET_SQL_DML_H_
