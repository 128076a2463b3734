"""The one owner of the process's SQLite file: connections, write serialisation, opening and closing.

One SQLite file in WAL mode with foreign keys on and a busy timeout, so two server processes can
share it. The server talks to it through one `aiosqlite` connection owned by a `Database`;
the span exporter writes from the OpenTelemetry batch thread through its own `sqlite3`
connection (`connect`). Every read fetches its rows in one call, so no read transaction stays open
across an await while another writer commits; writes go through one lock, so this process never
competes with itself for SQLite's write lock.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite
import anyio
import anyio.to_thread

from archwright.server.store.schema import StoreError, migrate

BUSY_TIMEOUT_MS = 5_000
LOCKED_TABLE_WAIT_S = BUSY_TIMEOUT_MS / 1000
T = TypeVar("T")
Params = Sequence[Any]
__all__ = ["BUSY_TIMEOUT_MS", "Database", "StoreError", "connect", "describe", "is_file", "prepare", "rows_total"]


def is_file(path: str) -> bool:
    """False for SQLite's in-memory names (':memory:' and shared-cache 'file:...?mode=memory' URIs)."""
    return not path.startswith("file:") and path != ":memory:"


def connect(path: str, *, readonly: bool = False, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A configured synchronous connection (foreign keys, busy timeout; `migrate` turns on WAL)."""
    uri = path.startswith("file:")
    target = path
    if readonly and is_file(path):
        target, uri = f"file:{Path(path).as_posix()}?mode=ro", True
    try:
        connection = sqlite3.connect(target, uri=uri, timeout=busy_timeout_ms / 1000, check_same_thread=False,
                                     isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        connection.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            connection.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot open the database at {path}: {error}") from error
    return connection


def prepare(path: str) -> None:
    """Create or migrate the database file (and its folder)."""
    if is_file(path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = connect(path)
    try:
        migrate(connection)
    finally:
        connection.close()


_CAUSES = (
    ("full", "the disk is full"),
    ("readonly", "the database file is read-only"),
    ("read-only", "the database file is read-only"),
    ("locked", "another process held the database lock past the busy timeout"),
    ("busy", "another process held the database lock past the busy timeout"),
    ("disk i/o", "the disk reported an input/output error"),
    ("malformed", "the database file is damaged"),
    ("not a database", "the file is not an Archwright database"),
)


def describe(error: BaseException) -> str:
    """A storage failure as a cause a person can act on (the SQLite text alone is cryptic)."""
    text = str(error).lower()
    cause = next((cause for marker, cause in _CAUSES if marker in text), None)
    return f"{cause} ({error})" if cause else str(error)


class Database:
    """The process's database: opened on first use, shared by every service, closed once by its owner.

    `error` keeps the reason the file could not be opened, so the tools that depend on it can say
    why instead of failing bare.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.error: str | None = None
        self._connection: aiosqlite.Connection | None = None
        self._closed = False
        self._open_lock = anyio.Lock()
        self._write_lock = anyio.Lock()

    @classmethod
    async def opened(cls, path: str) -> Database:
        """A database already connected (raises StoreError when the file is unusable)."""
        database = cls(path)
        await database.connection()
        return database

    async def connection(self) -> aiosqlite.Connection:
        """The open connection, creating and migrating the file on first use. Raises StoreError."""
        async with self._open_lock:
            if self._closed:
                raise StoreError("the database is closed: the server is stopping")
            if self._connection is None:
                try:
                    self._connection = await _open(self.path)
                    self.error = None
                except StoreError as error:
                    self.error = str(error)
                    raise
            return self._connection

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row | tuple[Any, ...]]:
        connection = await self.connection()
        try:
            return list(await _unlocked(lambda: connection.execute_fetchall(sql, tuple(params))))
        except ValueError as error:  # aiosqlite: the connection was closed under this request
            raise StoreError(f"the database is closed: {error}") from None

    async def fetch_one(self, sql: str, params: Params = ()) -> tuple[Any, ...] | None:
        rows = await self.fetch_all(sql, params)
        return tuple(rows[0]) if rows else None

    async def write(self, sql: str, params: Params = ()) -> int:
        """One write statement, serialised with this process's other writes; the rows it changed."""
        connection = await self.connection()
        async with self._write_lock:
            try:
                cursor = await _unlocked(lambda: connection.execute(sql, tuple(params)))
            except ValueError as error:  # aiosqlite: the connection was closed under this request
                raise StoreError(f"the database is closed: {error}") from None
            changed = cursor.rowcount
            await cursor.close()
            return changed

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """Several writes as one (BEGIN IMMEDIATE ... COMMIT, rolled back on any error)."""
        connection = await self.connection()
        async with self._write_lock:
            await _unlocked(lambda: connection.execute("BEGIN IMMEDIATE"))
            try:
                yield connection
            except BaseException:
                with anyio.CancelScope(shield=True):
                    try:
                        await connection.execute("ROLLBACK")
                    except sqlite3.OperationalError:  # SQLite already rolled back (disk full, I/O error)
                        pass
                raise
            await connection.execute("COMMIT")

    async def close(self) -> None:
        """Close for good: a request still in flight gets a StoreError, not a reopened file."""
        async with self._open_lock:
            self._closed = True
            if self._connection is not None:
                connection, self._connection = self._connection, None
                await connection.close()


