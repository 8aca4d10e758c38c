// sprocket_driver: runs one benchmark workload through Sprocket's public C++ API and prints
// its timings as JSON lines. bench/compare/compare.py runs it once per Sprocket row.
//
//   sprocket_driver --db PATH --setup FILE --measure FILE --repeat R
//                   [--reset FILE] [--check FILE] [--teardown FILE]
//   sprocket_driver --version
//
// Opens (creating) the database at PATH, runs the setup script once, then R times: the
// reset script (untimed) and the measure script, timed with std::chrono::steady_clock
// around Session::ExecuteScript. For each repetition it prints one line
//
//   {"repeat":1,"seconds":0.123456789,"rows_affected":100000}
//
// where rows_affected sums ResultSet::rows_affected over the measured statements. After
// the last repetition the check script's first value, if given, is printed as
// {"check":100000}, and the teardown script runs. Every script runs on one Session, so
// per-connection PRAGMAs in setup stay in force. --version prints
// {"sprocket":"0.1.0","engines":["SQLite 3.40.1",…]}.
//
// A failure prints one line to stderr ("sprocket_driver: setup: <error>") and exits with
// status 1; bad usage exits with status 2. Nothing here is part of Sprocket: it uses only
// include/sprocket/sprocket.hpp.
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sprocket/sprocket.hpp"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

constexpr char kUsage[] =
    "usage: sprocket_driver --db PATH --setup FILE --measure FILE --repeat R\n"
    "                       [--reset FILE] [--check FILE] [--teardown FILE]\n"
    "       sprocket_driver --version\n";

struct Flags {
  std::string db;
  std::string setup;
  std::string measure;
  std::string reset;
  std::string check;
  std::string teardown;
  int repeat = 0;
  bool version = false;
};

// Parses argv into `flags`; on bad usage returns a message saying what is wrong.
std::string ParseFlags(int argc, char** argv, Flags& flags) {
  const std::vector<std::pair<std::string_view, std::string*>> paths = {
      {"--db", &flags.db},       {"--setup", &flags.setup}, {"--measure", &flags.measure},
      {"--reset", &flags.reset}, {"--check", &flags.check}, {"--teardown", &flags.teardown},
  };
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--version") {
      flags.version = true;
      continue;
    }
    if (i + 1 >= argc) return "missing value after " + std::string(arg);
    std::string_view value = argv[++i];
    if (arg == "--repeat") {
      char* end = nullptr;
      long repeat = std::strtol(argv[i], &end, 10);
      if (end == argv[i] || *end != '\0' || repeat < 1 || repeat > 1000000) {
        return "--repeat wants a positive integer, got " + std::string(value);
      }
      flags.repeat = static_cast<int>(repeat);
      continue;
    }
    bool known = false;
    for (const auto& [name, target] : paths) {
      if (arg == name) {
        *target = std::string(value);
        known = true;
      }
    }
    if (!known) return "unknown option " + std::string(arg);
  }
  if (flags.version) return "";
  if (flags.db.empty() || flags.setup.empty() || flags.measure.empty() || flags.repeat == 0) {
    return "--db, --setup, --measure and --repeat are required";
  }
  return "";
}

sprocket::Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return sprocket::Status(sprocket::StatusCode::kNotFound, "cannot open " + path);
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return sprocket::Status(sprocket::StatusCode::kIoError, "cannot read " + path);
  }
  return text.str();
}

// A script read from its file at start-up, so file I/O never falls inside a timing.
struct Script {
  std::string name;  // "setup", "measure", … (error context)
  std::string sql;   // empty when the option was not given
};

sprocket::Result<Script> LoadScript(std::string name, const std::string& path) {
  Script script{std::move(name), ""};
  if (path.empty()) return script;
  SPROCKET_ASSIGN_OR_RETURN(script.sql, ReadFile(path));
  return script;
}

bool IsBlank(std::string_view sql) {
  return sql.find_first_not_of(" \t\r\n;") == std::string_view::npos;
}

// Runs every statement of `script`, calling `on_result` with each statement's result.
sprocket::Status Run(sprocket::Session& session, const Script& script,
                     const std::function<void(const sprocket::ResultSet&)>& on_result) {
  if (IsBlank(script.sql)) return sprocket::Status::Ok();
  sprocket::Status status = session.ExecuteScript(
      script.sql, [&on_result](int /*index*/, std::string_view /*statement*/,
                               const sprocket::ResultSet& result) { on_result(result); });
  return status.WithContext(script.name);
}

