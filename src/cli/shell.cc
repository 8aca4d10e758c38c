#include "cli/shell.h"

#include <editline/readline.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>
#include <utility>

#include "cli/dot_commands.h"
#include "common/strings.h"
#include "sql/splitter.h"

namespace sprocket::cli {

namespace {

constexpr int kMaxReadDepth = 16;
constexpr const char* kPrompt = "sprocket> ";
constexpr const char* kContinuationPrompt = "   ...> ";
constexpr int kHistoryEntries = 1000;

// ~/.sprocket_history, or "" when HOME is not set.
std::string HistoryPath() {
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return "";
  return std::string(home) + "/.sprocket_history";
}

// The session whose statement Ctrl-C interrupts, while one runs.
std::atomic<Session*> g_running{nullptr};

extern "C" void OnInterrupt(int) {
  if (Session* s = g_running.load()) s->Interrupt();
}

// While it lives, Ctrl-C interrupts the running statement instead of ending the shell.
class InterruptScope {
 public:
  explicit InterruptScope(Session& session) {
    g_running.store(&session);
    struct sigaction action = {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &previous_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &previous_, nullptr);
    g_running.store(nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction previous_ = {};
};

// Set when Ctrl-C is pressed at the prompt: the line being typed is dropped.
std::atomic<bool> g_prompt_interrupted{false};

extern "C" void OnPromptInterrupt(int) { g_prompt_interrupted.store(true); }

// While it lives, Ctrl-C at the prompt cancels the line instead of ending the shell.
class PromptInterruptScope {
 public:
  PromptInterruptScope() {
    struct sigaction action = {};
    action.sa_handler = OnPromptInterrupt;
    sigemptyset(&action.sa_mask);  // no SA_RESTART: readline returns, the line is dropped
    sigaction(SIGINT, &action, &previous_);
  }
  ~PromptInterruptScope() { sigaction(SIGINT, &previous_, nullptr); }
  PromptInterruptScope(const PromptInterruptScope&) = delete;
  PromptInterruptScope& operator=(const PromptInterruptScope&) = delete;

 private:
  struct sigaction previous_ = {};
};

// Frees the line readline() returns.
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

}  // namespace

bool IsDotCommandLine(std::string_view line) { return !line.empty() && line.front() == '.'; }

Shell::Shell(Session& session, std::ostream& out, std::ostream& err, ShellSettings settings)
    : session_(session), out_(out), err_(err), settings_(std::move(settings)) {}

void Shell::Print(const ResultSet& result) {
  // Tables one after another are easier to read with a blank line between them.
  bool table = settings_.output.mode == OutputMode::kTable;
  if (table && printed_table_) out_ << "\n";
  printed_table_ = table;
  WriteResult(result, settings_.output, out_);
}

Status Shell::RunSql(std::string_view sql) {
  auto start = std::chrono::steady_clock::now();
  return session_.ExecuteScript(
      sql, [&](int /*index*/, std::string_view /*statement*/, const ResultSet& result) {
        std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        for (const Notice& notice : result.notices) {
          out_.flush();  // in order with what the statements before it printed
          err_ << notice.severity << ":  " << notice.message << std::endl;
        }
        // Only statements that return columns print anything.
        if (!result.columns.empty()) Print(result);
        if (settings_.timer) {
          out_ << "Run Time: real " << std::fixed << std::setprecision(6) << elapsed.count()
               << std::defaultfloat << "\n";
          out_.flush();
        }
        start = std::chrono::steady_clock::now();
      });
}

Status Shell::RunScript(std::istream& in, std::string_view source) {
  // Errors from a named source say where the failing statement or command starts.
  auto located = [&](const Status& status, int line) {
    if (status.ok() || source.empty()) return status;
    return status.WithContext(std::string(source) + ":" + std::to_string(line));
  };
  std::string pending;   // SQL read but not yet run: an incomplete statement
  int pending_line = 0;  // where `pending` starts
  int line_number = 0;
  std::string line;
  while (!quit_requested_ && std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // `pending` is never a complete statement here: those run at once.
    if (pending.empty() && IsDotCommandLine(line)) {
      SPROCKET_RETURN_IF_ERROR(located(RunDotCommand(line, *this), line_number));
      continue;
    }
    if (pending.empty() && Trim(line).empty()) continue;
    if (pending.empty()) pending_line = line_number;
    pending += line;
    pending += '\n';
    if (sql::IsCompleteStatement(pending)) {
      if (!Trim(pending).empty()) {
        SPROCKET_RETURN_IF_ERROR(located(RunSql(pending), pending_line));
      }
      pending.clear();
    }
  }
  // A last statement without ';' still runs; an unterminated one fails with the
  // engine's message.
  if (!quit_requested_ && !Trim(pending).empty()) {
    return located(RunSql(pending), pending_line);
  }
  return Status::Ok();
}

Status Shell::RunScript(std::string_view script) {
  std::istringstream in{std::string(script)};
  return RunScript(in);
}

Status Shell::RunFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, "cannot open \"" + path + "\"");
  if (read_depth_ >= kMaxReadDepth) {
    return Status(StatusCode::kResourceExhausted,
                  ".read nested more than " + std::to_string(kMaxReadDepth) + " deep");
  }
  ++read_depth_;
  Status status = RunScript(in, path);
  --read_depth_;
  if (status.ok() && in.bad()) {
    return Status(StatusCode::kIoError, "cannot read \"" + path + "\"");
  }
  return status;
}

int Shell::RunInteractive() {
  const std::string history_path = HistoryPath();
  using_history();
  stifle_history(kHistoryEntries);
  if (!history_path.empty()) read_history(history_path.c_str());

  out_ << "sprocket " << Database::Version() << "\n"
       << "Enter \".help\" for usage hints.\n";
  out_.flush();

  auto report = [&](const Status& status) {
    if (!status.ok()) {
      out_.flush();
      err_ << "Error: " << status.message() << "\n";
      err_.flush();
    }
  };

  // History is saved after every entry, so a session that is killed keeps it.
  auto remember = [&](const std::string& entry) {
    add_history(entry.c_str());
    if (!history_path.empty()) write_history(history_path.c_str());
  };

  PromptInterruptScope prompt_interrupts;
  std::string pending;
  while (!quit_requested_) {
    g_prompt_interrupted.store(false);
    std::unique_ptr<char, FreeDeleter> raw(
        readline(pending.empty() ? kPrompt : kContinuationPrompt));
    if (g_prompt_interrupted.exchange(false)) {  // Ctrl-C: drop the statement being typed
      pending.clear();
      out_ << "\n";
      out_.flush();
      continue;
    }
    if (raw == nullptr) {  // Ctrl-D
      out_ << "\n";
      break;
    }
    std::string line(raw.get());
    if (pending.empty() && IsDotCommandLine(line)) {
      remember(line);
      report(RunDotCommand(line, *this));
      continue;
    }
    if (pending.empty() && Trim(line).empty()) continue;
    pending += line;
    pending += '\n';
    if (sql::IsCompleteStatement(pending)) {
      std::string statement(Trim(pending));
      remember(statement);
      if (!statement.empty()) {
        InterruptScope interruptible(session_);
        report(RunSql(statement));
      }
      pending.clear();
    }
  }
  out_.flush();
  if (!history_path.empty()) write_history(history_path.c_str());
  return 0;
}

}  // namespace sprocket::cli
