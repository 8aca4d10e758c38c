#!/usr/bin/env bash
# The sprocket shell's contract: output modes, scripts, errors and exit codes, dot commands.
#
#   test/cli/cli_test.sh build/sprocket
#
# Prints one line per failed check and exits 1 when any failed.
set -u

SPROCKET=${1:?usage: cli_test.sh path/to/sprocket}
SPROCKET=$(cd "$(dirname "$SPROCKET")" && pwd)/$(basename "$SPROCKET")
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/sprocket-cli-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
export HOME=$TMP  # keep the history file out of the real home

failures=0
checks=0

fail() {
  failures=$((failures + 1))
  echo "FAIL: $1"
  if [ $# -ge 3 ]; then
    echo "  expected: $(printf '%q' "$2")"
    echo "  actual:   $(printf '%q' "$3")"
  fi
}

# expect_eq NAME EXPECTED ACTUAL
expect_eq() {
  checks=$((checks + 1))
  [ "$2" == "$3" ] || fail "$1" "$2" "$3"
}

# expect_contains NAME NEEDLE HAYSTACK
expect_contains() {
  checks=$((checks + 1))
  case "$3" in
    *"$2"*) ;;
    *) fail "$1 (should contain $(printf '%q' "$2"))" "…$2…" "$3" ;;
  esac
}

# expect_not_contains NAME NEEDLE HAYSTACK
expect_not_contains() {
  checks=$((checks + 1))
  case "$3" in
    *"$2"*) fail "$1 (should not contain $(printf '%q' "$2"))" "" "$3" ;;
    *) ;;
  esac
}

# run ARGS... : runs sprocket with stdin from $STDIN (default: empty), sets OUT, ERR, CODE.
STDIN=""
run() {
  OUT=$(printf '%s' "$STDIN" | "$SPROCKET" "$@" 2>"$TMP/stderr")
  CODE=$?
  ERR=$(cat "$TMP/stderr")
  STDIN=""
}

nl=$'\n'

# --- output modes -----------------------------------------------------------------------
run :memory: "SELECT 1"
expect_eq "table mode" "1${nl}-${nl}1" "$OUT"
expect_eq "table mode exit code" 0 "$CODE"
expect_eq "table mode stderr" "" "$ERR"

run --csv :memory: "SELECT 1"
expect_eq "csv mode" "1${nl}1" "$OUT"

run --json :memory: "SELECT 1"
expect_eq "json mode" '[{"1":1}]' "$OUT"

run --no-header :memory: "SELECT 1"
expect_eq "table without header" "1" "$OUT"

STDIN="SELECT 1 AS n, 'x' AS s, NULL AS z, 2.5 AS r;"
run
expect_eq "default database is :memory:, table alignment" \
  "n  s  z       r${nl}-  -  ----  ---${nl}1  x  NULL  2.5" "$OUT"

run --csv :memory: "SELECT 'a,b' AS t, NULL AS n, '' AS e, 'say \"hi\"' AS q"
expect_eq "csv quoting and NULL" "t,n,e,q${nl}\"a,b\",,\"\",\"say \"\"hi\"\"\"" "$OUT"

run --json :memory: "SELECT 1 AS i, 1.5 AS r, 'x' AS t, NULL AS n, x'00ff' AS b UNION ALL SELECT 2, 120.0, 'y\"', NULL, x''"
expect_eq "json types" \
  "[{\"i\":1,\"r\":1.5,\"t\":\"x\",\"n\":null,\"b\":\"\\\\x00ff\"},${nl}{\"i\":2,\"r\":120.0,\"t\":\"y\\\"\",\"n\":null,\"b\":\"\\\\x\"}]" \
  "$OUT"

run --csv --json :memory: "SELECT 1"
expect_eq "--csv and --json exclude each other" 1 "$(( CODE != 0 ))"