async def _unlocked(action: Callable[[], Awaitable[T]], *, budget_s: float = LOCKED_TABLE_WAIT_S) -> T:
    """Run `action`, retrying while a table is locked. In the shared-cache in-memory database
    (`:memory:`, shared with the span writer's thread) SQLite answers a conflict with 'database table
    is locked' at once, without the busy timeout that a file gets, so the wait happens here."""
    deadline = time.monotonic() + budget_s
    delay = 0.002
    while True:
        try:
            return await action()
        except sqlite3.OperationalError as error:
            if "table is locked" not in str(error) or time.monotonic() > deadline:
                raise
            await anyio.sleep(delay)
            delay = min(delay * 2, 0.1)


async def _open(path: str) -> aiosqlite.Connection:
    if is_file(path):
        # A file is created, checked and migrated by a plain connection first, so an unusable path
        # fails here, cleanly. (aiosqlite, failing to connect, leaves its worker thread to finish
        # after the caller's event loop may have closed, which prints a traceback.)
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the folder for the database at {path}: {error}") from error
        await anyio.to_thread.run_sync(prepare, path)
    pending = aiosqlite.connect(path, uri=path.startswith("file:"), isolation_level=None,
                                timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        connection = await pending
    except sqlite3.DatabaseError as error:
        worker = getattr(pending, "_thread", None)
        if worker is not None:
            await anyio.to_thread.run_sync(worker.join, 1.0)
        raise StoreError(f"cannot open the database at {path}: {error}") from error
    try:  # every failure from here on closes the connection: its worker thread would outlive us
        await connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await connection.execute("PRAGMA foreign_keys = ON")
        # WAL with synchronous=NORMAL: durable across application crashes, one fsync per checkpoint
        # instead of one per commit (a step snapshot is a commit).
        await connection.execute("PRAGMA synchronous = NORMAL")
        if not is_file(path):
            # Migrate only once this connection is open: a shared in-memory database lives exactly
            # as long as its last connection, so migrating on a connection closed first would be lost.
            await anyio.to_thread.run_sync(prepare, path)
    except BaseException as error:
        await connection.close()
        if isinstance(error, sqlite3.DatabaseError):
            raise StoreError(f"cannot open the database at {path}: {error}") from error
        raise
    return connection


def rows_total(path: str, table: str, where: str = "", params: Params = ()) -> int:
    """Count rows through a read-only connection of its own (tests and diagnostics read files this way)."""
    connection = connect(path, readonly=True)
    try:
        return int(connection.execute(f"SELECT COUNT(*) FROM {table} {where}", tuple(params)).fetchone()[0])
    finally:
        connection.close()
