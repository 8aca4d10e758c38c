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

// --- .dump ------------------------------------------------------------------------------

// `source` in dollar quotes whose tag does not occur in it.
std::string DollarQuoted(std::string_view source) {
  std::string tag = "$$";
  for (int n = 1; source.find(tag) != std::string_view::npos; ++n) {
    tag = "$body" + std::to_string(n) + "$";
  }
  return tag + std::string(source) + tag;
}

std::string Text(const Value& v) { return v.is_null() ? std::string() : v.ToString(); }

// Runs `sql` and returns its rows, or the error.
Result<std::vector<std::vector<Value>>> Rows(Shell& shell, std::string_view sql,
                                             const std::vector<Value>& params = {}) {
  SPROCKET_ASSIGN_OR_RETURN(ResultSet rs, shell.session().Execute(sql, params));
  return std::move(rs.rows);
}

// The CREATE FUNCTION statement of a catalog row: its definition, except that a function
// created AS FILE gets its source inline (the dump must not depend on the file).
std::string FunctionDefinition(const std::string& definition, const Value& source, bool from_file) {
  if (!from_file || source.is_null()) return definition;
  size_t at = definition.rfind(" AS FILE '");
  if (at == std::string::npos) return definition;
  return definition.substr(0, at) + " AS " + DollarQuoted(Text(source)) + ";  -- created " +
         definition.substr(at + 1);
}

// The table's rows as INSERT statements (generated and hidden columns left out).
Status DumpRows(Shell& shell, const std::string& table) {
  SPROCKET_ASSIGN_OR_RETURN(
      auto columns,
      Rows(shell, "SELECT name, hidden FROM pragma_table_xinfo(?1) ORDER BY cid", {Value(table)}));
  std::vector<std::string> names;
  bool all = true;
  for (const auto& c : columns) {
    if (c[1].type() == ValueType::kInteger && c[1].integer() != 0) {
      all = false;
      continue;
    }
    names.push_back(QuoteIdentifier(Text(c[0])));
  }
  if (names.empty()) return Status::Ok();
  std::string select = "SELECT " + Join(names, ", ") + " FROM " + QuoteIdentifier(table);
  std::string insert = "INSERT INTO " + QuoteIdentifier(table);
  if (!all) insert += "(" + Join(names, ",") + ")";
  SPROCKET_ASSIGN_OR_RETURN(ResultSet rs, shell.session().Execute(select));
  std::ostream& out = shell.out();
  for (const auto& row : rs.rows) {
    out << insert << " VALUES(";
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << row[i].ToSqlLiteral();
    out << ");\n";
  }
  return Status::Ok();
}

