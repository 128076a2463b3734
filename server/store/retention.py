"""Retention: old traces and finished runs leave the database in small batches.

Each batch is one short write transaction (a few hundred rows), with a pause between batches, so
pruning a large file never holds the write path long enough to make a call wait. The space freed
is reused by new rows; giving it back to the file system (VACUUM rewrites the whole file) happens
only when a person asks for it with `archwright prune`.

Suspended and interrupted runs are kept whatever their age: someone may still resume them.
"""

from __future__ import annotations

import time

import anyio

from archwright.server.store.database import Database

BATCH = 500
PAUSE_S = 0.01
# (counted as, SQL deleting up to BATCH rows older than the cutoff). Spans go before their traces,
# and a run's step snapshots and scores follow it through ON DELETE CASCADE.
_PRUNED = (
    ("spans", "DELETE FROM spans WHERE rowid IN (SELECT s.rowid FROM spans s JOIN traces t USING (trace_id) "
              "WHERE t.end_ns < ? LIMIT ?)"),
    ("traces", "DELETE FROM traces WHERE rowid IN (SELECT rowid FROM traces WHERE end_ns < ? "
               "AND trace_id NOT IN (SELECT trace_id FROM spans) LIMIT ?)"),
    ("workflow_runs", "DELETE FROM workflow_runs WHERE rowid IN (SELECT rowid FROM workflow_runs WHERE updated_ns < ? "
                      "AND status IN ('success', 'failed', 'canceled') LIMIT ?)"),
)


async def prune(database: Database, older_than_seconds: float, *, reclaim: bool = False) -> dict[str, int]:
    """Delete what ended before the cutoff, batch by batch; with `reclaim`, VACUUM afterwards."""
    cutoff = time.time_ns() - int(older_than_seconds * 1e9)
    counts: dict[str, int] = {}
    for table, sql in _PRUNED:
        counts[table] = 0
        while True:
            changed = await database.write(sql, (cutoff, BATCH))
            counts[table] += changed
            if changed < BATCH:
                break
            await anyio.sleep(PAUSE_S)  # let waiting writes in between batches
    if reclaim and any(counts.values()):
        await database.write("VACUUM")
    return counts


def prune_sync(path: str, older_than_seconds: float) -> dict[str, int]:
    """The retention rule applied at server start, on its own thread and event loop (no VACUUM)."""

    async def run() -> dict[str, int]:
        database = await Database.opened(path)
        try:
            return await prune(database, older_than_seconds)
        finally:
            await database.close()

    return anyio.run(run)
