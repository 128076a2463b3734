"""Scores: each scorer's outcome on a report, with the run, trace and thread it belongs to.

'not scorable' and 'error' rows have no value (the schema enforces it), so an average over the
table is an average over what was scored. Everything is redacted before it is written.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, Field

from archwright.server.evals.scorer import ScoreResult
from archwright.server.store.database import Database


class StoredScore(BaseModel):
    score_id: str
    scorer: str
    run_id: str | None
    trace_id: str | None
    thread_id: str | None
    target: str | None = Field(description="What was scored: 'run' for a stored report run, 'report' for one given.")
    status: str
    value: float | None
    threshold: float | None
    reason: str
    findings: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    judge_prompt: str | None
    created_ns: int


class ScoreStore:
    def __init__(self, database: Database, redact: Callable[[Any], Any] = lambda value: value) -> None:
        self._database = database
        self._redact = redact

    async def add(self, results: Sequence[ScoreResult], *, run_id: str | None, trace_id: str | None,
                  thread_id: str | None, target: str) -> list[str]:
        """Store one row per result; returns their ids."""
        ids: list[str] = []
        now = time.time_ns()
        async with self._database.transaction() as connection:
            for result in results:
                score_id = uuid.uuid4().hex
                ids.append(score_id)
                metadata = {"threshold": result.threshold, "findings": [f.model_dump() for f in result.findings]}
                await connection.execute(
                    "INSERT INTO scores (score_id, scorer, run_id, trace_id, thread_id, target, status, value, reason, "
                    "steps, judge_prompt, metadata, created_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (score_id, result.scorer, run_id, trace_id, thread_id, target, result.status,
                     result.value if result.status == "scored" else None, self._redact(result.reason),
                     json.dumps(self._redact([s.model_dump(mode="json") for s in result.steps])),
                     self._redact(result.judge_prompt), json.dumps(self._redact(metadata)), now))
        return ids

    async def list(self, *, scorer: str | None = None, run_id: str | None = None, limit: int = 50) -> list[StoredScore]:
        """Newest first, filtered by scorer and run."""
        where, params = [], []
        if scorer:
            where.append("scorer = ?")
            params.append(scorer)
        if run_id:
            where.append("run_id = ?")
            params.append(run_id)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        rows = await self._database.fetch_all(
            "SELECT score_id, scorer, run_id, trace_id, thread_id, target, status, value, reason, steps, judge_prompt, "
            f"metadata, created_ns FROM scores {clause} ORDER BY created_ns DESC, rowid DESC LIMIT ?",
            (*params, limit))
        return [_stored(row) for row in rows]


def _stored(row: Any) -> StoredScore:
    metadata = json.loads(row[11] or "{}")
    return StoredScore(score_id=row[0], scorer=row[1], run_id=row[2], trace_id=row[3], thread_id=row[4], target=row[5],
                       status=row[6], value=row[7], threshold=metadata.get("threshold"), reason=row[8],
                       findings=metadata.get("findings", []), steps=json.loads(row[9] or "[]"), judge_prompt=row[10],
                       created_ns=row[12])
