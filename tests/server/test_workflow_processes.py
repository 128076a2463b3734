"""Runs survive their process: resume in another process, and recovery after SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).with_name("workflow_process.py")
ROOT = Path(__file__).resolve().parents[2]


def _spawn(db: Path, log: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(SCRIPT), str(db), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            env={**os.environ, "CALL_LOG": str(log), "PYTHONPATH": str(ROOT), **env})


def _calls(log: Path) -> list[str]:
    return log.read_text().split()


def test_suspend_in_one_process_resume_in_another(tmp_path: Path) -> None:
    db, log = tmp_path / "runs.db", tmp_path / "calls.log"
    first = _spawn(db, log, "start", "asking", LINGER="1")
    assert first.stdout is not None
    run = json.loads(first.stdout.readline())
    assert run["status"] == "suspended" and run["question"] == {"question": "what to add to 2?"}
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    second = _spawn(db, log, "resume", run["run_id"], json.dumps({"answer": 40}))
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    resumed = json.loads(out.splitlines()[-1])
    assert resumed["status"] == "success" and resumed["output"] == {"value": 42}
    assert _calls(log) == ["first", "ask-suspend", "ask-done", "last"], "no finished step ran twice"


def test_a_run_killed_mid_step_is_marked_interrupted_and_resumes_without_rerunning(tmp_path: Path) -> None:
    db, log = tmp_path / "runs.db", tmp_path / "calls.log"
    doomed = _spawn(db, log, "start", "crashy", HANG="1")
    assert doomed.stdout is not None
    assert doomed.stdout.readline().strip() == "HANGING"
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    connection = sqlite3.connect(db)
    run_id, status = connection.execute("SELECT run_id, status FROM workflow_runs").fetchone()
    connection.close()
    assert status == "running", "a killed process cannot update its run: it looks running"
    survivor = _spawn(db, log, "recover", run_id)
    out, err = survivor.communicate(timeout=60)
    assert survivor.returncode == 0, err
    lines = out.splitlines()
    assert json.loads(lines[0]) == {"interrupted": [run_id]}
    resumed = json.loads(lines[-1])
    assert resumed["status"] == "success" and resumed["output"] == {"value": 20}
    assert _calls(log) == ["first", "slow-start", "slow-start", "slow-end", "last"]
    assert [s["path"] for s in resumed["steps"]] == ["first", "slow", "last"]
