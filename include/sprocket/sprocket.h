/* Sprocket's C API, for languages other than C++.
 *
 *   sprocket_db* db;
 *   if (sprocket_open("app.db", &db) != SPROCKET_OK) { puts(sprocket_errmsg(db)); }
 *   sprocket_exec(db, "CREATE TABLE t(x)");
 *   sprocket_stmt* st;
 *   sprocket_prepare(db, "SELECT x FROM t WHERE x > ?1", &st);
 *   sprocket_bind_int64(st, 1, 10);
 *   while (sprocket_step(st) == SPROCKET_ROW) printf("%lld\n", sprocket_column_int64(st, 0));
 *   sprocket_finalize(st);
 *   sprocket_close(db);
 *
 * A sprocket_db is one database with one connection; use it from one thread at a time
 * (open one per thread). Strings returned point into the handle and stay valid until the
 * next call on it. Functions return SPROCKET_OK or an error code; sprocket_errmsg() tells
 * what went wrong.
 */
#ifndef SPROCKET_SPROCKET_H_
#define SPROCKET_SPROCKET_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sprocket_db sprocket_db;
typedef struct sprocket_stmt sprocket_stmt;

enum {
  SPROCKET_OK = 0,
  SPROCKET_ERROR = 1, /* any failure; sprocket_errcode() and sprocket_sqlstate() say which */
  SPROCKET_MISUSE = 21,
  SPROCKET_ROW = 100,
  SPROCKET_DONE = 101
};

enum {
  SPROCKET_NULL = 0,
  SPROCKET_INTEGER = 1,
  SPROCKET_REAL = 2,
  SPROCKET_TEXT = 3,
  SPROCKET_BLOB = 4
};

/* Opens or creates the database; *out is set even on failure (for sprocket_errmsg) and
 * must be passed to sprocket_close. */
int sprocket_open(const char* path, sprocket_db** out);

/* Options for sprocket_open_v2 (the C++ sprocket::Options). Made by sprocket_options_new,
 * freed by sprocket_options_free; sprocket_open_v2 copies what it needs. */
typedef struct sprocket_options sprocket_options;
sprocket_options* sprocket_options_new(void);
void sprocket_options_free(sprocket_options* options);
/* Integer settings: "busy_timeout_ms", "max_audit_events", "max_warm_instances",
 * "read_only" (0/1), "create_if_missing" (0/1). SPROCKET_MISUSE for an unknown name or a
 * negative value. */
int sprocket_options_set_int(sprocket_options* options, const char* name, int64_t value);
/* Text settings: "user" (ctx.session.user), "languages" (comma-separated, e.g. "sql"). */
int sprocket_options_set_text(sprocket_options* options, const char* name, const char* value);
/* Where guest log output (sprocket.log, console.*) goes: level 0 debug, 1 info, 2 warn,
 * 3 error. Called on the thread running the function; NULL discards the output. */
typedef void (*sprocket_log_fn)(void* arg, int level, const char* function, const char* message);
int sprocket_options_set_log(sprocket_options* options, sprocket_log_fn log, void* arg);
int sprocket_open_v2(const char* path, const sprocket_options* options, sprocket_db** out);

/* Makes the statement running on db fail soon with SQLSTATE 57014 ("interrupted"),
 * rolling it back. Safe from another thread or a signal handler. */
void sprocket_interrupt(sprocket_db* db);

/* Receives the notices statements raise ("NOTICE" or "WARNING", the message), on the
 * calling thread, before the call that ran the statement returns. NULL: discarded. */
typedef void (*sprocket_notice_fn)(void* arg, const char* severity, const char* message);
int sprocket_set_notice_handler(sprocket_db* db, sprocket_notice_fn handler, void* arg);
int sprocket_close(sprocket_db* db);
/* Runs one or more statements, discarding rows. */
int sprocket_exec(sprocket_db* db, const char* sql);
const char* sprocket_errmsg(sprocket_db* db);
/* The SQLSTATE of the last error ("00000" after success). */
const char* sprocket_sqlstate(sprocket_db* db);
int64_t sprocket_changes(sprocket_db* db);
int64_t sprocket_last_insert_rowid(sprocket_db* db);
const char* sprocket_libversion(void);

int sprocket_prepare(sprocket_db* db, const char* sql, sprocket_stmt** out);
int sprocket_bind_null(sprocket_stmt* st, int index);
int sprocket_bind_int64(sprocket_stmt* st, int index, int64_t value);
int sprocket_bind_double(sprocket_stmt* st, int index, double value);
int sprocket_bind_text(sprocket_stmt* st, int index, const char* text, int bytes);
int sprocket_bind_blob(sprocket_stmt* st, int index, const void* data, int bytes);
int sprocket_bind_parameter_index(sprocket_stmt* st, const char* name);
/* SPROCKET_ROW, SPROCKET_DONE or an error code. */
int sprocket_step(sprocket_stmt* st);
int sprocket_reset(sprocket_stmt* st);
int sprocket_column_count(sprocket_stmt* st);
const char* sprocket_column_name(sprocket_stmt* st, int column);
int sprocket_column_type(sprocket_stmt* st, int column);
int64_t sprocket_column_int64(sprocket_stmt* st, int column);
double sprocket_column_double(sprocket_stmt* st, int column);
/* NUL-terminated UTF-8; NULL for SQL NULL. */
const char* sprocket_column_text(sprocket_stmt* st, int column);
const void* sprocket_column_blob(sprocket_stmt* st, int column);
int sprocket_column_bytes(sprocket_stmt* st, int column);
int sprocket_finalize(sprocket_stmt* st);

#ifdef __cplusplus
}
#endif

#endif /* SPROCKET_SPROCKET_H_ */
