#!/usr/bin/env python3
"""The sandbox-escape suite (test/sandbox/README.md): runs every case of one language.

    run_suite.py LANGUAGE SQLLOGICTEST [--root DIR]

Each case, test/sandbox/LANGUAGE/<class>_<name>.test, is a sqllogictest file that performs
one attack and asserts the exact failure and that the host is intact afterwards. It runs
in a process of its own, in an empty working directory, with a time bound:

  contained   the file passed, the process exited normally and created no file
  escaped     anything else: an assertion failed (the attack got through), the process
              died (a guest killed the host) or overran its time bound (a limit did not
              hold), or a file appeared in its working directory

Prints one line per escape and `sandbox: N cases, N contained, 0 escaped`; exits 1 on any
escape (or when there is no case at all).
"""
import os
import subprocess
import sys
import tempfile

TIME_BOUND_S = 120  # per case; a case states tighter bounds for the limit it tests


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    language, runner = sys.argv[1], os.path.abspath(sys.argv[2])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))  # the repository
    cases_dir = os.path.join(here, language)
    cases = sorted(f for f in os.listdir(cases_dir) if f.endswith(".test"))
    if not cases:
        print(f"sandbox: no cases for {language} in {cases_dir}")
        return 1
    escaped = []
    for case in cases:
        path = os.path.join(cases_dir, case)
        with tempfile.TemporaryDirectory(prefix="sprocket-sandbox-") as cwd:
            try:
                p = subprocess.run([runner, "--root", root, path], cwd=cwd,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=TIME_BOUND_S)
                output = p.stdout.decode("utf-8", "replace")
                if p.returncode < 0:
                    escaped.append((case, f"the host process died (signal {-p.returncode})",
                                    output))
                elif p.returncode != 0:
                    escaped.append((case, "an assertion failed", output))
                else:
                    left = os.listdir(cwd)
                    if left:
                        escaped.append((case, "files appeared: " + ", ".join(sorted(left)), ""))
            except subprocess.TimeoutExpired:
                escaped.append((case, f"overran the {TIME_BOUND_S} s bound", ""))
    for case, why, output in escaped:
        print(f"ESCAPED {language}/{case}: {why}")
        for line in output.strip().splitlines()[:20]:
            print("    " + line)
    n = len(cases)
    print(f"sandbox: {n} cases, {n - len(escaped)} contained, {len(escaped)} escaped")
    return 1 if escaped else 0


if __name__ == "__main__":
    sys.exit(main())