// .dump [PATTERN]: a script that rebuilds the database — tables and their rows, indexes,
// views, SQLite triggers and, without a pattern, the Sprocket catalog: functions (sources
// inline), their limits, policies and grants, triggers, their grants and disabled state.
//
// Order: functions in languages other than sql (tables' CHECK, generated columns and
// indexes may call them), tables, sql functions (their bodies are checked against the
// tables), rows, sequences, indexes, views and SQLite triggers, then Sprocket triggers
// (after the rows, so that restoring fires none) and their settings.
Status RunDump(const std::vector<std::string>& args, Shell& shell) {
  const bool everything = args.size() < 2;
  std::vector<Value> pattern;
  std::string table_filter;
  if (!everything) {
    pattern.emplace_back(args[1]);
    table_filter = " AND name LIKE ?1";
  }
  std::ostream& out = shell.out();
  out << "PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n";

  std::vector<std::vector<Value>> functions;
  if (everything) {
    // A catalog of format 1 (opened read-only, not migrated) has no max_wall_time_ms.
    SPROCKET_ASSIGN_OR_RETURN(auto has_wall,
                              Rows(shell,
                                   "SELECT 1 FROM pragma_table_xinfo('sprocket_functions') "
                                   "WHERE name = 'max_wall_time_ms'"));
    SPROCKET_ASSIGN_OR_RETURN(
        functions,
        Rows(shell, std::string("SELECT f.name, f.kind, f.language, f.definition, f.source, "
                                "f.max_memory_bytes, f.max_cpu_time_ms, f.max_instructions, "
                                "f.jit_level, f.security_policy, (SELECT body_kind FROM "
                                "_sprocket_functions i WHERE i.name = f.name) = 'file', ") +
                        (has_wall.empty() ? "NULL" : "f.max_wall_time_ms") +
                        " FROM sprocket_functions f ORDER BY f.name"));
  }
  auto dump_functions = [&](bool sql) {
    for (const auto& f : functions) {
      if ((Text(f[2]) == "sql") != sql) continue;
      bool from_file = f[10].type() == ValueType::kInteger && f[10].integer() != 0;
      std::string definition = FunctionDefinition(Text(f[3]), f[4], from_file);
      out << definition << (definition.back() == ';' ? "\n" : ";\n");
    }
  };
  dump_functions(false);

  // Tables: user tables, virtual tables (their shadow tables are theirs), not the catalog.
  SPROCKET_ASSIGN_OR_RETURN(
      auto tables,
      Rows(shell,
           std::string("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS "
                       "NOT NULL AND name IN (SELECT name FROM pragma_table_list WHERE schema = "
                       "'main' AND type IN ('table', 'virtual')) AND ") +
               kUserObjectFilter + table_filter + " ORDER BY rowid",
           pattern));
  for (const auto& t : tables) out << Text(t[1]) << ";\n";
  dump_functions(true);
  for (const auto& t : tables) SPROCKET_RETURN_IF_ERROR(DumpRows(shell, Text(t[0])));
  SPROCKET_ASSIGN_OR_RETURN(
      auto has_sequence,
      Rows(shell, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_sequence'"));
  if (has_sequence[0][0].integer() > 0) {
    SPROCKET_ASSIGN_OR_RETURN(auto sequences,
                              Rows(shell,
                                   "SELECT name, seq FROM sqlite_sequence" +
                                       std::string(everything ? "" : " WHERE name LIKE ?1"),
                                   pattern));
    if (!sequences.empty() && everything) out << "DELETE FROM sqlite_sequence;\n";
    for (const auto& s : sequences) {
      out << "INSERT INTO sqlite_sequence VALUES(" << s[0].ToSqlLiteral() << ","
          << s[1].ToSqlLiteral() << ");\n";
    }
  }
  SPROCKET_ASSIGN_OR_RETURN(
      auto others,
      Rows(shell,
           std::string("SELECT sql FROM sqlite_schema WHERE type IN ('index', 'view', "
                       "'trigger') AND sql IS NOT NULL AND ") +
               kUserObjectFilter + (everything ? "" : " AND tbl_name LIKE ?1") + " ORDER BY rowid",
           pattern));
  for (const auto& o : others) out << Text(o[0]) << ";\n";

  if (everything) {
    for (const auto& f : functions) {
      std::string name = QuoteIdentifier(Text(f[0]));
      std::string alter =
          (Text(f[1]) == "procedure" ? "ALTER PROCEDURE " : "ALTER FUNCTION ") + name;
      std::vector<std::string> settings;
      if (!f[5].is_null()) settings.push_back("max_memory_bytes = " + Text(f[5]));
      if (!f[6].is_null()) settings.push_back("max_cpu_time_ms = " + Text(f[6]));
      if (!f[7].is_null()) settings.push_back("max_instructions = " + Text(f[7]));
      if (!f[11].is_null()) settings.push_back("max_wall_time_ms = " + Text(f[11]));
      if (Text(f[8]) != "balanced") settings.push_back("jit_level = '" + Text(f[8]) + "'");
      if (!settings.empty()) out << alter << " SET " << Join(settings, ", ") << ";\n";
      if (Text(f[9]) != "DEFAULT") out << alter << " SET SECURITY POLICY " << Text(f[9]) << ";\n";
    }
    SPROCKET_ASSIGN_OR_RETURN(
        auto triggers,
        Rows(shell,
             "SELECT t.name, t.table_name, t.definition, t.enabled, t.language, "
             "(SELECT security_policy FROM _sprocket_triggers i WHERE i.name = t.name AND "
             "i.table_name = t.table_name) FROM sprocket_triggers t ORDER BY t.table_name, "
             "t.name"));
    for (const auto& t : triggers) {
      out << Text(t[2]) << ";\n";
      std::string on = QuoteIdentifier(Text(t[0])) + " ON " + QuoteIdentifier(Text(t[1]));
      if (!t[4].is_null() && Text(t[5]) != "PERMISSIVE") {
        out << "ALTER TRIGGER " << on << " SET SECURITY POLICY " << Text(t[5]) << ";\n";
      }
    }
    SPROCKET_ASSIGN_OR_RETURN(
        auto grants,
        Rows(shell,
             "SELECT owner_kind, owner, table_name, capability, target, "
             "(SELECT kind FROM sprocket_functions f WHERE f.name = c.owner) "
             "FROM sprocket_capabilities c ORDER BY owner_kind, owner, table_name, capability, "
             "target"));
    for (const auto& g : grants) {
      std::string capability = Text(g[3]) + "(" + g[4].ToSqlLiteral() + ")";
      if (Text(g[0]) == "function") {
        out << (Text(g[5]) == "procedure" ? "ALTER PROCEDURE " : "ALTER FUNCTION ")
            << QuoteIdentifier(Text(g[1])) << " GRANT CAPABILITY " << capability << ";\n";
      } else {
        out << "ALTER TRIGGER " << QuoteIdentifier(Text(g[1])) << " ON "
            << QuoteIdentifier(Text(g[2])) << " GRANT CAPABILITY " << capability << ";\n";
      }
    }
    for (const auto& t : triggers) {
      if (t[3].type() == ValueType::kInteger && t[3].integer() == 0) {
        out << "ALTER TABLE " << QuoteIdentifier(Text(t[1])) << " DISABLE TRIGGER "
            << QuoteIdentifier(Text(t[0])) << ";\n";
      }
    }
  }
  out << "COMMIT;\n";
  out.flush();
  return Status::Ok();
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
    {".dump", "[PATTERN]", "A script that rebuilds the database (or the tables LIKE PATTERN)", 0, 1,
     RunDump},
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
