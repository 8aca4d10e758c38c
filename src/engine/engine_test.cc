#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <thread>

#include "sprocket/sprocket.hpp"

namespace sprocket {
namespace {

class TempDb {
 public:
  TempDb() {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("sprocket-engine-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string path() const { return (dir_ / "test.db").string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
};

std::unique_ptr<Session> Connect(Database& db) {
  auto s = db.Connect();
  EXPECT_TRUE(s.ok()) << s.status().message();
  return std::move(*s);
}

Value One(Session& s, std::string_view sql, const std::vector<Value>& params = {}) {
  auto r = s.Execute(sql, params);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().message();
  if (!r.ok() || r->rows.empty() || r->rows[0].empty()) return Value();
  return r->rows[0][0];
}

std::string Error(Session& s, std::string_view sql) {
  auto r = s.Execute(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? "" : r.status().message();
}

TEST(EngineTest, SqlFunctionsWork) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL "
                         "LANGUAGE sql AS $$ SELECT price * (1 + rate) $$")
                  .ok());
  EXPECT_EQ(One(*s, "SELECT add_tax(100, 0.2)"), Value(120.0));
  EXPECT_EQ(One(*s, "SELECT add_tax(?1, ?2)", {Value(10), Value(0.5)}), Value(15.0));
  EXPECT_EQ(Error(*s, "SELECT add_tax('abc', 1)"),
            "function \"add_tax\" argument 1 (price): expected REAL, got TEXT 'abc'");
}

TEST(EngineTest, TriggersFireForPreparedStatementsWithParameters) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute(R"(
      CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER, c TEXT);
      CREATE TABLE log(msg TEXT);
      CREATE TRIGGER t_before BEFORE INSERT OR UPDATE ON t LANGUAGE js AS $$ NEW.c = NEW.a + NEW.b $$;
      CREATE TRIGGER t_after AFTER INSERT ON t LANGUAGE js AS $$
        db.execute('INSERT INTO log VALUES (?)', ['after ' + NEW.id + ' ' + NEW.c]) $$;
  )")
                  .ok());
  // Named, numbered and anonymous parameters keep their values in the clauses the trigger
  // engine cuts out of the statement (the VALUES rows, RETURNING).
  auto st = s->Prepare("INSERT INTO t(a, b) VALUES (:a, ?2), (?, ?) RETURNING id, c, :a || ?");
  ASSERT_TRUE(st.ok()) << st.status().message();
  Statement& insert = **st;
  ASSERT_EQ(insert.parameter_count(), 5);
  ASSERT_TRUE(insert.Bind(1, Value("x")).ok());
  ASSERT_TRUE(insert.Bind(2, Value(1)).ok());
  ASSERT_TRUE(insert.Bind(3, Value("y")).ok());
  ASSERT_TRUE(insert.Bind(4, Value(2)).ok());
  ASSERT_TRUE(insert.Bind(5, Value("!")).ok());
  std::vector<std::string> got;
  for (;;) {
    auto row = insert.Step();
    ASSERT_TRUE(row.ok()) << row.status().message();
    if (!*row) break;
    ASSERT_EQ(insert.column_count(), 3);
    got.push_back(insert.column(0).ToString() + " " + insert.column(1).ToString() + " " +
                  insert.column(2).ToString());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"1 x1 x!", "2 y2 x!"}));
  EXPECT_EQ(insert.rows_affected(), 2);
  EXPECT_EQ(One(*s, "SELECT group_concat(msg, '; ') FROM log"), Value("after 1 x1; after 2 y2"));
  // Run again with other values: the same prepared statement, the same triggers.
  ASSERT_TRUE(insert.Reset().ok());
  ASSERT_TRUE(insert.Bind(1, Value("z")).ok());
  auto row = insert.Step();
  ASSERT_TRUE(row.ok() && *row) << (row.ok() ? "no row" : row.status().message());
  EXPECT_EQ(insert.column(1), Value("z1"));
  ASSERT_TRUE(insert.Reset().ok());
  EXPECT_EQ(One(*s, "SELECT count(*) FROM t"), Value(4));
}

