// Splitting and parsing throughput: what every statement pays before SQLite sees it.
#include <benchmark/benchmark.h>

#include <string>

#include "sql/parser.h"
#include "sql/splitter.h"

namespace {

const char kScript[] =
    "CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL LANGUAGE sql IMMUTABLE AS $$ "
    "SELECT price * (1 + rate) $$;\n"
    "CREATE TRIGGER vip BEFORE UPDATE OF balance ON accounts FOR EACH ROW WHEN (NEW.balance > "
    "10000 AND OLD.balance <= 10000) EXECUTE FUNCTION flag_vip('gold');\n"
    "ALTER FUNCTION audit GRANT CAPABILITY DATABASE_WRITE('audit_log'), DATABASE_READ('users');\n"
    "INSERT INTO orders (customer, amount, note) VALUES (42, 19.99, 'it''s -- not a comment');\n"
    "SELECT o.id, sum(l.qty * l.price) FROM orders o JOIN lines l ON l.order_id = o.id "
    "WHERE o.created > '2024-01-01' GROUP BY o.id ORDER BY 2 DESC LIMIT 10;\n";

void BM_SplitStatements(benchmark::State& state) {
  for (auto _ : state) {
    auto split = sprocket::sql::SplitStatements(kScript);
    benchmark::DoNotOptimize(split);
  }
  state.SetItemsProcessed(state.iterations() * 5);
  state.SetBytesProcessed(state.iterations() * (sizeof kScript - 1));
}
BENCHMARK(BM_SplitStatements);

void BM_ParseScript(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = sprocket::sql::ParseScript(kScript);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations() * 5);
  state.SetBytesProcessed(state.iterations() * (sizeof kScript - 1));
}
BENCHMARK(BM_ParseScript);

}  // namespace
