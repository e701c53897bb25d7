"""Counts test cases in a meson build directory's last `meson test` run.

    count.py BUILD_DIR    # prints "passed failed skipped"

Suites that speak TAP count one per test case (meson's JUnit log lists them);
a plain suite (exit code only) counts as one. A suite that failed without
reporting a failed case (it crashed, timed out, or its plan came up short)
adds one failure, so nothing that went wrong is counted as passed.
"""
import json
import os
import sys
import xml.etree.ElementTree as ET

GOOD = {"OK", "EXPECTEDFAIL"}


def case_results(junit_path, project):
    """Maps a TAP suite's name to [(case name, outcome)], outcome ok/fail/skip."""
    suites = {}
    if not os.path.exists(junit_path):
        return suites
    prefix = project + "."
    for suite in ET.parse(junit_path).getroot().iter("testsuite"):
        name = suite.get("name", "")
        if not name.startswith(prefix):
            continue  # the project's own suite: plain tests, one case each
        cases = []
        for case in suite.iter("testcase"):
            tags = {child.tag for child in case}
            outcome = "fail" if tags & {"failure", "error"} else "skip" if "skipped" in tags else "ok"
            cases.append((case.get("name"), outcome))
        suites[name[len(prefix):]] = cases
    return suites


def count(build_dir):
    logs = os.path.join(build_dir, "meson-logs")
    with open(os.path.join(build_dir, "meson-info", "intro-projectinfo.json")) as f:
        project = json.load(f)["descriptive_name"]
    cases = case_results(os.path.join(logs, "testlog.junit.xml"), project)
    passed = failed = skipped = 0
    with open(os.path.join(logs, "testlog.json")) as f:
        for line in f:
            test = json.loads(line)
            result = test["result"]
            subtests = cases.get(test["name"])
            if subtests is None:
                if result == "SKIP":
                    skipped += 1
                elif result in GOOD:
                    passed += 1
                else:
                    failed += 1
                continue
            passed += sum(1 for _, o in subtests if o == "ok")
            skipped += sum(1 for _, o in subtests if o == "skip")
            bad = sum(1 for _, o in subtests if o == "fail")
            if result not in GOOD and result != "SKIP" and bad == 0:
                bad = 1
            failed += bad
    return passed, failed, skipped


if __name__ == "__main__":
    print(*count(sys.argv[1]))
