"""The MCP surface, by capability: advisor tools, run tools, trace tools, knowledge resources and
prompts. `build_server(runtime)` assembles them over one runtime; any number of client sessions,
one after another or at once, share it, and no session's end closes it."""

from __future__ import annotations

from archwright.server.mcp.adapter import register_tool
from archwright.server.mcp.agent_tools import AGENT_TOOLS, register_thread_resources
from archwright.server.mcp.advisor_tools import ADVISOR_TOOLS
from archwright.server.mcp.knowledge import register_knowledge
from archwright.server.mcp.prompts import ArchwrightServer, register_prompts
from archwright.server.mcp.run_tools import RUN_TOOLS, register_run_resources
from archwright.server.mcp.score_tools import SCORE_TOOLS, register_score_resources
from archwright.server.mcp.trace_tools import TRACE_TOOLS, register_trace_resources
from archwright.server.runtime import Runtime, package_version

TOOLS = (*ADVISOR_TOOLS, *AGENT_TOOLS, *RUN_TOOLS, *TRACE_TOOLS, *SCORE_TOOLS)

INSTRUCTIONS = (
    "Archwright turns an app idea into architecture advice. Start with analyze_requirements on the user's "
    "description; if it returns questions and is_vague, ask the user before designing. Then "
    "compare_architectures (costs, team, time to MVP, scores, a recommendation) and generate_summary for an "
    "executive summary with diagrams, or generate_report for the whole report as one stored run. For a "
    "conversation (follow-ups like 'show me the Kubernetes version', 'switch to GCP'), use advise with its thread_id. "
    "design_architecture gives one style's component graph and Mermaid diagram. The advisor tools work offline "
    "and answer in milliseconds; pass the analysis object back to avoid re-analysis."
)


def build_server(runtime: Runtime) -> ArchwrightServer:
    """The Archwright MCP server over `runtime` (which its creator closes)."""
    server = ArchwrightServer(name="archwright", title="Archwright", version=package_version(),
                              instructions=INSTRUCTIONS)
    for spec in TOOLS:
        register_tool(server, spec, runtime)
    register_run_resources(server, runtime)
    register_trace_resources(server, runtime)
    register_score_resources(server, runtime)
    register_thread_resources(server, runtime)
    register_knowledge(server)
    register_prompts(server)
    return server


__all__ = ["TOOLS", "build_server"]
