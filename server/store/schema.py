"""The database schema as forward-only migrations, and the code that applies them.

Each migration runs in one transaction and is recorded in `schema_version`; a file written by a
newer Archwright is refused with a clear message instead of being touched. A released migration
never changes: new shapes are new migrations that carry existing rows across.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_LOCK_WAIT_S = 5.0


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


# (version, what it adds, statements). Append only.
MIGRATIONS: tuple[tuple[int, str, tuple[str, ...]], ...] = (
    (1, "spans and a per-trace summary", (
        """CREATE TABLE spans (
            trace_id TEXT NOT NULL,
            span_id TEXT NOT NULL,
            parent_span_id TEXT,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('unset', 'ok', 'error')),
            status_message TEXT,
            start_ns INTEGER NOT NULL,
            end_ns INTEGER NOT NULL,
            attributes TEXT NOT NULL DEFAULT '{}',
            events TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (trace_id, span_id)
        )""",
        "CREATE INDEX spans_by_start ON spans (start_ns)",
        """CREATE TABLE traces (
            trace_id TEXT PRIMARY KEY,
            root_name TEXT,
            tool_name TEXT,
            start_ns INTEGER NOT NULL,
            end_ns INTEGER NOT NULL,
            span_count INTEGER NOT NULL,
            error_count INTEGER NOT NULL
        )""",
        "CREATE INDEX traces_by_start ON traces (start_ns DESC)",
    )),
    (2, "workflow runs and step snapshots, threads, messages, working memory, scores", (
        """CREATE TABLE workflow_runs (
            run_id TEXT PRIMARY KEY,
            workflow_id TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN
                ('pending', 'running', 'suspended', 'success', 'failed', 'canceled', 'interrupted')),
            input TEXT NOT NULL,
            output TEXT,
            error TEXT,
            suspended_step TEXT,
            suspend_payload TEXT,
            resume_schema TEXT,
            trace_id TEXT,
            owner_pid INTEGER,
            created_ns INTEGER NOT NULL,
            updated_ns INTEGER NOT NULL
        )""",
        "CREATE INDEX runs_by_workflow ON workflow_runs (workflow_id, created_ns DESC)",
        "CREATE INDEX runs_by_status ON workflow_runs (status)",
        """CREATE TABLE step_snapshots (
            run_id TEXT NOT NULL REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
            step_path TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'success', 'failed', 'suspended', 'skipped')),
            input TEXT,
            output TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 1,
            start_ns INTEGER NOT NULL,
            end_ns INTEGER,
            PRIMARY KEY (run_id, step_path)
        )""",
        """CREATE TABLE threads (
            thread_id TEXT PRIMARY KEY,
            resource_id TEXT,
            title TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_ns INTEGER NOT NULL,
            updated_ns INTEGER NOT NULL
        )""",
        """CREATE TABLE messages (
            message_id TEXT PRIMARY KEY,
            thread_id TEXT NOT NULL REFERENCES threads (thread_id) ON DELETE CASCADE,
            role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
            content TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_ns INTEGER NOT NULL
        )""",
        "CREATE INDEX messages_by_thread ON messages (thread_id, created_ns)",
        """CREATE TABLE working_memory (
            thread_id TEXT PRIMARY KEY REFERENCES threads (thread_id) ON DELETE CASCADE,
            content TEXT NOT NULL,
            updated_ns INTEGER NOT NULL
        )""",
        """CREATE TABLE scores (
            score_id TEXT PRIMARY KEY,
            scorer TEXT NOT NULL,
            run_id TEXT REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
            trace_id TEXT,
            target TEXT,
            value REAL NOT NULL,
            reason TEXT NOT NULL,
            created_ns INTEGER NOT NULL
        )""",
        "CREATE INDEX scores_by_run ON scores (run_id)",
    )),
    (3, "scores that can be not scorable, tool calls in messages, runs by thread", (
        # Scores: 'not scorable' and 'error' are outcomes with no value, not zeros; a score keeps
        # the steps that produced it and, for a model judge, the prompt it was given.
        """CREATE TABLE scores_v3 (
            score_id TEXT PRIMARY KEY,
            scorer TEXT NOT NULL,
            run_id TEXT REFERENCES workflow_runs (run_id) ON DELETE CASCADE,
            trace_id TEXT,
            thread_id TEXT,
            target TEXT,
            status TEXT NOT NULL CHECK (status IN ('scored', 'not_scorable', 'error')),
            value REAL CHECK ((status = 'scored') = (value IS NOT NULL)),
            reason TEXT NOT NULL,
            steps TEXT NOT NULL DEFAULT '[]',
            judge_prompt TEXT,
            metadata TEXT NOT NULL DEFAULT '{}',
            created_ns INTEGER NOT NULL
        )""",
        """INSERT INTO scores_v3 (score_id, scorer, run_id, trace_id, target, status, value, reason, created_ns)
           SELECT score_id, scorer, run_id, trace_id, target, 'scored', value, reason, created_ns FROM scores""",
        "DROP TABLE scores",
        "ALTER TABLE scores_v3 RENAME TO scores",
        "CREATE INDEX scores_by_run ON scores (run_id)",
        "CREATE INDEX scores_by_scorer ON scores (scorer, created_ns DESC)",
        # Messages: an assistant turn may call tools; a tool message answers one call.
        "ALTER TABLE messages ADD COLUMN tool_calls TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE messages ADD COLUMN tool_call_id TEXT",
        "ALTER TABLE messages ADD COLUMN tool_name TEXT",
        # Runs: the conversation a run belongs to, as a column (it was only inside the input).
        "ALTER TABLE workflow_runs ADD COLUMN thread_id TEXT",
        """UPDATE workflow_runs SET thread_id = json_extract(input, '$.thread_id')
           WHERE json_valid(input) AND json_type(input, '$.thread_id') = 'text'""",
        "CREATE INDEX runs_by_thread ON workflow_runs (thread_id, created_ns DESC)",
    )),
    (4, "experiments: the eval runner's results over a labelled dataset", (
        """CREATE TABLE experiments (
            experiment_id TEXT PRIMARY KEY,
            dataset TEXT NOT NULL,
            dataset_sha256 TEXT NOT NULL,
            name TEXT,
            metrics TEXT NOT NULL,
            cases TEXT NOT NULL DEFAULT '[]',
            created_ns INTEGER NOT NULL
        )""",
        "CREATE INDEX experiments_by_dataset ON experiments (dataset, created_ns DESC)",
    )),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(connection: sqlite3.Connection) -> int:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not exists:
        return 0
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def retrying(action: Callable[[], T], *, budget_s: float = _LOCK_WAIT_S) -> T:
    """Retry `action` while another process holds the lock. SQLite answers some lock conflicts
    (switching journal mode while another process opens a fresh file) without waiting for its
    busy timeout, so the wait happens here."""
    deadline = time.monotonic() + budget_s
    delay = 0.005
    while True:
        try:
            return action()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def migrate(connection: sqlite3.Connection, *, target: int = SCHEMA_VERSION) -> int:
    """Apply every migration above the file's version up to `target`; return the new version."""
    return retrying(lambda: _migrate(connection, target))


def _migrate(connection: sqlite3.Connection, target: int) -> int:
    try:
        current = schema_version(connection)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"the database file is not a readable SQLite database ({error}); move it aside "
                         "or point ARCHWRIGHT_DB elsewhere") from error
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"the database was written by a newer Archwright (schema version {current}; this version knows up to "
            f"{SCHEMA_VERSION}). Upgrade Archwright, or point ARCHWRIGHT_DB at another file; the file was not changed."
        )
    # WAL only once the file is known to be ours: switching rewrites the header.
    if connection.execute("PRAGMA journal_mode").fetchone()[0] not in ("wal", "memory"):
        connection.execute("PRAGMA journal_mode = WAL")
    for version, _, statements in MIGRATIONS:
        if current < version <= target:
            connection.execute("BEGIN IMMEDIATE")
            try:
                if schema_version(connection) >= version:  # another process migrated meanwhile
                    connection.execute("COMMIT")
                    continue
                connection.execute(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_ns INTEGER NOT NULL)")
                for statement in statements:
                    connection.execute(statement)
                connection.execute("INSERT INTO schema_version VALUES (?, ?)", (version, time.time_ns()))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
    return schema_version(connection)
