#include "sqllogictest/runner.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include "sprocket/sprocket.hpp"
#include "sqllogictest/results.h"

namespace sprocket::slt {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kTestDirMacro = "__TEST_DIR__";

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string Indent(std::string_view text) {
  std::string out = "    ";
  for (char c : text) {
    out += c;
    if (c == '\n') out += "    ";
  }
  return out;
}

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base ? base : "/tmp") + "/sprocket-slt-XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  bool ok() const { return !path_.empty(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The state of one file's run: its database, its named sessions and its temp directory.
class FileRun {
 public:
  FileRun(std::ostream& out, const std::string& display_path, const RunnerOptions& options,
          Summary& summary)
      : out_(out), display_path_(display_path), options_(options), summary_(summary) {
    db_path_ = temp_dir_.path() + "/test.db";
  }

  ~FileRun() { CloseAll(); }

  // Returns true when every record that ran passed.
  bool Run(const TestFile& file) {
    if (!temp_dir_.ok()) {
      out_ << display_path_ << ": cannot create a temporary directory\n";
      return false;
    }
    bool skipping = false;
    bool passed = true;
    for (const Record& record : file.records) {
      if (record.kind == RecordKind::kModeSkip) {
        skipping = true;
        continue;
      }
      if (record.kind == RecordKind::kModeUnskip) {
        skipping = false;
        continue;
      }
      if (skipping) {
        ++summary_.records_skipped;
        continue;
      }
      if (record.kind == RecordKind::kHalt) break;
      std::string failure = RunRecord(record);
      if (failure.empty()) {
        ++summary_.records_passed;
        continue;
      }
      ++summary_.records_failed;
      passed = false;
      while (!failure.empty() && failure.back() == '\n') failure.pop_back();
      out_ << display_path_ << ":" << record.line << ": " << failure << "\n";
      out_.flush();
      if (!options_.keep_going) break;
    }
    return passed;
  }

 private:
  std::string Expand(const std::string& text) const {
    return ReplaceAll(text, kTestDirMacro, temp_dir_.path());
  }

  void CloseAll() {
    sessions_.clear();  // Sessions before their Database
    db_.reset();
  }

  // The named session, opening the database and connecting as needed.
  Result<Session*> GetSession(const std::string& name) {
    if (db_ == nullptr) {
      Result<std::unique_ptr<Database>> db = Database::Open(db_path_);
      if (!db.ok()) return db.status().WithContext("opening \"" + db_path_ + "\"");
      db_ = std::move(*db);
    }
    auto it = sessions_.find(name);
    if (it == sessions_.end()) {
      Result<std::unique_ptr<Session>> session = db_->Connect();
      if (!session.ok()) return session.status().WithContext("connecting");
      it = sessions_.emplace(name, std::move(*session)).first;
    }
    return it->second.get();
  }

  std::string Describe(const Record& record, const std::string& sql) const {
    std::string where = record.connection.empty() ? "" : " (on " + record.connection + ")";
    return where + "\n" + Indent(sql) + "\n";
  }

