"""The one module that owns all SQL: schema, migrations, span writes, trace reads, retention.

One SQLite file in WAL mode with foreign keys on and a busy timeout, so two server processes can
share it. Migrations are forward-only, each in one transaction, recorded in `schema_version`; a
file written by a newer Archwright is refused with a clear message instead of being touched.

Writers and readers live in different places: the span exporter writes from the OpenTelemetry
batch thread with the standard `sqlite3` module (`SpanWriter`), while the server reads through
`aiosqlite` (`Store`) so a slow disk never blocks the event loop.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

BUSY_TIMEOUT_MS = 5_000
T = TypeVar("T")

# (version, what it adds, statements). Append only: a released migration never changes.
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
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


class StoreError(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class SpanRow:
    """One finished span, already redacted, as stored."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    name: str
    kind: str
    status: str
    status_message: str | None
    start_ns: int
    end_ns: int
    attributes: dict[str, Any]
    events: list[dict[str, Any]]


def connect(path: str, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A configured sqlite3 connection (foreign keys, busy timeout; `migrate` turns on WAL)."""
    uri = path.startswith("file:")
    target = path
    if readonly and not uri and path != ":memory:":
        target, uri = f"file:{Path(path).as_posix()}?mode=ro", True
    try:
        connection = sqlite3.connect(target, uri=uri, timeout=busy_timeout_ms / 1000, check_same_thread=False,
                                     isolation_level=None)
        _configure(connection, readonly=readonly, busy_timeout_ms=busy_timeout_ms)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open the database at {path}: {error}") from error
    return connection


def _configure(connection: sqlite3.Connection, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
    """Per-connection settings. WAL is switched on by `migrate`, once the file is known to be ours:
    setting it rewrites the file header, and a newer version's file must stay untouched."""
    connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
    connection.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        connection.execute("PRAGMA synchronous = NORMAL")


def schema_version(connection: sqlite3.Connection) -> int:
    exists = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone()
    if not exists:
        return 0
    row = connection.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _retrying(action: Callable[[], T], *, budget_s: float = BUSY_TIMEOUT_MS / 1000) -> T:
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
    return _retrying(lambda: _migrate(connection, target))


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


def prepare(path: str) -> None:
    """Create or migrate the database file (the parent folder too)."""
    if not path.startswith("file:") and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        migrate(connection)
    finally:
        connection.close()


class SpanWriter:
    """Writes batches of spans and keeps the per-trace summary; used from the exporter thread."""

    def __init__(self, path: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self._connection = connect(path, busy_timeout_ms=busy_timeout_ms)
        migrate(self._connection)

    def write(self, rows: Sequence[SpanRow]) -> None:
        if not rows:
            return
        summaries: dict[str, list[Any]] = {}
        for row in rows:
            summary = summaries.setdefault(row.trace_id, [None, None, row.start_ns, row.end_ns, 0, 0])
            if row.parent_span_id is None:
                summary[0] = row.name
            tool = row.attributes.get("gen_ai.tool.name")
            if isinstance(tool, str) and summary[1] is None:
                summary[1] = tool
            summary[2] = min(summary[2], row.start_ns)
            summary[3] = max(summary[3], row.end_ns)
            summary[4] += 1
            summary[5] += row.status == "error"
        connection = self._connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.executemany(
                "INSERT OR REPLACE INTO spans VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(r.trace_id, r.span_id, r.parent_span_id, r.name, r.kind, r.status, r.status_message, r.start_ns,
                  r.end_ns, json.dumps(r.attributes, default=str), json.dumps(r.events, default=str)) for r in rows],
            )
            connection.executemany(
                """INSERT INTO traces VALUES (?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (trace_id) DO UPDATE SET
                     root_name = COALESCE(excluded.root_name, root_name),
                     tool_name = COALESCE(tool_name, excluded.tool_name),
                     start_ns = MIN(start_ns, excluded.start_ns),
                     end_ns = MAX(end_ns, excluded.end_ns),
                     span_count = span_count + excluded.span_count,
                     error_count = error_count + excluded.error_count""",
                [(trace_id, *summary) for trace_id, summary in summaries.items()],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    def close(self) -> None:
        self._connection.close()


@dataclass(frozen=True)
class TraceSummary:
    trace_id: str
    root_name: str | None
    tool_name: str | None
    start_ns: int
    end_ns: int
    span_count: int
    error_count: int

    @property
    def status(self) -> str:
        return "error" if self.error_count else "ok"


class Store:
    """Async reads and maintenance over one database file (aiosqlite)."""

    def __init__(self, connection: aiosqlite.Connection, path: str) -> None:
        self._db = connection
        self.path = path

    @classmethod
    async def open(cls, path: str) -> Store:
        """Open (creating or migrating) the database. Raises StoreError with a reason."""
        import anyio.to_thread

        if not path.startswith("file:") and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        try:
            connection = await aiosqlite.connect(path, uri=path.startswith("file:"), isolation_level=None,
                                                 timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot open the database at {path}: {error}") from error
        try:  # every failure from here on closes the connection: its worker thread would outlive us
            await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA foreign_keys = ON")
            # WAL with synchronous=NORMAL: durable across application crashes, one fsync per
            # checkpoint instead of one per commit (a step snapshot is a commit).
            await connection.execute("PRAGMA synchronous = NORMAL")
            # Migrate only once this connection is open: a shared in-memory database lives exactly as
            # long as its last connection, so migrating on a connection closed first would be lost.
            await anyio.to_thread.run_sync(prepare, path)
        except BaseException as error:
            await connection.close()
            if isinstance(error, sqlite3.DatabaseError):
                raise StoreError(f"cannot open the database at {path}: {error}") from error
            raise
        return cls(connection, path)

    async def close(self) -> None:
        await self._db.close()

    async def list_traces(
        self, *, tool_name: str | None = None, status: str | None = None, limit: int = 20,
        before_ns: int | None = None,
    ) -> list[TraceSummary]:
        clauses: list[str] = []
        params: list[Any] = []
        if tool_name:
            clauses.append("tool_name = ?")
            params.append(tool_name)
        if status == "error":
            clauses.append("error_count > 0")
        elif status == "ok":
            clauses.append("error_count = 0")
        if before_ns is not None:
            clauses.append("start_ns < ?")
            params.append(before_ns)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cursor = await self._db.execute(
            f"SELECT * FROM traces {where} ORDER BY start_ns DESC LIMIT ?", (*params, limit))
        return [TraceSummary(*row) for row in await cursor.fetchall()]

    async def trace_spans(self, trace_id: str) -> list[SpanRow]:
        cursor = await self._db.execute("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns", (trace_id,))
        return [
            SpanRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], json.loads(r[9]), json.loads(r[10]))
            for r in await cursor.fetchall()
        ]

    async def prune(self, older_than_seconds: float) -> dict[str, int]:
        """Delete traces and finished runs that ended before the cutoff, then reclaim the space."""
        cutoff = time.time_ns() - int(older_than_seconds * 1e9)
        counts: dict[str, int] = {}
        await self._db.execute("BEGIN IMMEDIATE")
        try:
            for table, sql in (
                ("spans", "DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM traces WHERE end_ns < ?)"),
                ("traces", "DELETE FROM traces WHERE end_ns < ?"),
                ("workflow_runs", "DELETE FROM workflow_runs WHERE updated_ns < ? AND status IN "
                                  "('success', 'failed', 'canceled')"),
            ):
                cursor = await self._db.execute(sql, (cutoff,))
                counts[table] = cursor.rowcount
            await self._db.execute("COMMIT")
        except BaseException:
            await self._db.execute("ROLLBACK")
            raise
        if any(counts.values()):
            await self._db.execute("VACUUM")
        return counts


