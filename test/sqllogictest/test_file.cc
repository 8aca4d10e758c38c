#include "sqllogictest/test_file.h"

#include <cctype>
#include <sstream>
#include <utility>

#include "common/strings.h"

namespace sprocket::slt {

namespace {

constexpr std::string_view kSeparator = "----";

std::vector<std::string> SplitLines(std::string_view text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(start, end - start));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    start = end + 1;
  }
  // A final newline does not start another line.
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

bool IsBlank(std::string_view line) { return Trim(line).empty(); }

bool IsLetters(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isalpha(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// "# key: value" header comments.
bool HeaderValue(std::string_view line, std::string_view key, std::string* value) {
  std::string prefix = "# " + std::string(key) + ":";
  if (line.substr(0, prefix.size()) != prefix) return false;
  *value = std::string(Trim(line.substr(prefix.size())));
  return true;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : lines_(SplitLines(text)) {}

  TestFile Parse(std::string_view expected_name) {
    bool have_name = false;
    while (next_ < lines_.size()) {
      const std::string& line = lines_[next_];
      if (IsBlank(line)) {
        ++next_;
        continue;
      }
      if (line[0] == '#') {
        ParseHeader(line, &have_name);
        ++next_;
        continue;
      }
      ParseRecord();
    }
    if (!have_name) {
      Lint(1, "missing \"# name: <path>\" header");
    } else if (!expected_name.empty() && file_.name != expected_name) {
      Lint(name_line_, "\"# name: " + file_.name + "\" does not match the file's path \"" +
                           std::string(expected_name) + "\"");
    }
    return std::move(file_);
  }

 private:
  int LineNumber() const { return static_cast<int>(next_) + 1; }

  void Lint(int line, std::string message) {
    file_.lint_errors.push_back({line, std::move(message)});
  }

  void ParseHeader(const std::string& line, bool* have_name) {
    std::string value;
    if (!*have_name && HeaderValue(line, "name", &value)) {
      file_.name = value;
      name_line_ = LineNumber();
      *have_name = true;
    } else if (file_.description.empty() && HeaderValue(line, "description", &value)) {
      file_.description = value;
    } else if (file_.group.empty() && HeaderValue(line, "group", &value)) {
      file_.group = value;
    }
  }

  // Lines up to a blank line or (when `stop_at_separator`) "----", which is consumed.
  // Sets *saw_separator accordingly.
  std::vector<std::string> ReadBlock(bool stop_at_separator, bool* saw_separator) {
    std::vector<std::string> block;
    if (saw_separator != nullptr) *saw_separator = false;
    while (next_ < lines_.size() && !IsBlank(lines_[next_])) {
      if (stop_at_separator && lines_[next_] == kSeparator) {
        ++next_;
        if (saw_separator != nullptr) *saw_separator = true;
        break;
      }
      block.push_back(lines_[next_++]);
    }
    return block;
  }

  // Rest of the record (lines up to a blank one), dropped after a lint error.
  void SkipRecord() {
    while (next_ < lines_.size() && !IsBlank(lines_[next_])) ++next_;
  }

  void ParseRecord() {
    Record record;
    record.line = LineNumber();
    std::vector<std::string> words = Words(lines_[next_]);
    ++next_;
    const std::string& command = words[0];

    if (command == "statement") {
      ParseStatement(words, std::move(record));
    } else if (command == "query") {
      ParseQuery(words, std::move(record));
    } else if (command == "restart" || command == "halt") {
      if (words.size() != 1) return Lint(record.line, "\"" + command + "\" takes no arguments");
      record.kind = command == "restart" ? RecordKind::kRestart : RecordKind::kHalt;
      file_.records.push_back(std::move(record));
    } else if (command == "load") {
      if (words.size() != 2) return Lint(record.line, "usage: load <path>");
      record.kind = RecordKind::kLoad;
      record.path = words[1];
      file_.records.push_back(std::move(record));
    } else if (command == "mode") {
      if (words.size() == 2 && words[1] == "skip") {
        record.kind = RecordKind::kModeSkip;
      } else if (words.size() == 2 && words[1] == "unskip") {
        record.kind = RecordKind::kModeUnskip;
      } else {
        return Lint(record.line, "usage: mode skip|unskip");
      }
      file_.records.push_back(std::move(record));
    } else {
      Lint(record.line, "unknown command \"" + command + "\"");
      SkipRecord();
    }
  }

  void ParseStatement(const std::vector<std::string>& words, Record record) {
    if (words.size() < 2 || words.size() > 3 || (words[1] != "ok" && words[1] != "error")) {
      Lint(record.line, "usage: statement ok|error [connection]");
      return SkipRecord();
    }
    record.kind = words[1] == "ok" ? RecordKind::kStatementOk : RecordKind::kStatementError;
    if (words.size() == 3) record.connection = words[2];

    bool saw_separator = false;
    record.sql = Join(ReadBlock(true, &saw_separator), "\n");
    if (Trim(record.sql).empty()) {
      Lint(record.line, "statement without SQL");
      return SkipRecord();
    }
    if (record.kind == RecordKind::kStatementOk) {
      if (saw_separator) {
        // Sprocket's extension: the notices the statement must raise, one per line.
        record.expected = ReadBlock(false, nullptr);
        if (record.expected.empty()) {
          Lint(record.line, "\"statement ok\" with ---- must list the notices it expects");
          return SkipRecord();
        }
      }
    } else {
      std::vector<std::string> message = ReadBlock(false, nullptr);
      record.expected_error = std::string(Trim(Join(message, "\n")));
      if (record.expected_error.empty()) {
        // A bare "statement error" passes on any error, including a typo in the test.
        Lint(record.line,
             "\"statement error\" must name the expected error: add a line \"----\" and the "
             "message after the SQL");
        return;
      }
    }
    file_.records.push_back(std::move(record));
  }

  void ParseQuery(const std::vector<std::string>& words, Record record) {
    record.kind = RecordKind::kQuery;
    if (words.size() < 2 || !IsLetters(words[1])) {
      Lint(record.line,
           "usage: query <column types, e.g. ITR> [rowsort|nosort|valuesort] "
           "[connection]");
      return SkipRecord();
    }
    record.types = words[1];
    bool have_sort = false;
    for (size_t i = 2; i < words.size(); ++i) {
      const std::string& word = words[i];
      bool is_sort = word == "rowsort" || word == "nosort" || word == "valuesort";
      if (is_sort && !have_sort) {
        record.sort = word == "rowsort"     ? SortMode::kRowSort
                      : word == "valuesort" ? SortMode::kValueSort
                                            : SortMode::kNoSort;
        have_sort = true;
      } else if (!is_sort && record.connection.empty()) {
        record.connection = word;
      } else {
        Lint(record.line, "unexpected \"" + word + "\" in query header");
        return SkipRecord();
      }
    }
    bool saw_separator = false;
    record.sql = Join(ReadBlock(true, &saw_separator), "\n");
    if (Trim(record.sql).empty()) {
      Lint(record.line, "query without SQL");
      return SkipRecord();
    }
    if (!saw_separator) {
      Lint(record.line, "query without \"----\" and its expected rows");
      return;
    }
    record.expected = ReadBlock(false, nullptr);
    file_.records.push_back(std::move(record));
  }

  std::vector<std::string> lines_;
  size_t next_ = 0;
  int name_line_ = 1;
  TestFile file_;
};

}  // namespace

TestFile ParseTestFile(std::string_view text, std::string_view expected_name) {
  return Parser(text).Parse(expected_name);
}

}  // namespace sprocket::slt