  // "" when the record passed, else what went wrong.
  std::string RunRecord(const Record& record) {
    switch (record.kind) {
      case RecordKind::kRestart:
        CloseAll();
        return "";
      case RecordKind::kLoad:
        CloseAll();
        db_path_ = Expand(record.path);
        return "";
      case RecordKind::kStatementOk:
      case RecordKind::kStatementError:
      case RecordKind::kQuery:
        break;
      case RecordKind::kHalt:
      case RecordKind::kModeSkip:
      case RecordKind::kModeUnskip:
        return "";
    }

    const std::string sql = Expand(record.sql);
    Result<Session*> session = GetSession(record.connection);
    if (!session.ok()) return "cannot run the record: " + session.status().message();
    Result<ResultSet> result = (*session)->Execute(sql);

    if (record.kind == RecordKind::kStatementOk) {
      if (!result.ok()) {
        return "statement failed" + Describe(record, sql) + "error: " + result.status().ToString();
      }
      if (record.expected.empty()) return "";
      std::string actual;
      for (const Notice& n : result->notices) actual += "\n  " + n.severity + ": " + n.message;
      bool match = result->notices.size() == record.expected.size();
      for (size_t i = 0; match && i < record.expected.size(); ++i) {
        match = result->notices[i].message.find(Expand(record.expected[i])) != std::string::npos;
      }
      if (match) return "";
      std::string expected;
      for (const std::string& e : record.expected) expected += "\n  " + e;
      return "wrong notices" + Describe(record, sql) + "expected notices containing:" + expected +
             "\nactual notices:" + (actual.empty() ? " none" : actual);
    }
    if (record.kind == RecordKind::kStatementError) {
      const std::string expected = Expand(record.expected_error);
      if (result.ok()) {
        return "statement succeeded, expected an error containing \"" + expected + "\"" +
               Describe(record, sql);
      }
      // ToString() is "<code name>: <message>", so the code's name may be matched too.
      if (result.status().ToString().find(expected) != std::string::npos) return "";
      return "wrong error" + Describe(record, sql) + "expected an error containing: " + expected +
             "\nactual error: " + result.status().ToString();
    }
    // kQuery
    if (!result.ok()) {
      return "query failed" + Describe(record, sql) + "error: " + result.status().ToString();
    }
    Record expanded = record;
    for (auto& line : expanded.expected) line = Expand(line);
    std::string difference = CompareResult(expanded, *result);
    if (difference.empty()) return "";
    return "query result mismatch" + Describe(record, sql) + difference;
  }

  std::ostream& out_;
  const std::string& display_path_;
  const RunnerOptions& options_;
  Summary& summary_;
  TempDir temp_dir_;
  std::string db_path_;
  std::unique_ptr<Database> db_;  // declared before sessions_: outlives them
  std::map<std::string, std::unique_ptr<Session>> sessions_;
};

}  // namespace

Runner::Runner(std::ostream& out, RunnerOptions options)
    : out_(out), options_(std::move(options)) {}

bool Runner::RunFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    out_ << path << ": cannot open the file\n";
    ++summary_.files_failed;
    return false;
  }
  std::ostringstream text;
  text << in.rdbuf();

  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
  fs::path root = fs::weakly_canonical(fs::absolute(options_.root), ec);
  fs::path relative = absolute.lexically_relative(root);
  std::string expected_name = relative.generic_string();
  if (relative.empty() || expected_name.rfind("..", 0) == 0) {
    out_ << path << ": the file is not under the root \"" << options_.root
         << "\" (run from the repository root or pass --root)\n";
    ++summary_.files_failed;
    return false;
  }
  return RunText(text.str(), path, expected_name);
}

bool Runner::RunText(std::string_view text, const std::string& display_path,
                     const std::string& expected_name) {
  TestFile file = ParseTestFile(text, expected_name);
  if (!file.lint_errors.empty()) {
    for (const LintError& error : file.lint_errors) {
      out_ << display_path << ":" << error.line << ": lint: " << error.message << "\n";
    }
    out_ << display_path << ": FAILED (lint)\n";
    ++summary_.files_failed;
    return false;
  }
  Summary before = summary_;
  bool passed;
  {
    FileRun run(out_, display_path, options_, summary_);
    passed = run.Run(file);
  }
  out_ << display_path << ": " << (passed ? "ok" : "FAILED") << " ("
       << summary_.records_passed - before.records_passed << " passed, "
       << summary_.records_failed - before.records_failed << " failed, "
       << summary_.records_skipped - before.records_skipped << " skipped)\n";
  out_.flush();
  ++(passed ? summary_.files_passed : summary_.files_failed);
  return passed;
}

std::string Runner::SummaryLine() const {
  const Summary& s = summary_;
  return std::to_string(s.files_passed + s.files_failed) +
         " file(s): " + std::to_string(s.files_passed) + " passed, " +
         std::to_string(s.files_failed) + " failed; records: " + std::to_string(s.records_passed) +
         " passed, " + std::to_string(s.records_failed) + " failed, " +
         std::to_string(s.records_skipped) + " skipped";
}

}  // namespace sprocket::slt
