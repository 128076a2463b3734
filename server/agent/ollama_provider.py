"""Ollama through the `ollama` client (`/api/chat`). Imported only when an Ollama model is used."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import ollama

from archwright.server.agent.messages import Message, ModelReply, ToolCallRequest, ToolDeclaration, Usage
from archwright.server.agent.providers import ProviderError

TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504})


class OllamaProvider:
    name = "ollama"

    def __init__(self, model: str, *, host: str, timeout_s: float = 60.0) -> None:
        self.model = model
        self._client = ollama.AsyncClient(host=host, timeout=timeout_s)

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply:
        try:
            response = await self._client.chat(
                model=self.model, messages=[_message(m) for m in messages],
                tools=[{"type": "function", "function": {"name": t.name, "description": t.description,
                                                         "parameters": t.parameters}} for t in tools] or None,
                format=schema, options={"temperature": 0}, stream=False)
        except ollama.ResponseError as error:
            # 404: the model is not pulled; a lasting condition, not worth a retry.
            raise ProviderError(self.name, f"HTTP {error.status_code}: {error.error}",
                                transient=error.status_code in TRANSIENT_CODES) from None
        except (httpx.TransportError, ConnectionError, OSError) as error:
            raise ProviderError(self.name, f"cannot reach the Ollama server: {error}", transient=True) from None
        message = response.message
        calls = [ToolCallRequest(id=uuid.uuid4().hex[:12], name=call.function.name,
                                 arguments=dict(call.function.arguments or {}))
                 for call in (message.tool_calls or [])]
        return ModelReply(provider=self.name, model=self.model, text=message.content or "", tool_calls=calls,
                          usage=Usage(input_tokens=response.prompt_eval_count or 0,
                                      output_tokens=response.eval_count or 0))


def _message(message: Message) -> dict[str, Any]:
    shaped: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.tool_calls:
        shaped["tool_calls"] = [{"function": {"name": c.name, "arguments": c.arguments}} for c in message.tool_calls]
    if message.role == "tool" and message.name:
        shaped["tool_name"] = message.name
    return shaped

