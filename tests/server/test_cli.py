"""The `archwright` command line, run as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXECUTABLE), *args], capture_output=True, text=True, timeout=60)


def test_report_prints_markdown_to_stdout() -> None:
    done = _run("report", RIDE)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Architecture report")
    assert "Appendix C: comparison" in done.stdout


def test_report_writes_a_file_with_o(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    done = _run("report", RIDE, "--cloud", "gcp", "-o", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "Cloud Run" in target.read_text(encoding="utf-8")


def test_report_refuses_bad_input_with_a_reason_and_exit_2() -> None:
    done = _run("report", "   ")
    assert done.returncode == 2
    assert "empty" in done.stderr and done.stdout == ""


def test_unknown_cloud_is_rejected_by_the_parser() -> None:
    done = _run("report", RIDE, "--cloud", "oracle")
    assert done.returncode == 2 and "invalid choice" in done.stderr
