"""Prompts, and the server class that reports prompt errors the way JSON-RPC expects.

The SDK turns a failing prompt into an error with code 0 and the bare exception text; a client
then cannot tell a typo from a crash. Here an unknown prompt, a missing argument or a value
outside its set is an Invalid Params error (-32602) that names what is accepted.
"""

from __future__ import annotations

from typing import Annotated, Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import INVALID_PARAMS, GetPromptResult
from pydantic import Field

from archwright.resources import load_catalog


class ArchwrightServer(MCPServer):
    """MCPServer whose prompt errors carry a valid JSON-RPC code and the accepted values."""

    async def get_prompt(self, name: str, arguments: dict[str, Any] | None = None,
                         context: Context[Any, Any] | None = None) -> Any:
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        if name not in prompts:
            raise MCPError(INVALID_PARAMS, f"Unknown prompt {name!r}. Known prompts: {', '.join(prompts)}.")
        required = [a.name for a in prompts[name].arguments or [] if a.required]
        missing = [a for a in required if not (arguments or {}).get(a)]
        if missing:
            raise MCPError(INVALID_PARAMS, f"Prompt {name!r} needs {', '.join(missing)}. Arguments: "
                           + ", ".join(f"{a.name} ({a.description})" for a in prompts[name].arguments or []))
        result: GetPromptResult = await super().get_prompt(name, arguments, context)
        return result


def _cloud(value: str) -> str:
    clouds = list(load_catalog().clouds)
    if value not in clouds:
        raise MCPError(INVALID_PARAMS, f"Unknown cloud {value!r}. Accepted clouds: {', '.join(clouds)}.")
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
