// The shell's dot commands: .tables, .functions, .triggers, .schema, .mode, .headers,
// .timer, .read, .help, .quit / .exit.
#ifndef SPROCKET_CLI_DOT_COMMANDS_H_
#define SPROCKET_CLI_DOT_COMMANDS_H_

#include <string>
#include <string_view>
#include <vector>

#include "cli/shell.h"
#include "sprocket/status.h"

namespace sprocket::cli {

// Runs one dot command line (".mode csv") against `shell`, printing to shell.out().
// Fails with kInvalidArgument for an unknown command (`unknown command ".foo" (see
// .help)`) or bad arguments (a usage line), and with the engine's error when a query
// behind the command fails.
Status RunDotCommand(std::string_view line, Shell& shell);

// Splits a dot command line into words: whitespace separates them, and '…' or "…" quote
// a word holding spaces. The first word keeps its '.'.
std::vector<std::string> SplitDotCommand(std::string_view line);

// The text .help prints.
std::string DotCommandHelp();

}  // namespace sprocket::cli

#endif  // SPROCKET_CLI_DOT_COMMANDS_H_
