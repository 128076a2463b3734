"""Prompts, and the server class that reports request errors the way clients can act on them.

The SDK turns a failing prompt into an error with code 0 and the bare exception text, and tool
arguments that fail its schema check into a raw pydantic dump; a client then cannot tell a typo
from a crash. Here an unknown prompt, a missing or unexpected argument, or a value outside its set
is an Invalid Params error (-32602) that names what is accepted, and bad tool arguments are a tool
error of one line per problem.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, GetPromptResult
from pydantic import Field, ValidationError

from archwright.resources import load_catalog
from archwright.server.mcp.specs import bounded_message, validation_summary
from archwright.server.telemetry.redact import quoted, redacted

logger = logging.getLogger("archwright.mcp")


class ArchwrightServer(MCPServer):
    """MCPServer whose prompt errors carry a valid JSON-RPC code and the accepted values, and whose
    tool-argument errors read as one line per problem."""

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None) -> Any:
        """Tool errors reach the client as their own sentence: the SDK prefixes each with "Error
        executing tool X", which reads like a crash, and reports a crash with no reason at all."""
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError as error:
            logger.error("tool %s failed unexpectedly", name[:100], exc_info=error.__cause__)
            cause = type(error.__cause__).__name__ if error.__cause__ else "unknown"
            raise ToolError(f"{name[:100]} could not finish: an internal error ({cause}) that is Archwright's fault, "
                            "not the input's; the server log has the details.") from None
        except ToolError as error:
            cause = error.__cause__
            if isinstance(cause, ValidationError):  # the SDK's own check of the input schema
                raise ToolError(f"Invalid arguments for {name[:100]}: {validation_summary(cause)}") from cause
            if isinstance(cause, ToolError):  # ours, behind the SDK's prefix
                raise ToolError(bounded_message(str(cause))) from cause
            # The SDK's own ("Unknown tool: <name>") echoes the caller's text: redact it first.
            raise ToolError(bounded_message(redacted(str(error)))) from cause

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context[Any, Any] | None = None) -> Any:
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        if name not in prompts:
            raise MCPError(INVALID_PARAMS, f"Unknown prompt {quoted(name)}. Known prompts: {', '.join(prompts)}.")
        accepted = prompts[name].arguments or []
        described = "; ".join(f"{a.name}{'' if a.required else ' (optional)'}: {a.description}" for a in accepted)
        missing = [a.name for a in accepted if a.required and not (arguments or {}).get(a.name)]
        unexpected = sorted(set(arguments or {}) - {a.name for a in accepted})
        if missing or unexpected:
            problem = f"needs {', '.join(missing)}" if missing else f"takes no {', '.join(unexpected)}"
            raise MCPError(INVALID_PARAMS, f"Prompt {name!r} {problem}. Arguments: {described}.")
        result: GetPromptResult = await super().get_prompt(name, arguments, context)
        return result


def _cloud(value: str) -> str:
    clouds = list(load_catalog().clouds)
    if value not in clouds:
        raise MCPError(INVALID_PARAMS, f"Unknown cloud {value!r}. Accepted clouds: {', '.join(sorted(clouds))}.")
    return value


def register_prompts(server: MCPServer) -> None:
    @server.prompt(
        name="design_architecture",
        title="Design an architecture for an app idea",
        description="Start an architecture conversation: analyse the idea, ask what is missing, compare, summarise.",
    )
    def design_architecture_prompt(
        idea: Annotated[str, Field(description="The app idea in plain English: who uses it, what they do, how many.")],
        cloud: Annotated[str, Field(description="Cloud provider: aws (default), gcp or azure.")] = "aws",
    ) -> str:
        cloud = _cloud(cloud)
        return (
            f"I want architecture advice for this app idea, on {cloud}:\n\n{idea}\n\n"
            "1. Call analyze_requirements with the idea. Show me the domain, features and scale it found, "
            "quoting the evidence.\n"
            "2. If it is vague or lists questions that would change the design, ask me those first.\n"
            f"3. Call compare_architectures with the analysis and cloud={cloud!r}; explain the recommendation, "
            "the monthly cost range and the trade-offs.\n"
            "4. Call generate_summary and show me the executive summary with its diagrams."
        )
