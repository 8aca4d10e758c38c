// Failure testing in the SQLite tradition (sqlite.org/testing.html): out-of-memory
// injected into SQLite's allocator, I/O errors injected by a VFS, and V8 terminating a
// trigger in the middle of a statement. Whatever fails, the statement fails as a whole
// with a clear error, nothing of it remains, and PRAGMA integrity_check says "ok".
//
// The whole process's SQLite is instrumented (SQLITE_CONFIG_MALLOC must be set before
// SQLite initialises), so these tests live in a binary of their own.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <string>

#include "sprocket/sprocket.hpp"

namespace sprocket {
namespace {

// --- injected out-of-memory ---------------------------------------------------------------

sqlite3_mem_methods g_real_memory;
// Allocations left before they start failing; negative: never fail.
std::atomic<int64_t> g_allocations_left{-1};
std::atomic<int64_t> g_failed{0};

bool ShouldFail() {
  int64_t left = g_allocations_left.load(std::memory_order_relaxed);
  if (left < 0) return false;
  if (left == 0) {
    g_failed.fetch_add(1, std::memory_order_relaxed);
    return true;  // persistent: every allocation fails until reset
  }
  g_allocations_left.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

void* FailingMalloc(int n) { return ShouldFail() ? nullptr : g_real_memory.xMalloc(n); }
void* FailingRealloc(void* p, int n) {
  return ShouldFail() ? nullptr : g_real_memory.xRealloc(p, n);
}

void InstallFailingAllocator() {
  static bool installed = [] {
    sqlite3_config(SQLITE_CONFIG_GETMALLOC, &g_real_memory);
    sqlite3_mem_methods failing = g_real_memory;
    failing.xMalloc = FailingMalloc;
    failing.xRealloc = FailingRealloc;
    return sqlite3_config(SQLITE_CONFIG_MALLOC, &failing) == SQLITE_OK;
  }();
  ASSERT_TRUE(installed);
}

// --- injected I/O errors -------------------------------------------------------------------

sqlite3_vfs g_faulty_vfs;
sqlite3_vfs* g_real_vfs = nullptr;
std::atomic<int64_t> g_writes_left{-1};  // writes and syncs before they fail; <0: never

struct FaultyFile {
  sqlite3_file base;
  sqlite3_file* real;  // allocated after this struct
};
sqlite3_io_methods g_faulty_io;

bool WriteFails() {
  int64_t left = g_writes_left.load(std::memory_order_relaxed);
  if (left < 0) return false;
  if (left == 0) return true;
  g_writes_left.fetch_sub(1, std::memory_order_relaxed);
  return false;
}

sqlite3_file* Real(sqlite3_file* f) { return reinterpret_cast<FaultyFile*>(f)->real; }
int FaultyClose(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int FaultyRead(sqlite3_file* f, void* buf, int n, sqlite3_int64 off) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, off);
}
int FaultyWrite(sqlite3_file* f, const void* buf, int n, sqlite3_int64 off) {
  if (WriteFails()) return SQLITE_IOERR_WRITE;
  return Real(f)->pMethods->xWrite(Real(f), buf, n, off);
}
int FaultyTruncate(sqlite3_file* f, sqlite3_int64 size) {
  if (WriteFails()) return SQLITE_IOERR_TRUNCATE;
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int FaultySync(sqlite3_file* f, int flags) {
  if (WriteFails()) return SQLITE_IOERR_FSYNC;
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FaultySize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int FaultyLock(sqlite3_file* f, int l) { return Real(f)->pMethods->xLock(Real(f), l); }
int FaultyUnlock(sqlite3_file* f, int l) { return Real(f)->pMethods->xUnlock(Real(f), l); }
int FaultyCheck(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FaultyControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int FaultySector(sqlite3_file* f) { return Real(f)->pMethods->xSectorSize(Real(f)); }
int FaultyDevice(sqlite3_file* f) { return Real(f)->pMethods->xDeviceCharacteristics(Real(f)); }
int FaultyShmMap(sqlite3_file* f, int page, int size, int extend, void volatile** out) {
  return Real(f)->pMethods->xShmMap(Real(f), page, size, extend, out);
}
int FaultyShmLock(sqlite3_file* f, int offset, int n, int flags) {
  return Real(f)->pMethods->xShmLock(Real(f), offset, n, flags);
}
void FaultyShmBarrier(sqlite3_file* f) { Real(f)->pMethods->xShmBarrier(Real(f)); }
int FaultyShmUnmap(sqlite3_file* f, int del) { return Real(f)->pMethods->xShmUnmap(Real(f), del); }

int FaultyOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* f = reinterpret_cast<FaultyFile*>(file);
  f->real = reinterpret_cast<sqlite3_file*>(f + 1);
  int rc = g_real_vfs->xOpen(g_real_vfs, name, f->real, flags, out_flags);
  f->base.pMethods = f->real->pMethods != nullptr ? &g_faulty_io : nullptr;
  return rc;
}

void InstallFaultyVfs() {
  static bool installed = [] {
    g_real_vfs = sqlite3_vfs_find(nullptr);
    g_faulty_vfs = *g_real_vfs;
    g_faulty_vfs.zName = "faulty";
    g_faulty_vfs.szOsFile = static_cast<int>(sizeof(FaultyFile)) + g_real_vfs->szOsFile;
    g_faulty_vfs.xOpen = FaultyOpen;
    g_faulty_vfs.pNext = nullptr;
    g_faulty_io = {};
    g_faulty_io.iVersion = 2;
    g_faulty_io.xClose = FaultyClose;
    g_faulty_io.xRead = FaultyRead;
    g_faulty_io.xWrite = FaultyWrite;
    g_faulty_io.xTruncate = FaultyTruncate;
    g_faulty_io.xSync = FaultySync;
    g_faulty_io.xFileSize = FaultySize;
    g_faulty_io.xLock = FaultyLock;
    g_faulty_io.xUnlock = FaultyUnlock;
    g_faulty_io.xCheckReservedLock = FaultyCheck;
    g_faulty_io.xFileControl = FaultyControl;
    g_faulty_io.xSectorSize = FaultySector;
    g_faulty_io.xDeviceCharacteristics = FaultyDevice;
    g_faulty_io.xShmMap = FaultyShmMap;
    g_faulty_io.xShmLock = FaultyShmLock;
    g_faulty_io.xShmBarrier = FaultyShmBarrier;
    g_faulty_io.xShmUnmap = FaultyShmUnmap;
    return sqlite3_vfs_register(&g_faulty_vfs, /*makeDflt=*/0) == SQLITE_OK;
  }();
  ASSERT_TRUE(installed);
}

// --- the workload ----------------------------------------------------------------------------

class TempDir {
 public:
  TempDir() {
    path_ =
        std::filesystem::temp_directory_path() /
        ("sprocket-failure-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path path_;
};

// A table with a JavaScript BEFORE trigger (row loop), an AFTER audit trigger (capture)
// and a SQL function in a CHECK: every part of the engine a write goes through.
constexpr const char* kSchema =
    "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT, qty INTEGER CHECK (qty >= 0), "
    "label TEXT);"
    "CREATE TABLE audit(item INTEGER, what TEXT);"
    "CREATE TRIGGER items_label BEFORE INSERT OR UPDATE ON items LANGUAGE js AS $$ "
    "  NEW.label = NEW.name + ':' + NEW.qty $$;"
    "CREATE TRIGGER items_audit AFTER INSERT OR UPDATE ON items LANGUAGE js AS $$ "
    "  db.execute('INSERT INTO audit VALUES (?, ?)', [NEW.id, NEW.label]) $$;"
    "INSERT INTO items(id, name, qty) VALUES (1, 'seed', 1);";

constexpr const char* kStatement =
    "WITH RECURSIVE c(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM c WHERE i < 300) "
    "INSERT INTO items(id, name, qty) SELECT i, 'item ' || i, i FROM c";

std::string IntegrityCheck(Session& s) {
  auto r = s.Execute("PRAGMA integrity_check");
  if (!r.ok()) return r.status().message();
  return r->rows.empty() ? "" : r->rows[0][0].ToString();
}

int64_t Count(Session& s, const std::string& table) {
  auto r = s.Execute("SELECT count(*) FROM " + table);
  return r.ok() ? r->rows[0][0].integer() : -1;
}

// The statement either happened whole (299 items, 299 more audit rows) or not at all.
void ExpectAtomic(Session& s, bool succeeded, int64_t attempt) {
  int64_t items = Count(s, "items"), audit = Count(s, "audit");
  if (succeeded) {
    EXPECT_EQ(items, 300) << attempt;
    EXPECT_EQ(audit, 300) << attempt;
  } else {
    EXPECT_EQ(items, 1) << attempt;
    EXPECT_EQ(audit, 1) << attempt;
  }
}

TEST(FailureTest, OutOfMemoryInjectedIntoSqlite) {
  InstallFailingAllocator();
  TempDir dir;
  int failures = 0;
  // The first allocations of the statement, one by one, then every few hundred.
  for (int64_t n = 0; n < 4000; n += (n < 200 ? 1 : 97)) {
    std::string path = dir.file("oom" + std::to_string(n) + ".db");
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto s = (*db)->Connect();
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Execute(kSchema).ok());
    g_allocations_left = n;
    auto r = (*s)->Execute(kStatement);
    g_allocations_left = -1;
    if (!r.ok()) {
      ++failures;
      // A clear error, not a crash or a hang: SQLite's "out of memory", or an error an
      // allocation failure caused on the way.
      EXPECT_FALSE(r.status().message().empty()) << n;
    }
    EXPECT_EQ(IntegrityCheck(**s), "ok") << n << ": " << r.status().message();
    ExpectAtomic(**s, r.ok(), n);
    if (!r.ok() && Count(**s, "items") != 1) ADD_FAILURE() << n << ": " << r.status().ToString();
    if (r.ok()) break;  // beyond the statement's allocations: nothing more to inject
  }
  EXPECT_GT(failures, 10);
}

TEST(FailureTest, IoErrorsInjectedByAVfs) {
  InstallFaultyVfs();
  TempDir dir;
  int failures = 0;
  for (int64_t n = 0; n < 400; ++n) {
    std::string path = "file:" + dir.file("io" + std::to_string(n) + ".db") + "?vfs=faulty";
    auto db = Database::Open(path);
    ASSERT_TRUE(db.ok()) << db.status().message();
    auto s = (*db)->Connect();
    ASSERT_TRUE(s.ok());
    ASSERT_TRUE((*s)->Execute(kSchema).ok());
    g_writes_left = n;
    auto r = (*s)->Execute(kStatement);
    g_writes_left = -1;
    if (!r.ok()) {
      ++failures;
      EXPECT_TRUE(r.status().code() == StatusCode::kIoError ||
                  r.status().message().find("I/O") != std::string::npos ||
                  r.status().message().find("disk") != std::string::npos)
          << n << ": " << r.status().ToString();
    }
    // A write may have failed after the statement committed part of the WAL: reopening
    // recovers, as after a crash.
    s->reset();
    db->reset();
    auto reopened = Database::Open(path);
    ASSERT_TRUE(reopened.ok()) << reopened.status().message();
    auto s2 = (*reopened)->Connect();
    ASSERT_TRUE(s2.ok());
    EXPECT_EQ(IntegrityCheck(**s2), "ok") << n;
    ExpectAtomic(**s2, r.ok(), n);
    if (r.ok()) break;
  }
  EXPECT_GT(failures, 0);
}

TEST(FailureTest, V8TerminatesATriggerMidStatement) {
  TempDir dir;
  auto db = Database::Open(dir.file("v8.db"));
  ASSERT_TRUE(db.ok());
  auto s = (*db)->Connect();
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Execute(kSchema).ok());
  // On row 150 the trigger spins until the watchdog terminates it; then it runs out of
  // memory on row 150 of the next statement.
  ASSERT_TRUE((*s)->Execute("CREATE TRIGGER items_spin BEFORE INSERT ON items LANGUAGE js AS $$ "
                            "  if (NEW.id === 150) for (;;) {} $$;"
                            "ALTER TRIGGER items_spin ON items SET SECURITY POLICY DEFAULT")
                  .ok());
  ASSERT_TRUE((*s)->Execute("ALTER TABLE items DISABLE TRIGGER items_spin").ok());
  ASSERT_TRUE((*s)->Execute("CREATE FUNCTION spin_fn() RETURNS TRIGGER LANGUAGE js AS $$ "
                            "  if (ctx.NEW.id === 150) for (;;) {} $$; "
                            "ALTER FUNCTION spin_fn SET max_cpu_time_ms = 50; "
                            "CREATE TRIGGER items_spin2 BEFORE INSERT ON items EXECUTE FUNCTION "
                            "spin_fn()")
                  .ok());
  auto r = (*s)->Execute(kStatement);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(r.status().message().find("exceeded its CPU time limit (50 ms)"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(IntegrityCheck(**s), "ok");
  ExpectAtomic(**s, false, 0);

  ASSERT_TRUE((*s)->Execute("CREATE OR REPLACE FUNCTION spin_fn() RETURNS TRIGGER LANGUAGE js AS "
                            "$$ if (ctx.NEW.id === 150) { const a = []; for (;;) a.push({x: "
                            "a.length}); } $$;"
                            "ALTER FUNCTION spin_fn SET max_cpu_time_ms = 60000, "
                            "max_memory_bytes = 8388608")
                  .ok());
  r = (*s)->Execute(kStatement);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("exceeded its memory limit (8 MiB)"), std::string::npos)
      << r.status().message();
  EXPECT_EQ(IntegrityCheck(**s), "ok");
  ExpectAtomic(**s, false, 1);

  // Without the failing trigger the statement works, on the same session.
  ASSERT_TRUE((*s)->Execute("DROP TRIGGER items_spin2 ON items").ok());
  r = (*s)->Execute(kStatement);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectAtomic(**s, true, 2);
}

}  // namespace
}  // namespace sprocket
