"""The `archwright` command line, run as a user would: reports through the workflow, runs and
traces read back, and every user error a one-line message with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archwright.server.cli import _parser

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _run(*args: str, db: Path | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"ARCHWRIGHT_DB": str(db)} if db else {})}
    return subprocess.run([str(EXECUTABLE), *args], capture_output=True, text=True, timeout=60, env=env, cwd=cwd)


def test_report_prints_markdown_and_keeps_the_run(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    done = _run("report", RIDE, db=db, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Architecture report")
    assert "Appendix C: comparison" in done.stdout
    runs = _run("runs", db=db)
    assert "architecture_report" in runs.stdout and "success" in runs.stdout
    run_id = runs.stdout.split()[0]
    again = _run("run", run_id, "--report", db=db)
    assert again.returncode == 0 and again.stdout == done.stdout, "the stored run renders the same report"


def test_report_with_memory_keeps_nothing(tmp_path: Path) -> None:
    db = tmp_path / "untouched.db"
    done = _run("report", RIDE, "--memory", db=db)
    assert done.returncode == 0 and done.stdout.startswith("# Architecture report")
    assert not db.exists()


def test_report_writes_a_file_with_o(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    done = _run("report", RIDE, "--cloud", "gcp", "-o", str(target), "--memory")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "Cloud Run" in target.read_text(encoding="utf-8")


def test_a_vague_requirement_prints_the_questions_and_how_to_answer(tmp_path: Path) -> None:
    db = tmp_path / "vague.db"
    done = _run("report", "An app", db=db)
    assert done.returncode == 3, done.stderr
    assert "# Architecture report" not in done.stdout
    assert "What kind of app" in done.stdout and "archwright resume" in done.stdout
    run_id = done.stdout.split("archwright resume ", 1)[1].split()[0]
    answered = _run("resume", run_id, "--data", json.dumps({"answers": "A booking app for a gym, 500 members."}),
                    db=db)
    assert answered.returncode == 0 and "success" in answered.stdout
    report = _run("run", run_id, "--report", db=db)
    assert report.returncode == 0 and report.stdout.startswith("# Architecture report")


def test_answers_that_leave_it_vague_ask_again_instead_of_inventing_a_report(tmp_path: Path) -> None:
    db = tmp_path / "still.db"
    first = _run("report", "An app", db=db)
    run_id = first.stdout.split("archwright resume ", 1)[1].split()[0]
    waiting = _run("run", run_id, "--report", db=db)
    assert waiting.returncode == 2 and f"archwright resume {run_id}" in waiting.stderr
    vague = _run("resume", run_id, "--data", json.dumps({"answers": "still vague"}), db=db)
    assert vague.returncode == 3 and "Please answer" in vague.stdout
    clear = _run("resume", run_id, "--data", json.dumps({"answers": "A booking app for a gym, 500 members."}), db=db)
    assert clear.returncode == 0 and "success" in clear.stdout
    report = _run("run", run_id, "--report", db=db).stdout
    assert "still vague" in report and "booking app for a gym" in report, "every round of answers is kept"


def test_an_in_memory_store_does_not_offer_a_resume_it_cannot_keep() -> None:
    done = _run("--db", ":memory:", "report", "An app")
    assert done.returncode == 3 and "archwright resume" not in done.stdout and "run the report again" in done.stdout


def test_a_report_that_cannot_be_written_says_where_the_run_is(tmp_path: Path) -> None:
    db = tmp_path / "kept.db"
    done = _run("report", RIDE, "-o", "/dev/full", db=db)
    assert done.returncode == 2 and "archwright run " in done.stderr and "--report" in done.stderr
    run_id = done.stderr.split("archwright run ", 1)[1].split()[0]
    assert _run("run", run_id, "--report", db=db).stdout.startswith("# Architecture report")


def test_traces_lists_calls_and_runs_unless_asked_for_everything(tmp_path: Path) -> None:
    db = tmp_path / "traces.db"
    _run("report", RIDE, db=db)
    calls = _run("traces", db=db)
    everything = _run("traces", "--all", db=db)
    nothing = _run("traces", "--tool", "no_such_tool", db=db)
    assert "invoke_workflow architecture_report" in calls.stdout
    assert len(everything.stdout.splitlines()) >= len(calls.stdout.splitlines()) >= 1
    assert nothing.returncode == 0 and "no traces match" in nothing.stderr


def test_version_and_global_options_after_the_subcommand(tmp_path: Path) -> None:
    version = _run("--version")
    assert version.returncode == 0 and version.stdout.startswith("archwright ")
    db = tmp_path / "after.db"
    _run("report", RIDE, db=db)
    before = _run("--db", str(db), "runs")
    after = _run("runs", "--db", str(db), "-v")
    assert before.returncode == after.returncode == 0
    assert before.stdout == after.stdout and "architecture_report" in after.stdout


def test_every_subcommand_and_argument_has_help() -> None:
    parser = _parser()
    (subcommands,) = [a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction"]
    for name, sub in subcommands.choices.items():
        assert sub.description, name
        for action in sub._actions:
            assert action.help, (name, action.dest)
    for action in parser._actions:
        assert action.help, action.dest
    helped = _run("resume", "--help")
    assert helped.returncode == 0 and "--data" in helped.stdout and "--db" in helped.stdout


@pytest.mark.parametrize(("args", "expected"), [
    (("traces", "--limit", "0"), "out of range"),
    (("runs", "--limit", "-5"), "out of range"),
    (("report", RIDE, "-o", "missing_dir/x.md"), "does not exist"),
    (("resume", "0" * 32, "--data", "not json"), "not valid JSON"),
    (("resume", "0" * 32, "--data", "[1, 2]"), "JSON object"),
    (("trace", "../etc/passwd"), "not a trace id"),
    (("run", "zz"), "not a run id"),
    (("run", "0" * 32), "No run with id"),
    (("report", "   "), "empty"),
    (("report", RIDE, "--cloud", "oracle"), "invalid choice"),
    (("prune", "--older-than", "soon"), "not an age"),
    (("prune", "--older-than", "99999999999d"), "100 years"),
    (("--db", "", "runs"), "--db is empty"),
    (("serve", "--port", "70000"), "out of range for a port"),
    (("frobnicate",), "invalid choice"),
])
def test_user_errors_are_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], expected: str) -> None:
    done = _run(*args, db=tmp_path / "errors.db", cwd=tmp_path)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


@pytest.mark.parametrize("where", ["a_folder", "inside_a_file"])
def test_an_unusable_database_path_is_one_line_and_exit_2(tmp_path: Path, where: str) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("not a folder")
    path = tmp_path if where == "a_folder" else blocker / "archwright.db"
    for args in (("runs",), ("traces",), ("report", RIDE)):
        done = _run("--db", str(path), *args)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "database" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr
