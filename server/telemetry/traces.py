"""Reading traces back: lists, span trees and a text waterfall a person can read in a chat window.

Shared by the MCP tools and resources and by `archwright traces` / `archwright trace ID`. Reads
flush the span buffer first, so a trace is readable right after the call that made it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Literal

import anyio
from pydantic import BaseModel, Field

from archwright.server.store import Database, StoreError
from archwright.server.store.spans import SpanRow, SpanStore, TraceSummary
from archwright.server.telemetry.redact import quoted
from archwright.server.telemetry.tracing import Telemetry

TRACE_ID = re.compile(r"^[0-9a-f]{32}$")
_CURSOR = re.compile(r"^[0-9]{1,19}$")
_BAR_WIDTH = 32
_NAME_WIDTH = 44


class TraceLookupError(ValueError):
    """A trace id that is malformed or unknown; the message says which and what is accepted."""


class TracingStatus(BaseModel):
    status: Literal["ok", "degraded", "disabled"]
    detail: str | None = None
    database: str | None = None


class SpanNode(BaseModel):
    span_id: str
    name: str
    kind: str
    status: str
    status_message: str | None = None
    start_offset_ms: float = Field(description="Start relative to the trace's first span.")
    duration_ms: float
    attributes: dict[str, Any]
    events: list[dict[str, Any]]
    children: list[SpanNode]


class TraceDetail(BaseModel):
    trace_id: str
    status: Literal["ok", "error"]
    duration_ms: float
    span_count: int
    spans: list[SpanNode] = Field(description="Root spans, each with its children nested.")
    waterfall: str
    tracing: TracingStatus


class TraceListItem(BaseModel):
    trace_id: str
    name: str | None
    tool_name: str | None
    status: Literal["ok", "error"]
    started_at: str
    duration_ms: float
    span_count: int
    uri: str


class TraceList(BaseModel):
    traces: list[TraceListItem]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next (older) page; null at the end.")
    tracing: TracingStatus


def check_trace_id(trace_id: str) -> str:
    if not TRACE_ID.match(trace_id or ""):
        shown = quoted(trace_id or "")
        raise TraceLookupError(
            f"{shown} is not a trace id: trace ids are 32 lowercase hexadecimal characters "
            "(as list_traces and `archwright traces` show them)."
        )
    return trace_id


def _ms(nanoseconds: int) -> float:
    return round(nanoseconds / 1e6, 3)


def _iso(nanoseconds: int) -> str:
    return datetime.fromtimestamp(nanoseconds / 1e9, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build_tree(rows: list[SpanRow]) -> list[SpanNode]:
    origin = min(r.start_ns for r in rows)
    nodes = {
        r.span_id: SpanNode(
            span_id=r.span_id, name=r.name, kind=r.kind, status=r.status, status_message=r.status_message,
            start_offset_ms=_ms(r.start_ns - origin), duration_ms=_ms(r.end_ns - r.start_ns),
            attributes=r.attributes, events=r.events, children=[],
        )
        for r in rows
    }
    roots: list[SpanNode] = []
    for row in rows:
        parent = nodes.get(row.parent_span_id) if row.parent_span_id else None
        (parent.children if parent else roots).append(nodes[row.span_id])
    return roots


def render_waterfall(trace_id: str, roots: list[SpanNode]) -> str:
    """A fixed-width waterfall: one line a span, indented by depth, a bar where it ran."""
    flat: list[tuple[int, SpanNode]] = []

    def walk(node: SpanNode, depth: int) -> None:
        flat.append((depth, node))
        for child in sorted(node.children, key=lambda c: c.start_offset_ms):
            walk(child, depth + 1)

    for root in sorted(roots, key=lambda r: r.start_offset_ms):
        walk(root, 0)
    total = max((n.start_offset_ms + n.duration_ms for _, n in flat), default=0.0) or 1e-9
    lines = [f"trace {trace_id}  {total:.2f} ms  {len(flat)} spans"]
    for depth, node in flat:
        label = ("  " * depth + node.name)[:_NAME_WIDTH].ljust(_NAME_WIDTH)
        start = min(_BAR_WIDTH - 1, int(node.start_offset_ms / total * _BAR_WIDTH))
        length = max(1, round(node.duration_ms / total * _BAR_WIDTH))
        bar = (" " * start + "█" * length)[:_BAR_WIDTH].ljust(_BAR_WIDTH)
        flag = "  ERROR" if node.status == "error" else ""
        lines.append(f"{label} |{bar}| {node.duration_ms:9.2f} ms{flag}")
    return "\n".join(lines)


class TraceService:
    """Trace reads over the process's telemetry and storage."""

    def __init__(self, telemetry: Telemetry | None, database: Database) -> None:
        self._telemetry = telemetry
        self._database = database
        self._spans = SpanStore(database)
        self._read_error: str | None = None

    def status(self) -> TracingStatus:
        if self._telemetry is None:
            return TracingStatus(status="disabled", detail="tracing is not configured in this process")
        reason = self._telemetry.health.degraded or self._database.error or self._read_error
        return TracingStatus(status="degraded" if reason else "ok", detail=reason, database=self._telemetry.db_path)

    async def _open(self) -> SpanStore | None:
        """The span reader once buffered spans are flushed; None when tracing is off or the file unusable."""
        if self._telemetry is None:
            return None
        try:
            await self._database.connection()
        except StoreError:
            return None
        await anyio.to_thread.run_sync(self._telemetry.flush)
        return self._spans

    async def list(self, *, tool_name: str | None = None, status: str | None = None, limit: int = 20,
                   cursor: str | None = None, include_protocol: bool = False) -> TraceList:
        before = None
        if cursor:
            if not _CURSOR.match(cursor) or int(cursor) >= 2**63:
                raise TraceLookupError(f"{quoted(cursor, 40)} is not a cursor: pass next_cursor from a previous page.")
            before = int(cursor)
        store = await self._open()
        if store is None:
            return TraceList(traces=[], next_cursor=None, tracing=self.status())
        try:
            rows = await store.list_traces(tool_name=tool_name, status=status, limit=limit, before_ns=before,
                                           include_protocol=include_protocol)
        except Exception as error:  # noqa: BLE001 - a broken file degrades reads, it does not crash the server
            self._read_error = f"cannot read traces: {error}"
            return TraceList(traces=[], next_cursor=None, tracing=self.status())
        self._read_error = None  # the file reads again: a passing fault does not degrade tracing for good
        items = [self._item(row) for row in rows]
        next_cursor = str(rows[-1].start_ns) if len(rows) == limit else None
        return TraceList(traces=items, next_cursor=next_cursor, tracing=self.status())

    @staticmethod
    def _item(row: TraceSummary) -> TraceListItem:
        return TraceListItem(
            trace_id=row.trace_id, name=row.root_name, tool_name=row.tool_name, status=row.status,  # type: ignore[arg-type]
            started_at=_iso(row.start_ns), duration_ms=_ms(row.end_ns - row.start_ns), span_count=row.span_count,
            uri=f"archwright://traces/{row.trace_id}",
        )

    async def get(self, trace_id: str) -> TraceDetail:
        check_trace_id(trace_id)
        store = await self._open()
        if store is None:
            raise TraceLookupError(f"Trace {trace_id} cannot be read: tracing is {self.status().status} "
                                   f"({self.status().detail}).")
        rows = await store.trace_spans(trace_id)
        if not rows:
            raise TraceLookupError(f"No trace with id {trace_id}: it may have been pruned, or recorded in another "
                                   "database. list_traces (or `archwright traces`) shows the ones stored.")
        roots = build_tree(rows)
        return TraceDetail(
            trace_id=trace_id,
            status="error" if any(r.status == "error" for r in rows) else "ok",
            duration_ms=_ms(max(r.end_ns for r in rows) - min(r.start_ns for r in rows)),
            span_count=len(rows),
            spans=roots,
            waterfall=render_waterfall(trace_id, roots),
            tracing=self.status(),
        )

