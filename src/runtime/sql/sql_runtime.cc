#include "runtime/sql/sql_runtime.h"

#include <sqlite3.h>

#include <algorithm>

#include "common/strings.h"
#include "runtime/sql/sql_compile.h"

namespace sprocket::runtime {

namespace {

class SqlInstance : public Instance {
 public:
  explicit SqlInstance(std::vector<std::string> statements) : statements_(std::move(statements)) {}

  Result<Value> Call(CallContext& context, std::span<const Value> args) override {
    SPROCKET_ASSIGN_OR_RETURN(ResultSet last, Run(context, args));
    if (context.function().kind == FunctionKind::kProcedure) return Value();
    if (last.rows.empty() || last.rows[0].empty()) return Value();
    return std::move(last.rows[0][0]);
  }

  Result<Rows> CallTable(CallContext& context, std::span<const Value> args) override {
    SPROCKET_ASSIGN_OR_RETURN(ResultSet last, Run(context, args));
    return std::move(last.rows);
  }

 private:
  // Runs every statement; returns the last one's rows.
  Result<ResultSet> Run(CallContext& context, std::span<const Value> args) {
    const FunctionDef& def = context.function();
    if (def.kind == FunctionKind::kTrigger) {
      return Status(StatusCode::kNotSupported, "sql function \"" + def.name +
                                                   "\" is a trigger function; it runs only "
                                                   "when its trigger fires");
    }
    if (!resolved_) {
      for (std::string& statement : statements_) {
        SPROCKET_ASSIGN_OR_RETURN(statement, ResolveArgumentNames(def, statement, context.host()));
        arities_.push_back(static_cast<size_t>(HighestParameter(statement)));
      }
      resolved_ = true;
    }
    ResultSet last;
    std::vector<Value> params;
    for (size_t i = 0; i < statements_.size(); ++i) {
      // Each statement is given the arguments up to the highest ?n it mentions.
      size_t n = std::min(args.size(), arities_[i]);
      params.assign(args.begin(), args.begin() + n);
      SPROCKET_ASSIGN_OR_RETURN(last, context.host().Query(statements_[i], params));
    }
    return last;
  }

  std::vector<std::string> statements_;
  std::vector<size_t> arities_;  // highest ?n of each statement, once resolved
  bool resolved_ = false;
};

class SqlFunction : public CompiledFunction {
 public:
  explicit SqlFunction(std::vector<std::string> statements) : statements_(std::move(statements)) {}

  Result<std::unique_ptr<Instance>> CreateInstance() const override {
    return std::unique_ptr<Instance>(std::make_unique<SqlInstance>(statements_));
  }

 private:
  const std::vector<std::string> statements_;
};

// True when checking failed only because the body calls the function being created.
bool CallsItself(const FunctionDef& def, const Status& status) {
  const std::string suffix = "no such function: " + def.name;
  const std::string& m = status.message();
  return m.size() >= suffix.size() &&
         EqualsIgnoreCase(std::string_view(m).substr(m.size() - suffix.size()), suffix);
}

class SqlRuntime : public LanguageRuntime {
 public:
  std::string_view name() const override { return "sql"; }
  std::string version() const override { return std::string("SQLite ") + sqlite3_libversion(); }

  Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef& def,
                                                    const CompileOptions& options) override {
    if (def.source_is_binary) {
      return Status(StatusCode::kInvalidArgument,
                    "sql function \"" + def.name + "\": the body must be SQL text, not bytes");
    }
    SPROCKET_ASSIGN_OR_RETURN(std::vector<std::string> statements, SplitSqlBody(def));
    // Trigger bodies mention NEW and OLD, which only exist when the trigger fires.
    if (options.checker != nullptr && def.kind != FunctionKind::kTrigger) {
      for (std::string& statement : statements) {
        auto resolved = ResolveArgumentNames(def, statement, *options.checker);
        if (resolved.ok()) {
          statement = std::move(*resolved);
        } else if (!CallsItself(def, resolved.status())) {
          return resolved.status();
        }
        // A recursive function cannot be checked before it exists: its first call will.
      }
    }
    return std::shared_ptr<CompiledFunction>(std::make_shared<SqlFunction>(std::move(statements)));
  }
};

}  // namespace

std::unique_ptr<LanguageRuntime> NewSqlRuntime() { return std::make_unique<SqlRuntime>(); }

}  // namespace sprocket::runtime