# Statements that return no columns print nothing; each query prints its own result.
run --csv :memory: "CREATE TABLE t(a); INSERT INTO t VALUES (1), (2); SELECT a FROM t; SELECT count(*) AS n FROM t"
expect_eq "only queries print" "a${nl}1${nl}2${nl}n${nl}2" "$OUT"

run :memory: "SELECT 1 AS a; SELECT 2 AS b"
expect_eq "tables are separated by a blank line" "a${nl}-${nl}1${nl}${nl}b${nl}-${nl}2" "$OUT"

# --- version -----------------------------------------------------------------------------
run --version
expect_eq "--version exit code" 0 "$CODE"
expect_contains "--version first line" "sprocket " "$(head -n1 <<<"$OUT")"
expect_contains "--version mentions SQLite" "SQLite" "$OUT"
expect_contains "--version mentions V8" "V8" "$OUT"

# --- scripts on stdin: stop at the first error ------------------------------------------
STDIN="CREATE TABLE t(a);
INSERT INTO t VALUES (1);
SELECT 'before' AS s;
SELECT * FROM nope;
INSERT INTO t VALUES (2);
SELECT 'after' AS s;
"
run --csv --no-header "$TMP/stop.db"
expect_eq "script error exit code" 1 "$CODE"
expect_contains "script error on stderr" "Error: " "$ERR"
expect_contains "script error message" "no such table: nope" "$ERR"
expect_eq "results before the error were printed, none after" "before" "$OUT"
run --csv --no-header "$TMP/stop.db" "SELECT count(*), max(a) FROM t"
expect_eq "earlier statements persisted, later ones did not run" "1,1" "$OUT"

STDIN="SELECT 1 AS x;
SELECT 2 AS y;"
run --csv :memory:
expect_eq "stdin script exit code" 0 "$CODE"
expect_eq "stdin script output" "x${nl}1${nl}y${nl}2" "$OUT"

# A last statement without ';' still runs.
STDIN="SELECT 3 AS z"
run --csv --no-header
expect_eq "statement without ;" "3" "$OUT"

# A line starting with '.' inside a statement is SQL, not a dot command.
STDIN="SELECT 1 +
.5 AS v;"
run --csv --no-header
expect_eq "continuation line starting with ." "1.5" "$OUT"

# An error in the SQL argument.
run :memory: "SELECT * FROM nope"
expect_eq "SQL argument error exit code" 1 "$CODE"
expect_eq "SQL argument error output" "" "$OUT"
expect_contains "SQL argument error message" "Error: " "$ERR"

# --- -f FILE ------------------------------------------------------------------------------
cat >"$TMP/script.sql" <<'EOF'
-- a comment
CREATE TABLE fruit(name TEXT, price REAL);
INSERT INTO fruit VALUES ('apple', 1.5), ('pear', 2.0);
SELECT name, price FROM fruit ORDER BY name;
EOF
run --csv -f "$TMP/script.sql" "$TMP/f.db"
expect_eq "-f exit code" 0 "$CODE"
expect_eq "-f output" "name,price${nl}apple,1.5${nl}pear,2.0" "$OUT"

printf 'SELECT 1;\n\n-- next\nSELECT *\n  FROM nope;\nSELECT 2;\n' >"$TMP/bad.sql"
run -f "$TMP/bad.sql"
expect_eq "-f error exit code" 1 "$CODE"
expect_eq "-f error names file and line" "Error: $TMP/bad.sql:4: no such table: nope" "$ERR"

run -f "$TMP/missing.sql"
expect_eq "-f missing file exit code" 1 "$CODE"
expect_contains "-f missing file message" "Error: " "$ERR"

# --- dot commands -------------------------------------------------------------------------
STDIN="CREATE TABLE b(x);
CREATE TABLE a(y);
CREATE VIEW v AS SELECT x FROM b;
.tables
"
run :memory:
expect_eq ".tables" "a${nl}b${nl}v" "$OUT"

