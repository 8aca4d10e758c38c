// A C++ program using Sprocket's C++ API, built against the installed library with CMake
// (see CMakeLists.txt here: find_package(sprocket) and sprocket::sprocket).
#include <iostream>
#include <sprocket/sprocket.hpp>

int main() {
  sprocket::Options options;
  options.log_sink = [](sprocket::LogLevel level, std::string_view function,
                        std::string_view message) {
    std::cout << "log " << sprocket::LogLevelName(level) << " " << function << ": " << message
              << "\n";
  };
  auto db = sprocket::Database::Open(":memory:", options);
  if (!db.ok()) {
    std::cerr << "open: " << db.status().message() << "\n";
    return 1;
  }
  auto session = (*db)->Connect();
  if (!session.ok()) return 1;
  auto setup = (*session)->Execute(
      "CREATE TABLE orders(id INTEGER PRIMARY KEY, amount REAL);"
      "CREATE TRIGGER no_negative BEFORE INSERT ON orders LANGUAGE js AS $$"
      "  if (NEW.amount < 0) throw new Error('negative amount: ' + NEW.amount);"
      "  console.info('order', NEW.id) $$;");
  if (!setup.ok()) {
    std::cerr << "setup: " << setup.status().message() << "\n";
    return 1;
  }
  if (!(*session)->Execute("INSERT INTO orders VALUES (1, 10.5)").ok()) return 1;
  auto bad = (*session)->Execute("INSERT INTO orders VALUES (2, -1)");
  if (bad.ok()) return 1;
  std::cout << "refused: " << bad.status().message() << " (SQLSTATE "
            << sprocket::SqlState(bad.status().code()) << ")\n";
  auto rows = (*session)->Execute("SELECT count(*), sum(amount) FROM orders");
  if (!rows.ok()) return 1;
  std::cout << "orders: " << rows->rows[0][0].ToString() << ", total "
            << rows->rows[0][1].ToString() << "\n";
  return 0;
}
