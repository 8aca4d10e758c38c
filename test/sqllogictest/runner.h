// Runs sqllogictest files (see test_file.h for the format) against Sprocket.
//
// Each file gets a fresh temporary directory (__TEST_DIR__) and, unless it says `load`, a
// fresh database file in it, so `restart` can show what persists. Records run on the
// default Session or on a named one (`statement ok con2`); all Sessions share the
// Database. A file stops at its first failing record (unless keep_going) and fails as a
// whole on any lint error, before anything runs.
//
// Not thread-safe: one Runner per thread.
#ifndef SPROCKET_TEST_SQLLOGICTEST_RUNNER_H_
#define SPROCKET_TEST_SQLLOGICTEST_RUNNER_H_

#include <ostream>
#include <string>
#include <string_view>

#include "sqllogictest/test_file.h"

namespace sprocket::slt {

struct RunnerOptions {
  // "# name:" must equal a file's path relative to this directory.
  std::string root = ".";
  // Run the remaining records of a file after a failure.
  bool keep_going = false;
};

struct Summary {
  int files_passed = 0;
  int files_failed = 0;
  int records_passed = 0;
  int records_failed = 0;
  int records_skipped = 0;
};

class Runner {
 public:
  // Progress and failures go to `out`, which must outlive the Runner.
  Runner(std::ostream& out, RunnerOptions options);

  // Runs the file at `path`. Returns true when it passed.
  bool RunFile(const std::string& path);
  // Runs test text; `display_path` names it in messages and `expected_name` is what its
  // "# name:" must say ("" to skip that check).
  bool RunText(std::string_view text, const std::string& display_path,
               const std::string& expected_name);

  const Summary& summary() const { return summary_; }
  // "2 files: 2 passed, 0 failed; records: 40 passed, 0 failed, 3 skipped"
  std::string SummaryLine() const;

 private:
  std::ostream& out_;
  RunnerOptions options_;
  Summary summary_;
};

}  // namespace sprocket::slt

#endif  // SPROCKET_TEST_SQLLOGICTEST_RUNNER_H_