@dataclass(frozen=True)
class RunRecord:
    run_id: str
    workflow_id: str
    status: str
    input: Any
    output: Any
    error: str | None
    suspended_step: str | None
    suspend_payload: Any
    resume_schema: Any
    trace_id: str | None
    owner_pid: int | None
    created_ns: int
    updated_ns: int


@dataclass(frozen=True)
class StepRecord:
    step_path: str
    status: str
    input: Any
    output: Any
    error: str | None
    attempts: int
    start_ns: int
    end_ns: int | None


class Encoded(str):
    """Text that is already JSON (pydantic's model_dump_json), stored as it is."""


def _encode(value: Any) -> str | None:
    return value if isinstance(value, Encoded) else None if value is None else json.dumps(value)


def _loads(value: str | None) -> Any:
    return None if value is None else json.loads(value)


def _run(row: Sequence[Any]) -> RunRecord:
    return RunRecord(row[0], row[1], row[2], _loads(row[3]), _loads(row[4]), row[5], row[6], _loads(row[7]),
                     _loads(row[8]), row[9], row[10], row[11], row[12])


class RunStore:
    """Workflow runs and step snapshots (aiosqlite), sharing the connection of a `Store`."""

    def __init__(self, store: Store) -> None:
        self._db = store._db

    async def create_run(self, run_id: str, workflow_id: str, data: Any, pid: int) -> None:
        now = time.time_ns()
        await self._db.execute(
            "INSERT INTO workflow_runs (run_id, workflow_id, status, input, owner_pid, created_ns, updated_ns) "
            "VALUES (?, ?, 'running', ?, ?, ?, ?)", (run_id, workflow_id, json.dumps(data), pid, now, now))

    async def update_run(self, run_id: str, *, only_if_running: bool = False, **fields: Any) -> bool:
        """Update a run; with `only_if_running`, only while it is still running (a run canceled from
        elsewhere keeps its status). True when the row changed."""
        encoded = {k: _encode(v) if k in ("output", "suspend_payload", "resume_schema") else v
                   for k, v in fields.items()}
        assignments = ", ".join(f"{k} = ?" for k in encoded)
        guard = " AND status = 'running'" if only_if_running else ""
        cursor = await self._db.execute(
            f"UPDATE workflow_runs SET {assignments}, updated_ns = ? WHERE run_id = ?{guard}",
            (*encoded.values(), time.time_ns(), run_id))
        return cursor.rowcount == 1

    async def claim(self, run_id: str, pid: int, allowed: Sequence[str]) -> bool:
        """Mark a run running for this process if it is in one of `allowed`; False if it was not."""
        marks = ", ".join("?" for _ in allowed)
        cursor = await self._db.execute(
            f"UPDATE workflow_runs SET status = 'running', owner_pid = ?, updated_ns = ? "
            f"WHERE run_id = ? AND status IN ({marks})", (pid, time.time_ns(), run_id, *allowed))
        return cursor.rowcount == 1

    async def get_run(self, run_id: str) -> RunRecord | None:
        cursor = await self._db.execute("SELECT * FROM workflow_runs WHERE run_id = ?", (run_id,))
        row = await cursor.fetchone()
        return _run(row) if row else None

    async def list_runs(self, *, workflow_id: str | None, status: str | None, limit: int) -> list[RunRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        if workflow_id:
            clauses.append("workflow_id = ?")
            params.append(workflow_id)
        if status:
            clauses.append("status = ?")
            params.append(status)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        cursor = await self._db.execute(
            f"SELECT * FROM workflow_runs {where} ORDER BY created_ns DESC LIMIT ?", (*params, limit))
        return [_run(row) for row in await cursor.fetchall()]

    async def save_step(self, run_id: str, record: StepRecord) -> None:
        await self._db.execute(
            "INSERT OR REPLACE INTO step_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, record.step_path, record.status, _encode(record.input), _encode(record.output), record.error,
             record.attempts, record.start_ns, record.end_ns))

    async def steps(self, run_id: str) -> dict[str, StepRecord]:
        cursor = await self._db.execute(
            "SELECT step_path, status, input, output, error, attempts, start_ns, end_ns FROM step_snapshots "
            "WHERE run_id = ? ORDER BY start_ns", (run_id,))
        return {r[0]: StepRecord(r[0], r[1], _loads(r[2]), _loads(r[3]), r[4], r[5], r[6], r[7])
                for r in await cursor.fetchall()}

    async def stale_running(self) -> list[RunRecord]:
        cursor = await self._db.execute("SELECT * FROM workflow_runs WHERE status = 'running'")
        return [_run(row) for row in await cursor.fetchall()]


def prune_sync(path: str, older_than_seconds: float) -> dict[str, int]:
    """The retention rule applied at server start, without an event loop."""
    import anyio

    async def run() -> dict[str, int]:
        store = await Store.open(path)
        try:
            return await store.prune(older_than_seconds)
        finally:
            await store.close()

    return anyio.run(run)


def rows_total(path: str, table: str, where: str = "", params: Iterable[Any] = ()) -> int:
    """Count rows without the async machinery (tests and diagnostics read the file this way)."""
    connection = connect(path, readonly=True)
    try:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table} {where}", tuple(params)).fetchone()[0])
    finally:
        connection.close()
