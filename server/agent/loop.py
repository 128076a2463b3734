"""The agent: instructions, tools, a model chain; the tool-call loop, bounded and traced.

Each run is an `invoke_agent {name}` span holding a `chat {model}` span per model call (with token
usage) and an `execute_tool {name}` span per tool call, following the OpenTelemetry GenAI
conventions. Malformed arguments, unknown tools and failing tools go back to the model as tool
messages, never crash the loop; the step limit and the timeout end it with a clear status and
what was done so far.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import anyio
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from pydantic import BaseModel, Field, ValidationError

from archwright.server.agent.messages import Message, ToolCallRequest, ToolDeclaration, Usage
from archwright.server.agent.providers import AllProvidersFailed, ModelChain

MAX_TOOL_RESULT_CHARS = 12_000


@dataclass(frozen=True)
class AgentTool:
    """A tool the model may call: the MCP surface's name, description and input model."""

    name: str
    description: str
    input_model: type[BaseModel]
    run: Callable[[BaseModel], Awaitable[Any]]

    def declaration(self) -> ToolDeclaration:
        return ToolDeclaration(name=self.name, description=self.description,
                               parameters=self.input_model.model_json_schema())


class ToolOutcome(BaseModel):
    name: str
    arguments: dict[str, Any]
    ok: bool
    error: str | None = None


class AgentResult(BaseModel):
    status: Literal["done", "step_limit", "timeout", "offline"]
    text: str = ""
    steps: int = 0
    tool_calls: list[ToolOutcome] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    model: str = "offline"
    fallbacks: list[str] = Field(default_factory=list, description="One sentence per provider that failed.")
    messages: list[Message] = Field(default_factory=list, description="What this run added to the conversation.")


class Agent:
    def __init__(self, name: str, instructions: str, tools: Sequence[AgentTool], chain: ModelChain,
                 tracer: trace.Tracer, *, max_steps: int = 8, timeout_s: float = 120.0) -> None:
        self.name = name
        self.instructions = instructions
        self.tools = {t.name: t for t in tools}
        self.chain = chain
        self.tracer = tracer
        self.max_steps = max_steps
        self.timeout_s = timeout_s

    async def run(self, history: Sequence[Message]) -> AgentResult:
        """Run the loop on `history` (the thread so far, the new user message last)."""
        result = AgentResult(status="step_limit")
        with self.tracer.start_as_current_span(f"invoke_agent {self.name}", attributes={
                "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": self.name}) as span:
            with anyio.move_on_after(self.timeout_s) as scope:
                await self._loop(list(history), result)
            if scope.cancelled_caught:
                result.status = "timeout"
                result.text = result.text or (f"The model did not finish within {self.timeout_s:g} s; "
                                              f"{len(result.tool_calls)} tool call(s) were made.")
            span.set_attribute("gen_ai.usage.input_tokens", result.usage.input_tokens)
            span.set_attribute("gen_ai.usage.output_tokens", result.usage.output_tokens)
            span.set_attribute("archwright.agent.status", result.status)
        result.fallbacks = list(self.chain.fallbacks)
        return result

    async def _loop(self, messages: list[Message], result: AgentResult) -> None:
        system = Message(role="system", content=self.instructions)
        declarations = [t.declaration() for t in self.tools.values()]
        for _ in range(self.max_steps):
            result.steps += 1
            with self.tracer.start_as_current_span(f"chat {self.chain.label}", attributes={
                    "gen_ai.operation.name": "chat", "gen_ai.request.model": self.chain.label}) as span:
                try:
                    reply = await self.chain.chat([system, *messages], declarations)
                except AllProvidersFailed:
                    result.status = "offline"
                    return
                span.set_attribute("gen_ai.provider.name", reply.provider)
                span.set_attribute("gen_ai.usage.input_tokens", reply.usage.input_tokens)
                span.set_attribute("gen_ai.usage.output_tokens", reply.usage.output_tokens)
            result.usage = result.usage.plus(reply.usage)
            result.model = f"{reply.provider}/{reply.model}"
            said = Message(role="assistant", content=reply.text, tool_calls=reply.tool_calls)
            messages.append(said)
            result.messages.append(said)
            if not reply.tool_calls:
                result.status, result.text = "done", reply.text
                return
            for call in reply.tool_calls:
                answer = await self._call(call, result)
                messages.append(answer)
                result.messages.append(answer)

    async def _call(self, call: ToolCallRequest, result: AgentResult) -> Message:
        tool = self.tools.get(call.name)
        with self.tracer.start_as_current_span(f"execute_tool {call.name}", attributes={
                "gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": call.name,
                "gen_ai.tool.call.id": call.id}) as span:
            try:
                if tool is None:
                    raise LookupError(f"unknown tool {call.name!r}; the tools are {', '.join(self.tools)}")
                given = tool.input_model.model_validate(call.arguments)
                output = await tool.run(given)
                content = _as_text(output)
                result.tool_calls.append(ToolOutcome(name=call.name, arguments=call.arguments, ok=True))
            except ValidationError as error:
                problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(arguments)'}: {e['msg']}"
                                     for e in error.errors()[:5])
                content = self._refused(call, result, span, f"invalid arguments: {problems}")
            except Exception as error:  # a failing tool is the model's to handle, not a crash
                content = self._refused(call, result, span, f"{type(error).__name__}: {error}")
        return Message(role="tool", content=content, tool_call_id=call.id, name=call.name)

    @staticmethod
    def _refused(call: ToolCallRequest, result: AgentResult, span: trace.Span, why: str) -> str:
        span.set_status(StatusCode.ERROR, why[:200])
        result.tool_calls.append(ToolOutcome(name=call.name, arguments=call.arguments, ok=False, error=why[:500]))
        return json.dumps({"error": why[:2000]})


def _as_text(output: Any) -> str:
    text = output.model_dump_json() if isinstance(output, BaseModel) else json.dumps(output, default=str)
    return text if len(text) <= MAX_TOOL_RESULT_CHARS else text[:MAX_TOOL_RESULT_CHARS] + '..." (cut)'
