"""The real google-genai and ollama clients against a loopback stub of their wire formats: text,
tool calls, usage, structured output, a 429 then success, a dead server and the fallback."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from stub import Script, error, gemini_call, gemini_text, ollama_call, ollama_text, serving  # noqa: E402

from archwright.server.agent.messages import Message, ToolDeclaration  # noqa: E402
from archwright.server.agent.providers import AllProvidersFailed, chain_from_env  # noqa: E402

pytestmark = pytest.mark.anyio
HISTORY = [Message(role="system", content="You are terse."), Message(role="user", content="Design a chat app.")]
TOOL = ToolDeclaration(name="compare_architectures", description="Price the styles.",
                       parameters={"type": "object", "properties": {"requirement": {"type": "string"}},
                                   "required": ["requirement"]})


def _dead_url() -> str:
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


async def test_gemini_text_tool_calls_usage_and_a_429_retried() -> None:
    script = Script([error(429, "Resource has been exhausted"), (200, gemini_call("compare_architectures",
                                                                                  {"requirement": "a chat app"})),
                     (200, gemini_text("Serverless it is.", 30, 8))])
    with serving(script) as url:
        chain = chain_from_env({"ARCHWRIGHT_MODEL": "google/gemini-2.5-flash", "GOOGLE_API_KEY": "test-key",
                                "GOOGLE_GEMINI_BASE_URL": url}, base_delay_s=0.01)
        first = await chain.chat(HISTORY, [TOOL])
        second = await chain.chat([*HISTORY, Message(role="assistant", tool_calls=first.tool_calls),
                                   Message(role="tool", content='{"ok": true}', tool_call_id=first.tool_calls[0].id,
                                           name="compare_architectures")])
    assert [c.name for c in first.tool_calls] == ["compare_architectures"]
    assert first.tool_calls[0].arguments == {"requirement": "a chat app"}
    assert (first.usage.input_tokens, first.usage.output_tokens) == (20, 5)
    assert second.text == "Serverless it is." and second.usage.input_tokens == 30
    assert chain.providers[0].retried == 1 and len(script.requests) == 3  # the 429 was retried once
    path, body = script.requests[0]
    assert path.endswith("/models/gemini-2.5-flash:generateContent")
    assert body["generationConfig"]["temperature"] == 0
    assert body["systemInstruction"]["parts"][0]["text"] == "You are terse."
    assert body["tools"][0]["functionDeclarations"][0]["name"] == "compare_architectures"
    answered = script.requests[2][1]["contents"][-1]["parts"][0]["functionResponse"]
    assert answered["name"] == "compare_architectures" and answered["response"] == {"result": {"ok": True}}


async def test_ollama_text_tool_calls_usage_and_structured_output() -> None:
    schema = {"type": "object", "properties": {"score": {"type": "number"}}, "required": ["score"]}
    script = Script([(200, ollama_call("compare_architectures", {"requirement": "a chat app"})),
                     (200, ollama_text('{"score": 0.9}', 40, 6))])
    with serving(script) as url:
        chain = chain_from_env({"USE_LOCAL_LLM": "true", "OLLAMA_HOST": url}, base_delay_s=0.01)
        called = await chain.chat(HISTORY, [TOOL])
        structured = await chain.chat(HISTORY, schema=schema)
    assert chain.label == "ollama/qwen2.5:14b"
    assert called.tool_calls[0].name == "compare_architectures" and called.usage.input_tokens == 21
    assert structured.text == '{"score": 0.9}' and (structured.usage.input_tokens, structured.usage.output_tokens) == (40, 6)
    path, body = script.requests[1]
    assert path == "/api/chat" and body["format"] == schema and body["options"]["temperature"] == 0
    assert body["stream"] is False and script.requests[0][1]["tools"][0]["function"]["name"] == "compare_architectures"


async def test_a_dead_server_falls_back_to_the_next_provider_then_offline() -> None:
    script = Script([(200, gemini_text("Gemini here."))])
    with serving(script) as url:
        chain = chain_from_env({"USE_LOCAL_LLM": "true", "OLLAMA_HOST": _dead_url(), "GOOGLE_API_KEY": "k",
                                "GOOGLE_GEMINI_BASE_URL": url}, base_delay_s=0.01)
        assert [p.name for p in chain.providers] == ["ollama", "google"]
        reply = await chain.chat(HISTORY)
    assert reply.provider == "google" and reply.text == "Gemini here."
    (sentence,) = chain.fallbacks
    assert sentence.startswith("ollama/qwen2.5:14b failed (cannot reach the Ollama server") and sentence.endswith(
        "so google/gemini-2.5-flash answered instead")
    with pytest.raises(AllProvidersFailed):
        await chain_from_env({"USE_LOCAL_LLM": "true", "OLLAMA_HOST": _dead_url()}, base_delay_s=0.01).chat(HISTORY)


async def test_a_missing_model_or_key_is_not_retried() -> None:
    script = Script([error(404, 'model "qwen2.5:14b" not found, try pulling it first')])
    with serving(script) as url:
        chain = chain_from_env({"USE_LOCAL_LLM": "true", "OLLAMA_HOST": url}, base_delay_s=0.01)
        with pytest.raises(AllProvidersFailed) as failed:
            await chain.chat(HISTORY)
    assert len(script.requests) == 1 and "HTTP 404" in failed.value.reasons[0]
    keyless = chain_from_env({"ARCHWRIGHT_MODEL": "google/gemini-2.5-flash"})
    with pytest.raises(AllProvidersFailed) as failed:
        await keyless.chat(HISTORY)
    assert "no API key" in failed.value.reasons[0] and "offline path answered instead" in failed.value.reasons[0]


def test_selection_from_the_environment() -> None:
    assert chain_from_env({}).offline and chain_from_env({}).label == "offline"
    assert chain_from_env({"ARCHWRIGHT_MODEL": "offline", "GOOGLE_API_KEY": "k"}).offline
    assert chain_from_env({"GOOGLE_GENERATIVE_AI_API_KEY": "k"}).label == "google/gemini-2.5-flash"
    assert chain_from_env({"ARCHWRIGHT_MODEL": "ollama/llama3.1:8b"}).label == "ollama/llama3.1:8b"
    both = chain_from_env({"ARCHWRIGHT_MODEL": "ollama/llama3.1:8b", "GOOGLE_API_KEY": "k"})
    assert [p.name for p in both.providers] == ["ollama", "google"]
    assert chain_from_env({"ARCHWRIGHT_MODEL": "nonsense"}).offline
