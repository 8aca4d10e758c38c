#!/usr/bin/env python3
"""Side-by-side benchmark: Sprocket against PostgreSQL 15 and SQLite (docs/design.md §9).

Every workload is one statement over N rows (INSERT … SELECT, UPDATE or DELETE), run R
times on a freshly reset table in its own transaction. The table reports the median
rows/s of the R runs beside the PostgreSQL row it competes with and the §9 anchor/target.

    python3 bench/compare/compare.py [--rows N] [--repeat R] [--driver PATH]
                                     [--json OUT] [--markdown] [--only REGEX]

PostgreSQL runs in a throwaway cluster (initdb in a temp dir, 127.0.0.1 on a free port),
which is always stopped and deleted at the end, also on Ctrl-C / SIGTERM. SQLite runs
in-process through Python's sqlite3 module, which on Debian is the system libsqlite3 (the
same library the sqlite3 CLI links). Sprocket runs through bench/compare/sprocket_driver.
How each engine is timed, and how to add a row: bench/compare/README.md.

Standard library only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import pwd
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_PG_BIN = "/usr/lib/postgresql/15/bin"
DEFAULT_DRIVER = os.path.join(REPO_ROOT, "build", "bench", "sprocket_driver")


# --------------------------------------------------------------------------------------
# Durability: what one commit promises, matched between the engines.
#
# "normal" (the default) is SQLite's WAL + synchronous=NORMAL: a commit writes the WAL but
# does not fsync it, so a power loss may lose the last transactions but never corrupts the
# database; the WAL is fsynced at checkpoints. PostgreSQL's equivalent is fsync=on with
# synchronous_commit=off: the commit returns before its WAL is flushed (the WAL writer
# flushes it within wal_writer_delay), with the same guarantee.
# "full" fsyncs at every commit in both: synchronous=FULL / synchronous_commit=on.
DURABILITY = {
    "normal": {"sqlite_synchronous": "NORMAL", "pg_synchronous_commit": "off"},
    "full": {"sqlite_synchronous": "FULL", "pg_synchronous_commit": "on"},
}

# PostgreSQL settings of the throwaway cluster. Everything else is the PG 15 default
# (shared_buffers 128MB, wal_level replica, full_page_writes on, max_wal_size 1GB).
PG_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "on",
    "full_page_writes": "on",
    # These plans gain nothing from JIT; at a larger --rows their cost would cross
    # jit_above_cost and compile time would be timed. OLTP deployments turn it off.
    "jit": "off",
    # No background vacuum/analyze stealing one of two cores in the middle of a timing;
    # workloads that need statistics or hint bits run VACUUM ANALYZE in their reset step.
    "autovacuum": "off",
    # Server-side statement timing comes from this log line (see PostgresServer.run).
    "log_min_duration_statement": "0",
    "log_checkpoints": "off",
    "lc_messages": "'C'",
}


# --------------------------------------------------------------------------------------
# Workloads. Placeholders in the SQL: @ROWS@ (--rows) and @SYNC@ (SQLite synchronous).

@dataclasses.dataclass(frozen=True)
class Workload:
    """One row of the table: one statement measured on one engine.

    setup     runs once (untimed): schema, source data, functions, triggers.
    reset     runs before every repetition (untimed): empties or refills the target.
              The harness appends CHECKPOINT (PostgreSQL) or PRAGMA wal_checkpoint(TRUNCATE)
              (SQLite, Sprocket), so every repetition starts from the same state.
    measure   the timed SQL: one statement (PostgreSQL and SQLite time exactly one).
    check     optional query run after the last repetition; its single value must equal
              @ROWS@ (proves the trigger/function really ran on every row).
    teardown  runs at the end, also after a failure (untimed).
    baseline  key of the row the "vs" column divides by (a PostgreSQL row).
    anchor    docs/design.md §9 anchor figure for this row, rows/s (context only).
    target    docs/design.md §9 minimum for this row, rows/s (a Sprocket row below it is flagged).
    """

    key: str
    workload: str
    engine: str  # "postgresql" | "sqlite" | "sprocket"
    variant: str
    setup: str
    measure: str
    reset: str = ""
    check: str = ""
    teardown: str = ""
    baseline: str | None = None
    anchor: int | None = None
    target: int | None = None
    note: str = ""


ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "sprocket": "Sprocket"}

W_PLAIN = "INSERT…SELECT, no trigger"
W_BEFORE = "INSERT…SELECT, BEFORE ROW check + derive"
W_AUDIT = "INSERT…SELECT, AFTER ROW audit insert"
W_FUNC = "INSERT…SELECT, scalar full_name() in select list"
W_UPDATE = "UPDATE all rows, BEFORE + AFTER audit triggers"
W_DELETE = "DELETE all rows, BEFORE + AFTER audit triggers"

# The timed statements, the same text on every engine.
INSERT_SELECT = (
    "INSERT INTO t (id, first_name, last_name, amount) "
    "SELECT id, first_name, last_name, amount FROM src"
)
INSERT_SELECT_FUNC = (
    "INSERT INTO t (id, first_name, last_name, amount, full_name) "
    "SELECT id, first_name, last_name, amount, full_name(first_name, last_name) FROM src"
)
INSERT_SELECT_EXPR = (
    "INSERT INTO t (id, first_name, last_name, amount, full_name) "
    "SELECT id, first_name, last_name, amount, first_name || ' ' || last_name FROM src"
)
UPDATE_ALL = "UPDATE t SET amount = amount + 1"
DELETE_ALL = "DELETE FROM t"

CHECK_ROWS = "SELECT count(*) FROM t"
CHECK_FULL_NAME = "SELECT count(*) FROM t WHERE full_name = first_name || ' ' || last_name"
CHECK_AUDIT = "SELECT count(*) FROM audit_log WHERE op = 'INSERT'"
CHECK_AUDIT_UPDATE = "SELECT count(*) FROM audit_log WHERE op = 'UPDATE'"
CHECK_AUDIT_DELETE = "SELECT count(*) FROM audit_log WHERE op = 'DELETE'"

# ---- PostgreSQL ----------------------------------------------------------------------

PG_SRC = """
CREATE TABLE src (
  id bigint PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  amount double precision NOT NULL
);
INSERT INTO src SELECT i, 'first' || i, 'last' || i, (i % 1000) / 10.0
  FROM generate_series(1, @ROWS@) AS i;
VACUUM ANALYZE src;
"""

PG_T = """
CREATE TABLE t (
  id bigint PRIMARY KEY,
  first_name text NOT NULL,
  last_name text NOT NULL,
  amount double precision NOT NULL,
  full_name text
);
"""

PG_AUDIT_LOG = """
CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  table_name text NOT NULL,
  op text NOT NULL,
  row_id bigint NOT NULL,
  row_data text NOT NULL
);
"""

PG_CHECK_DERIVE = """
CREATE FUNCTION check_derive() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.amount < 0 THEN
    RAISE EXCEPTION 'amount must be >= 0, got %', NEW.amount;
  END IF;
  NEW.full_name := NEW.first_name || ' ' || NEW.last_name;
  RETURN NEW;
