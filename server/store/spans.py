"""Spans and the per-trace summary: written in batches from the exporter thread, read back async."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from archwright.server.store.database import BUSY_TIMEOUT_MS, Database, connect
from archwright.server.store.schema import migrate, retrying


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


class SpanWriter:
    """Writes batches of spans and keeps the per-trace summary. It runs on the OpenTelemetry batch
    thread, so it has its own synchronous connection rather than the server's async one."""

    def __init__(self, path: str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self._connection = connect(path, busy_timeout_ms=busy_timeout_ms)
        migrate(self._connection)

    def write(self, rows: Sequence[SpanRow]) -> None:
        """Store a batch. In a shared-cache in-memory database a busy table answers 'locked' at
        once (no busy timeout applies there), so the batch is retried for a while instead."""
        if rows:
            retrying(lambda: self._write(rows))

    def _write(self, rows: Sequence[SpanRow]) -> None:
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


class SpanStore:
    """Reading traces back from the process's database."""

    def __init__(self, database: Database) -> None:
        self._db = database

    async def list_traces(
        self, *, tool_name: str | None = None, status: str | None = None, limit: int = 20,
        before_ns: int | None = None, include_protocol: bool = False,
    ) -> list[TraceSummary]:
        """Newest first. Without `include_protocol`, only tool calls and workflow runs: a client's
        initialize, tools/list and notifications are traced too, but are rarely what one looks for."""
        clauses: list[str] = []
        params: list[Any] = []
        if not include_protocol:
            clauses.append("(tool_name IS NOT NULL OR root_name LIKE 'invoke_workflow %')")
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
        rows = await self._db.fetch_all(f"SELECT * FROM traces {where} ORDER BY start_ns DESC LIMIT ?",
                                        (*params, limit))
        return [TraceSummary(*row) for row in rows]

    async def trace_spans(self, trace_id: str) -> list[SpanRow]:
        rows = await self._db.fetch_all("SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns", (trace_id,))
        return [SpanRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], json.loads(r[9]), json.loads(r[10]))
                for r in rows]