// Execute and prepared Statements run through one StatementRunner: notices, a failure in
// the middle of a streamed result (the statement savepoint undoes what functions wrote),
// and a statement that finished can be stepped again from the start, as in SQLite.
TEST(EngineTest, PreparedStatementsRunLikeExecute) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute(R"(
      CREATE TABLE t(id INTEGER PRIMARY KEY);
      INSERT INTO t VALUES (1), (2), (3), (4);
      CREATE TABLE log(id INTEGER);
      CREATE FUNCTION note(id INTEGER) RETURNS INTEGER LANGUAGE js AS $$
        sprocket.db.execute('INSERT INTO log VALUES (?)', [id]);
        if (id === 3) throw new Error('three');
        return id;
      $$;
      ALTER FUNCTION note GRANT CAPABILITY DATABASE_WRITE('log');
  )")
                  .ok());
  auto drop = s->Prepare("DROP FUNCTION IF EXISTS nope(INTEGER)");
  ASSERT_TRUE(drop.ok()) << drop.status().message();
  auto stepped = (*drop)->Step();
  ASSERT_TRUE(stepped.ok() && !*stepped);
  ASSERT_EQ((*drop)->notices().size(), 1u);
  EXPECT_NE((*drop)->notices()[0].message.find("does not exist, skipping"), std::string::npos);

  auto select = s->Prepare("SELECT note(id) FROM t ORDER BY id");
  ASSERT_TRUE(select.ok()) << select.status().message();
  Statement& q = **select;
  std::vector<Value> got;
  Status failed;
  for (;;) {
    auto row = q.Step();
    if (!row.ok()) {
      failed = row.status();
      break;
    }
    if (!*row) break;
    got.push_back(q.column(0));
  }
  EXPECT_EQ(got, (std::vector<Value>{Value(1), Value(2)}));
  EXPECT_NE(failed.message().find("three"), std::string::npos) << failed.message();
  // What the function wrote for rows 1–3 went with the failed statement.
  EXPECT_EQ(One(*s, "SELECT count(*) FROM log"), Value(0));

  auto count = s->Prepare("SELECT count(*) FROM log");
  ASSERT_TRUE(count.ok());
  for (int run = 0; run < 2; ++run) {
    auto row = (*count)->Step();
    ASSERT_TRUE(row.ok() && *row);
    EXPECT_EQ((*count)->column(0), Value(0));
    row = (*count)->Step();
    ASSERT_TRUE(row.ok() && !*row);  // the end; the next Step starts over
  }
}

// A prepared statement interrupted between rows fails with kCancelled and is undone.
TEST(EngineTest, InterruptedPreparedStatementIsCancelled) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute(R"(
      CREATE TABLE log(id INTEGER);
      CREATE FUNCTION w(i INTEGER) RETURNS INTEGER LANGUAGE js AS $$
        sprocket.db.execute('INSERT INTO log VALUES (?)', [i]); return i; $$;
      ALTER FUNCTION w GRANT CAPABILITY DATABASE_WRITE('log');
  )")
                  .ok());
  auto st = s->Prepare(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
      "SELECT w(i) FROM n");
  ASSERT_TRUE(st.ok()) << st.status().message();
  auto row = (*st)->Step();
  ASSERT_TRUE(row.ok() && *row) << (row.ok() ? "no row" : row.status().message());
  s->Interrupt();
  Status end;
  for (int i = 0; i < 200; ++i) {
    row = (*st)->Step();
    if (!row.ok()) {
      end = row.status();
      break;
    }
    if (!*row) break;
  }
  EXPECT_EQ(end.code(), StatusCode::kCancelled) << end.message();
  EXPECT_EQ(One(*s, "SELECT count(*) FROM log"), Value(0));
}

// A database made by a build whose catalog had format 1 (test/fixtures/format1.db, made by
// commit 93ec724's shell): a read-only open reads it as it is; a writable open migrates it
// to the current format, keeping every function, trigger, setting and row.
TEST(EngineTest, OlderCatalogFormatIsMigrated) {
  TempDb tmp;
  std::filesystem::copy_file(std::string(SPROCKET_SOURCE_DIR) + "/test/fixtures/format1.db",
                             tmp.path());
  {
    Options options;
    options.read_only = true;
    auto db = Database::Open(tmp.path(), options);
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto s = Connect(**db);
    EXPECT_EQ(One(*s, "SELECT twice(21)"), Value(42));
    EXPECT_EQ(One(*s, "SELECT value FROM _sprocket_meta WHERE key = 'format'"), Value("1"));
  }
  auto db = Database::Open(tmp.path());
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  EXPECT_EQ(One(*s, "SELECT value FROM _sprocket_meta WHERE key = 'format'"), Value("2"));
  EXPECT_EQ(One(*s,
                "SELECT max_cpu_time_ms || '/' || coalesce(max_wall_time_ms, 'default') "
                "FROM sprocket_functions WHERE name = 'twice'"),
            Value("250/default"));
  EXPECT_EQ(One(*s, "SELECT twice(21)"), Value(42));
  ASSERT_TRUE(s->Execute("INSERT INTO orders(amount) VALUES (8)").ok());
  EXPECT_EQ(One(*s, "SELECT group_concat(note, ',') FROM orders"), Value("n7,n8"));
  ASSERT_TRUE(s->Execute("ALTER FUNCTION twice SET max_wall_time_ms = 500").ok());
  EXPECT_EQ(One(*s, "SELECT max_wall_time_ms FROM sprocket_functions WHERE name = 'twice'"),
            Value(500));
}

// A prepared change that runs whole (through the trigger engine) and fails returns none of
// the rows it collected before failing; stepped again, it runs again.
TEST(EngineTest, FailedPreparedChangeRunsAgain) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute(R"(
      CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER);
      CREATE TABLE gate(open INTEGER);
      INSERT INTO gate VALUES (0);
      CREATE FUNCTION guard() RETURNS TRIGGER LANGUAGE js AS $$
        function guard(ctx) {
          if (!ctx.db.query('SELECT open FROM gate')[0].open) throw new Error('closed');
        }
      $$;
      ALTER FUNCTION guard GRANT CAPABILITY DATABASE_READ('gate');
      CREATE TRIGGER t_guard AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION guard();
  )")
                  .ok());
  auto st = s->Prepare("INSERT INTO t(v) VALUES (1), (2) RETURNING id");
  ASSERT_TRUE(st.ok()) << st.status().message();
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto row = (*st)->Step();
    ASSERT_FALSE(row.ok()) << "attempt " << attempt << " returned a row";
    EXPECT_NE(row.status().message().find("closed"), std::string::npos);
  }
  EXPECT_EQ(One(*s, "SELECT count(*) FROM t"), Value(0));
  ASSERT_TRUE(s->Execute("UPDATE gate SET open = 1").ok());
  std::vector<Value> ids;
  for (;;) {
    auto row = (*st)->Step();
    ASSERT_TRUE(row.ok()) << row.status().message();
    if (!*row) break;
    ids.push_back((*st)->column(0));
  }
  EXPECT_EQ(ids, (std::vector<Value>{Value(1), Value(2)}));
  EXPECT_EQ((*st)->rows_affected(), 2);
  ASSERT_TRUE((*st)->Reset().ok());
  EXPECT_EQ((*st)->rows_affected(), 2);  // still readable after Reset
}

TEST(EngineTest, CatalogIsTransactionalAndShared) {
  TempDb tmp;
  auto db = Database::Open(tmp.path());
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto a = Connect(**db);
  auto b = Connect(**db);
  ASSERT_TRUE(a->Execute("BEGIN").ok());
  ASSERT_TRUE(a->Execute("CREATE FUNCTION two() RETURNS INTEGER LANGUAGE sql AS 'SELECT 2'").ok());
  EXPECT_EQ(One(*a, "SELECT two()"), Value(int64_t{2}));
  EXPECT_NE(Error(*b, "SELECT two()").find("no such function: two"), std::string::npos);
  ASSERT_TRUE(a->Execute("ROLLBACK").ok());
  EXPECT_NE(Error(*a, "SELECT two()").find("no such function: two"), std::string::npos);
  ASSERT_TRUE(a->Execute("CREATE FUNCTION two() RETURNS INTEGER LANGUAGE sql AS 'SELECT 2'").ok());
  EXPECT_EQ(One(*b, "SELECT two()"), Value(int64_t{2}));
  ASSERT_TRUE(
      b->Execute("CREATE OR REPLACE FUNCTION two() RETURNS INTEGER LANGUAGE sql AS 'SELECT 22'")
          .ok());
  EXPECT_EQ(One(*a, "SELECT two()"), Value(int64_t{22}));
}