END
$$;
"""

PG_CHECK_DERIVE_PY = """
CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE FUNCTION check_derive_py() RETURNS trigger LANGUAGE plpython3u AS $$
new = TD["new"]
if new["amount"] < 0:
    plpy.error("amount must be >= 0, got %s" % new["amount"])
new["full_name"] = new["first_name"] + " " + new["last_name"]
return "MODIFY"
$$;
"""

PG_CHECK_DELETE = """
CREATE FUNCTION check_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.amount < 0 THEN
    RAISE EXCEPTION 'cannot delete row % with a negative amount', OLD.id;
  END IF;
  RETURN OLD;
END
$$;
"""

PG_AUDIT_FUNCS = """
CREATE FUNCTION audit_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (table_name, op, row_id, row_data)
    VALUES (TG_TABLE_NAME, TG_OP, NEW.id, row_to_json(NEW)::text);
  RETURN NULL;
END
$$;
CREATE FUNCTION audit_old() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit_log (table_name, op, row_id, row_data)
    VALUES (TG_TABLE_NAME, TG_OP, OLD.id, row_to_json(OLD)::text);
  RETURN NULL;
END
$$;
"""

PG_ALL_TRIGGERS = PG_CHECK_DERIVE + PG_CHECK_DELETE + PG_AUDIT_FUNCS + """
CREATE TRIGGER t_before BEFORE INSERT OR UPDATE ON t
  FOR EACH ROW EXECUTE FUNCTION check_derive();
CREATE TRIGGER t_before_delete BEFORE DELETE ON t
  FOR EACH ROW EXECUTE FUNCTION check_delete();
CREATE TRIGGER t_audit AFTER INSERT OR UPDATE ON t
  FOR EACH ROW EXECUTE FUNCTION audit_new();
CREATE TRIGGER t_audit_delete AFTER DELETE ON t
  FOR EACH ROW EXECUTE FUNCTION audit_old();
"""

PG_TEARDOWN = """
DROP TABLE IF EXISTS t, audit_log, src CASCADE;
DROP FUNCTION IF EXISTS check_derive(), check_derive_py(), check_delete(), audit_new(),
  audit_old(), full_name(text, text) CASCADE;
"""

PG_RESET = "TRUNCATE t;"
PG_RESET_AUDIT = "TRUNCATE t, audit_log RESTART IDENTITY;"
# UPDATE/DELETE need the N rows back, audited once by the refill and then cleared.
PG_RESET_REFILL = f"""
TRUNCATE t, audit_log RESTART IDENTITY;
{INSERT_SELECT};
TRUNCATE audit_log RESTART IDENTITY;
VACUUM ANALYZE t;
"""

# ---- SQLite dialect (SQLite and Sprocket rows share it) -----------------------------

LITE_SRC = """
CREATE TABLE src (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  amount REAL NOT NULL
);
WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < @ROWS@)
INSERT INTO src SELECT i, 'first' || i, 'last' || i, (i % 1000) / 10.0 FROM g;
"""

LITE_T = """
CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  amount REAL NOT NULL,
  full_name TEXT
);
"""

# SQLite's BEFORE triggers cannot assign NEW.full_name; a STORED generated column is the
# native way to derive it (written once, no second UPDATE).
LITE_T_GENERATED = """
CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  amount REAL NOT NULL,
  full_name TEXT GENERATED ALWAYS AS (first_name || ' ' || last_name) STORED
);
"""

LITE_AUDIT_LOG = """
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY,
  table_name TEXT NOT NULL,
  op TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  row_data TEXT NOT NULL
);
"""

LITE_CHECK = """
CREATE TRIGGER t_check BEFORE INSERT ON t FOR EACH ROW WHEN NEW.amount < 0 BEGIN
  SELECT RAISE(ABORT, 'amount must be >= 0');
END;
"""

# The derive step as an AFTER trigger that writes the row a second time.
LITE_DERIVE = """
CREATE TRIGGER t_derive AFTER INSERT ON t FOR EACH ROW BEGIN
  UPDATE t SET full_name = NEW.first_name || ' ' || NEW.last_name WHERE id = NEW.id;
END;
"""


def _lite_audit_trigger(name: str, event: str, row: str) -> str:
    return f"""
CREATE TRIGGER {name} AFTER {event} ON t FOR EACH ROW BEGIN
  INSERT INTO audit_log (table_name, op, row_id, row_data) VALUES ('t', '{event}', {row}.id,
    json_object('id', {row}.id, 'first_name', {row}.first_name, 'last_name', {row}.last_name,
                'amount', {row}.amount, 'full_name', {row}.full_name));
END;
"""


LITE_AUDIT = _lite_audit_trigger("t_audit", "INSERT", "NEW")

LITE_ALL_TRIGGERS = (
    LITE_CHECK
    + LITE_DERIVE
    + """
CREATE TRIGGER t_check_update BEFORE UPDATE ON t FOR EACH ROW WHEN NEW.amount < 0 BEGIN
  SELECT RAISE(ABORT, 'amount must be >= 0');
END;
CREATE TRIGGER t_derive_update AFTER UPDATE OF first_name, last_name ON t FOR EACH ROW BEGIN
  UPDATE t SET full_name = NEW.first_name || ' ' || NEW.last_name WHERE id = NEW.id;
END;
CREATE TRIGGER t_check_delete BEFORE DELETE ON t FOR EACH ROW WHEN OLD.amount < 0 BEGIN
  SELECT RAISE(ABORT, 'cannot delete a row with a negative amount');
END;
"""
    + LITE_AUDIT
    + _lite_audit_trigger("t_audit_update", "UPDATE", "NEW")
    + _lite_audit_trigger("t_audit_delete", "DELETE", "OLD")
)

LITE_RESET = "DELETE FROM t;"
LITE_RESET_AUDIT = "DELETE FROM t; DELETE FROM audit_log;"
LITE_RESET_REFILL = f"""
DELETE FROM t;
{INSERT_SELECT};
DELETE FROM audit_log;
"""

SPROCKET_FULL_NAME_JS = """
CREATE FUNCTION full_name(f TEXT, l TEXT) RETURNS TEXT LANGUAGE javascript IMMUTABLE AS $$
  return f + ' ' + l
