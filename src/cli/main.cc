// sprocket [DB] [SQL]: the command-line shell.
//
//   sprocket app.db "SELECT * FROM t"     run SQL and exit
//   sprocket app.db -f script.sql         run a script and exit
//   sprocket app.db < script.sql          run stdin as a script
//   sprocket app.db                       interactive shell (when stdin is a terminal)
//
// Non-interactive runs stop at the first error, print "Error: <message>" to stderr and
// exit 1; they exit 0 on success.
#include <langinfo.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <clocale>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>

#include "cli/output.h"
#include "cli/shell.h"
#include "sprocket/sprocket.hpp"

namespace sprocket::cli {
namespace {

struct Arguments {
  std::string database = ":memory:";
  std::string sql;
  std::string file;
  bool csv = false;
  bool json = false;
  bool table = false;
  bool no_header = false;
  bool read_only = false;
  bool version = false;
};

int Fail(const Status& status) {
  std::cout.flush();  // what the earlier statements printed comes first
  std::cerr << "Error: " << status.message() << std::endl;
  return 1;
}

void PrintVersion() {
  std::cout << "sprocket " << Database::Version() << "\n";
  for (const std::string& engine : Database::EngineVersions()) std::cout << engine << "\n";
  std::cout.flush();
}

// Guest log output (sprocket.log, console.*) goes to stderr. Called from any thread;
// one fprintf per message keeps lines whole.
void LogToStderr(LogLevel level, std::string_view function, std::string_view message) {
  std::fprintf(stderr, "%s: %.*s: %.*s\n", LogLevelName(level), static_cast<int>(function.size()),
               function.data(), static_cast<int>(message.size()), message.data());
}

int Run(const Arguments& args, bool interactive_allowed) {
  if (args.version) {
    PrintVersion();
    return 0;
  }
  if (!args.sql.empty() && !args.file.empty()) {
    return Fail(Status(StatusCode::kInvalidArgument, "give either SQL or -f FILE, not both"));
  }

  Options options;
  options.read_only = args.read_only;
  options.log_sink = LogToStderr;
  Result<std::unique_ptr<Database>> db = Database::Open(args.database, options);
  if (!db.ok()) return Fail(db.status());
  Result<std::unique_ptr<Session>> session = (*db)->Connect();
  if (!session.ok()) return Fail(session.status());

  ShellSettings settings;
  if (args.csv) settings.output.mode = OutputMode::kCsv;
  if (args.json) settings.output.mode = OutputMode::kJson;
  settings.output.headers = !args.no_header;
  Shell shell(**session, std::cout, std::cerr, settings);

  Status status;
  if (!args.sql.empty()) {
    status = shell.RunScript(std::string_view(args.sql));
  } else if (!args.file.empty()) {
    status = shell.RunFile(args.file);
  } else if (!interactive_allowed) {
    status = shell.RunScript(std::cin);
  } else {
    return shell.RunInteractive();
  }
  std::cout.flush();
  if (!status.ok()) return Fail(status);
  return 0;
}

}  // namespace
}  // namespace sprocket::cli

namespace {

// libedit reads typed characters through the C library's multibyte functions: in the "C"
// locale it drops every byte above 127 (so 'José' was stored as 'Jos'). Take the user's
// character set from the environment; when that is not UTF-8 (LANG unset, "C", "POSIX"),
// use C.UTF-8, since SQL text is UTF-8 whatever the terminal's locale claims. Only
// LC_CTYPE changes: number formatting stays the C locale's.
void UseUtf8Input() {
  if (std::setlocale(LC_CTYPE, "") != nullptr) {
    const char* codeset = nl_langinfo(CODESET);
    if (codeset != nullptr &&
        (std::strcmp(codeset, "UTF-8") == 0 || std::strcmp(codeset, "utf8") == 0)) {
      return;
    }
  }
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) (void)std::setlocale(LC_CTYPE, "C.utf8");
}

}  // namespace

int main(int argc, char** argv) {
  UseUtf8Input();
  sprocket::cli::Arguments args;
  CLI::App app{
      "sprocket: an embedded SQL database (SQLite underneath) whose functions and triggers "
      "are written in JavaScript or SQL, sandboxed and capability-gated."};
  app.add_option("DB", args.database, "Database file (default: :memory:)");
  app.add_option("SQL", args.sql, "SQL (or a dot command) to run, then exit");
  app.add_option("-f,--file", args.file, "Run the script in FILE, then exit");
  CLI::Option* table = app.add_flag("--table", args.table, "Aligned table output (default)");
  CLI::Option* csv = app.add_flag("--csv", args.csv, "CSV output (RFC 4180) with a header row");
  CLI::Option* json = app.add_flag("--json", args.json, "JSON output: an array of objects");
  table->excludes(csv)->excludes(json);
  csv->excludes(json);
  app.add_flag("--no-header", args.no_header, "Leave out column headers");
  app.add_flag("--readonly", args.read_only, "Open the database read-only");
  app.add_flag("--version", args.version, "Print the versions of Sprocket and its engines");
  CLI11_PARSE(app, argc, argv);

  return sprocket::cli::Run(args, isatty(STDIN_FILENO) != 0);
}
