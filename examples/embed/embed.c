/* A C program using Sprocket through its C API, built against the installed library:
 *
 *   cc embed.c $(pkg-config --cflags --libs sprocket) -o embed_c && ./embed_c
 */
#include <sprocket/sprocket.h>
#include <stdio.h>

static void print_log(void* arg, int level, const char* function, const char* message) {
  (void)arg;
  printf("log %d %s: %s\n", level, function, message);
}

int main(void) {
  sprocket_options* options = sprocket_options_new();
  sprocket_options_set_log(options, print_log, NULL);
  sprocket_db* db;
  int rc = sprocket_open_v2(":memory:", options, &db);
  sprocket_options_free(options);
  if (rc != SPROCKET_OK) {
    fprintf(stderr, "open: %s\n", sprocket_errmsg(db));
    return 1;
  }
  if (sprocket_exec(db,
                    "CREATE TABLE items(name TEXT, price REAL);"
                    "INSERT INTO items VALUES ('pen', 2.0), ('lamp', 30.0);"
                    "CREATE FUNCTION add_tax(price REAL) RETURNS REAL LANGUAGE js AS $$"
                    "  sprocket.log('taxing ' + price); return price * 1.2 $$;") != SPROCKET_OK) {
    fprintf(stderr, "exec: %s (%s)\n", sprocket_errmsg(db), sprocket_sqlstate(db));
    return 1;
  }
  sprocket_stmt* st;
  if (sprocket_prepare(db, "SELECT name, add_tax(price) FROM items WHERE price > ?1 ORDER BY name",
                       &st) != SPROCKET_OK) {
    fprintf(stderr, "prepare: %s\n", sprocket_errmsg(db));
    return 1;
  }
  sprocket_bind_double(st, 1, 1.0);
  while ((rc = sprocket_step(st)) == SPROCKET_ROW) {
    printf("%s %.2f\n", sprocket_column_text(st, 0), sprocket_column_double(st, 1));
  }
  sprocket_finalize(st);
  if (rc != SPROCKET_DONE) {
    fprintf(stderr, "step: %s\n", sprocket_errmsg(db));
    return 1;
  }
  printf("sprocket %s\n", sprocket_libversion());
  sprocket_close(db);
  return 0;
}
