"""How `archwright serve` ends: a signal flushes every span, logs one JSON line and exits promptly;
switching tracing off changes only tracing, never where runs are kept."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archwright.server.store.database import rows_total

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


@pytest.mark.slow
@pytest.mark.parametrize("signal_to_send", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_flushes_every_span_and_exits_with_one_json_line(tmp_path: Path, signal_to_send: int,
                                                                  pipelined, stdio_server) -> None:
    db = tmp_path / "signal.db"
    calls = 30
    process = stdio_server(db, stderr=subprocess.PIPE)
    process.stdin.write(pipelined("compare_architectures", {"requirement": RIDE}, calls))
    process.stdin.flush()  # stdin stays open, as a desktop client keeps it
    answered = 0
    while answered < calls + 1:
        if "id" in json.loads(process.stdout.readline()):
            answered += 1
    process.send_signal(signal_to_send)
    started = time.monotonic()
    _, stderr = process.communicate(timeout=20)
    waited = time.monotonic() - started
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert all(line.startswith("{") for line in lines), [line for line in lines if not line.startswith("{")][:3]
    stops = [json.loads(line) for line in lines if '"server stopped"' in line]
    assert len(stops) == 1 and stops[0]["reason"] == signal.Signals(signal_to_send).name
    assert process.returncode == 0
    traced = rows_total(str(db), "traces", "WHERE tool_name = ?", ("compare_architectures",))
    assert traced == calls, f"{traced} of {calls} answered calls have their trace (exit took {waited:.2f} s)"


def test_tracing_off_keeps_runs_where_they_always_are(tmp_path: Path) -> None:
    db = tmp_path / "untraced.db"
    env = {**os.environ, "ARCHWRIGHT_TRACING": "off", "ARCHWRIGHT_DB": str(db)}
    first = subprocess.run([str(EXECUTABLE), "report", "An app"], capture_output=True, text=True, timeout=60, env=env)
    assert first.returncode == 3
    later = subprocess.run([str(EXECUTABLE), "runs", "--status", "suspended"], capture_output=True, text=True,
                           timeout=60, env=env)
    assert "architecture_report" in later.stdout, "a suspended run survives the process that made it"
    assert rows_total(str(db), "spans") == 0


@pytest.mark.slow
def test_a_signal_leaves_no_run_running(tmp_path: Path, pipelined, stdio_server) -> None:
    db = tmp_path / "stopped.db"
    process = stdio_server(db)
    process.stdin.write(pipelined("generate_report", {"requirement": RIDE}, 40))
    process.stdin.flush()
    answered = 0
    while answered < 3:
        answered += json.loads(process.stdout.readline()).get("id", 0) >= 1
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=20)
    assert rows_total(str(db), "workflow_runs", "WHERE status = 'running'") == 0
    assert rows_total(str(db), "workflow_runs", "WHERE status = 'success'") >= 3
