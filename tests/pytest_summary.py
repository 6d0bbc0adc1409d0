"""A pytest plugin for tests/run.sh: ends pytest's output the way `dotnet test` ends its own, so the script shows
failed tests under "Failed tests:" and sums the counts into its closing line with the .NET layers'.

Each failure is written as an indented `Failed <test>` line followed by its error (what run.sh's awk picks up), then
`Test Run Failed.` or `Test Run Successful.` and the `Passed: N` / `Failed: N` lines it sums. Errors in setup or
collection count as failed: a test that could not run did not pass.
"""

from __future__ import annotations

import pytest


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int) -> None:
    stats = terminalreporter.stats
    failed = [*stats.get("failed", []), *stats.get("error", [])]
    passed = [r for r in stats.get("passed", []) if r.when == "call"]
    skipped = len(stats.get("skipped", [])) + len(stats.get("xfailed", []))
    write = terminalreporter.write_line
    write("")
    for report in failed:
        write(f"  Failed {report.nodeid}")
        message = report.longreprtext.strip().splitlines() if report.longreprtext else []
        # The error lines ("E ...") say why; the location closes them.
        why = [line for line in message if line.startswith("E ")] or message[-5:]
        for line in why[:15]:
            write(f"    {line}")
    write("Test Run Failed." if failed or exitstatus not in (0, 5) else "Test Run Successful.")
    write(f"Total tests: {len(passed) + len(failed) + skipped}")
    write(f"     Passed: {len(passed)}")
    if failed:
        write(f"     Failed: {len(failed)}")
    if skipped:
        write(f"    Skipped: {skipped}")
