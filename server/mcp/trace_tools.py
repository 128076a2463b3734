"""Reading traces back: list_traces, get_trace, and the trace resources."""

from __future__ import annotations

from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from pydantic import BaseModel, Field

from archwright.server.mcp.specs import READS_RECORDS, ToolCall, ToolSpec
from archwright.server.runtime import Runtime
from archwright.server.telemetry.traces import TraceDetail, TraceList, TraceLookupError


class ListTraces(BaseModel):
    tool_name: str | None = Field(default=None, max_length=200,
                                  description="Only traces of this tool, e.g. compare_architectures.")
    status: Literal["ok", "error"] | None = Field(default=None, description="Only traces with this outcome.")
    limit: int = Field(default=20, ge=1, le=100, description="Traces per page, 1-100 (default 20).")
    cursor: str | None = Field(default=None, description="next_cursor from the previous page.")
    include_protocol: bool = Field(default=False, description=(
        "Also list protocol messages (initialize, tools/list, notifications); by default only tool calls "
        "and workflow runs."))


class TraceId(BaseModel):
    trace_id: str = Field(description="32 lowercase hex characters, as list_traces returns.")


async def _list_traces(runtime: Runtime, given: ListTraces, _: ToolCall) -> TraceList:
    return await runtime.traces.list(tool_name=given.tool_name, status=given.status, limit=given.limit,
                                     cursor=given.cursor, include_protocol=given.include_protocol)


async def _get_trace(runtime: Runtime, given: TraceId, _: ToolCall) -> TraceDetail:
    return await runtime.traces.get(given.trace_id)


def _list_text(result: TraceList) -> str:
    lines = [f"tracing: {result.tracing.status}" + (f" ({result.tracing.detail})" if result.tracing.detail else "")]
    lines += [f"{t.started_at}  {t.trace_id}  {t.tool_name or t.name}  {t.status}  {t.duration_ms:.1f} ms"
              for t in result.traces]
    return "\n".join(lines)


def _trace_text(result: TraceDetail) -> str:
    note = "" if result.tracing.status == "ok" else f"\n(tracing {result.tracing.status}: {result.tracing.detail})"
    return f"```\n{result.waterfall}\n```{note}"


TRACE_TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    ToolSpec(
        name="list_traces", title="List recent traces", annotations=READS_RECORDS,
        description=(
            "List stored traces of earlier tool calls, newest first: trace id, tool, status, start time, duration "
            "and span count, plus a resource URI for each. Filter by `tool_name` or `status` (ok, error); page "
            "with `limit` and the returned `next_cursor`. Says whether tracing is ok, degraded or disabled."
        ),
        input_model=ListTraces, output_model=TraceList, run=_list_traces, text=_list_text,
    ),
    ToolSpec(
        name="get_trace", title="Show one trace", annotations=READS_RECORDS,
        description=(
            "Show one stored trace: its span tree (names, kinds, status, start offsets, durations, attributes, "
            "events) and a text waterfall that reads well in a chat window. `trace_id` is the 32-character hex id "
            "from list_traces or from a tool result's trace link."
        ),
        input_model=TraceId, output_model=TraceDetail, run=_get_trace, text=_trace_text,
    ),
)


def register_trace_resources(server: MCPServer, runtime: Runtime) -> None:
    @server.resource("archwright://traces", name="traces", mime_type="application/json",
                     description="The 50 most recent stored traces, newest first.")
    async def recent_traces() -> str:
        return (await runtime.traces.list(limit=50)).model_dump_json(indent=2)

    @server.resource("archwright://traces/{trace_id}", name="trace", mime_type="application/json",
                     description="One stored trace: its span tree and a text waterfall.")
    async def one_trace(trace_id: str) -> str:
        try:
            return (await runtime.traces.get(trace_id)).model_dump_json(indent=2)
        except TraceLookupError as error:
            raise ResourceNotFoundError(str(error)) from None