std::string JsonString(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// The check value as a JSON literal: integers and reals as numbers, anything else as text.
std::string JsonValue(const sprocket::Value& value) {
  switch (value.type()) {
    case sprocket::ValueType::kNull:
      return "null";
    case sprocket::ValueType::kInteger:
      return std::to_string(value.integer());
    case sprocket::ValueType::kReal:
      return sprocket::FormatReal(value.real());
    default:
      return JsonString(value.ToString());
  }
}

int Fail(const sprocket::Status& status) {
  std::fprintf(stderr, "sprocket_driver: %s\n", status.ToString().c_str());
  return kExitFailure;
}

int PrintVersion() {
  std::string line =
      "{\"sprocket\":" + JsonString(sprocket::Database::Version()) + ",\"engines\":[";
  const std::vector<std::string> engines = sprocket::Database::EngineVersions();
  for (size_t i = 0; i < engines.size(); ++i) {
    if (i > 0) line += ",";
    line += JsonString(engines[i]);
  }
  std::printf("%s]}\n", line.c_str());
  return 0;
}

int RunBenchmark(const Flags& flags) {
  const std::pair<const char*, const std::string*> files[] = {
      {"setup", &flags.setup}, {"reset", &flags.reset},       {"measure", &flags.measure},
      {"check", &flags.check}, {"teardown", &flags.teardown},
  };
  std::vector<Script> scripts;
  for (const auto& [name, path] : files) {
    sprocket::Result<Script> script = LoadScript(name, *path);
    if (!script.ok()) return Fail(script.status());
    scripts.push_back(std::move(*script));
  }
  const Script& setup = scripts[0];
  const Script& reset = scripts[1];
  const Script& measure = scripts[2];
  const Script& check = scripts[3];
  const Script& teardown = scripts[4];

  sprocket::Result<std::unique_ptr<sprocket::Database>> db =
      sprocket::Database::Open(flags.db, sprocket::Options{});
  if (!db.ok()) return Fail(db.status().WithContext("open " + flags.db));
  sprocket::Result<std::unique_ptr<sprocket::Session>> session = (*db)->Connect();
  if (!session.ok()) return Fail(session.status().WithContext("connect"));
  sprocket::Session& s = **session;

  const auto ignore = [](const sprocket::ResultSet&) {};
  if (sprocket::Status status = Run(s, setup, ignore); !status.ok()) return Fail(status);

  for (int i = 1; i <= flags.repeat; ++i) {
    if (sprocket::Status status = Run(s, reset, ignore); !status.ok()) return Fail(status);
    int64_t rows_affected = 0;
    // Built before the clock starts, so that the timing holds the script alone.
    const std::function<void(const sprocket::ResultSet&)> count =
        [&rows_affected](const sprocket::ResultSet& result) {
          rows_affected += result.rows_affected;
        };
    const auto start = std::chrono::steady_clock::now();
    sprocket::Status status = Run(s, measure, count);
    const auto stop = std::chrono::steady_clock::now();
    if (!status.ok()) return Fail(status);
    const double seconds = std::chrono::duration<double>(stop - start).count();
    std::printf("{\"repeat\":%d,\"seconds\":%.9f,\"rows_affected\":%" PRId64 "}\n", i, seconds,
                rows_affected);
    std::fflush(stdout);
  }

  if (!IsBlank(check.sql)) {
    sprocket::Value first;
    const auto take_first = [&first](const sprocket::ResultSet& result) {
      if (!result.rows.empty() && !result.rows.front().empty()) first = result.rows[0][0];
    };
    if (sprocket::Status status = Run(s, check, take_first); !status.ok()) return Fail(status);
    std::printf("{\"check\":%s}\n", JsonValue(first).c_str());
  }
  if (sprocket::Status status = Run(s, teardown, ignore); !status.ok()) return Fail(status);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (std::string error = ParseFlags(argc, argv, flags); !error.empty()) {
    std::fprintf(stderr, "sprocket_driver: %s\n%s", error.c_str(), kUsage);
    return kExitUsage;
  }
  if (flags.version) return PrintVersion();
  return RunBenchmark(flags);
}
