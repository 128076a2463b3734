"""Specs onto MCPServer: a spec becomes a tool whose schema is the spec's input model, whose result
is the output model as structured content plus a readable text block, and whose content types
follow the protocol version the client negotiated.

Clients before protocol 2025-06-18 know no `resource_link` content (the TypeScript SDK of that
era rejects the whole result), so for them the links are named in the text instead.
"""

from __future__ import annotations

import inspect
import logging
import time
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent
from pydantic import BaseModel, ValidationError

from archwright.server.mcp.specs import (
    REQUEST_ERRORS,
    Link,
    ToolCall,
    ToolSpec,
    bounded_message,
    has_lone_surrogates,
    validation_summary,
)
from archwright.server.runtime import Runtime

logger = logging.getLogger("archwright.mcp")
RESOURCE_LINKS_SINCE = "2025-06-18"


def knows_resource_links(protocol_version: str | None) -> bool:
    """Protocol versions are dates, so they compare as strings; unknown means the newest."""
    return protocol_version is None or protocol_version >= RESOURCE_LINKS_SINCE


def tool_result(model: BaseModel, text: str, links: list[Link], protocol_version: str | None) -> CallToolResult:
    """Structured content plus text; links as resource_link blocks, or as text for older clients."""
    content: list[Any] = []
    if links and not knows_resource_links(protocol_version):
        text += "\n\n" + "\n".join(f"{link.name}: {link.uri} ({link.description})" for link in links)
    content.append(TextContent(type="text", text=text))
    if knows_resource_links(protocol_version):
        content += [ResourceLink(type="resource_link", uri=link.uri, name=link.name, description=link.description,
                                 mime_type=link.mime_type) for link in links]
    return CallToolResult(content=content, structured_content=model.model_dump(mode="json"))


def _tool_call(ctx: Context) -> ToolCall:
    async def progress(done: int, total: int, message: str) -> None:
        await ctx.report_progress(done, total, message)

    capabilities = ctx.client_capabilities
    can_elicit = capabilities is not None and capabilities.elicitation is not None

    async def ask(message: str, schema: type[BaseModel]) -> dict[str, Any] | None:
        try:
            answer = await ctx.elicit(message, schema)
        except Exception as error:  # noqa: BLE001 - a failed question falls back to returning it in the result
            logger.info("elicitation failed; returning the question instead", extra={"reason": str(error)[:200]})
            return None
        if answer.action == "accept" and answer.data is not None:
            return answer.data.model_dump()
        return None

    return ToolCall(progress=progress, ask=ask if can_elicit else None)


async def call_spec(spec: ToolSpec[Any, Any], runtime: Runtime, arguments: dict[str, Any], ctx: Context) -> CallToolResult:
    """Validate, run inside the tool's span, log one line, and shape the result for this client."""
    if has_lone_surrogates(arguments):
        raise ToolError(f"Invalid arguments for {spec.name}: text must be valid Unicode (a lone surrogate such "
                        "as \\ud800 was found).")
    try:
        given = spec.input_model.model_validate(arguments)
    except ValidationError as error:
        raise ToolError(f"Invalid arguments for {spec.name}: {validation_summary(error)}") from None
    started = time.perf_counter()

    async def work() -> tuple[BaseModel, list[Link]]:
        output = await spec.run(runtime, given, _tool_call(ctx))
        return output, spec.links(output, runtime)  # inside the tool's span: links may name its trace

    try:
        if spec.traced:
            with runtime.advisor.tool_span(spec.name):
                output, links = await work()
        else:
            output, links = await work()
    except REQUEST_ERRORS as error:
        logger.info("tool request refused", extra={"tool": spec.name, "reason": str(error)[:200]})
        raise ToolError(bounded_message(str(error))) from None
    logger.info("tool call", extra={"tool": spec.name, "ms": round((time.perf_counter() - started) * 1000, 2)})
    return tool_result(output, spec.text(output), links, ctx.protocol_version)


def register_tool(server: MCPServer, spec: ToolSpec[Any, Any], runtime: Runtime) -> None:
    """Add `spec` to `server`. The MCP SDK reads a tool's schema from a function signature, so the
    handler is given one built from the input model's fields (their types, defaults, descriptions)."""

    async def handler(ctx: Context, **arguments: Any) -> CallToolResult:
        return await call_spec(spec, runtime, arguments, ctx)

    parameters = [inspect.Parameter("ctx", inspect.Parameter.KEYWORD_ONLY, annotation=Context)]
    annotations: dict[str, Any] = {"ctx": Context}
    for name, info in spec.input_model.model_fields.items():
        annotation = Annotated[info.annotation, info]  # type: ignore[name-defined]
        default = inspect.Parameter.empty if info.is_required() else info.get_default(call_default_factory=True)
        parameters.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation,
                                            default=default))
        annotations[name] = annotation
    returns = Annotated[CallToolResult, spec.output_model]  # type: ignore[name-defined]
    handler.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
    handler.__annotations__ = {**annotations, "return": returns}
    handler.__name__ = spec.name
    server.add_tool(handler, name=spec.name, title=spec.title, description=spec.description,
                    annotations=spec.annotations)
