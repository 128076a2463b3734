"""Structured logs: one JSON object a line, always to stderr (stdout belongs to the protocol).

Each line carries the current trace and span id, so a log line leads to its trace and back, and
passes through the same sensitive-data filter as spans.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from opentelemetry import trace

from archwright.server.telemetry.redact import Redactor

_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLineFormatter(logging.Formatter):
    """Formats a record as one redacted JSON line; `extra=` fields become top-level keys."""

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redactor = redactor or Redactor()

    def _message(self, record: logging.LogRecord) -> str:
        """The message, its arguments redacted before they are put in: a `%r` argument comes out
        escaped ('\\\\"' for '"'), where the redactor would no longer recognise a secret's shape."""
        redact = self._redactor
        if isinstance(record.args, tuple) and record.args:
            args = tuple(redact.text(arg) if isinstance(arg, str) else arg for arg in record.args)
            try:
                return redact.text(str(record.msg) % args)
            except (TypeError, ValueError):
                pass
        return redact.text(record.getMessage())

    def format(self, record: logging.LogRecord) -> str:
        redact = self._redactor
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "msg": self._message(record),
        }
        context = trace.get_current_span().get_span_context()
        if context.is_valid:
            line["trace_id"] = format(context.trace_id, "032x")
            line["span_id"] = format(context.span_id, "016x")
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                line[key] = redact.value(value, key)
        if record.exc_info:
            line["exc"] = redact.text(self.formatException(record.exc_info))
        return json.dumps(line, default=str, ensure_ascii=False)


class UnreadableMessages(logging.Filter):
    """The SDK drops a message it cannot parse (not JSON, a batch, a bad escape) with a DEBUG line
    and sends no answer, so a client waits for ever. This raises that one line to a warning a
    user will see, and keeps the logger's other DEBUG lines at the configured level."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage().startswith("transport yielded exception"):
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "a message from the client could not be read and gets no answer: %s"
            record.args = (str(record.args[0] if isinstance(record.args, tuple) else record.args)[:300],)
            return True
        return record.levelno >= self._level


def configure_logging(level: str, redactor: Redactor | None = None) -> None:
    """Route every logger (ours and the SDK's) to stderr as JSON lines. Call before building the
    server: the SDK's own logging setup then finds handlers in place and leaves them alone."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter(redactor))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    dispatcher = logging.getLogger("mcp.shared.jsonrpc_dispatcher")
    dispatcher.setLevel(logging.DEBUG)
    for existing in [f for f in dispatcher.filters if isinstance(f, UnreadableMessages)]:
        dispatcher.removeFilter(existing)
    dispatcher.addFilter(UnreadableMessages(logging.getLevelName(level)))
