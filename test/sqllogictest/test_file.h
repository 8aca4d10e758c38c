// The sqllogictest file format (DuckDB's dialect), parsed into records, with lint checks.
//
//   # name: test/sql/basic/basic.test
//   # description: plain SQLite SQL through Sprocket
//   # group: [basic]
//
//   statement ok
//   CREATE TABLE t(a INTEGER, b TEXT)
//
//   statement error
//   SELECT * FROM nope
//   ----
//   no such table: nope
//
//   query IT rowsort
//   SELECT a, b FROM t
//   ----
//   1	one
//
// Records are separated by blank lines. `statement ok|error [CONNECTION]`, `query TYPES
// [rowsort|nosort|valuesort] [CONNECTION]`, `restart`, `load PATH`, `halt`, `mode skip`,
// `mode unskip`. Lines starting with '#' outside a record's SQL and results are comments.
#ifndef SPROCKET_TEST_SQLLOGICTEST_TEST_FILE_H_
#define SPROCKET_TEST_SQLLOGICTEST_TEST_FILE_H_

#include <string>
#include <string_view>
#include <vector>

namespace sprocket::slt {

enum class RecordKind {
  kStatementOk,
  kStatementError,
  kQuery,
  kRestart,     // close every session and the database, reopen the same file
  kLoad,        // switch to the database at `path` (__TEST_DIR__ expanded when run)
  kHalt,        // stop running the file here (what ran so far counts)
  kModeSkip,    // skip the records that follow …
  kModeUnskip,  // … until this one
};

enum class SortMode {
  kNoSort,     // compare rows in the order returned
  kRowSort,    // sort rows (as rendered text) before comparing
  kValueSort,  // sort every value on its own before comparing
};

struct Record {
  RecordKind kind = RecordKind::kStatementOk;
  int line = 0;                // 1-based line of the record's first line
  std::string connection;      // named Session ("con2"); empty for the default one
  std::string sql;             // statement and query records
  std::string expected_error;  // kStatementError: a substring of the error
  std::string types;           // kQuery: one letter per column ("ITR")
  SortMode sort = SortMode::kNoSort;
  // kQuery: lines after "----"; kStatementOk: the notices it must raise (each line a
  // substring of one notice, in order; none expected when empty).
  std::vector<std::string> expected;
  std::string path;  // kLoad
};

// A problem that makes a file invalid whatever its results: a `statement error` without
// its expected message, an unknown command, a missing or wrong `# name:` header, …
struct LintError {
  int line = 0;
  std::string message;
};

struct TestFile {
  std::string name;         // from "# name:"
  std::string description;  // from "# description:"
  std::string group;        // from "# group:"
  std::vector<Record> records;
  std::vector<LintError> lint_errors;
};

// Parses `text`. Never fails: problems are collected in lint_errors, and a record that
// cannot be understood is left out. `expected_name` is the file's path relative to the
// repository root; the "# name:" header must equal it (skipped when empty).
TestFile ParseTestFile(std::string_view text, std::string_view expected_name);

}  // namespace sprocket::slt

#endif  // SPROCKET_TEST_SQLLOGICTEST_TEST_FILE_H_
