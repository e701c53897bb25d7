"""Runs a Python test suite and reports each test case as TAP on stdout.

meson runs the client suites with protocol 'tap', so ./dev test counts test
cases, not suites. The runner's own output (pytest's progress, failures,
tracebacks) goes to stderr, where meson's log keeps it.

    tap.py pytest FILE [pytest args...]   # unittest or pytest tests, run by pytest
    tap.py junit FILE.xml [exit code]     # an existing JUnit report (stestr's, say)
"""
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def cases(junit_path):
    """Yields (name, outcome, detail) per testcase of a JUnit XML report."""
    root = ET.parse(junit_path).getroot()
    for case in root.iter("testcase"):
        name = ".".join(p for p in (case.get("classname"), case.get("name")) if p)
        outcome, detail = "ok", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, detail = "not ok", child.get("message") or (child.text or "").strip()
                break
            if child.tag == "skipped":  # pytest puts the reason in "message", subunit2junitxml in the text
                outcome, detail = "skip", child.get("message") or (child.text or "").strip()
        yield name, outcome, detail


def report(junit_path, exit_code, runner):
    """Prints TAP for the report; returns the exit status for this process."""
    print("TAP version 13")
    count = 0
    if os.path.exists(junit_path) and os.path.getsize(junit_path):
        for name, outcome, detail in cases(junit_path):
            count += 1
            line = detail.splitlines()[0] if detail else ""
            if outcome == "skip":
                print(f"ok {count} - {name} # SKIP {line}")
            else:
                if outcome == "not ok" and line:
                    print(f"# {line}")
                print(f"{outcome} {count} - {name}")
    # A runner that could not run (an import error, no tests found) is a
    # failure of its own, not a silent zero.
    if exit_code not in (0, 1) or count == 0:
        print(f"Bail out! {runner} exited {exit_code} after {count} tests")
        return exit_code or 1
    print(f"1..{count}")
    return exit_code


def run_pytest(test_file, extra):
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "report.xml")
        cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rfEs",
               f"--junitxml={junit}", "-o", "junit_family=xunit1", test_file, *extra]
        code = subprocess.call(cmd, stdout=sys.stderr)
        return report(junit, code, "pytest")


def main(argv):
    if len(argv) >= 2 and argv[0] == "pytest":
        return run_pytest(argv[1], argv[2:])
    if len(argv) >= 2 and argv[0] == "junit":
        return report(argv[1], int(argv[2]) if len(argv) > 2 else 0, "the runner")
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)
    sys.exit(main(sys.argv[1:]))
