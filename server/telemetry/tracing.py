"""OpenTelemetry for the server: one TracerProvider, spans into SQLite (and OTLP when configured).

The SQLite exporter redacts as it converts spans to rows, and every other exporter sits behind
`RedactingExporter`, so no attribute, event or status message reaches the database or a collector
before the sensitive-data filter has seen it. The SQLite exporter is
batched and flushed at shutdown; if the file is read-only, locked past the busy timeout or
corrupt, it logs one warning, marks tracing degraded, and lets the tools keep answering.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from opentelemetry import trace
from opentelemetry.sdk.resources import OTELResourceDetector, Resource
from opentelemetry.sdk.trace import Event, ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter, SpanExportResult
from opentelemetry.trace import Status, StatusCode

from archwright.server.store import BUSY_TIMEOUT_MS
from archwright.server.store.spans import SpanRow, SpanWriter
from archwright.server.telemetry.redact import Redactor

logger = logging.getLogger("archwright.telemetry")
_KINDS = {0: "internal", 1: "server", 2: "client", 3: "producer", 4: "consumer"}
# Span names and attribute values can carry client-controlled text (a tool name, a request id):
# each is cut to this length, so a 10 MB name never becomes a 10 MB span.
MAX_SPAN_TEXT = 1_000
_STATUS = {StatusCode.UNSET: "unset", StatusCode.OK: "ok", StatusCode.ERROR: "error"}


@dataclass
class TracingHealth:
    """Whether spans are reaching the database; read by get_trace and list_traces."""

    degraded: str | None = None

    def mark(self, reason: str) -> None:
        if self.degraded is None:
            logger.warning("tracing degraded: %s; tools keep answering, spans are not stored", reason)
        self.degraded = reason

    def recover(self) -> None:
        if self.degraded is not None:
            logger.info("tracing recovered: spans are stored again")
        self.degraded = None


def bounded(value: Any) -> Any:
    """A span name or attribute value cut to MAX_SPAN_TEXT characters (lists item by item)."""
    if isinstance(value, str) and len(value) > MAX_SPAN_TEXT:
        return f"{value[:MAX_SPAN_TEXT]}…[{len(value) - MAX_SPAN_TEXT:,} more characters]"
    if isinstance(value, list | tuple):
        return [bounded(item) for item in value[:100]]
    return value


def _clean(values: Any, redactor: Redactor) -> dict[str, Any]:
    """Attributes redacted, then bounded (keys too: they can come from a client's `_meta`)."""
    return {bounded(key): bounded(value) for key, value in redactor.mapping(dict(values or {})).items()}


def _hex(value: int, width: int) -> str:
    return format(value, f"0{width}x")


def to_row(span: ReadableSpan, redactor: Redactor) -> SpanRow:
    """A finished span as the store keeps it, redacted on the way (one pass, no intermediate copy)."""
    context = span.get_span_context()
    assert context is not None
    description = span.status.description
    return SpanRow(
        trace_id=_hex(context.trace_id, 32),
        span_id=_hex(context.span_id, 16),
        parent_span_id=_hex(span.parent.span_id, 16) if span.parent is not None else None,
        name=bounded(redactor.text(span.name)),
        kind=_KINDS.get(span.kind.value, "internal"),
        status=_STATUS[span.status.status_code],
        status_message=bounded(redactor.text(description)) if description else None,
        start_ns=span.start_time or 0,
        end_ns=span.end_time or span.start_time or 0,
        attributes=_clean(span.attributes, redactor),
        events=[{"name": bounded(e.name), "time_ns": e.timestamp, "attributes": _clean(e.attributes, redactor)}
                for e in span.events],
    )


class SQLiteSpanExporter(SpanExporter):
    """Writes span batches to the store, redacted; opens the file lazily so start-up never waits on it."""

    def __init__(self, path: str, health: TracingHealth, redactor: Redactor, *,
                 busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self._path = path
        self._health = health
        self._redactor = redactor
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: SpanWriter | None = None

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        try:
            if self._writer is None:
                self._writer = SpanWriter(self._path, busy_timeout_ms=self._busy_timeout_ms)
            self._writer.write([to_row(span, self._redactor) for span in spans])
        except Exception as error:  # noqa: BLE001 - any storage fault (StoreError, sqlite3, OS) degrades, never raises
            self._health.mark(f"cannot write spans to {self._path}: {error}")
            self._close_writer()
            return SpanExportResult.FAILURE
        self._health.recover()
        return SpanExportResult.SUCCESS

    def _close_writer(self) -> None:
        if self._writer is not None:
            try:
                self._writer.close()
            finally:
                self._writer = None

    def shutdown(self) -> None:
        self._close_writer()


class RedactingExporter(SpanExporter):
    """Hands the wrapped exporter (OTLP, or any other) copies of the spans with every secret redacted."""

    def __init__(self, inner: SpanExporter, redactor: Redactor) -> None:
        self._inner = inner
        self._redactor = redactor

    def _redacted(self, span: ReadableSpan) -> ReadableSpan:
        redact = self._redactor
        status = span.status
        if status.description:
            status = Status(status.status_code, bounded(redact.text(status.description)))
        return ReadableSpan(
            name=bounded(redact.text(span.name)),
            context=span.get_span_context(),
            parent=span.parent,
            resource=span.resource,
            attributes=_clean(span.attributes, redact),
            events=[Event(bounded(e.name), _clean(e.attributes, redact), e.timestamp) for e in span.events],
            links=span.links,
            kind=span.kind,
            status=status,
            start_time=span.start_time,
            end_time=span.end_time,
            instrumentation_scope=span.instrumentation_scope,
        )

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        return self._inner.export([self._redacted(span) for span in spans])

    def shutdown(self) -> None:
        self._inner.shutdown()

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)


@dataclass
class Telemetry:
    """The process's tracing: its provider, where spans go, and whether that is working."""

    provider: TracerProvider
    db_path: str
    redactor: Redactor
    health: TracingHealth = field(default_factory=TracingHealth)
    otlp_endpoint: str | None = None

    def tracer(self) -> trace.Tracer:
        return self.provider.get_tracer("archwright")

    def flush(self) -> None:
        """Export what is buffered, so a read right after a call finds its trace."""
        self.provider.force_flush(timeout_millis=5_000)

    def shutdown(self) -> None:
        self.provider.shutdown()


def setup_telemetry(
    db_path: str, *, redactor: Redactor | None = None, version: str = "", install_global: bool = True,
    schedule_delay_millis: int = 1_000,
) -> Telemetry:
    """Build the provider: SQLite always; OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT is set."""
    redactor = redactor or Redactor.from_env()
    # Resource.create() runs every resource detector (~35 ms at start-up); the env detector alone
    # keeps OTEL_RESOURCE_ATTRIBUTES working.
    resource = OTELResourceDetector().detect().merge(Resource({"service.name": "archwright", "service.version": version}))
    provider = TracerProvider(resource=resource)
    telemetry = Telemetry(provider=provider, db_path=db_path, redactor=redactor)
    provider.add_span_processor(BatchSpanProcessor(
        SQLiteSpanExporter(db_path, telemetry.health, redactor),
        schedule_delay_millis=schedule_delay_millis, max_export_batch_size=512, max_queue_size=16_384,
    ))
    endpoint = os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if endpoint:
        exporter = _otlp_exporter()
        if exporter is not None:
            provider.add_span_processor(BatchSpanProcessor(RedactingExporter(exporter, redactor),
                                                           schedule_delay_millis=schedule_delay_millis))
            telemetry.otlp_endpoint = endpoint
    if install_global:
        trace.set_tracer_provider(provider)
    return telemetry


def _otlp_exporter() -> SpanExporter | None:
    """The OTLP/HTTP exporter, configured by the standard OTEL_* variables (imported only when used)."""
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    except ImportError:
        logger.warning("OTEL_EXPORTER_OTLP_ENDPOINT is set but the OTLP exporter is not installed: "
                       "pip install 'archwright[otlp]'. Spans go to SQLite only.")
        return None
    return OTLPSpanExporter()
