#!/usr/bin/env python3
"""The sprocket shell's interactive contract, driven on a pseudo-terminal.

    python3 test/cli/interactive_test.py build/sprocket

Checks the banner and prompts, multi-line statements, errors, dot commands, a
JavaScript function, Ctrl-C during a running statement, Ctrl-D at the prompt and the
history file. Uses only the standard library (pty, os, select). Every read has a
timeout, so the test cannot hang; on failure it prints what the terminal showed, kills
the shell and exits 1.
"""

import os
import fcntl
import pty
import re
import select
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time

TIMEOUT = 30  # seconds per wait: generous, the suite runs in parallel on 2 cores
PROMPT = "sprocket> "
CONTINUATION = "   ...> "

# Terminal control sequences libedit may write (CSI ..., OSC ..., two-byte ESC x).
_CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]|[\x07\x08]")


def clean(raw):
    """The terminal output as plain text: no control sequences, no carriage returns."""
    return _CONTROL.sub("", raw).replace("\r", "")


class Failure(Exception):
    pass


class Terminal:
    """The shell running on a pseudo-terminal, with everything it wrote so far."""

    def __init__(self, argv, env):
        pid, fd = pty.fork()
        if pid == 0:  # the child: the pty is its controlling terminal and stdin/out/err
            try:
                # Wide enough that libedit never wraps a typed line (which would split the
                # echo); set here, before exec, so the shell sees it from the start.
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 500, 0, 0))
                # Python ignores SIGPIPE, and an ignored signal stays ignored across exec.
                signal.signal(signal.SIGPIPE, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.chdir(env["HOME"])
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid = pid
        self.fd = fd
        self.raw = ""     # everything read, undecoded control sequences included
        self.cursor = 0   # how far into clean(self.raw) expect() has consumed
        self.eof = False
        self.status = None

    def text(self):
        return clean(self.raw)

    def _read_some(self, deadline):
        """Reads what is available, waiting until `deadline` at most. False on timeout."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        ready, _, _ = select.select([self.fd], [], [], remaining)
        if not ready:
            return False
        try:
            data = os.read(self.fd, 4096)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if not data:
            self.eof = True
            return True
        self.raw += data.decode("utf-8", errors="replace")
        return True

    def expect(self, needle, what, timeout=TIMEOUT):
        """Waits for `needle` after the cursor; returns the text before it, moves past it."""
        deadline = time.monotonic() + timeout
        while True:
            text = self.text()
            at = text.find(needle, self.cursor)
            if at >= 0:
                before = text[self.cursor:at]
                self.cursor = at + len(needle)
                return before
            if self.eof or not self._read_some(deadline):
                reason = "the shell exited" if self.eof else "timed out after %gs" % timeout
                raise Failure("%s: waiting for %r, %s; unconsumed output: %r"
                              % (what, needle, reason, text[self.cursor:]))

    def wait_editing(self, timeout=TIMEOUT):
        """Waits until libedit has put the terminal in its editing (non-canonical) mode.

        libedit draws the prompt before it leaves canonical mode, so keys sent as soon as
        the prompt shows may reach the kernel's line discipline instead (echoed twice; a
        ^D there becomes a NUL byte, not end of file). Call this before typing at a prompt.
        """
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > deadline:
                raise Failure("the terminal never left canonical mode at the prompt")
            time.sleep(0.005)

    def send(self, data):
        os.write(self.fd, data.encode())

    def send_line(self, line):
        self.send(line + "\r")

    def statement(self, line, what):
        """Types a line at the prompt; returns what it printed before the next prompt."""
        self.wait_editing()
        self.send_line(line)
        self.expect(line, what + " (echo)")
        return self.expect(PROMPT, what)

    def wait_running(self, timeout=TIMEOUT):
        """Waits until the shell is busy running a statement, not waiting for input.

        Ctrl-C only interrupts a statement once readline has returned the line (and put
        the terminal back in cooked mode, where ^C becomes SIGINT). A shell waiting for
        input sleeps; one running a statement is in state R in /proc. Without /proc,
        just waits a moment.
        """
        stat = "/proc/%d/stat" % self.pid
        if not os.path.exists(stat):
            time.sleep(1.0)
            return
        deadline = time.monotonic() + timeout
        running = 0
        while time.monotonic() < deadline:
            with open(stat) as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
            running = running + 1 if state == "R" else 0
            if running >= 5:  # running for a while, not just handling a keystroke
                time.sleep(0.2)
                return
            time.sleep(0.02)
        raise Failure("the endless statement did not start running within %gs; output: %r"
                      % (timeout, self.text()[self.cursor:]))

    def wait_exit(self, timeout=TIMEOUT):
        """Reads to end of file and reaps the child; returns its exit status."""
        deadline = time.monotonic() + timeout
        while not self.eof:
            if not self._read_some(deadline):
                raise Failure("the shell did not close the terminal within %gs; output: %r"
                              % (timeout, self.text()[self.cursor:]))
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.status = status
                return status
            time.sleep(0.02)
        raise Failure("the shell did not exit within %gs" % timeout)

    def kill(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self.status = -1
        try:
            os.close(self.fd)
        except OSError:
            pass


def check(condition, what, detail):
    if not condition:
        raise Failure("%s: %r" % (what, detail))


def run(binary, home):
    env = {
        "HOME": home,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "TERM": "xterm",
        "LANG": "C.UTF-8",
    }
    term = Terminal([binary], env)
    try:
        # Banner, then the prompt.
        banner = term.expect(PROMPT, "banner")
        check(re.search(r"^sprocket \S+", banner, re.M), "banner names sprocket", banner)
        check('Enter ".help" for usage hints.' in banner, "banner gives the .help hint", banner)

        # A statement over two lines: the continuation prompt, then the result.
        term.wait_editing()
        term.send_line("SELECT 1 +")
        term.expect("SELECT 1 +", "first line echo")
        term.expect(CONTINUATION, "continuation prompt after an incomplete statement")
        out = term.statement("2;", "multi-line statement")  # waits for editing mode
        check(re.search(r"^\s*3\s*$", out, re.M), "multi-line statement prints 3", out)

        # An error is printed and the shell goes on.
        out = term.statement("SELECT * FROM nope;", "error")
        check("Error: no such table: nope" in out, "error message", out)
        out = term.statement("SELECT 'still' || 'alive';", "statement after an error")
        check("stillalive" in out, "the shell goes on after an error", out)

        # A dot command.
        term.statement("CREATE TABLE t(x);", "CREATE TABLE")
        out = term.statement(".tables", ".tables")
        check(re.search(r"^\s*t\s*$", out, re.M), ".tables lists t", out)

        # A JavaScript function.
        out = term.statement(
            "CREATE FUNCTION f(x INTEGER) RETURNS INTEGER LANGUAGE js AS $$ return x * 2 $$;",
            "CREATE FUNCTION")
        check("Error" not in out, "CREATE FUNCTION succeeds", out)
        out = term.statement("SELECT f(21);", "JavaScript function")
        check(re.search(r"^\s*42\s*$", out, re.M), "f(21) prints 42", out)

        # Text typed with characters beyond ASCII is kept whole (libedit in the C locale
        # used to drop them: 'José Müller' was stored as 'Jos Mller', '東京' as '').
        term.statement("CREATE TABLE names(n TEXT);", "CREATE TABLE names")
        term.statement("INSERT INTO names VALUES ('José Müller'), ('東京');", "INSERT non-ASCII")
        out = term.statement("SELECT n, length(n) AS len FROM names ORDER BY rowid;",
                             "SELECT non-ASCII")
        check(re.search(r"José Müller\s*\|?\s*11", out), "'José Müller' kept whole", out)
        check(re.search(r"東京\s*\|?\s*2", out), "'東京' kept whole", out)

        # Ctrl-C interrupts a running statement; the shell goes on.
        endless = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c) SELECT count(*) FROM c;"
        term.wait_editing()
        term.send_line(endless)
        term.expect(endless, "endless statement (echo)")
        term.wait_running()
        term.send("\x03")
        out = term.expect(PROMPT, "prompt after Ctrl-C")
        check("Error: interrupted" in out, "Ctrl-C prints Error: interrupted", out)
        out = term.statement("SELECT 6 * 7 AS answer;", "statement after Ctrl-C")
        check(re.search(r"^\s*42\s*$", out, re.M), "the shell works after Ctrl-C", out)

        # Ctrl-C stops JavaScript too (regression: a spinning function ran to its CPU
        # limit), and a slow BEFORE trigger over many rows: nothing of the statement stays.
        term.statement("CREATE FUNCTION spin() RETURNS INTEGER LANGUAGE js AS $$ for (;;) {} $$;",
                       "CREATE FUNCTION spin")
        term.statement("ALTER FUNCTION spin SET max_cpu_time_ms = 600000;", "ALTER spin")
        for what, sql in [
            ("spinning function", "SELECT spin();"),
            ("slow trigger",
             "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) "
             "INSERT INTO slow_t SELECT i FROM c;"),
        ]:
            if what == "slow trigger":
                term.statement("CREATE TABLE slow_t(id INTEGER);", "CREATE TABLE slow_t")
                term.statement(
                    "CREATE TRIGGER slow_tr BEFORE INSERT ON slow_t LANGUAGE js AS "
                    "$$ const end = Date.now() + 10; while (Date.now() < end) {} $$;",
                    "CREATE TRIGGER slow_tr")
            term.wait_editing()
            term.send_line(sql)
            term.expect(sql, what + " (echo)")
            term.wait_running()
            term.send("\x03")
            out = term.expect(PROMPT, "prompt after Ctrl-C (%s)" % what)
            check("Error: interrupted" in out, "Ctrl-C interrupts a " + what, out)
        out = term.statement("SELECT count(*) AS n FROM slow_t;", "rows after the interrupt")
        check(re.search(r"^\s*0\s*$", out, re.M), "the interrupted insert left no rows", out)

        # Ctrl-C at the prompt drops the half-typed statement; the shell goes on.
        term.wait_editing()
        term.send("SELECT 1 +")
        term.expect("SELECT 1 +", "half-typed statement (echo)")
        term.send("\x03")
        term.expect(PROMPT, "prompt after Ctrl-C at the prompt")
        out = term.statement("SELECT 40 + 2 AS answer;", "statement after Ctrl-C at the prompt")
        check(re.search(r"^\s*42\s*$", out, re.M), "the half-typed statement was dropped", out)

        # Ctrl-D at an empty prompt ends the shell with status 0.
        term.wait_editing()
        term.send("\x04")
        status = term.wait_exit()
        check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0,
              "Ctrl-D exits with status 0",
              "exit status %s" % (os.WEXITSTATUS(status) if os.WIFEXITED(status)
                                  else "signal %d" % os.WTERMSIG(status)))
    except BaseException:
        term.kill()
        raise
    term.kill()  # only closes the terminal: the child is reaped
    if os.environ.get("SPROCKET_TEST_VERBOSE"):
        print(term.text())

    # The history file holds what was typed.
    path = os.path.join(home, ".sprocket_history")
    check(os.path.exists(path), "history file written", path)
    with open(path, encoding="utf-8", errors="replace") as f:
        history = f.read()
    # libedit may escape spaces and other characters in the file (e.g. "\040").
    decoded = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), history)
    for entry in ["SELECT 1 +\n2;", "SELECT * FROM nope;", "CREATE TABLE t(x);", ".tables",
                  "LANGUAGE js AS $$ return x * 2 $$;", "SELECT f(21);", endless,
                  "SELECT 6 * 7 AS answer;"]:
        # A multi-line statement is one entry; accept it with its newline kept or not.
        if entry not in decoded and entry.replace("\n", " ") not in decoded \
                and entry.replace("\n", "") not in decoded:
            raise Failure("history should contain %r; it is: %r" % (entry, history))


def run_without_locale(binary, home):
    """With no LANG or LC_* set (the C locale), typed UTF-8 text is still kept whole."""
    env = {"HOME": home, "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "TERM": "xterm"}
    term = Terminal([binary], env)
    try:
        term.expect(PROMPT, "banner (no locale)")
        out = term.statement("SELECT 'Grüße aus Zürich' AS t, length('Grüße aus Zürich') AS n;",
                             "non-ASCII without a locale")
        check(re.search(r"Grüße aus Zürich\s*\|?\s*16", out),
              "non-ASCII text kept whole without a locale", out)
        term.wait_editing()
        term.send("\x04")
        term.wait_exit()
    except BaseException:
        term.kill()
        raise
    term.kill()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: interactive_test.py path/to/sprocket")
    binary = os.path.abspath(sys.argv[1])
    home = tempfile.mkdtemp(prefix="sprocket-interactive-test.")
    try:
        run(binary, home)
        run_without_locale(binary, home)
    except Failure as failure:
        print("FAIL: %s" % failure)
        return 1
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("interactive shell: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
