#include "runtime/sql/sql_runtime.h"

#include <algorithm>

#include "common/strings.h"
#include "common/value_size.h"
#include "runtime/sql/sql_compile.h"

namespace sprocket::runtime {

namespace {

class SqlInstance : public Instance {
 public:
  explicit SqlInstance(std::vector<std::string> statements) : statements_(std::move(statements)) {}

  Result<Value> Call(CallContext& context, std::span<const Value> args) override {
    SPROCKET_RETURN_IF_ERROR(Run(context, args));
    if (context.function().kind == FunctionKind::kProcedure) return Value();
    if (last_.rows.empty() || last_.rows[0].empty()) return Value();
    return std::move(last_.rows[0][0]);
  }

  Result<Rows> CallTable(CallContext& context, std::span<const Value> args) override {
    SPROCKET_RETURN_IF_ERROR(Run(context, args));
    return std::move(last_.rows);
  }

  // A SQL trigger body runs its statements with NEW.col, OLD.col and TG_* bound; it cannot
  // change the row (SQL has no assignment to NEW), so the row is written as it came.
  Result<TriggerResult> CallTrigger(CallContext& context, const TriggerData& trigger) override {
    const FunctionDef& def = context.function();
    const RowData* row = trigger.new_row != nullptr ? trigger.new_row : trigger.old_row;
    static const std::vector<std::string> kNoColumns;
    const std::vector<std::string>& columns = row != nullptr ? *row->columns : kNoColumns;
    if (trigger_columns_ != columns || trigger_statements_.empty()) {
      trigger_statements_.clear();
      trigger_arities_.clear();
      for (const std::string& statement : statements_) {
        SPROCKET_ASSIGN_OR_RETURN(std::string bound,
                                  BindTriggerReferences(def, statement, columns));
        trigger_arities_.push_back(static_cast<size_t>(HighestParameter(bound)));
        trigger_statements_.push_back(std::move(bound));
      }
      trigger_columns_ = columns;
    }
    std::vector<Value> values;
    values.reserve(2 * columns.size() + TriggerValueNames().size());
    for (const RowData* r : {trigger.new_row, trigger.old_row}) {
      for (size_t c = 0; c < columns.size(); ++c) {
        values.push_back(r != nullptr && c < r->values.size() ? r->values[c] : Value());
      }
    }
    values.emplace_back(TriggerOpName(trigger.op));
    values.emplace_back(TriggerWhenName(trigger.when));
    values.emplace_back(TriggerLevelName(trigger.level));
    values.emplace_back(trigger.name);
    values.emplace_back(trigger.table);
    values.emplace_back(static_cast<int64_t>(trigger.depth));
    std::vector<Value> params;
    for (size_t i = 0; i < trigger_statements_.size(); ++i) {
      params.assign(values.begin(), values.begin() + std::min(values.size(), trigger_arities_[i]));
      SPROCKET_RETURN_IF_ERROR(context.host().Query(trigger_statements_[i], params).status());
    }
    TriggerResult out;
    if (row != nullptr) out.row = *row;
    return out;
  }

 private:
  // Runs every statement; the last one's rows are left in last_.
  Status Run(CallContext& context, std::span<const Value> args) {
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
    // Local: a call of this function made while a statement runs (recursion) must not
    // change the values bound to it.
    std::vector<Value> params;
    for (size_t i = 0; i < statements_.size(); ++i) {
      // Each statement is given the arguments up to the highest ?n it mentions.
      size_t n = std::min(args.size(), arities_[i]);
      params.assign(args.begin(), args.begin() + n);
      Result<ResultSet> rows = context.host().Query(statements_[i], params);
      if (!rows.ok()) return rows.status();
      last_ = std::move(*rows);
    }
    return Status::Ok();
  }

  // The last statement's rows of the latest call (its result is moved out at once; a
  // recursive call's rows are replaced by the outer call's before it reads them).
  ResultSet last_;

  std::vector<std::string> statements_;
  std::vector<size_t> arities_;  // highest ?n of each statement, once resolved
  bool resolved_ = false;
  // Trigger bodies, bound for the columns of the table they last fired on.
  std::vector<std::string> trigger_columns_;
  std::vector<std::string> trigger_statements_;
  std::vector<size_t> trigger_arities_;
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
  std::string version() const override { return SqliteVersion(); }

  Result<std::shared_ptr<CompiledFunction>> Compile(const FunctionDef& def,
                                                    const CompileOptions& options) override {
    if (def.source_is_binary) {
      return Status(StatusCode::kInvalidArgument,
                    "sql function \"" + def.name + "\": the body must be SQL text, not bytes");
    }
    SPROCKET_ASSIGN_OR_RETURN(std::vector<std::string> statements, SplitSqlBody(def));
    // Trigger bodies mention NEW and OLD, which only exist when the trigger fires: they
    // are checked with those bound as parameters (to the table's columns when known).
    if (options.checker != nullptr && def.kind == FunctionKind::kTrigger) {
      static const std::vector<std::string> kNoColumns;
      const std::vector<std::string>& columns =
          options.trigger_columns != nullptr ? *options.trigger_columns : kNoColumns;
      for (const std::string& statement : statements) {
        SPROCKET_ASSIGN_OR_RETURN(
            std::string bound,
            BindTriggerReferences(def, statement, columns,
                                  /*any_column=*/options.trigger_columns == nullptr));
        int offset = -1;
        Status st = options.checker->CheckSql(bound, &offset);
        if (!st.ok() && !CallsItself(def, st)) {
          return st.WithContext("sql function \"" + def.name + "\"");
        }
      }
    }
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