STDIN="CREATE TABLE t(a INTEGER, b TEXT);
CREATE INDEX t_b ON t(b);
.schema t
"
run :memory:
expect_eq ".schema NAME" "CREATE TABLE t(a INTEGER, b TEXT);${nl}CREATE INDEX t_b ON t(b);" "$OUT"

STDIN=".mode csv
SELECT 1 AS a;
.headers off
SELECT 2 AS b;
.mode json
SELECT 3 AS c;
.mode table
.headers on
SELECT 4 AS d;
"
run :memory:
expect_eq ".mode and .headers" "a${nl}1${nl}2${nl}[{\"c\":3}]${nl}d${nl}-${nl}4" "$OUT"

STDIN=".timer on
SELECT 1 AS one;
"
run --csv :memory:
expect_contains ".timer on prints the run time" "Run Time: real " "$OUT"
expect_contains ".timer keeps the result" "one${nl}1" "$OUT"

STDIN=".help"
run
expect_contains ".help lists .tables" ".tables" "$OUT"
expect_contains ".help lists .schema" ".schema" "$OUT"

STDIN="SELECT 1 AS a;
.foo
SELECT 2 AS b;
"
run --csv
expect_eq "unknown dot command exit code" 1 "$CODE"
expect_eq "unknown dot command message" 'Error: unknown command ".foo" (see .help)' "$ERR"
expect_eq "unknown dot command stops the script" "a${nl}1" "$OUT"

STDIN=".mode xml"
run
expect_eq "bad .mode argument exit code" 1 "$CODE"
expect_contains "bad .mode argument usage" "usage: .mode" "$ERR"

printf 'SELECT 42 AS answer;\n' >"$TMP/inner.sql"
STDIN=".read $TMP/inner.sql
SELECT 43 AS next;
"
run --csv --no-header
expect_eq ".read" "42${nl}43" "$OUT"

STDIN="SELECT 1 AS a;
.quit
SELECT 2 AS b;
"
run --csv --no-header
expect_eq ".quit stops" "1" "$OUT"
expect_eq ".quit exit code" 0 "$CODE"

run :memory: ".tables"
expect_eq "dot command as the SQL argument" 0 "$CODE"

# Functions and triggers from the catalog.
STDIN="CREATE TABLE orders(id INTEGER PRIMARY KEY, total REAL);
CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL LANGUAGE sql AS \$\$ SELECT price * (1 + rate) \$\$;
CREATE FUNCTION audit() RETURNS TRIGGER LANGUAGE sql AS \$\$ SELECT 1 \$\$;
CREATE TRIGGER orders_audit AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION audit();
SELECT add_tax(100, 0.2) AS with_tax;
.functions
.triggers
.schema
"
run --csv "$TMP/cat.db"
expect_eq "catalog script exit code" 0 "$CODE"
expect_eq "catalog script stderr" "" "$ERR"
expect_contains "SQL function result" "with_tax${nl}120.0" "$OUT"
expect_contains ".functions header" "name,language,arguments,returns,volatility" "$OUT"
expect_contains ".functions lists add_tax" "add_tax,sql," "$OUT"
expect_contains ".triggers header" "name,table_name,timing,events,level,function,language,enabled" "$OUT"
expect_contains ".triggers lists orders_audit" "orders_audit,orders," "$OUT"
expect_contains ".schema shows tables" "CREATE TABLE orders(id INTEGER PRIMARY KEY, total REAL);" "$OUT"
expect_contains ".schema shows functions" "CREATE FUNCTION add_tax" "$OUT"
expect_contains ".schema shows triggers" "CREATE TRIGGER orders_audit" "$OUT"
expect_not_contains ".schema hides the catalog" "sprocket_" "$OUT"
run "$TMP/cat.db" ".tables"
expect_eq ".tables hides the catalog" "orders" "$OUT"

