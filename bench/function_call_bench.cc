// Warm call overhead of a Sprocket function against a native SQLite C UDF doing the same
// work (docs/design.md §9): `SELECT f(x, 0.2) FROM t` over the rows of t. The per-call overhead is
// (Sprocket - C UDF) / rows. Each language adds its own function here.
#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include <cstdio>
#include <memory>
#include <string>

#include "sprocket/sprocket.hpp"

namespace {

constexpr int kRows = 100000;

std::string FillSql() {
  return "CREATE TABLE t(x REAL);"
         "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " +
         std::to_string(kRows) + ") INSERT INTO t SELECT i * 0.5 FROM c;";
}

void AddTaxC(sqlite3_context* ctx, int, sqlite3_value** argv) {
  sqlite3_result_double(ctx, sqlite3_value_double(argv[0]) * (1 + sqlite3_value_double(argv[1])));
}

// Plain SQLite, the same query with a C UDF: the baseline.
void BM_SqliteCUdf(benchmark::State& state) {
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db, FillSql().c_str(), nullptr, nullptr, nullptr);
  sqlite3_create_function(db, "add_tax", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, AddTaxC,
                          nullptr, nullptr);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(db, "SELECT sum(add_tax(x, 0.2)) FROM t", -1, &stmt, nullptr);
  for (auto _ : state) {
    sqlite3_step(stmt);
    benchmark::DoNotOptimize(sqlite3_column_double(stmt, 0));
    sqlite3_reset(stmt);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  state.SetItemsProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_SqliteCUdf)->Unit(benchmark::kMillisecond);

// Sprocket running `query` after `setup`.
void RunSprocket(benchmark::State& state, const std::string& setup, const std::string& query) {
  auto db = sprocket::Database::Open(":memory:");
  if (!db.ok()) return state.SkipWithError(db.status().message().c_str());
  auto session = (*db)->Connect();
  if (!session.ok()) return state.SkipWithError(session.status().message().c_str());
  auto filled = (*session)->Execute(FillSql() + setup);
  if (!filled.ok()) return state.SkipWithError(filled.status().message().c_str());
  auto stmt = (*session)->Prepare(query);
  if (!stmt.ok()) return state.SkipWithError(stmt.status().message().c_str());
  for (auto _ : state) {
    auto row = (*stmt)->Step();
    if (!row.ok()) return state.SkipWithError(row.status().message().c_str());
    benchmark::DoNotOptimize((*stmt)->column(0));
    (void)(*stmt)->Reset();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

// The expression inline: what the query costs without any function.
void BM_SprocketInlineExpression(benchmark::State& state) {
  RunSprocket(state, "", "SELECT sum(x * (1 + 0.2)) FROM t");
}
BENCHMARK(BM_SprocketInlineExpression)->Unit(benchmark::kMillisecond);

void BM_SprocketSqlFunction(benchmark::State& state) {
  RunSprocket(state,
              "CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL LANGUAGE sql "
              "IMMUTABLE AS $$ SELECT price * (1 + rate) $$;",
              "SELECT sum(add_tax(x, 0.2)) FROM t");
}
BENCHMARK(BM_SprocketSqlFunction)->Unit(benchmark::kMillisecond);

void BM_SprocketJsFunction(benchmark::State& state) {
  RunSprocket(state,
              "CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL LANGUAGE javascript "
              "IMMUTABLE AS $$ return price * (1 + rate) $$;",
              "SELECT sum(add_tax(x, 0.2)) FROM t");
}
BENCHMARK(BM_SprocketJsFunction)->Unit(benchmark::kMillisecond);

}  // namespace
