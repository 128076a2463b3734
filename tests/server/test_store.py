"""The SQLite store: migrations, concurrent writers, shutdown flush, retention."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from archwright.server.store import MIGRATIONS, SCHEMA_VERSION, StoreError, connect, migrate
from archwright.server.store.database import rows_total
from archwright.server.store.spans import SpanRow, SpanWriter

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _row(trace: int, span: int, start_ns: int, name: str = "step", parent: int | None = None) -> SpanRow:
    return SpanRow(f"{trace:032x}", f"{span:016x}", f"{parent:016x}" if parent is not None else None, name,
                   "internal", "ok", None, start_ns, start_ns + 1_000_000, {"gen_ai.tool.name": "t"}, [])


def _tables(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {r[0] for r in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        connection.close()


def test_an_empty_file_migrates_to_the_current_schema(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    connection = connect(str(db))
    assert migrate(connection) == SCHEMA_VERSION
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    connection.close()
    assert {"schema_version", "spans", "traces", "workflow_runs", "step_snapshots", "threads", "messages",
            "working_memory", "scores"} <= _tables(db)


def test_version_1_migrates_forward_keeping_its_data(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    connection = connect(str(db))
    assert migrate(connection, target=1) == 1
    connection.close()
    writer_v1 = sqlite3.connect(db)
    writer_v1.execute("INSERT INTO spans VALUES (?, ?, NULL, 'old', 'internal', 'ok', NULL, 1, 2, '{}', '[]')",
                      ("a" * 32, "b" * 16))
    writer_v1.commit()
    writer_v1.close()
    assert "workflow_runs" not in _tables(db)
    connection = connect(str(db))
    assert migrate(connection) == SCHEMA_VERSION
    versions = [r[0] for r in connection.execute("SELECT version FROM schema_version ORDER BY version")]
    connection.close()
    assert versions == [v for v, _, _ in MIGRATIONS]
    assert rows_total(str(db), "spans") == 1
    assert "workflow_runs" in _tables(db)


def test_version_2_reshapes_scores_messages_and_runs_keeping_their_rows(tmp_path: Path) -> None:
    db = tmp_path / "v2.db"
    connection = connect(str(db))
    assert migrate(connection, target=2) == 2
    connection.execute("INSERT INTO workflow_runs (run_id, workflow_id, status, input, created_ns, updated_ns) "
                       "VALUES ('r1', 'architecture_report', 'success', ?, 1, 2)",
                       (json.dumps({"requirement": "x", "thread_id": "chat-7"}),))
    connection.execute("INSERT INTO workflow_runs (run_id, workflow_id, status, input, created_ns, updated_ns) "
                       "VALUES ('r2', 'architecture_report', 'success', '{\"requirement\": \"y\"}', 1, 2)")
    connection.execute("INSERT INTO scores VALUES ('s1', 'completeness', 'r1', NULL, 'report', 0.75, 'covers NFRs', 3)")
    connection.execute("INSERT INTO threads VALUES ('chat-7', NULL, 'gym app', '{}', 1, 1)")
    connection.execute("INSERT INTO messages VALUES ('m1', 'chat-7', 'user', 'hello', '{}', 1)")
    assert migrate(connection) == SCHEMA_VERSION
    runs = dict(connection.execute("SELECT run_id, thread_id FROM workflow_runs").fetchall())
    score = connection.execute("SELECT scorer, run_id, status, value, reason, steps FROM scores").fetchone()
    message = connection.execute("SELECT role, content, tool_calls, tool_call_id FROM messages").fetchone()
    connection.execute("INSERT INTO scores (score_id, scorer, status, value, reason, created_ns) "
                       "VALUES ('s2', 'judge', 'not_scorable', NULL, 'no model configured', 4)")
    with pytest.raises(sqlite3.IntegrityError):  # a scored row needs a value; an unscorable one has none
        connection.execute("INSERT INTO scores (score_id, scorer, status, value, reason, created_ns) "
                           "VALUES ('s3', 'judge', 'scored', NULL, 'missing value', 5)")
    connection.close()
    assert runs == {"r1": "chat-7", "r2": None}
    assert score == ("completeness", "r1", "scored", 0.75, "covers NFRs", "[]")
    assert message == ("user", "hello", "[]", None)


def test_migrating_twice_changes_nothing(tmp_path: Path) -> None:
    connection = connect(str(tmp_path / "twice.db"))
    migrate(connection)
    assert migrate(connection) == SCHEMA_VERSION
    assert connection.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == len(MIGRATIONS)
    connection.close()


def test_a_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "future.db"
    connection = sqlite3.connect(db)
    connection.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_ns INTEGER)")
    connection.execute("INSERT INTO schema_version VALUES (?, 0)", (SCHEMA_VERSION + 1,))
    connection.commit()
    connection.close()
    before = db.read_bytes()
    with pytest.raises(StoreError, match="newer Archwright"):
        migrate(connect(str(db)))
    assert db.read_bytes() == before


def test_a_corrupt_file_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.db"
    db.write_bytes(b"definitely not sqlite" * 200)
    with pytest.raises(StoreError, match="not a readable SQLite database|cannot open"):
        migrate(connect(str(db)))


def test_two_processes_write_to_one_file_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    script = textwrap.dedent(f"""
        import sys, time
        from archwright.server.store.spans import SpanRow, SpanWriter
        worker = int(sys.argv[1])
        writer = SpanWriter({str(db)!r})
        for batch in range(40):
            rows = [SpanRow(f"{{worker:08x}}{{batch:024x}}", f"{{i:016x}}", None, "s", "internal", "ok", None,
                            time.time_ns(), time.time_ns() + 1, {{}}, []) for i in range(50)]
            writer.write(rows)
        writer.close()
    """)
    workers = [subprocess.Popen([sys.executable, "-c", script, str(n)], stderr=subprocess.PIPE, text=True)
               for n in (1, 2)]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
    assert rows_total(str(db), "spans") == 2 * 40 * 50
    assert rows_total(str(db), "traces") == 2 * 40


def test_a_clean_exit_of_the_server_loses_no_span(tmp_path: Path, handshake) -> None:
    db = tmp_path / "flush.db"
    messages = handshake("compare_architectures", {"requirement": RIDE})
    process = subprocess.Popen([str(EXECUTABLE), "--db", str(db), "serve"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin and process.stdout
    process.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    process.stdin.flush()
    answers = [json.loads(process.stdout.readline()) for _ in range(2)]
    assert answers[1]["id"] == 2 and not answers[1]["result"].get("isError")
    _, err = process.communicate(timeout=30)  # EOF on stdin: the server exits right away, before a batch timer
    assert process.returncode == 0, err
    assert rows_total(str(db), "spans", "WHERE name = ?", ["tools/call compare_architectures"]) == 1
    assert rows_total(str(db), "spans", "WHERE name LIKE 'design %'") == 3


def test_prune_removes_old_traces_keeps_new_and_reclaims_space(tmp_path: Path) -> None:
    db = tmp_path / "prune.db"
    writer = SpanWriter(str(db))
    old = time.time_ns() - 40 * 86_400 * 10**9
    writer.write([_row(1, s, old) for s in range(1, 2001)])
    writer.write([_row(2, 1, time.time_ns())])
    writer.close()
    wal = Path(f"{db}-wal")
    size_before = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    done = subprocess.run([str(EXECUTABLE), "--db", str(db), "prune", "--older-than", "30d"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "pruned 1 traces (2000 spans)" in done.stdout
    assert rows_total(str(db), "spans") == 1
    assert db.stat().st_size < size_before


def test_prune_rejects_a_bad_age(tmp_path: Path) -> None:
    done = subprocess.run([str(EXECUTABLE), "--db", str(tmp_path / "x.db"), "prune", "--older-than", "soon"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "30d or 12h" in done.stderr


def test_cli_lists_and_prints_traces(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    writer = SpanWriter(str(db))
    now = time.time_ns()
    writer.write([_row(7, 1, now, "tools/call analyze_requirements"), _row(7, 2, now + 10, "analyze", parent=1)])
    writer.close()
    listed = subprocess.run([str(EXECUTABLE), "--db", str(db), "traces"], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and f"{7:032x}" in listed.stdout
    shown = subprocess.run([str(EXECUTABLE), "--db", str(db), "trace", f"{7:032x}"], capture_output=True, text=True,
                           timeout=60)
    assert shown.returncode == 0 and "  analyze" in shown.stdout and "█" in shown.stdout
    bad = subprocess.run([str(EXECUTABLE), "--db", str(db), "trace", "../etc/passwd"], capture_output=True, text=True,
                         timeout=60)
    assert bad.returncode == 2 and "32 lowercase hexadecimal" in bad.stderr


def test_a_lock_held_past_the_timeout_degrades_once_then_recovers(tmp_path: Path) -> None:
    import logging

    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor

    from archwright.server.telemetry.redact import Redactor
    from archwright.server.telemetry.tracing import SQLiteSpanExporter, TracingHealth

    db = tmp_path / "locked.db"
    SpanWriter(str(db)).close()
    provider = TracerProvider()
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    with provider.get_tracer("t").start_as_current_span("work"):
        pass
    spans = memory.get_finished_spans()
    health = TracingHealth()
    exporter = SQLiteSpanExporter(str(db), health, Redactor(), busy_timeout_ms=100)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    warnings: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: warnings.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger("archwright.telemetry").addHandler(handler)
    try:
        results = [exporter.export(spans).name for _ in range(3)]
    finally:
        logging.getLogger("archwright.telemetry").removeHandler(handler)
        holder.execute("ROLLBACK")
        holder.close()
    assert results == ["FAILURE"] * 3
    assert health.degraded and "locked" in health.degraded
    assert len([w for w in warnings if "tracing degraded" in w]) == 1, "one warning, not one a batch"
    assert exporter.export(spans).name == "SUCCESS"
    assert health.degraded is None
    assert rows_total(str(db), "spans") == 1
    exporter.shutdown()


def test_prune_removes_old_finished_runs_with_their_steps_and_keeps_suspended_ones(tmp_path: Path) -> None:
    db = tmp_path / "runs.db"
    SpanWriter(str(db)).close()
    old = time.time_ns() - 40 * 86_400 * 10**9
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA foreign_keys = ON")
    for run_id, status in (("a" * 32, "success"), ("b" * 32, "failed"), ("c" * 32, "suspended")):
        connection.execute("INSERT INTO workflow_runs (run_id, workflow_id, status, input, created_ns, updated_ns) "
                           "VALUES (?, 'w', ?, '{}', ?, ?)", (run_id, status, old, old))
        connection.execute("INSERT INTO step_snapshots (run_id, step_path, status, start_ns) VALUES (?, 's', 'success', ?)",
                           (run_id, old))
    connection.commit()
    connection.close()
    done = subprocess.run([str(EXECUTABLE), "--db", str(db), "prune", "--older-than", "30d"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "and 2 finished runs" in done.stdout
    assert rows_total(str(db), "workflow_runs") == 1
    assert rows_total(str(db), "step_snapshots") == 1, "snapshots of pruned runs go with them"


def test_cli_shows_and_resumes_workflow_runs(tmp_path: Path, handshake) -> None:
    db = tmp_path / "cli-runs.db"
    messages = handshake("generate_report", {"requirement": "An app."})
    process = subprocess.Popen([str(EXECUTABLE), "--db", str(db), "serve"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdin and process.stdout
    process.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    process.stdin.flush()
    answers = [json.loads(process.stdout.readline()) for _ in range(2)]
    process.communicate(timeout=30)
    run_id = answers[1]["result"]["structuredContent"]["run_id"]

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(EXECUTABLE), "--db", str(db), *args], capture_output=True, text=True, timeout=60)

    assert run_id in cli("runs").stdout
    shown = cli("run", run_id)
    assert "suspended" in shown.stdout and "What kind of app" in shown.stdout
    bad = cli("resume", run_id, "--data", '{"wrong": 1}')
    assert bad.returncode == 2 and "answers" in bad.stderr
    resumed = cli("resume", run_id, "--data", json.dumps({"answers": "A booking app for a gym, 500 members."}))
    assert resumed.returncode == 0 and "success" in resumed.stdout and "summarize" in resumed.stdout


def test_a_failed_open_leaks_no_connection_thread(tmp_path: Path) -> None:
    import threading

    import anyio

    from archwright.server.store import Database

    db = tmp_path / "corrupt.db"
    db.write_bytes(b"not sqlite at all" * 300)

    async def attempts() -> None:
        for _ in range(5):
            with pytest.raises(StoreError):
                await Database.opened(str(db))

    def connection_workers() -> int:  # aiosqlite names its threads after their target
        return sum("_connection_worker_thread" in t.name for t in threading.enumerate())

    before = connection_workers()
    anyio.run(attempts)
    deadline = time.monotonic() + 5  # close() returns before its worker thread has quite finished exiting
    while connection_workers() > before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert connection_workers() == before, "each failed open must close its aiosqlite worker"
