#include "cli/dot_commands.h"

#include <cctype>
#include <optional>

#include "common/strings.h"

namespace sprocket::cli {

namespace {

// User objects in sqlite_schema: not SQLite's own, not Sprocket's internal tables (and
// their indexes and triggers), not Sprocket's catalog views.
constexpr const char* kUserObjectFilter =
    "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
    "AND name NOT LIKE '\\_sprocket\\_%' ESCAPE '\\' "
    "AND tbl_name NOT LIKE '\\_sprocket\\_%' ESCAPE '\\' "
    "AND NOT (type = 'view' AND name LIKE 'sprocket\\_%' ESCAPE '\\')";

struct Command {
  const char* name;
  const char* arguments;
  const char* help;
  size_t min_args;  // words after the command
  size_t max_args;
  Status (*run)(const std::vector<std::string>& args, Shell& shell);
};

Status Usage(const Command& command) {
  std::string usage = std::string("usage: ") + command.name;
  if (*command.arguments != '\0') usage += std::string(" ") + command.arguments;
  return Status(StatusCode::kInvalidArgument, usage);
}

std::optional<bool> ParseOnOff(std::string_view word) {
  if (EqualsIgnoreCase(word, "on") || EqualsIgnoreCase(word, "yes") ||
      EqualsIgnoreCase(word, "true") || word == "1") {
    return true;
  }
  if (EqualsIgnoreCase(word, "off") || EqualsIgnoreCase(word, "no") ||
      EqualsIgnoreCase(word, "false") || word == "0") {
    return false;
  }
  return std::nullopt;
}

// Runs a query and prints its result in the current output mode.
Status PrintQuery(Shell& shell, std::string_view sql, const std::vector<Value>& params = {}) {
  Result<ResultSet> result = shell.session().Execute(sql, params);
  if (!result.ok()) return result.status();
  shell.Print(*result);
  return Status::Ok();
}

// Prints the first column of every row as a statement, adding the ';' it lacks.
Status PrintDefinitions(Shell& shell, std::string_view sql, const std::vector<Value>& params) {
  Result<ResultSet> result = shell.session().Execute(sql, params);
  if (!result.ok()) return result.status();
  for (const auto& row : result->rows) {
    if (row.empty() || row[0].is_null()) continue;
    std::string text(Trim(row[0].ToString()));
    if (text.empty()) continue;
    shell.out() << text << (text.back() == ';' ? "\n" : ";\n");
  }
  shell.out().flush();
  return Status::Ok();
}

Status RunTables(const std::vector<std::string>& args, Shell& shell) {
  std::string sql =
      std::string("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND ") +
      kUserObjectFilter;
  std::vector<Value> params;
  if (args.size() > 1) {
    sql += " AND name LIKE ?1";
    params.emplace_back(args[1]);
  }
  sql += " ORDER BY name";
  Result<ResultSet> result = shell.session().Execute(sql, params);
  if (!result.ok()) return result.status();
  for (const auto& row : result->rows) shell.out() << row[0].ToString() << "\n";
  shell.out().flush();
  return Status::Ok();
}

Status RunFunctions(const std::vector<std::string>& args, Shell& shell) {
  return PrintQuery(shell,
                    "SELECT name, language, arguments, returns, volatility "
                    "FROM sprocket_functions ORDER BY name");
}

Status RunTriggers(const std::vector<std::string>& args, Shell& shell) {
  return PrintQuery(shell,
                    "SELECT name, table_name, timing, events, level, function, language, "
                    "enabled FROM sprocket_triggers ORDER BY table_name, name");
}

Status RunSchema(const std::vector<std::string>& args, Shell& shell) {
  std::vector<Value> params;
  std::string schema_filter, function_filter, trigger_filter;
  if (args.size() > 1) {
    params.emplace_back(args[1]);
    // The object itself and, for a table, its indexes and triggers.
    schema_filter = " AND (name = ?1 OR tbl_name = ?1)";
    function_filter = " WHERE name = ?1";
    trigger_filter = " WHERE name = ?1 OR table_name = ?1";
  }
  SPROCKET_RETURN_IF_ERROR(
      PrintDefinitions(shell,
                       std::string("SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND ") +
                           kUserObjectFilter + schema_filter + " ORDER BY rowid",
                       params));
  // Functions before triggers: a trigger names its function.
  SPROCKET_RETURN_IF_ERROR(PrintDefinitions(
      shell, "SELECT definition FROM sprocket_functions" + function_filter + " ORDER BY name",
      params));
  return PrintDefinitions(
      shell,
      "SELECT definition FROM sprocket_triggers" + trigger_filter + " ORDER BY table_name, name",
      params);
}

Status RunMode(const std::vector<std::string>& args, Shell& shell);
Status RunHeaders(const std::vector<std::string>& args, Shell& shell);
Status RunTimer(const std::vector<std::string>& args, Shell& shell);

Status RunRead(const std::vector<std::string>& args, Shell& shell) {
  return shell.RunFile(args[1]);
}

Status RunHelp(const std::vector<std::string>& args, Shell& shell) {
  shell.out() << DotCommandHelp();
  shell.out().flush();
  return Status::Ok();
}

Status RunQuit(const std::vector<std::string>& args, Shell& shell) {
  shell.RequestQuit();
  return Status::Ok();
}

const Command kCommands[] = {
    {".functions", "", "List functions", 0, 0, RunFunctions},
    {".headers", "on|off", "Show or hide column headers", 1, 1, RunHeaders},
    {".help", "", "Show this message", 0, 0, RunHelp},
    {".mode", "table|csv|json", "Set the output mode (without argument: show it)", 0, 1, RunMode},
    {".quit", "", "Exit the shell", 0, 0, RunQuit},
    {".exit", "", "Exit the shell", 0, 0, RunQuit},
    {".read", "FILE", "Run the SQL and dot commands in FILE", 1, 1, RunRead},
    {".schema", "[NAME]", "Show the CREATE statements of tables, functions, triggers", 0, 1,
     RunSchema},
    {".tables", "[PATTERN]", "List tables and views (those LIKE PATTERN)", 0, 1, RunTables},
    {".timer", "on|off", "Print the run time of each statement", 1, 1, RunTimer},
    {".triggers", "", "List triggers", 0, 0, RunTriggers},
};

const Command& FindCommand(std::string_view name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return command;
  }
  static const Command kNone{"", "", "", 0, 0, nullptr};
  return kNone;
}

Status RunMode(const std::vector<std::string>& args, Shell& shell) {
  if (args.size() == 1) {
    shell.out() << "current output mode: " << OutputModeName(shell.settings().output.mode) << "\n";
    shell.out().flush();
    return Status::Ok();
  }
  std::optional<OutputMode> mode = ParseOutputMode(args[1]);
  if (!mode) return Usage(FindCommand(".mode"));
  shell.settings().output.mode = *mode;
  return Status::Ok();
}

Status RunHeaders(const std::vector<std::string>& args, Shell& shell) {
  std::optional<bool> on = ParseOnOff(args[1]);
  if (!on) return Usage(FindCommand(".headers"));
  shell.settings().output.headers = *on;
  return Status::Ok();
}

Status RunTimer(const std::vector<std::string>& args, Shell& shell) {
  std::optional<bool> on = ParseOnOff(args[1]);
  if (!on) return Usage(FindCommand(".timer"));
  shell.settings().timer = *on;
  return Status::Ok();
}

}  // namespace

std::vector<std::string> SplitDotCommand(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && std::isspace(static_cast<unsigned char>(line[i]))) ++i;
    if (i == line.size()) break;
    std::string word;
    if (line[i] == '\'' || line[i] == '"') {
      char quote = line[i++];
      while (i < line.size() && line[i] != quote) word += line[i++];
      if (i < line.size()) ++i;  // the closing quote
    } else {
      while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i]))) {
        word += line[i++];
      }
    }
    words.push_back(std::move(word));
  }
  return words;
}

std::string DotCommandHelp() {
  std::string out;
  for (const Command& command : kCommands) {
    std::string usage = command.name;
    if (*command.arguments != '\0') usage += std::string(" ") + command.arguments;
    out += usage;
    out.append(usage.size() < 24 ? 24 - usage.size() : 1, ' ');
    out += command.help;
    out += '\n';
  }
  return out;
}

Status RunDotCommand(std::string_view line, Shell& shell) {
  std::vector<std::string> args = SplitDotCommand(line);
  if (args.empty()) return Status::Ok();
  for (const Command& command : kCommands) {
    if (args[0] != command.name) continue;
    size_t given = args.size() - 1;
    if (given < command.min_args || given > command.max_args) return Usage(command);
    return command.run(args, shell);
  }
  return Status(StatusCode::kInvalidArgument, "unknown command \"" + args[0] + "\" (see .help)");
}

}  // namespace sprocket::cli
