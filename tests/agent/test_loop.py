"""The agent loop on a scripted model (a function from the history to the next reply): tool calls,
errors fed back, the step limit, the timeout, usage totals and GenAI spans."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anyio
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel

from archwright.server.agent.loop import Agent, AgentTool
from archwright.server.agent.messages import Message, ModelReply, ToolCallRequest, ToolDeclaration, Usage
from archwright.server.agent.providers import ModelChain, ProviderError

pytestmark = pytest.mark.anyio


class Scripted:
    """A provider whose next reply is a function of the history it is sent."""

    name = "scripted"
    model = "script-1"

    def __init__(self, script: Callable[[Sequence[Message]], ModelReply]) -> None:
        self.script = script
        self.seen: list[list[Message]] = []

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply:
        self.seen.append(list(messages))
        return self.script(messages)


def reply(text: str = "", calls: list[tuple[str, dict[str, Any]]] = ()) -> ModelReply:  # type: ignore[assignment]
    return ModelReply(provider="scripted", model="script-1", text=text, usage=Usage(input_tokens=10, output_tokens=3),
                      tool_calls=[ToolCallRequest(id=f"c{i}", name=n, arguments=a) for i, (n, a) in enumerate(calls)])


class Price(BaseModel):
    users: int


async def _price(given: Price) -> dict[str, Any]:
    if given.users > 10**9:
        raise ValueError("more users than people on Earth")
    return {"monthly_cost": given.users * 0.01}


def _agent(script: Callable[[Sequence[Message]], ModelReply], **options: Any) -> tuple[Agent, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tool = AgentTool("price", "Price a design for a number of users.", Price, _price)
    return Agent("tester", "Be brief.", [tool], ModelChain([Scripted(script)]), provider.get_tracer("t"),
                 **options), exporter


async def test_a_tool_call_then_an_answer_with_usage_and_spans() -> None:
    def script(history: Sequence[Message]) -> ModelReply:
        if history[-1].role == "user":
            return reply(calls=[("price", {"users": 1000})])
        assert history[-1].role == "tool" and '"monthly_cost":10.0' in history[-1].content.replace(" ", "")
        return reply("About $10 a month.")

    agent, spans = _agent(script)
    result = await agent.run([Message(role="user", content="What does 1,000 users cost?")])
    assert result.status == "done" and result.text == "About $10 a month." and result.steps == 2
    assert (result.usage.input_tokens, result.usage.output_tokens) == (20, 6) and result.model == "scripted/script-1"
    assert [t.name for t in result.tool_calls] == ["price"] and result.tool_calls[0].ok
    assert [m.role for m in result.messages] == ["assistant", "tool", "assistant"]
    names = [s.name for s in spans.get_finished_spans()]
    assert names == ["chat scripted/script-1", "execute_tool price", "chat scripted/script-1", "invoke_agent tester"]
    root = spans.get_finished_spans()[-1]
    assert root.attributes["gen_ai.usage.input_tokens"] == 20 and root.attributes["gen_ai.agent.name"] == "tester"
    chat = spans.get_finished_spans()[0]
    assert chat.attributes["gen_ai.usage.output_tokens"] == 3 and chat.attributes["gen_ai.operation.name"] == "chat"


async def test_bad_tool_calls_go_back_to_the_model() -> None:
    def script(history: Sequence[Message]) -> ModelReply:
        tools_said = [m for m in history if m.role == "tool"]
        if not tools_said:
            return reply(calls=[("price", {"users": "many"}), ("teleport", {}), ("price", {"users": 10**10})])
        return reply("I could not price it: " + " | ".join(m.content for m in tools_said))

    agent, spans = _agent(script)
    result = await agent.run([Message(role="user", content="Price it.")])
    assert result.status == "done"
    assert [t.ok for t in result.tool_calls] == [False, False, False]
    assert result.tool_calls[0].error.startswith("invalid arguments: users:")
    assert any("unknown tool 'teleport'; the tools are price" in (t.error or "") for t in result.tool_calls)
    assert any("more users than people on Earth" in (t.error or "") for t in result.tool_calls)
    assert "unknown tool" in result.text and "invalid arguments" in result.text
    failed = [s for s in spans.get_finished_spans() if s.name.startswith("execute_tool")]
    assert len(failed) == 3 and all(s.status.status_code.name == "ERROR" for s in failed)


async def test_the_step_limit_and_the_timeout_end_the_loop_with_a_status() -> None:
    agent, _ = _agent(lambda history: reply(calls=[("price", {"users": 1})]), max_steps=3)
    limited = await agent.run([Message(role="user", content="Loop forever.")])
    assert limited.status == "step_limit" and limited.steps == 3 and len(limited.tool_calls) == 3

    class Slow(Scripted):
        async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                       schema: dict[str, Any] | None = None) -> ModelReply:
            await anyio.sleep(5)
            return reply("too late")

    slow = Agent("slow", "x", [], ModelChain([Slow(lambda h: reply())]), TracerProvider().get_tracer("t"),
                 timeout_s=0.2)
    timed_out = await slow.run([Message(role="user", content="Hello?")])
    assert timed_out.status == "timeout" and "did not finish within 0.2 s" in timed_out.text


async def test_a_chain_with_no_answer_says_offline() -> None:
    class Down(Scripted):
        async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                       schema: dict[str, Any] | None = None) -> ModelReply:
            raise ProviderError("scripted", "connection refused", transient=False)

    agent = Agent("down", "x", [], ModelChain([Down(lambda h: reply())]), TracerProvider().get_tracer("t"))
    result = await agent.run([Message(role="user", content="Hello?")])
    assert result.status == "offline" and result.fallbacks == [
        "scripted/script-1 failed (connection refused), so the deterministic offline path answered instead"]
