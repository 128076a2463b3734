"""Workflow runs and their step snapshots.

JSON values are stored once each (steps refer to earlier steps' outputs instead of copying them,
see the engine), and values over `COMPRESS_OVER` bytes are stored zlib-compressed against a preset
dictionary of typical report content (`dictionaries/`): alone, a design or a priced comparison
shrinks 3-5x; with the dictionary about a third more. A compressed value names its dictionary by
zlib's own DICTID (the dictionary's Adler-32), so files written with an older dictionary stay
readable after a newer one ships.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from archwright.server.store.database import Database

COMPRESS_OVER = 512
_JSON_COLUMNS = ("input", "output", "suspend_payload", "resume_schema")


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
    thread_id: str | None


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


@cache
def _dictionaries() -> dict[int, bytes]:
    """Every shipped dictionary by its Adler-32, the newest (highest file number) last."""
    folder = files("archwright.server.store").joinpath("dictionaries")
    paths = sorted((p for p in folder.iterdir() if p.name.endswith(".bin")),
                   key=lambda p: int(p.name.removesuffix(".bin").rsplit("-", 1)[1]))
    return {zlib.adler32(data): data for data in (p.read_bytes() for p in paths)}


def encode(value: Any) -> str | bytes | None:
    """A value as stored: JSON text, or zlib-compressed JSON (with the newest dictionary) when long."""
    if value is None:
        return None
    text = value if isinstance(value, Encoded) else json.dumps(value)
    if len(text) <= COMPRESS_OVER:
        return text
    dictionary = list(_dictionaries().values())[-1]
    compressor = zlib.compressobj(6, zdict=dictionary)
    return compressor.compress(text.encode()) + compressor.flush()


def decode(stored: str | bytes | None) -> Any:
    if stored is None:
        return None
    if isinstance(stored, bytes):
        stored = _inflate(stored).decode()
    return json.loads(stored)


def _inflate(data: bytes) -> bytes:
    """zlib data, with or without a preset dictionary (FDICT flag; DICTID names which)."""
    if len(data) > 6 and data[1] & 0x20:
        dictionary_id = int.from_bytes(data[2:6], "big")
        dictionary = _dictionaries().get(dictionary_id)
        if dictionary is None:
            raise ValueError(f"a stored value needs compression dictionary {dictionary_id:08x}, which this "
                             "Archwright does not ship; upgrade Archwright")
        decompressor = zlib.decompressobj(zdict=dictionary)
        return decompressor.decompress(data) + decompressor.flush()
    return zlib.decompress(data)


_RUN_COLUMNS = ("run_id, workflow_id, status, input, output, error, suspended_step, suspend_payload, resume_schema, "
                "trace_id, owner_pid, created_ns, updated_ns, thread_id")


def _run(row: Sequence[Any]) -> RunRecord:
    return RunRecord(row[0], row[1], row[2], decode(row[3]), decode(row[4]), row[5], row[6], decode(row[7]),
                     decode(row[8]), row[9], row[10], row[11], row[12], row[13])


class RunStore:
    """Workflow runs and step snapshots in the process's database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def create_run(self, run_id: str, workflow_id: str, data: Any, pid: int, *,
                         thread_id: str | None = None) -> None:
        now = time.time_ns()
        await self._db.write(
            "INSERT INTO workflow_runs (run_id, workflow_id, status, input, owner_pid, created_ns, updated_ns, "
            "thread_id) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
            (run_id, workflow_id, encode(data), pid, now, now, thread_id))

    async def update_run(self, run_id: str, *, only_if_running: bool = False, **fields: Any) -> bool:
        """Update a run; with `only_if_running`, only while it is still running (a run canceled from
        elsewhere keeps its status). True when the row changed."""
        encoded = {k: encode(v) if k in _JSON_COLUMNS else v for k, v in fields.items()}
        assignments = ", ".join(f"{k} = ?" for k in encoded)
        guard = " AND status = 'running'" if only_if_running else ""
        changed = await self._db.write(
            f"UPDATE workflow_runs SET {assignments}, updated_ns = ? WHERE run_id = ?{guard}",
            (*encoded.values(), time.time_ns(), run_id))
        return changed == 1

    async def claim(self, run_id: str, pid: int, allowed: Sequence[str]) -> bool:
        """Mark a run running for this process if it is in one of `allowed`; False if it was not."""
        marks = ", ".join("?" for _ in allowed)
        changed = await self._db.write(
            f"UPDATE workflow_runs SET status = 'running', owner_pid = ?, updated_ns = ? "
            f"WHERE run_id = ? AND status IN ({marks})", (pid, time.time_ns(), run_id, *allowed))
        return changed == 1

    async def get_run(self, run_id: str) -> RunRecord | None:
        row = await self._db.fetch_one(f"SELECT {_RUN_COLUMNS} FROM workflow_runs WHERE run_id = ?", (run_id,))
        return _run(row) if row else None

    async def run_status(self, run_id: str) -> str | None:
        row = await self._db.fetch_one("SELECT status FROM workflow_runs WHERE run_id = ?", (run_id,))
        return row[0] if row else None

    async def list_runs(self, *, workflow_id: str | None, status: str | None, limit: int,
                        thread_id: str | None = None) -> list[RunRecord]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, wanted in (("workflow_id", workflow_id), ("status", status), ("thread_id", thread_id)):
            if wanted:
                clauses.append(f"{column} = ?")
                params.append(wanted)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = await self._db.fetch_all(
            f"SELECT {_RUN_COLUMNS} FROM workflow_runs {where} ORDER BY created_ns DESC LIMIT ?", (*params, limit))
        return [_run(row) for row in rows]

    async def save_step(self, run_id: str, record: StepRecord) -> None:
        await self._db.write(
            "INSERT OR REPLACE INTO step_snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, record.step_path, record.status, encode(record.input), encode(record.output), record.error,
             record.attempts, record.start_ns, record.end_ns))

    async def steps(self, run_id: str) -> dict[str, StepRecord]:
        rows = await self._db.fetch_all(
            "SELECT step_path, status, input, output, error, attempts, start_ns, end_ns FROM step_snapshots "
            "WHERE run_id = ? ORDER BY start_ns", (run_id,))
        return {r[0]: StepRecord(r[0], r[1], decode(r[2]), decode(r[3]), r[4], r[5], r[6], r[7]) for r in rows}

    async def stale_running(self) -> list[RunRecord]:
        rows = await self._db.fetch_all(f"SELECT {_RUN_COLUMNS} FROM workflow_runs WHERE status = 'running'")
        return [_run(row) for row in rows]
