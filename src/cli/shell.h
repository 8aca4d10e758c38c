// The sprocket shell: runs scripts (SQL mixed with dot commands) and the interactive loop.
//
// A Shell borrows one Session and two streams; it is used by one thread. Scripts run
// statement by statement and print each result as it arrives; the first error stops a
// script and is returned (the caller decides whether to print it and how to exit).
#ifndef SPROCKET_CLI_SHELL_H_
#define SPROCKET_CLI_SHELL_H_

#include <istream>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/output.h"
#include "sprocket/sprocket.hpp"

namespace sprocket::cli {

struct ShellSettings {
  OutputOptions output;
  // Print "Run Time: real 0.001234" after each statement.
  bool timer = false;
};

class Shell {
 public:
  // `session`, `out` and `err` must outlive the Shell.
  Shell(Session& session, std::ostream& out, std::ostream& err, ShellSettings settings = {});
  Shell(const Shell&) = delete;
  Shell& operator=(const Shell&) = delete;

  // Runs a script read line by line: SQL statements, and dot commands on lines that start
  // with '.' where no statement is pending (a '.' inside a function body is SQL). Each
  // statement runs as soon as it is complete. Stops at the first error or at .quit.
  // With a `source` name (a file), an error says where: "script.sql:12: <message>".
  Status RunScript(std::istream& in, std::string_view source = "");
  Status RunScript(std::string_view script);
  // RunScript on the file at `path` (.read, -f), with `path` as the source. Fails with
  // kNotFound or kIoError when the file cannot be read.
  Status RunFile(const std::string& path);
  // Runs SQL (one or more complete statements) and prints the results.
  Status RunSql(std::string_view sql);

  // Runs the interactive loop on the terminal with line editing and history (kept in
  // ~/.sprocket_history) until Ctrl-D or .quit. Errors are printed and the loop goes on.
  // Returns the process exit code.
  int RunInteractive();

  // Prints `result` in the current output mode (tables separated by a blank line).
  void Print(const ResultSet& result);

  ShellSettings& settings() { return settings_; }
  Session& session() { return session_; }
  std::ostream& out() { return out_; }
  std::ostream& err() { return err_; }

  // Set by .quit / .exit: the current script stops and the shell exits.
  void RequestQuit() { quit_requested_ = true; }
  bool quit_requested() const { return quit_requested_; }

 private:
  Session& session_;
  std::ostream& out_;
  std::ostream& err_;
  ShellSettings settings_;
  bool quit_requested_ = false;
  bool printed_table_ = false;  // the last result printed was a table
  int read_depth_ = 0;          // nesting of .read, bounded against a file that reads itself
};

// True when `line` is a dot command (starts with '.', like ".tables").
bool IsDotCommandLine(std::string_view line);

}  // namespace sprocket::cli

#endif  // SPROCKET_CLI_SHELL_H_
