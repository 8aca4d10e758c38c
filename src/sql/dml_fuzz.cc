// libFuzzer target for the DML decomposer (sql/dml.h), which the trigger engine relies on
// to run a statement's row loop itself: whatever the input, ParseDml must not crash, leak
// or hit undefined behaviour, every clause text it returns must be a slice of the input,
// and its classification must agree with PeekDmlTarget. Build with `make fuzz`.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sql/dml.h"

namespace {

// Invariants are checked with a trap so that libFuzzer reports them as crashes.
void Check(bool condition) {
  if (!condition) __builtin_trap();
}

// A clause text is verbatim (trimmed) source text.
void CheckSlice(std::string_view sql, const std::string& text) {
  if (!text.empty()) Check(sql.find(text) != std::string_view::npos);
}

void CheckAssignments(std::string_view sql,
                      const std::vector<sprocket::sql::Assignment>& assignments) {
  for (const sprocket::sql::Assignment& a : assignments) {
    Check(!a.columns.empty());
    CheckSlice(sql, a.expr_text);
    for (const std::string& e : a.elements) CheckSlice(sql, e);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  auto peek = sprocket::sql::PeekDmlTarget(sql);
  auto parsed = sprocket::sql::ParseDml(sql);
  if (!parsed.ok() || !parsed->has_value()) return 0;
  const sprocket::sql::DmlStatement& d = **parsed;
  // What decomposes is DML that the cheap classification sees too, with the same target.
  Check(peek.has_value());
  Check(peek->op == d.op);
  Check(peek->table == d.table);
  Check(peek->schema == d.schema);
  for (const std::string* text :
       {&d.with_text, &d.indexed_text, &d.source_text, &d.from_text, &d.where_text,
        &d.order_by_text, &d.limit_text, &d.returning_text}) {
    CheckSlice(sql, *text);
  }
  CheckAssignments(sql, d.set);
  for (const sprocket::sql::UpsertClause& u : d.upserts) {
    CheckSlice(sql, u.text);
    CheckSlice(sql, u.target_text);
    CheckSlice(sql, u.target_where_text);
    CheckSlice(sql, u.where_text);
    Check(!u.do_nothing || u.set.empty());
    CheckAssignments(sql, u.set);
  }
  return 0;
}