TEST(EngineTest, CatalogSurvivesReopen) {
  TempDb tmp;
  {
    auto db = Database::Open(tmp.path());
    ASSERT_TRUE(db.ok());
    auto s = Connect(**db);
    ASSERT_TRUE(s->Execute("CREATE TABLE t(x); CREATE FUNCTION sq(x INTEGER) RETURNS INTEGER "
                           "LANGUAGE sql IMMUTABLE AS $$ SELECT x * x $$; "
                           "CREATE INDEX t_sq ON t(sq(x)); INSERT INTO t VALUES (3)")
                    .ok());
  }
  auto db = Database::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  EXPECT_EQ(One(*s, "SELECT x FROM t WHERE sq(x) = 9"), Value(int64_t{3}));
}

TEST(EngineTest, GuestNeedsCapabilities) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT); "
                         "INSERT INTO users(name) VALUES ('a'), ('b'); "
                         "CREATE VIEW v AS SELECT * FROM users; "
                         "CREATE FUNCTION n() RETURNS INTEGER LANGUAGE sql AS "
                         "$$ SELECT count(*) FROM v $$")
                  .ok());
  EXPECT_EQ(Error(*s, "SELECT n()"),
            "permission denied: function \"n\" lacks DATABASE_READ('users') (through \"v\")");
  ASSERT_TRUE(s->Execute("ALTER FUNCTION n GRANT CAPABILITY DATABASE_READ('users')").ok());
  EXPECT_EQ(One(*s, "SELECT n()"), Value(int64_t{2}));
  auto audit = s->Execute("SELECT event, capability, target FROM sprocket_audit ORDER BY id");
  ASSERT_TRUE(audit.ok()) << audit.status().message();
  ASSERT_EQ(audit->rows.size(), 2u);
  EXPECT_EQ(audit->rows[0][0], Value("denied"));
  EXPECT_EQ(audit->rows[1][0], Value("grant"));
}

TEST(EngineTest, UserCannotWriteCatalog) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  EXPECT_NE(Error(*s, "DELETE FROM _sprocket_functions").find("Sprocket catalog"),
            std::string::npos);
  EXPECT_NE(Error(*s, "DROP TABLE _sprocket_triggers").find("Sprocket catalog"), std::string::npos);
  EXPECT_TRUE(s->Execute("SELECT * FROM sprocket_functions").ok());
}