$$;
"""

SPROCKET_FULL_NAME = """
CREATE FUNCTION full_name(f TEXT, l TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE AS $$
  SELECT f || ' ' || l
$$;
"""

# The same triggers in JavaScript, as Sprocket users write them (docs/design.md §3.2).
SPROCKET_JS_CHECK_DERIVE = """
CREATE FUNCTION check_derive() RETURNS TRIGGER LANGUAGE javascript AS $$
function check_derive(ctx) {
  const row = ctx.NEW;
  if (row.amount < 0) throw new Error(`amount must be >= 0, got ${row.amount}`);
  row.full_name = row.first_name + ' ' + row.last_name;
  return row;
}
$$;
"""

SPROCKET_JS_AUDIT_FUNCS = """
CREATE FUNCTION audit_new() RETURNS TRIGGER LANGUAGE javascript AS $$
function audit_new(ctx) {
  ctx.db.insert('audit_log', { table_name: ctx.TG_TABLE_NAME, op: ctx.TG_OP, row_id: ctx.NEW.id,
                               row_data: JSON.stringify(ctx.NEW) });
}
$$;
ALTER FUNCTION audit_new GRANT CAPABILITY DATABASE_WRITE('audit_log');
CREATE FUNCTION audit_old() RETURNS TRIGGER LANGUAGE javascript AS $$
function audit_old(ctx) {
  ctx.db.insert('audit_log', { table_name: ctx.TG_TABLE_NAME, op: ctx.TG_OP, row_id: ctx.OLD.id,
                               row_data: JSON.stringify(ctx.OLD) });
}
$$;
ALTER FUNCTION audit_old GRANT CAPABILITY DATABASE_WRITE('audit_log');
"""

SPROCKET_JS_CHECK_DELETE = """
CREATE FUNCTION check_delete() RETURNS TRIGGER LANGUAGE javascript AS $$
function check_delete(ctx) {
  if (ctx.OLD.amount < 0) throw new Error(`cannot delete row ${ctx.OLD.id} with a negative amount`);
  return ctx.OLD;
}
$$;
"""

SPROCKET_JS_ALL_TRIGGERS = SPROCKET_JS_CHECK_DERIVE + SPROCKET_JS_CHECK_DELETE + \
    SPROCKET_JS_AUDIT_FUNCS + """
CREATE TRIGGER t_before BEFORE INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION check_derive();
CREATE TRIGGER t_before_delete BEFORE DELETE ON t FOR EACH ROW EXECUTE FUNCTION check_delete();
CREATE TRIGGER t_audit AFTER INSERT OR UPDATE ON t FOR EACH ROW EXECUTE FUNCTION audit_new();
CREATE TRIGGER t_audit_delete AFTER DELETE ON t FOR EACH ROW EXECUTE FUNCTION audit_old();
"""

# The table, in display order. To add a row, append a Workload (see README.md).
WORKLOADS: list[Workload] = [
    # -- no trigger --
    Workload(
        key="pg.insert.plain", workload=W_PLAIN, engine="postgresql", variant="",
        setup=PG_SRC + PG_T, reset=PG_RESET, measure=INSERT_SELECT, check=CHECK_ROWS,
        teardown=PG_TEARDOWN, anchor=980_000),
    Workload(
        key="sqlite.insert.plain", workload=W_PLAIN, engine="sqlite", variant="",
        setup=LITE_SRC + LITE_T, reset=LITE_RESET, measure=INSERT_SELECT, check=CHECK_ROWS,
        baseline="pg.insert.plain"),
    Workload(
        key="sprocket.insert.plain", workload=W_PLAIN, engine="sprocket", variant="",
        setup=LITE_SRC + LITE_T, reset=LITE_RESET, measure=INSERT_SELECT, check=CHECK_ROWS,
        baseline="pg.insert.plain"),
    # -- BEFORE ROW check + derive --
    Workload(
        key="pg.insert.plpgsql_before", workload=W_BEFORE, engine="postgresql",
        variant="PL/pgSQL",
        setup=PG_SRC + PG_T + PG_CHECK_DERIVE + """
CREATE TRIGGER t_before BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION check_derive();
""",
        reset=PG_RESET, measure=INSERT_SELECT, check=CHECK_FULL_NAME, teardown=PG_TEARDOWN,
        anchor=410_000),
    Workload(
        key="pg.insert.plpython_before", workload=W_BEFORE, engine="postgresql",
        variant="PL/Python",
        setup=PG_SRC + PG_T + PG_CHECK_DERIVE_PY + """
CREATE TRIGGER t_before BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION check_derive_py();
""",
        reset=PG_RESET, measure=INSERT_SELECT, check=CHECK_FULL_NAME, teardown=PG_TEARDOWN,
        baseline="pg.insert.plpgsql_before", anchor=180_000),
    Workload(
        key="sqlite.insert.sql_before", workload=W_BEFORE, engine="sqlite",
        variant="SQL triggers",
        setup=LITE_SRC + LITE_T + LITE_CHECK + LITE_DERIVE, reset=LITE_RESET,
        measure=INSERT_SELECT, check=CHECK_FULL_NAME, baseline="pg.insert.plpgsql_before",
        note="BEFORE INSERT trigger checks amount (RAISE(ABORT)); SQLite BEFORE triggers "
             "cannot modify NEW, so an AFTER INSERT trigger derives full_name with an "
             "UPDATE of the row (two writes per row)"),
    Workload(
        key="sqlite.insert.sql_before_generated", workload=W_BEFORE, engine="sqlite",
        variant="SQL trigger + generated column",
        setup=LITE_SRC + LITE_T_GENERATED + LITE_CHECK, reset=LITE_RESET,
        measure=INSERT_SELECT, check=CHECK_FULL_NAME, baseline="pg.insert.plpgsql_before",
        note="BEFORE INSERT trigger checks amount; full_name is a STORED generated column "
             "(SQLite's native way to derive a column)"),
    Workload(
        key="sprocket.insert.js_before", workload=W_BEFORE, engine="sprocket",
        variant="JavaScript",
        setup=LITE_SRC + LITE_T + SPROCKET_JS_CHECK_DERIVE + """
CREATE TRIGGER t_before BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION check_derive();
""",
        reset=LITE_RESET, measure=INSERT_SELECT, check=CHECK_FULL_NAME,
        baseline="pg.insert.plpgsql_before", target=600_000,
        note="the PL/pgSQL function's logic in JS: the engine owns the row loop"),
    Workload(
        key="sprocket.insert.js_before_inline", workload=W_BEFORE, engine="sprocket",
        variant="JavaScript, inline trigger",
        setup=LITE_SRC + LITE_T + """
CREATE TRIGGER t_before BEFORE INSERT ON t LANGUAGE js AS $$
  if (NEW.amount < 0) throw new Error(`amount must be >= 0, got ${NEW.amount}`);
  NEW.full_name = NEW.first_name + ' ' + NEW.last_name;
$$;
""",
        reset=LITE_RESET, measure=INSERT_SELECT, check=CHECK_FULL_NAME,
        baseline="pg.insert.plpgsql_before", target=600_000),
    # -- AFTER ROW audit --
    Workload(
        key="pg.insert.plpgsql_audit", workload=W_AUDIT, engine="postgresql",
        variant="PL/pgSQL",
        setup=PG_SRC + PG_T + PG_AUDIT_LOG + PG_AUDIT_FUNCS + """
CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit_new();
""",
        reset=PG_RESET_AUDIT, measure=INSERT_SELECT, check=CHECK_AUDIT, teardown=PG_TEARDOWN,
        anchor=160_000),
    Workload(
        key="sqlite.insert.sql_audit", workload=W_AUDIT, engine="sqlite", variant="SQL trigger",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + LITE_AUDIT, reset=LITE_RESET_AUDIT,
        measure=INSERT_SELECT, check=CHECK_AUDIT, baseline="pg.insert.plpgsql_audit",
        anchor=540_000),
    Workload(
        key="sprocket.insert.sql_audit", workload=W_AUDIT, engine="sprocket",
        variant="SQL trigger",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + LITE_AUDIT, reset=LITE_RESET_AUDIT,
        measure=INSERT_SELECT, check=CHECK_AUDIT, baseline="pg.insert.plpgsql_audit",
        note="the plain SQLite trigger, passed through by Sprocket"),
    Workload(
        key="sprocket.insert.js_audit", workload=W_AUDIT, engine="sprocket",
        variant="JavaScript (ctx.db.insert)",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + SPROCKET_JS_AUDIT_FUNCS + """
CREATE TRIGGER t_audit AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION audit_new();
""",
        reset=LITE_RESET_AUDIT, measure=INSERT_SELECT, check=CHECK_AUDIT,
        baseline="pg.insert.plpgsql_audit", target=300_000,
        note="AFTER ROW events captured inside SQLite, fired after the statement; the "
             "INSERT itself stays on SQLite's native path"),
    # -- scalar function in the select list --
    Workload(
        key="pg.insert.sql_function", workload=W_FUNC, engine="postgresql",
        variant="LANGUAGE sql",
        setup=PG_SRC + PG_T + """
CREATE FUNCTION full_name(f text, l text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT f || ' ' || l
$$;
""",
        reset=PG_RESET, measure=INSERT_SELECT_FUNC, check=CHECK_FULL_NAME,
        teardown=PG_TEARDOWN, note="PostgreSQL inlines this SQL function into the query"),
    Workload(
        key="sqlite.insert.expression", workload=W_FUNC, engine="sqlite",
        variant="inline expression",
        setup=LITE_SRC + LITE_T, reset=LITE_RESET, measure=INSERT_SELECT_EXPR,
        check=CHECK_FULL_NAME, baseline="pg.insert.sql_function",
        note="no function: first_name || ' ' || last_name written in the select list (the "
             "floor a function call is compared to)"),
    Workload(
        key="pg.insert.plpgsql_function", workload=W_FUNC, engine="postgresql",
        variant="PL/pgSQL",
        setup=PG_SRC + PG_T + """
CREATE FUNCTION full_name(f text, l text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN f || ' ' || l;
END
$$;
""",
        reset=PG_RESET, measure=INSERT_SELECT_FUNC, check=CHECK_FULL_NAME,
        teardown=PG_TEARDOWN, baseline="pg.insert.sql_function",
        note="a procedural function PostgreSQL calls per row (not inlined)"),
    Workload(
        key="sprocket.insert.sql_function", workload=W_FUNC, engine="sprocket",
        variant="LANGUAGE sql",
        setup=LITE_SRC + LITE_T + SPROCKET_FULL_NAME, reset=LITE_RESET,
        measure=INSERT_SELECT_FUNC, check=CHECK_FULL_NAME, baseline="pg.insert.sql_function"),
    Workload(
        key="sprocket.insert.js_function", workload=W_FUNC, engine="sprocket",
        variant="LANGUAGE javascript",
        setup=LITE_SRC + LITE_T + SPROCKET_FULL_NAME_JS, reset=LITE_RESET,
        measure=INSERT_SELECT_FUNC, check=CHECK_FULL_NAME, baseline="pg.insert.sql_function"),
    # -- UPDATE / DELETE with BEFORE + AFTER triggers --
    Workload(
        key="pg.update.plpgsql", workload=W_UPDATE, engine="postgresql", variant="PL/pgSQL",
        setup=PG_SRC + PG_T + PG_AUDIT_LOG + PG_ALL_TRIGGERS, reset=PG_RESET_REFILL,
        measure=UPDATE_ALL, check=CHECK_AUDIT_UPDATE, teardown=PG_TEARDOWN,
        note="BEFORE UPDATE check + derive, AFTER UPDATE audit insert"),
    Workload(
        key="sqlite.update.sql", workload=W_UPDATE, engine="sqlite", variant="SQL triggers",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + LITE_ALL_TRIGGERS, reset=LITE_RESET_REFILL,
        measure=UPDATE_ALL, check=CHECK_AUDIT_UPDATE, baseline="pg.update.plpgsql",
        note="BEFORE UPDATE check, AFTER UPDATE audit insert; the derive trigger is "
             "AFTER UPDATE OF first_name, last_name and does not fire for this UPDATE"),
    Workload(
        key="sprocket.update.js", workload=W_UPDATE, engine="sprocket", variant="JavaScript",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + SPROCKET_JS_ALL_TRIGGERS,
        reset=LITE_RESET_REFILL, measure=UPDATE_ALL, check=CHECK_AUDIT_UPDATE,
        baseline="pg.update.plpgsql",
        note="BEFORE UPDATE check + derive, AFTER UPDATE audit through ctx.db.insert"),
    Workload(
        key="pg.delete.plpgsql", workload=W_DELETE, engine="postgresql", variant="PL/pgSQL",
        setup=PG_SRC + PG_T + PG_AUDIT_LOG + PG_ALL_TRIGGERS, reset=PG_RESET_REFILL,
        measure=DELETE_ALL, check=CHECK_AUDIT_DELETE, teardown=PG_TEARDOWN,
        note="BEFORE DELETE check, AFTER DELETE audit insert"),
    Workload(
        key="sqlite.delete.sql", workload=W_DELETE, engine="sqlite", variant="SQL triggers",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + LITE_ALL_TRIGGERS, reset=LITE_RESET_REFILL,
        measure=DELETE_ALL, check=CHECK_AUDIT_DELETE, baseline="pg.delete.plpgsql",
        note="BEFORE DELETE check, AFTER DELETE audit insert"),
    Workload(
        key="sprocket.delete.js", workload=W_DELETE, engine="sprocket", variant="JavaScript",
        setup=LITE_SRC + LITE_T + LITE_AUDIT_LOG + SPROCKET_JS_ALL_TRIGGERS,
        reset=LITE_RESET_REFILL, measure=DELETE_ALL, check=CHECK_AUDIT_DELETE,
        baseline="pg.delete.plpgsql",
        note="BEFORE DELETE check, AFTER DELETE audit through ctx.db.insert"),
]


# --------------------------------------------------------------------------------------
# Running.

class BenchError(Exception):
    """A workload (or an engine) could not be measured; the row shows n/a (reason)."""


@dataclasses.dataclass
class Sample:
    seconds: float
    rows_affected: int


@dataclasses.dataclass
class Run:
    samples: list[Sample]
    check: int | None = None


def expand(sql: str, params: dict[str, str]) -> str:
    for name, value in params.items():
        sql = sql.replace(f"@{name}@", value)
    return sql


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def last_error_line(text: str) -> str:
    """The most telling line of a tool's stderr (its last ERROR, else its last line)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    errors = [line for line in lines if "ERROR" in line or "error" in line]
    return (errors or lines or ["no output"])[-1]


def strip_statement(sql: str) -> str:
    return sql.strip().rstrip(";").strip()


class PostgresServer:
    """A throwaway PostgreSQL cluster in `base_dir`, owned by this process.

    start() runs initdb and pg_ctl start; stop() stops exactly that server (pg_ctl stop on
    its data directory, then its postmaster PID if it is still alive). When running as
    root the server binaries run as the `postgres` OS user, which owns `base_dir`.
    """

    def __init__(self, bindir: str, base_dir: str, durability: str):
        self.bindir = bindir
        self.base_dir = base_dir
        self.data_dir = os.path.join(base_dir, "data")
        self.socket_dir = os.path.join(base_dir, "socket")
        self.log_path = os.path.join(base_dir, "server.log")
        self.port = 0
        self.postmaster_pid: int | None = None
        self.settings = dict(PG_SETTINGS)
        self.settings["synchronous_commit"] = DURABILITY[durability]["pg_synchronous_commit"]
        self.run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise BenchError("running as root needs a `postgres` OS user") from None
            self.run_as = ["runuser", "-u", "postgres", "--"]
        os.mkdir(base_dir)
        if self.run_as:
            # The postgres user must reach base_dir through its (private) parent.
            parent = os.path.dirname(base_dir)
            os.chmod(parent, os.stat(parent).st_mode | 0o111)
            os.chown(base_dir, pw.pw_uid, pw.pw_gid)

    def _bin(self, name: str) -> str:
        return os.path.join(self.bindir, name)

    def _server_cmd(self, name: str, *args: str, timeout: float = 120) -> None:
        cmd = self.run_as + [self._bin(name), *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=self.base_dir)
        if proc.returncode != 0:
            detail = last_error_line(proc.stderr + proc.stdout)
            if name == "pg_ctl" and os.path.exists(self.log_path):
                with open(self.log_path, errors="replace") as log:
                    detail += " | log: " + last_error_line(log.read())
            raise BenchError(f"{name} failed: {detail}")

    def version(self) -> str:
        try:
            out = subprocess.run([self._bin("postgres"), "--version"], capture_output=True,
                                 text=True, timeout=30).stdout.strip()
        except OSError:
            return f"PostgreSQL (no server binaries in {self.bindir})"
        return out.replace("postgres (PostgreSQL) ", "PostgreSQL ")

    def start(self) -> None:
        if not os.path.exists(self._bin("initdb")):
            raise BenchError(f"no PostgreSQL in {self.bindir} (scripts/install-deps --bench)")
        self._server_cmd("initdb", "-D", self.data_dir, "-U", "postgres", "-A", "trust",
                         "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
        os.makedirs(self.socket_dir)
        if self.run_as:
            pw = pwd.getpwnam("postgres")
            os.chown(self.socket_dir, pw.pw_uid, pw.pw_gid)
        last_error: BenchError | None = None
        for _ in range(3):  # a port found free can be taken before the server binds it
            self.port = free_port()
            conf = dict(self.settings, port=str(self.port),
                        unix_socket_directories=f"'{self.socket_dir}'")
            with open(os.path.join(self.data_dir, "postgresql.auto.conf"), "a") as f:
                f.write("# compare.py\n")
                f.writelines(f"{name} = {value}\n" for name, value in conf.items())
            try:
                self._server_cmd("pg_ctl", "start", "-D", self.data_dir, "-l", self.log_path,
                                 "-w", "-t", "60")
            except BenchError as e:
                last_error = e
                self._remember_pid()
                if self.postmaster_pid is not None:
                    raise
                continue
            self._remember_pid()
            return
        assert last_error is not None
        raise last_error

    def _remember_pid(self) -> None:
        try:
            with open(os.path.join(self.data_dir, "postmaster.pid")) as f:
                self.postmaster_pid = int(f.readline().strip())
        except (OSError, ValueError):
            pass

    def _is_our_postmaster(self, pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                return self.data_dir.encode() in f.read()
        except OSError:
            return False

    def stop(self) -> None:
        """Stops the server this object started; safe to call more than once."""
        if not os.path.exists(self.data_dir):
            return
        self._remember_pid()
        if os.path.exists(os.path.join(self.data_dir, "postmaster.pid")):
            try:
                self._server_cmd("pg_ctl", "stop", "-D", self.data_dir, "-m", "fast", "-w",
                                 "-t", "30", timeout=60)
            except (BenchError, subprocess.TimeoutExpired) as e:
                print(f"compare.py: pg_ctl stop failed ({e}); signalling the postmaster",
                      file=sys.stderr)
        pid = self.postmaster_pid
        if pid is None:
            return
        for sig in (signal.SIGQUIT, signal.SIGKILL):  # immediate shutdown, then kill
            if not self._is_our_postmaster(pid):
                return
            os.kill(pid, sig)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._is_our_postmaster(pid):
                time.sleep(0.1)

    def psql(self, script: str, timeout: float) -> str:
        cmd = [self._bin("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
               "-h", self.socket_dir, "-p", str(self.port), "-U", "postgres",
               "-d", "postgres", "-f", "-"]
        proc = subprocess.run(cmd, input=script, capture_output=True, text=True,
                              timeout=timeout)
        if proc.returncode != 0:
            raise BenchError(re.sub(r"^psql:<stdin>:\d+: ", "", last_error_line(proc.stderr)))
        return proc.stdout

    def server_setting(self, name: str) -> str:
        return self.psql(f"SHOW {name};", timeout=30).strip()

    def run(self, w: Workload, params: dict[str, str], repeat: int, timeout: float) -> Run:
        """Runs `w` in one psql session; times come from the server's own duration log.

        log_min_duration_statement=0 makes the backend log "duration: X ms statement: …"
        after each top-level statement: measured from when the query message was received
        to after its commit, so it covers parse, plan, execute and commit, and excludes
        connection setup and the client round trip. Each measured statement carries a
        /* bench:KEY:I */ tag to find its line; psql's :ROW_COUNT gives the rows affected.
        """
        measure = strip_statement(expand(w.measure, params))
        parts = [expand(w.setup, params)]
        for i in range(repeat):
            parts.append("CHECKPOINT;")
            parts.append(expand(w.reset, params))
            parts.append(f"/* bench:{w.key}:{i} */ {measure};")
            parts.append(f"\\echo @@rows {i} :ROW_COUNT")
        if w.check:
            parts.append(f"SELECT ({strip_statement(expand(w.check, params))}) "
                         "AS bench_check \\gset")
            parts.append("\\echo @@check :bench_check")
        try:
            out = self.psql("\n".join(parts) + "\n", timeout)
        except subprocess.TimeoutExpired:
            # psql is gone but its backend may still run the statement, holding the locks
            # the teardown needs.
            self.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid();",
                      timeout=60)
            raise BenchError(f"timed out after {timeout:.0f} s") from None
        finally:
            if w.teardown:
                try:
                    self.psql(expand(w.teardown, params), timeout=120)
                except (BenchError, subprocess.TimeoutExpired) as e:
                    print(f"compare.py: teardown of {w.key} failed: {e}", file=sys.stderr)
        rows = {int(m[1]): int(m[2]) for m in re.finditer(r"^@@rows (\d+) (\d+)$", out, re.M)}
        check = re.search(r"^@@check (\d+)$", out, re.M)
        with open(self.log_path, errors="replace") as log:
            log_text = log.read()
        pattern = re.compile(r"duration: (\d+(?:\.\d+)?) ms\s+statement: /\* bench:"
                             + re.escape(w.key) + r":(\d+) \*/")
        ms = {int(m[2]): float(m[1]) for m in pattern.finditer(log_text)}
        if len(ms) != repeat or len(rows) != repeat:
            raise BenchError(f"found {len(ms)} server timings and {len(rows)} row counts "
                             f"for {repeat} repetitions")
        samples = [Sample(ms[i] / 1000.0, rows[i]) for i in range(repeat)]
        return Run(samples, int(check[1]) if check else None)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def split_sqlite_statements(sql: str) -> list[str]:
    """Splits a SQLite script into complete statements (trigger bodies stay whole)."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return [s for s in statements if s.strip(" \n;")]


class SqliteRunner:
    """SQLite in-process (Python's sqlite3 module = the system libsqlite3), a file per row.

    The measured statement runs in autocommit mode (its own transaction), timed with
    time.perf_counter() around cursor.execute() + fetchall(): prepare, step, commit.
    """

    def __init__(self, base_dir: str, synchronous: str):
        self.dir = os.path.join(base_dir, "sqlite")
        os.makedirs(self.dir)
        self.synchronous = synchronous

    @staticmethod
    def library() -> str:
        path = "libsqlite3 (statically linked into Python)"
        try:
            with open("/proc/self/maps") as maps:
                for line in maps:
                    if "libsqlite3" in line:
                        path = os.path.realpath(line.split()[-1])
                        break
        except OSError:
            pass
        text = f"SQLite {sqlite3.sqlite_version} ({path})"
        try:  # the sqlite3 CLI is the reference build; say so when Python loaded another
            cli = subprocess.run(["sqlite3", "--version"], capture_output=True, text=True,
                                 timeout=10).stdout.split()
            if cli and cli[0] != sqlite3.sqlite_version:
                text += f" [WARNING: differs from the sqlite3 CLI's SQLite {cli[0]}]"
        except (OSError, subprocess.SubprocessError):
            pass
        return text

    @staticmethod
    def prelude() -> str:
        return "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = @SYNC@;\n"

    def settings(self) -> dict[str, str]:
        conn = sqlite3.connect(":memory:")
        try:
            cache = conn.execute("PRAGMA cache_size").fetchone()[0]
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            ckpt = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        finally:
            conn.close()
        return {"journal_mode": "WAL", "synchronous": self.synchronous,
                "cache_size": str(cache), "page_size": str(page),
                "wal_autocheckpoint": str(ckpt)}

    def run(self, w: Workload, params: dict[str, str], repeat: int, timeout: float) -> Run:
        path = os.path.join(self.dir, w.key + ".db")
        conn = sqlite3.connect(path, isolation_level=None)
        timer = threading.Timer(timeout, conn.interrupt)
        timer.start()
        try:
            conn.executescript(expand(self.prelude() + w.setup, params))
            statements = split_sqlite_statements(expand(w.measure, params))
            reset = expand(w.reset, params) + "\nPRAGMA wal_checkpoint(TRUNCATE);"
            samples = []
            for _ in range(repeat):
                conn.executescript(reset)
                rows = 0
                start = time.perf_counter()
                for statement in statements:
                    cursor = conn.execute(statement)
                    cursor.fetchall()
                    rows += max(cursor.rowcount, 0)
                samples.append(Sample(time.perf_counter() - start, rows))
            check = None
            if w.check:
                check = int(conn.execute(expand(w.check, params)).fetchone()[0])
            if w.teardown:
                conn.executescript(expand(w.teardown, params))
            return Run(samples, check)
        except sqlite3.Error as e:
            if isinstance(e, sqlite3.OperationalError) and str(e) == "interrupted":
                raise BenchError(f"timed out after {timeout:.0f} s") from None
            raise BenchError(f"sqlite3: {e}") from None
        finally:
            timer.cancel()
            conn.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                if os.path.exists(path + suffix):
                    os.remove(path + suffix)


class SprocketRunner:
    """Sprocket through bench/compare/sprocket_driver (one process per row).

    The driver runs setup, then for each repetition the reset script and the measured
    script, timing the latter with std::chrono::steady_clock around Session::ExecuteScript;
    see sprocket_driver.cc. The SQL is the SQLite dialect plus Sprocket's own statements.
    """

    def __init__(self, driver: str, base_dir: str, synchronous: str):
        self.driver = driver
        self.dir = os.path.join(base_dir, "sprocket")
        os.makedirs(self.dir)
        self.synchronous = synchronous
        self._version: str | None = None

    def unavailable(self) -> str | None:
        if not os.path.isfile(self.driver):
            return "driver not built: " + os.path.relpath(self.driver, os.getcwd())
        if not os.access(self.driver, os.X_OK):
            return "driver not executable: " + self.driver
        return None

    def version(self) -> str:
        if self._version is None:
            self._version = "Sprocket (driver not built)"
            if self.unavailable() is None:
                try:
                    proc = subprocess.run([self.driver, "--version"], capture_output=True,
                                          text=True, timeout=30)
                    info = json.loads(proc.stdout.strip().splitlines()[-1])
                    engines = ", ".join(info.get("engines", []))
                    self._version = f"Sprocket {info['sprocket']} ({engines})"
                except (OSError, subprocess.SubprocessError, ValueError, KeyError,
                        IndexError):
                    self._version = "Sprocket (driver --version failed)"
        return self._version

    def run(self, w: Workload, params: dict[str, str], repeat: int, timeout: float) -> Run:
        reason = self.unavailable()
        if reason:
            raise BenchError(reason)
        work = os.path.join(self.dir, w.key)
        os.makedirs(work)
        try:
            files = {
                "setup": SqliteRunner.prelude() + w.setup,
                "measure": w.measure,
                "reset": w.reset + "\nPRAGMA wal_checkpoint(TRUNCATE);\n",
                "teardown": w.teardown,
                "check": w.check,
            }
            cmd = [self.driver, "--db", os.path.join(work, "bench.db"),
                   "--repeat", str(repeat)]
            for name, sql in files.items():
                if not sql.strip():
                    continue
                path = os.path.join(work, name + ".sql")
                with open(path, "w") as f:
                    f.write(expand(sql, params))
                cmd += [f"--{name}", path]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                      stdin=subprocess.DEVNULL)
            except subprocess.TimeoutExpired:
                raise BenchError(f"driver timed out after {timeout:.0f} s") from None
            if proc.returncode != 0:
                if proc.returncode < 0:
                    raise BenchError(f"driver killed by {signal.Signals(-proc.returncode).name}")
                raise BenchError(one_line(last_error_line(proc.stderr)))
            samples, check = [], None
            for line in proc.stdout.splitlines():
                if not line.startswith("{"):
                    continue
                record = json.loads(line)
                if "seconds" in record:
                    samples.append(Sample(float(record["seconds"]),
                                          int(record["rows_affected"])))
                elif "check" in record:
                    check = int(record["check"]) if record["check"] is not None else None
            if len(samples) != repeat:
                raise BenchError(f"driver printed {len(samples)} results for {repeat} "
                                 "repetitions")
            return Run(samples, check)
        finally:
            shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------------------
# Results and report.

@dataclasses.dataclass
class Result:
    workload: Workload
    rows: int
    seconds: list[float] = dataclasses.field(default_factory=list)
    rows_per_second: list[float] = dataclasses.field(default_factory=list)
    median: float | None = None
    error: str | None = None
    vs_baseline: float | None = None

    @property
    def spread(self) -> float | None:
        if not self.rows_per_second or not self.median:
            return None
        return (max(self.rows_per_second) - min(self.rows_per_second)) / self.median


def evaluate(w: Workload, run: Run, rows: int) -> Result:
    result = Result(w, rows)
    bad = [s.rows_affected for s in run.samples if s.rows_affected != rows]
    if bad:
        result.error = f"statement affected {bad[0]} rows, expected {rows}"
        return result
    if w.check and run.check != rows:
        result.error = f"check `{one_line(w.check, 60)}` gave {run.check}, expected {rows}"
        return result
    if any(s.seconds <= 0 for s in run.samples):
        result.error = "a repetition took no measurable time"
        return result
    result.seconds = [s.seconds for s in run.samples]
    result.rows_per_second = [rows / s for s in result.seconds]
    result.median = statistics.median(result.rows_per_second)
    return result


def fmt_rate(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 10_000:
        return f"{round(value / 1000):,}k"
    return f"{value:,.0f}"


def engine_label(w: Workload) -> str:
    name = ENGINE_NAMES.get(w.engine, w.engine)
    return f"{name} {w.variant}".strip()


def table_rows(results: list[Result], markdown: bool) -> tuple[list[str], list[list[str]]]:
    header = ["workload", "engine", "rows/s (median)", "spread", "vs PostgreSQL",
              "§9 anchor", "§9 target"]
    body = []
    previous_workload = None
    for r in results:
        w = r.workload
        if r.error is not None:
            rate, spread, vs = f"n/a ({one_line(r.error, 48)})", "", ""
        else:
            rate = f"{r.median:,.0f}"
            spread = f"±{100 * r.spread / 2:.0f}%" if r.spread is not None else ""
            vs = ""
            if r.vs_baseline is not None:
                vs = f"{r.vs_baseline:.2f}×"
            elif w.baseline is None and w.engine == "postgresql":
                vs = "(baseline)"
            if w.target is not None and r.median < w.target:
                rate += " (below target)"
        workload = w.workload if (markdown or w.workload != previous_workload) else ""
        previous_workload = w.workload
        body.append([workload, engine_label(w) + (" *" if w.note else ""), rate, spread, vs,
                     f"≈{fmt_rate(w.anchor)}" if w.anchor else "",
                     f"≥{fmt_rate(w.target)}" if w.target else ""])
    return header, body


def render_text(header: list[str], body: list[list[str]]) -> str:
    right = {2, 3, 4, 5, 6}
    widths = [max(len(row[i]) for row in [header] + body) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule] + [line(row) for row in body])


def render_markdown(header: list[str], body: list[list[str]]) -> str:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|").replace("*", "\\*")

    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in body]
    return "\n".join(lines)


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": mem,
        "kernel": platform.release(),
        "os": distro(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "load_average": load_average(),
    }


def load_average() -> str:
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]  # 1-minute
    except (OSError, IndexError):
        return "0"


def distro() -> str:
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return platform.system()


def filesystem_of(path: str) -> str:
    best, fstype = "", "unknown"
    try:
        with open("/proc/mounts") as f:
            for line in f:
                fields = line.split()
                mount = fields[1]
                if (path == mount or path.startswith(mount.rstrip("/") + "/")) and \
                        len(mount) >= len(best):
                    best, fstype = mount, f"{fields[2]} ({fields[0]} on {mount})"
    except OSError:
        pass
    return fstype


# --------------------------------------------------------------------------------------
# main

def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Side-by-side benchmark of Sprocket, PostgreSQL 15 and SQLite "
                    "(docs/design.md §9). See bench/compare/README.md.")
    p.add_argument("--rows", type=int, default=100_000, help="rows per statement (100000)")
    p.add_argument("--repeat", type=int, default=5, help="repetitions per row (5)")
    p.add_argument("--driver", default=DEFAULT_DRIVER,
                   help="sprocket_driver binary (default: build/bench/sprocket_driver)")
    p.add_argument("--pg-bin", default=DEFAULT_PG_BIN, help="PostgreSQL server binaries")
    p.add_argument("--durability", choices=sorted(DURABILITY), default="normal",
                   help="normal: SQLite synchronous=NORMAL vs PG synchronous_commit=off "
                        "(default); full: FULL vs on")
    p.add_argument("--only", metavar="REGEX", help="run only rows whose key matches")
    p.add_argument("--engines", default="postgresql,sqlite,sprocket",
                   help="comma-separated engines to run (default: all)")
    p.add_argument("--tmpdir", help="parent of the temp dir (default: $TMPDIR or /tmp)")
    p.add_argument("--timeout", type=float, default=600, help="seconds per row (600)")
    p.add_argument("--json", metavar="OUT", help="also write the results as JSON")
    p.add_argument("--markdown", action="store_true",
                   help="print a Markdown table (for docs/performance.md)")
    p.add_argument("--list", action="store_true", help="list the rows and exit")
    args = p.parse_args(argv)
    if args.rows < 1 or args.repeat < 1:
        p.error("--rows and --repeat must be positive")
    return args


class Interrupted(BaseException):
    """Raised by SIGINT/SIGTERM/SIGHUP so that every `finally` runs (cleanup)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _on_signal(signum: int, frame: object) -> None:
    raise Interrupted(signum)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    selected = [w for w in WORKLOADS if w.engine in engines
                and (not args.only or re.search(args.only, w.key))]
    keys = [w.key for w in WORKLOADS]
    assert len(keys) == len(set(keys)), "duplicate workload key"
    if args.list:
        for w in selected:
            print(f"{w.key:40} {w.workload} | {engine_label(w)}")
        return 0
    if not selected:
        print("compare.py: no rows selected", file=sys.stderr)
        return 2

    handled = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
    previous = {sig: signal.signal(sig, _on_signal) for sig in handled}

    started = time.monotonic()
    synchronous = DURABILITY[args.durability]["sqlite_synchronous"]
    params = {"ROWS": str(args.rows), "SYNC": synchronous}
    base_dir = tempfile.mkdtemp(prefix="sprocket-compare-", dir=args.tmpdir)
    pg: PostgresServer | None = None
    pg_error: str | None = None
    info = machine_info()
    info["filesystem"] = filesystem_of(os.path.realpath(base_dir))
    results: list[Result] = []
    try:
        sqlite_runner = SqliteRunner(base_dir, synchronous)
        sprocket_runner = SprocketRunner(os.path.abspath(args.driver), base_dir, synchronous)
        runners = {"sqlite": sqlite_runner, "sprocket": sprocket_runner}
        versions = {"sqlite": SqliteRunner.library(), "sprocket": sprocket_runner.version()}
        settings: dict[str, dict[str, str]] = {"sqlite": sqlite_runner.settings()}
        if any(w.engine == "postgresql" for w in selected):
            try:
                pg = PostgresServer(args.pg_bin, os.path.join(base_dir, "pg"),
                                    args.durability)
                versions["postgresql"] = pg.version()
                progress(f"starting {versions['postgresql']} in {pg.data_dir}")
                pg.start()
                progress(f"PostgreSQL listening on 127.0.0.1:{pg.port}, "
                         f"postmaster PID {pg.postmaster_pid}")
                settings["postgresql"] = {
                    name: pg.server_setting(name) for name in
                    ("fsync", "synchronous_commit", "full_page_writes", "wal_level",
                     "shared_buffers", "max_wal_size", "jit", "autovacuum")}
                runners["postgresql"] = pg
            except (BenchError, OSError, subprocess.SubprocessError) as e:
                pg_error = f"PostgreSQL unavailable: {one_line(str(e), 120)}"
                versions["postgresql"] = pg_error
                progress(pg_error)

        for n, w in enumerate(selected, 1):
            label = f"[{n}/{len(selected)}] {w.workload} | {engine_label(w)}"
            runner = runners.get(w.engine)
            t0 = time.monotonic()
            if runner is None:
                result = Result(w, args.rows, error=pg_error or f"no engine {w.engine}")
            else:
                try:
                    run = runner.run(w, params, args.repeat, args.timeout)
                    result = evaluate(w, run, args.rows)
                except BenchError as e:
                    result = Result(w, args.rows, error=one_line(str(e)))
                except subprocess.TimeoutExpired:
                    result = Result(w, args.rows, error=f"timed out after {args.timeout:.0f} s")
                except Exception as e:  # a harness bug in one row must not lose the table
                    result = Result(w, args.rows, error=one_line(f"{type(e).__name__}: {e}"))
            results.append(result)
            shown = f"{result.median:,.0f} rows/s" if result.error is None \
                else f"n/a ({result.error})"
            progress(f"{label}: {shown}  [{time.monotonic() - t0:.1f} s]")
    except Interrupted as e:
        progress(f"interrupted by {e}; cleaning up")
        return 128 + e.signum
    finally:
        for sig in handled:  # a second Ctrl-C must not cut the cleanup short
            signal.signal(sig, signal.SIG_IGN)
        if pg is not None:
            pg.stop()
        shutil.rmtree(base_dir, ignore_errors=True)
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    by_key = {r.workload.key: r for r in results}
    for r in results:
        base = by_key.get(r.workload.baseline or "")
        if r.median is not None and base is not None and base.median:
            r.vs_baseline = r.median / base.median
    elapsed = time.monotonic() - started
    report(args, info, versions, settings, results, elapsed)
    if args.json:
        write_json(args, info, versions, settings, results, elapsed, params)
    return 0


def progress(message: str) -> None:
    print(f"compare.py: {message}", file=sys.stderr, flush=True)


def report(args: argparse.Namespace, info: dict[str, str], versions: dict[str, str],
           settings: dict[str, dict[str, str]], results: list[Result],
           elapsed: float) -> None:
    header, body = table_rows(results, args.markdown)
    pg_settings = settings.get("postgresql", {})
    lite = settings["sqlite"]
    context = [
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']} RAM, "
        f"{info['os']}, Linux {info['kernel']}; files on {info['filesystem']}",
        f"Date: {info['date']}; load average at start {info['load_average']}",
        f"Workload: one statement over {args.rows:,} rows, its own transaction; median "
        f"rows/s of {args.repeat} repetitions (spread = half the max-min range); "
        f"full run {elapsed:.0f} s",
        (f"PostgreSQL: {versions['postgresql']}; "
         + ", ".join(f"{k}={v}" for k, v in pg_settings.items())
         + "; timed by the server (log_min_duration_statement: parse+plan+execute+commit)"
         if pg_settings else f"PostgreSQL: {versions.get('postgresql', 'not run')}"),
        f"SQLite: {versions['sqlite']}; journal_mode=WAL, synchronous={lite['synchronous']}, "
        f"cache_size={lite['cache_size']}, page_size={lite['page_size']}, "
        f"wal_autocheckpoint={lite['wal_autocheckpoint']}; timed in-process around "
        "execute (prepare+step+commit)",
        f"Sprocket: {versions['sprocket']}; same SQLite settings; timed by sprocket_driver "
        "around Session::ExecuteScript",
        "vs PostgreSQL: rows/s divided by the PostgreSQL row of the same workload "
        "(PL/pgSQL for triggers). §9 anchor/target: docs/design.md §9, measured at 100,000 rows.",
    ]
    notes = [f"{engine_label(r.workload)}, {r.workload.workload}: {r.workload.note}"
             for r in results if r.workload.note]
    reasons = list(dict.fromkeys(r.error for r in results if r.error is not None))
    notes += [f"n/a: {reason}" for reason in reasons if len(one_line(reason, 48)) < len(reason)]
    busy = float(info["load_average"]) > 0.5 * (os.cpu_count() or 1)
    if busy:
        context.append(f"WARNING: the machine was busy when the run started (load average "
                       f"{info['load_average']} on {info['cores']} cores); numbers are noisy")
    if args.markdown:
        print("\n".join(f"- {line}" for line in context))
        print()
        print(render_markdown(header, body))
        if notes:
            print()
            print("\n".join(f"- \\* {note}" for note in notes))
    else:
        print("\n".join(context))
        print()
        print(render_text(header, body))
        if notes:
            print()
            print("* " + "\n* ".join(notes))


def write_json(args: argparse.Namespace, info: dict[str, str], versions: dict[str, str],
               settings: dict[str, dict[str, str]], results: list[Result], elapsed: float,
               params: dict[str, str]) -> None:
    doc = {
        "machine": info,
        "versions": versions,
        "settings": settings,
        "durability": args.durability,
        "rows": args.rows,
        "repeat": args.repeat,
        "elapsed_seconds": round(elapsed, 3),
        "results": [
            {
                "key": r.workload.key,
                "workload": r.workload.workload,
                "engine": r.workload.engine,
                "variant": r.workload.variant,
                "status": "ok" if r.error is None else "n/a",
                "reason": r.error,
                "rows_per_second_median": r.median,
                "rows_per_second": r.rows_per_second,
                "seconds": r.seconds,
                "baseline": r.workload.baseline,
                "vs_baseline": r.vs_baseline,
                "anchor": r.workload.anchor,
                "target": r.workload.target,
                "note": r.workload.note or None,
                "sql": {
                    "setup": expand(r.workload.setup, params).strip(),
                    "reset": expand(r.workload.reset, params).strip(),
                    "measure": expand(r.workload.measure, params).strip(),
                    "check": expand(r.workload.check, params).strip(),
                },
            }
            for r in results
        ],
    }
    with open(args.json, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
