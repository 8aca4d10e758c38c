// sqllogictest [--root DIR] [--keep-going] FILE...: runs .test files against Sprocket.
// Exits 0 when every file passed, 1 when one failed, 2 on bad usage.
#include <iostream>
#include <string>
#include <vector>

#include "sqllogictest/runner.h"

int main(int argc, char** argv) {
  sprocket::slt::RunnerOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--root" && i + 1 < argc) {
      options.root = argv[++i];
    } else if (arg == "--keep-going") {
      options.keep_going = true;
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: sqllogictest [--root DIR] [--keep-going] FILE...\n"
                   "  --root DIR     \"# name:\" is the path relative to DIR (default: .)\n"
                   "  --keep-going   run a file's remaining records after a failure\n";
      return 0;
    } else if (!arg.empty() && arg[0] == '-') {
      std::cerr << "sqllogictest: unknown option " << arg << " (see --help)\n";
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::cerr << "usage: sqllogictest [--root DIR] [--keep-going] FILE...\n";
    return 2;
  }

  sprocket::slt::Runner runner(std::cout, options);
  bool all_passed = true;
  for (const std::string& file : files) all_passed = runner.RunFile(file) && all_passed;
  std::cout << runner.SummaryLine() << std::endl;
  return all_passed ? 0 : 1;
}
