"""SIGKILL in the middle of a burst of report runs, three times over one file: the file stays
sound, every finished run stays whole, every unfinished one is marked interrupted at the next
start and resumes to success. (Spans still in the exporter's one-second batch when the process is
killed are lost by design; acknowledged runs themselves never are.)"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
BURST = 20


def _burst_then_kill(start: Any, db: Path, after: int, script: str) -> list[str]:
    """Pipeline `script` (BURST reports) and SIGKILL the server once `after` have been answered;
    the run ids of the answered ones."""
    process = start(db)
    process.stdin.write(script)
    process.stdin.flush()
    answered: list[str] = []
    while len(answered) < after:
        message = json.loads(process.stdout.readline())
        if message.get("id", 0) >= 1:
            answered.append(message["result"]["structuredContent"]["run_id"])
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    return answered


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(EXECUTABLE), "--db", str(db), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_killed_bursts_leave_a_sound_file_whole_runs_and_resumable_ones(tmp_path: Path, pipelined,
                                                                         stdio_server) -> None:
    db = tmp_path / "killed.db"
    acknowledged: list[str] = []
    for round_number in range(3):
        acknowledged += _burst_then_kill(stdio_server, db, 4 + 2 * round_number,
                                         pipelined("generate_report", {"requirement": RIDE}, BURST))
        connection = sqlite3.connect(db)
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        connection.close()
        assert _cli(db, "runs").returncode == 0  # opening the engine marks the orphans interrupted
        connection = sqlite3.connect(db)
        statuses = dict(connection.execute("SELECT run_id, status FROM workflow_runs").fetchall())
        connection.close()
        assert set(statuses.values()) <= {"success", "interrupted"}, statuses
        assert all(statuses[run_id] == "success" for run_id in acknowledged), "an answered run was lost"
        for run_id, status in statuses.items():
            if status == "interrupted":
                resumed = _cli(db, "resume", run_id)
                assert resumed.returncode == 0 and f"run {run_id}" in resumed.stdout and "success" in resumed.stdout
    for run_id in acknowledged:
        report = _cli(db, "run", run_id, "--report")
        assert report.returncode == 0 and report.stdout.startswith("# Architecture report")


@pytest.mark.slow
def test_a_server_still_running_resumes_the_runs_of_one_that_was_killed(tmp_path: Path, pipelined,
                                                                        stdio_server) -> None:
    db = tmp_path / "survivor.db"
    survivor = stdio_server(db)

    def ask(request_id: int, name: str, arguments: dict) -> dict:
        survivor.stdin.write(json.dumps({"jsonrpc": "2.0", "id": request_id, "method": "tools/call",
                                         "params": {"name": name, "arguments": arguments}}) + "\n")
        survivor.stdin.flush()
        while (message := json.loads(survivor.stdout.readline())).get("id") != request_id:
            pass
        return message["result"]

    survivor.stdin.write(json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "s", "version": "1"}}}) + "\n"
        + json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n")
    survivor.stdin.flush()
    survivor.stdout.readline()
    ask(1, "list_workflow_runs", {})  # the survivor's engine is open before the other process dies
    # A longer burst than above: with the quality loop each report's answer follows its scoring, and
    # twenty runs could all finish before the second answer is read.
    _burst_then_kill(stdio_server, db, 2, pipelined("generate_report", {"requirement": RIDE}, 4 * BURST))
    connection = sqlite3.connect(db)
    orphans = [r for (r,) in connection.execute("SELECT run_id FROM workflow_runs WHERE status = 'running'")]
    connection.close()
    assert orphans, "the kill should leave runs unfinished"
    resumed = ask(2, "resume_workflow", {"run_id": orphans[0]})
    survivor.stdin.close()
    survivor.wait(timeout=60)
    assert not resumed.get("isError"), resumed
    assert resumed["structuredContent"]["status"] == "success"