TEST(EngineTest, ConcurrentSessions) {
  TempDb tmp;
  auto db = Database::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  {
    auto s = Connect(**db);
    ASSERT_TRUE(s->Execute("CREATE FUNCTION inc(x INTEGER) RETURNS INTEGER LANGUAGE sql AS "
                           "$$ SELECT x + 1 $$")
                    .ok());
  }
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = (*db)->Connect();
      if (!s.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < 200; ++i) {
        auto r = (*s)->Execute("SELECT inc(?1)", {Value(i + t)});
        if (!r.ok() || r->rows[0][0] != Value(int64_t{i + t + 1})) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

TEST(EngineTest, InterruptCancelsTheRunningStatement) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    while (!done.load()) {
      s->Interrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto r = s->Execute(
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c) SELECT count(*) FROM c");
  done = true;
  interrupter.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "interrupted");
  EXPECT_TRUE(s->Execute("SELECT 1").ok());
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

// Four threads, one session each, calling JavaScript functions at the same time: instances
// move between threads through the shared pool, each thread gets its own stack limit.
TEST(EngineTest, JavaScriptFromFourThreads) {
  TempDb tmp;
  std::atomic<int> logged{0};
  Options options;
  options.max_warm_instances = 3;  // fewer than threads: instances are created and evicted
  options.log_sink = [&](LogLevel, std::string_view, std::string_view) { ++logged; };
  auto db = Database::Open(tmp.path(), options);
  ASSERT_TRUE(db.ok()) << db.status().message();
  {
    auto s = Connect(**db);
    auto created = s->Execute(R"sql(
      CREATE TABLE t(x INTEGER);
      INSERT INTO t VALUES (1), (2), (3);
      CREATE FUNCTION twice(x INTEGER) RETURNS INTEGER LANGUAGE js AS $$ return x * 2 $$;
      CREATE FUNCTION sum_t() RETURNS INTEGER LANGUAGE js AS $$
        sprocket.log('summing');
        return sprocket.db.query('SELECT sum(x) AS s FROM t')[0].s;
      $$;
      ALTER FUNCTION sum_t GRANT CAPABILITY DATABASE_READ('t');
      CREATE FUNCTION rec(n INTEGER) RETURNS INTEGER LANGUAGE js AS $$
        function rec(n) { return n <= 0 ? 0 : 1 + rec(n - 1); }
      $$;
    )sql");
    ASSERT_TRUE(created.ok()) << created.status().message();
  }
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto s = (*db)->Connect();
      if (!s.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < 100; ++i) {
        auto r = (*s)->Execute("SELECT twice(?1), sum_t(), rec(500)", {Value(i + t)});
        if (!r.ok() || r->rows[0][0] != Value(int64_t{2 * (i + t)}) ||
            r->rows[0][1] != Value(int64_t{6}) || r->rows[0][2] != Value(int64_t{500})) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(logged.load(), 400);
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

void WriteFile(const std::string& path, std::string_view text) {
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fwrite(text.data(), 1, text.size(), f);
  std::fclose(f);
}

// Regression: the compiled-code key was built from the definition text, which for AS FILE
// holds the path: CREATE OR REPLACE with new file contents kept running the old code.
TEST(EngineTest, ReplacingAnAsFileFunctionRunsTheNewContents) {
  TempDb dir;
  std::string file = dir.path() + ".js";
  WriteFile(file, "return x + 1");
  auto db = Database::Open(dir.path());
  ASSERT_TRUE(db.ok()) << db.status().message();
  auto s = Connect(**db);
  std::string create =
      "CREATE OR REPLACE FUNCTION f(x INTEGER) RETURNS INTEGER LANGUAGE js AS FILE '" + file + "'";
  ASSERT_TRUE(s->Execute(create).ok());
  EXPECT_EQ(One(*s, "SELECT f(1)"), Value(2));
  WriteFile(file, "return x + 100");
  ASSERT_TRUE(s->Execute(create).ok());
  EXPECT_EQ(One(*s, "SELECT f(1)"), Value(101));
  // Another session of the same Database, and the same contents in another file.
  auto s2 = Connect(**db);
  EXPECT_EQ(One(*s2, "SELECT f(1)"), Value(101));
  std::string other = dir.path() + ".other.js";
  WriteFile(other, "return x + 100");
  ASSERT_TRUE(
      s->Execute("CREATE FUNCTION g(x INTEGER) RETURNS INTEGER LANGUAGE js AS FILE '" + other + "'")
          .ok());
  EXPECT_EQ(One(*s, "SELECT g(2)"), Value(102));
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

// Regression (reliability run): invalid UTF-8 in names and trigger arguments aborted the
// process (an uncaught exception of the JSON library writing the catalog).
TEST(EngineTest, InvalidUtf8InCatalogStatementsIsAnError) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE TABLE t(a INTEGER, b TEXT)").ok());
  ASSERT_TRUE(
      s->Execute("CREATE FUNCTION trig() RETURNS TRIGGER LANGUAGE js AS $$ return $$").ok());
  const std::string bad = "\xff";
  for (const std::string& sql : {
           "CREATE FUNCTION f(\"a" + bad +
               "\" INTEGER) RETURNS INTEGER LANGUAGE js AS $$ return 1 $$",
           "CREATE TRIGGER tr BEFORE INSERT ON t EXECUTE FUNCTION trig('x" + bad + "')",
           "CREATE FUNCTION g() RETURNS TABLE(\"c" + bad +
               "\" INTEGER) LANGUAGE js AS $$ return [] $$",
           "CREATE TRIGGER tr AFTER INSERT ON t REFERENCING NEW TABLE AS \"n" + bad +
               "\" FOR EACH STATEMENT EXECUTE FUNCTION trig()",
           "CREATE TRIGGER tr BEFORE UPDATE OF \"a" + bad + "\" ON t EXECUTE FUNCTION trig()",
       }) {
    auto r = s->Execute(sql);
    ASSERT_FALSE(r.ok()) << sql;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << sql;
    EXPECT_NE(r.status().message().find("invalid byte sequence for encoding \"UTF8\": 0xff"),
              std::string::npos)
        << r.status().message();
  }
  EXPECT_EQ(One(*s, "SELECT count(*) FROM sprocket_functions"), Value(1));
  EXPECT_EQ(One(*s, "SELECT count(*) FROM sprocket_triggers"), Value(0));
}

// Regression: a function name longer than SQLite's 255 bytes was accepted, after which
// every statement on the database failed, DROP FUNCTION included.
TEST(EngineTest, OverlongFunctionNamesAreRefused) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  std::string name(300, 'f');
  auto r =
      s->Execute("CREATE FUNCTION " + name + "() RETURNS INTEGER LANGUAGE js AS $$ return 1 $$");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is too long (300 bytes; at most 255)"), std::string::npos)
      << r.status().message();
  ASSERT_TRUE(
      s->Execute("CREATE FUNCTION short() RETURNS INTEGER LANGUAGE js AS $$ return 1 $$").ok());
  r = s->Execute("ALTER FUNCTION short RENAME TO " + name);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(One(*s, "SELECT short()"), Value(1));
  std::string longest(255, 'g');
  ASSERT_TRUE(s->Execute("ALTER FUNCTION short RENAME TO " + longest).ok());
  EXPECT_EQ(One(*s, "SELECT " + longest + "()"), Value(1));
  EXPECT_TRUE(s->Execute("DROP FUNCTION " + longest).ok());
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

// Regression: inside a plain BEGIN, the first write failed at once with "database is
// locked" while another connection held the write lock (the catalog check before the
// statement pinned a read snapshot that could never be upgraded); SQLite waits for the
// busy timeout.
TEST(EngineTest, FirstWriteInBeginWaitsForTheWriteLock) {
  TempDb dir;
  for (bool with_function : {false, true}) {
    auto db = Database::Open(dir.path());
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto a = Connect(**db);
    auto b = Connect(**db);
    ASSERT_TRUE(a->Execute("CREATE TABLE IF NOT EXISTS t(x)").ok());
    if (with_function) {
      ASSERT_TRUE(a->Execute("CREATE OR REPLACE FUNCTION f() RETURNS INTEGER LANGUAGE js AS "
                             "$$ return 1 $$")
                      .ok());
    }
    ASSERT_TRUE(a->Execute("BEGIN").ok());
    ASSERT_TRUE(a->Execute("INSERT INTO t VALUES (1)").ok());
    std::thread committer([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      EXPECT_TRUE(a->Execute("COMMIT").ok());
    });
    ASSERT_TRUE(b->Execute("BEGIN").ok());
    // Prepared inside the transaction, too.
    auto prepared = b->Prepare("INSERT INTO t VALUES (2)");
    ASSERT_TRUE(prepared.ok()) << prepared.status().message();
    auto stepped = (*prepared)->Step();
    EXPECT_TRUE(stepped.ok()) << stepped.status().message();
    auto r = b->Execute("INSERT INTO t VALUES (2)");
    committer.join();
    EXPECT_TRUE(r.ok()) << r.status().message();
    EXPECT_TRUE(b->Execute("COMMIT").ok());
    EXPECT_EQ(One(*b, "SELECT count(*) FROM t WHERE x = 2"), Value(with_function ? 4 : 2));
  }
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

// Interrupts `s` from another thread every few milliseconds until `sql` returns, and
// returns its result.
Result<ResultSet> ExecuteInterrupted(Session& s, std::string_view sql) {
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    while (!done.load()) {
      s.Interrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  auto r = s.Execute(sql);
  done = true;
  interrupter.join();
  return r;
}

// Regression: Session::Interrupt (Ctrl-C in the shell) did not stop JavaScript; a spinning
// function ran until its CPU limit.
TEST(EngineTest, InterruptStopsASpinningFunction) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE FUNCTION spin() RETURNS INTEGER LANGUAGE js AS $$ for (;;) {} $$; "
                         "ALTER FUNCTION spin SET max_cpu_time_ms = 600000")
                  .ok());
  auto r = ExecuteInterrupted(*s, "SELECT spin()");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "interrupted");
  // The session (and the function, with a new instance) work afterwards.
  ASSERT_TRUE(
      s->Execute("CREATE FUNCTION two() RETURNS INTEGER LANGUAGE js AS $$ return 2 $$").ok());
  EXPECT_EQ(One(*s, "SELECT two()"), Value(2));
}

// Regression: a slow BEFORE trigger over 2,000 rows ignored Ctrl-C and committed. The
// statement must stop with kCancelled and leave nothing behind; an enclosing transaction
// stays open.
TEST(EngineTest, InterruptStopsATriggerAndRollsBackTheStatement) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v INTEGER); "
                         "CREATE TABLE log(id INTEGER); "
                         "CREATE FUNCTION slow() RETURNS TRIGGER LANGUAGE js AS $$ "
                         "  const end = Date.now() + 5; while (Date.now() < end) {} "
                         "  NEW.v = NEW.id * 2; $$; "
                         "ALTER FUNCTION slow SET max_cpu_time_ms = 600000; "
                         "CREATE TRIGGER t_slow BEFORE INSERT ON t EXECUTE FUNCTION slow(); "
                         "CREATE TRIGGER t_log AFTER INSERT ON t LANGUAGE js AS $$ "
                         "  db.execute('INSERT INTO log VALUES (?)', [NEW.id]) $$")
                  .ok());
  const char* kInsert =
      "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) "
      "INSERT INTO t SELECT i, 0 FROM c";
  auto r = ExecuteInterrupted(*s, kInsert);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_EQ(r.status().message(), "interrupted");
  EXPECT_EQ(One(*s, "SELECT count(*) FROM t"), Value(0));
  EXPECT_EQ(One(*s, "SELECT count(*) FROM log"), Value(0));

  ASSERT_TRUE(s->Execute("BEGIN; INSERT INTO t VALUES (5000, 0)").ok());
  r = ExecuteInterrupted(*s, kInsert);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_FALSE(s->autocommit());
  ASSERT_TRUE(s->Execute("COMMIT").ok());
  EXPECT_EQ(One(*s, "SELECT count(*) FROM t"), Value(1));
  EXPECT_EQ(One(*s, "SELECT v FROM t"), Value(10000));
  EXPECT_EQ(One(*s, "SELECT count(*) FROM log"), Value(1));
}

}  // namespace
}  // namespace sprocket

