"""Gemini through `google-genai` (`:generateContent`). Imported only when a Gemini model is used."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

import httpx
import httpx2
from google import genai
from google.genai import errors, types

from archwright.server.agent.messages import Message, ModelReply, ToolCallRequest, ToolDeclaration, Usage
from archwright.server.agent.providers import ProviderError

TRANSIENT_CODES = frozenset({408, 429, 500, 502, 503, 504})


class GeminiProvider:
    name = "google"

    def __init__(self, model: str, *, api_key: str | None, base_url: str | None = None, timeout_s: float = 60.0) -> None:
        self.model = model
        self._api_key = api_key
        options = types.HttpOptions(timeout=int(timeout_s * 1000), base_url=base_url,
                                    retry_options=types.HttpRetryOptions(attempts=1))  # we retry, once, ourselves
        self._client = genai.Client(api_key=api_key, http_options=options) if api_key else None

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply:
        if self._client is None:
            raise ProviderError(self.name, "no API key: set GOOGLE_GENERATIVE_AI_API_KEY or GOOGLE_API_KEY",
                                transient=False)
        system = "\n\n".join(m.content for m in messages if m.role == "system") or None
        config = types.GenerateContentConfig(
            system_instruction=system, temperature=0,
            tools=[types.Tool(function_declarations=[
                types.FunctionDeclaration(name=t.name, description=t.description, parameters_json_schema=t.parameters)
                for t in tools])] if tools else None,
            response_mime_type="application/json" if schema else None, response_json_schema=schema,
            automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        )
        try:
            response = await self._client.aio.models.generate_content(
                model=self.model, contents=_contents(messages), config=config)
        except errors.APIError as error:
            raise ProviderError(self.name, f"HTTP {error.code}: {error.message or error.status}",
                                transient=error.code in TRANSIENT_CODES) from None
        except (httpx.TransportError, httpx2.TransportError, OSError) as error:  # refused, reset, timed out
            raise ProviderError(self.name, f"{type(error).__name__}: {error}", transient=True) from None
        calls = [ToolCallRequest(id=call.id or uuid.uuid4().hex[:12], name=call.name or "", arguments=dict(call.args or {}))
                 for call in (response.function_calls or [])]
        usage = response.usage_metadata
        return ModelReply(
            provider=self.name, model=self.model, text=_text(response), tool_calls=calls,
            usage=Usage(input_tokens=(usage.prompt_token_count or 0) if usage else 0,
                        output_tokens=(usage.candidates_token_count or 0) if usage else 0))


def _text(response: types.GenerateContentResponse) -> str:
    parts = response.candidates[0].content.parts if response.candidates and response.candidates[0].content else None
    return "".join(p.text for p in parts or [] if p.text and not p.thought)


def _contents(messages: Sequence[Message]) -> list[types.Content]:
    """Our history in Gemini's shape: the model's turns as `model`, tool results as function responses."""
    contents: list[types.Content] = []
    for message in messages:
        if message.role == "system":
            continue
        if message.role == "user":
            contents.append(types.Content(role="user", parts=[types.Part(text=message.content)]))
        elif message.role == "assistant":
            parts = [types.Part(text=message.content)] if message.content else []
            parts += [types.Part(function_call=types.FunctionCall(id=c.id, name=c.name, args=c.arguments))
                      for c in message.tool_calls]
            contents.append(types.Content(role="model", parts=parts))
        else:
            try:
                result = json.loads(message.content)
            except json.JSONDecodeError:
                result = message.content
            contents.append(types.Content(role="user", parts=[types.Part(function_response=types.FunctionResponse(
                id=message.tool_call_id, name=message.name or "", response={"result": result}))]))
    return contents
