"""Retention: old traces and finished runs leave the database, and their space is reclaimed.

Suspended and interrupted runs are kept whatever their age: someone may still resume them.
"""

from __future__ import annotations

import time

import anyio

from archwright.server.store.database import Database

_PRUNED = (
    ("spans", "DELETE FROM spans WHERE trace_id IN (SELECT trace_id FROM traces WHERE end_ns < ?)"),
    ("traces", "DELETE FROM traces WHERE end_ns < ?"),
    ("workflow_runs", "DELETE FROM workflow_runs WHERE updated_ns < ? AND status IN ('success', 'failed', 'canceled')"),
)


async def prune(database: Database, older_than_seconds: float) -> dict[str, int]:
    """Delete what ended before the cutoff (step snapshots and scores follow their runs), then VACUUM."""
    cutoff = time.time_ns() - int(older_than_seconds * 1e9)
    counts: dict[str, int] = {}
    async with database.transaction() as connection:
        for table, sql in _PRUNED:
            cursor = await connection.execute(sql, (cutoff,))
            counts[table] = cursor.rowcount
            await cursor.close()
    if any(counts.values()):
        await database.write("VACUUM")
    return counts


def prune_sync(path: str, older_than_seconds: float) -> dict[str, int]:
    """The retention rule applied at server start, on its own thread and event loop."""

    async def run() -> dict[str, int]:
        database = await Database.opened(path)
        try:
            return await prune(database, older_than_seconds)
        finally:
            await database.close()

    return anyio.run(run)