# Notices go to stderr, psql-style, in order with the output; they are not errors.
run ":memory:" "DROP FUNCTION IF EXISTS nope(INTEGER); SELECT 1 AS one;"
expect_eq "notice exit code" 0 "$CODE"
expect_eq "notice on stderr" "NOTICE:  function nope(INTEGER) does not exist, skipping" "$ERR"
expect_contains "statement after a notice runs" "one" "$OUT"

# V8 is loaded only when JavaScript runs: a statement that calls no function does not
# load it, even with JavaScript functions in the catalog (start-up within 2x of sqlite3).
run "$TMP/lazy.db" "CREATE FUNCTION js_answer() RETURNS INTEGER LANGUAGE js AS \$\$ return 42 \$\$;"
expect_eq "lazy: create exit code" 0 "$CODE"
loaded=$(LD_DEBUG=files "$SPROCKET" "$TMP/lazy.db" "SELECT 1" 2>&1 | grep -c "libnode" || true)
expect_eq "lazy: SELECT 1 does not load V8" 0 "$loaded"
loaded=$(LD_DEBUG=files "$SPROCKET" "$TMP/lazy.db" "SELECT js_answer()" 2>&1 | grep -c "file=.*libnode" || true)
expect_eq "lazy: a JavaScript call loads V8" 1 "$([ "$loaded" -gt 0 ] && echo 1 || echo 0)"
run "$TMP/lazy.db" "SELECT js_answer() AS a"
expect_contains "lazy: the JavaScript call works" "42" "$OUT"

# .dump writes a script that rebuilds the database whole: tables and rows, indexes, views,
# SQLite triggers, functions (AS FILE ones with their source inline), limits, policies,
# grants, Sprocket triggers and their disabled state. Restored, it dumps the same.
FIXTURE="$HERE/dump_fixture.sql"
printf 'return x + 1' > "$TMP/inc.js"
run "$TMP/dump1.db" -f "$FIXTURE"
expect_eq "dump: fixture exit code" 0 "$CODE"
run "$TMP/dump1.db" "CREATE FUNCTION inc(x INTEGER) RETURNS INTEGER LANGUAGE js AS FILE '$TMP/inc.js'"
expect_eq "dump: AS FILE function" 0 "$CODE"
run "$TMP/dump1.db" ".dump"
expect_eq "dump: exit code" 0 "$CODE"
DUMP1="$OUT"
expect_contains "dump: starts a transaction" "BEGIN TRANSACTION;" "$DUMP1"
expect_contains "dump: rows" "INSERT INTO \"users\"(\"id\",\"name\",\"score\",\"avatar\") VALUES(2,'o''brien',0.1,NULL);" "$DUMP1"
expect_contains "dump: AS FILE source inline" 'LANGUAGE javascript AS $$return x + 1$$;  -- created AS FILE' "$DUMP1"
expect_contains "dump: grants" "ALTER FUNCTION \"audit\" GRANT CAPABILITY DATABASE_WRITE('log');" "$DUMP1"
expect_contains "dump: disabled trigger" 'ALTER TABLE "users" DISABLE TRIGGER "users_upper";' "$DUMP1"
expect_contains "dump: limits" "max_cpu_time_ms = 100, max_wall_time_ms = 2000, jit_level = 'fast'" "$DUMP1"
rm -f "$TMP/inc.js"  # the restored database must not need the file
STDIN="$DUMP1"
run "$TMP/dump2.db"
expect_eq "dump: restore exit code" 0 "$CODE"
run "$TMP/dump2.db" ".dump"
# (the function created AS FILE is now created with its source)
expect_eq "dump: the restored database dumps the same" "$(printf '%s' "$DUMP1" | sed 's/;  -- created AS FILE .*$/;/')" "$OUT"
run --csv "$TMP/dump2.db" "SELECT inc(1), (SELECT b FROM calc), n_users()"
expect_eq "dump: restored values" "inc(1),(SELECT b FROM calc),n_users()${nl}2,42,3" "$OUT"

echo "cli_test: $checks checks, $failures failed"
[ "$failures" -eq 0 ]