namespace sprocket {
namespace {

// One statement runner: a prepared statement makes the same decisions as Execute (the
// savepoint, the trigger engine's view of the schema). A prepared ALTER TABLE … ADD
// COLUMN is seen by the next statement's triggers.
TEST(EngineTest, PreparedDdlIsSeenByTriggers) {
  auto db = Database::Open(":memory:");
  ASSERT_TRUE(db.ok());
  auto s = Connect(**db);
  ASSERT_TRUE(s->Execute("CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT); "
                         "CREATE TRIGGER t_fill BEFORE INSERT ON t LANGUAGE js AS $$ "
                         "  if ('c' in NEW) NEW.c = 'filled' $$; "
                         "INSERT INTO t(id, a) VALUES (1, 'x')")
                  .ok());
  auto alter = s->Prepare("ALTER TABLE t ADD COLUMN c TEXT");
  ASSERT_TRUE(alter.ok()) << alter.status().message();
  auto stepped = (*alter)->Step();
  ASSERT_TRUE(stepped.ok()) << stepped.status().message();
  auto insert = s->Prepare("INSERT INTO t(id, a) VALUES (2, 'y')");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE((*insert)->Step().ok());
  EXPECT_EQ(One(*s, "SELECT c FROM t WHERE id = 2"), Value("filled"));
}

}  // namespace
}  // namespace sprocket
