"""Each tool declared once, as data: name, description, input and output models, annotations, and
the coroutine that does the work. The MCP server registers specs; the agent will offer the same
specs to a model, so a tool's name, description and schema exist in one place.

A spec's `run` knows nothing of MCP: it takes the runtime, the validated input model and a
`ToolCall` (progress and questions for the user, when the caller can carry them) and returns the
output model, or raises one of `REQUEST_ERRORS` with a message for the caller.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import anyio
from mcp_types import ToolAnnotations
from pydantic import BaseModel, ValidationError

from archwright.server.runtime import Runtime
from archwright.server.telemetry.traces import TraceLookupError
from archwright.server.workflows.runs import WorkflowRunError
from archwright.tools.corrections import CorrectionError
from archwright.tools.validation import RequirementError

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=BaseModel)
Progress = Callable[[int, int, str], Awaitable[None]]
Ask = Callable[[str, type[BaseModel]], Awaitable[dict[str, Any] | None]]


class ToolInputError(ValueError):
    """Input that validates as JSON but cannot be used; the message says what is accepted."""


# What a caller can fix: reported to it as a tool error with this message, never as a crash.
REQUEST_ERRORS: tuple[type[Exception], ...] = (
    ToolInputError, RequirementError, CorrectionError, WorkflowRunError, TraceLookupError,
)


@dataclass(frozen=True)
class Link:
    """A stored record a result points at (a resource URI)."""

    uri: str
    name: str
    description: str
    mime_type: str = "application/json"


@dataclass(frozen=True)
class ToolCall:
    """What one call can do besides computing: report progress, ask the user (either may be absent)."""

    progress: Progress | None = None
    ask: Ask | None = None

    async def report(self, done: int, total: int, message: str) -> None:
        if self.progress is not None:
            await self.progress(done, total, message)


READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
READS_RECORDS = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=False,
                                open_world_hint=False)
WRITES_RECORDS = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                                 open_world_hint=False)


def off_the_loop(work: Callable[[Runtime, In, ToolCall], Out]) -> Callable[[Runtime, In, ToolCall], Awaitable[Out]]:
    """The advisor is CPU work (up to ~100 ms on a 20,000-character requirement): it runs on a
    worker thread, so a long call shares the interpreter with the others instead of stopping the
    event loop for all of them. The span context goes along with it."""

    async def run(runtime: Runtime, given: In, call: ToolCall) -> Out:
        return await anyio.to_thread.run_sync(work, runtime, given, call)

    return run


def _no_links(_: Any, __: Runtime) -> list[Link]:
    return []


@dataclass(frozen=True)
class ToolSpec(Generic[In, Out]):
    name: str
    title: str
    description: str
    input_model: type[In]
    output_model: type[Out]
    annotations: ToolAnnotations
    run: Callable[[Runtime, In, ToolCall], Awaitable[Out]]
    text: Callable[[Out], str]
    links: Callable[[Out, Runtime], list[Link]] = field(default=_no_links)
    traced: bool = False  # wrap the call in an `execute_tool {name}` span (advisor tools, reports)


MAX_ERROR_CHARS = 1_000


def bounded_message(text: str) -> str:
    """An error message cut to a size a client shows whole (it may quote the caller's input)."""
    return text if len(text) <= MAX_ERROR_CHARS else f"{text[:MAX_ERROR_CHARS]}… (message cut)"


def has_lone_surrogates(value: Any, depth: int = 0) -> bool:
    """True when any string (or key) in a JSON-like value holds a lone UTF-16 surrogate, which no
    UTF-8 store or transport can carry."""
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if depth > 64:
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogates(k, depth + 1) or has_lone_surrogates(v, depth + 1) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_lone_surrogates(item, depth + 1) for item in value)
    return False


def validation_summary(error: ValidationError, limit: int = 5) -> str:
    """A pydantic error as one line: where and what, for the first few problems."""
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors()[:limit]]
    more = f" (and {error.error_count() - limit} more)" if error.error_count() > limit else ""
    return "; ".join(problems) + more
