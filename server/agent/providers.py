"""One small interface over the model providers, how one is chosen, and what happens when it fails.

A provider takes messages (and tools, or a schema for structured output) and returns a
`ModelReply`. Transient failures (429, 5xx, a reset or refused connection, a timeout) are retried
with exponential backoff; a provider that still fails, or fails for good (no key, a model not
pulled), hands over to the next configured one, and finally to offline: the caller then uses the
deterministic path and says so in one sentence. Both client libraries are imported only when their
provider is first used, so start-up never pays for them.

Selection, from the environment:
- `ARCHWRIGHT_MODEL` = `google/<model>`, `ollama/<model>` or `offline`;
- `USE_LOCAL_LLM=true` picks Ollama (`OLLAMA_MODEL`, default qwen2.5:14b), as the system this
  replaces did;
- a Google key (`GOOGLE_GENERATIVE_AI_API_KEY`, `GOOGLE_API_KEY` or `GEMINI_API_KEY`) alone makes
  Gemini available;
- nothing: offline.
The chosen provider comes first, any other configured one next.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import anyio

from archwright.server.agent.messages import Message, ModelReply, ToolDeclaration

logger = logging.getLogger("archwright.agent")

DEFAULT_GEMINI_MODEL = "gemini-2.5-flash"
DEFAULT_OLLAMA_MODEL = "qwen2.5:14b"
DEFAULT_OLLAMA_HOST = "http://localhost:11434"
DEFAULT_TIMEOUT_S = 60.0


class ProviderError(Exception):
    """A model call that failed; `transient` ones are worth retrying."""

    def __init__(self, provider: str, message: str, *, transient: bool) -> None:
        super().__init__(message)
        self.provider = provider
        self.transient = transient


class AllProvidersFailed(Exception):
    """Every configured provider failed: the caller goes offline. `reasons` says why, one per provider."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons) or "no model is configured")
        self.reasons = reasons


class Provider(Protocol):
    name: str
    model: str

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply: ...


@dataclass
class Retrying:
    """A provider whose transient failures are retried with exponential backoff."""

    inner: Provider
    attempts: int = 3
    base_delay_s: float = 0.5
    retried: int = field(default=0, init=False)

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def model(self) -> str:
        return self.inner.model

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply:
        for attempt in range(1, self.attempts + 1):
            try:
                return await self.inner.chat(messages, tools, schema)
            except ProviderError as error:
                if not error.transient or attempt == self.attempts:
                    raise
                self.retried += 1
                delay = self.base_delay_s * 2 ** (attempt - 1)
                logger.info("model call failed, retrying", extra={"provider": self.name, "attempt": attempt,
                                                                   "delay_s": delay, "error": str(error)[:200]})
                await anyio.sleep(delay)
        raise AssertionError("unreachable")


@dataclass
class ModelChain:
    """The configured providers in order; `chat` uses the first that answers."""

    providers: list[Provider]
    fallbacks: list[str] = field(default_factory=list)  # one sentence per provider that failed, this chain's life
    notes: list[str] = field(default_factory=list)  # settings that were ignored, said once to the user

    @property
    def offline(self) -> bool:
        return not self.providers

    @property
    def label(self) -> str:
        return f"{self.providers[0].name}/{self.providers[0].model}" if self.providers else "offline"

    async def chat(self, messages: Sequence[Message], tools: Sequence[ToolDeclaration] = (),
                   schema: dict[str, Any] | None = None) -> ModelReply:
        reasons: list[str] = []
        while self.providers:
            provider = self.providers[0]
            try:
                return await provider.chat(messages, tools, schema)
            except ProviderError as error:
                sentence = f"{provider.name}/{provider.model} failed ({error}), so "
                self.providers.pop(0)  # a provider that failed after its retries is not asked again
                sentence += (f"{self.providers[0].name}/{self.providers[0].model} answered instead"
                             if self.providers else "the deterministic offline path answered instead")
                reasons.append(sentence)
                self.fallbacks.append(sentence)
                logger.warning(sentence)
        raise AllProvidersFailed(reasons)


def chain_from_env(env: Mapping[str, str] | None = None, *, attempts: int = 3, base_delay_s: float = 0.5,
                   timeout_s: float = DEFAULT_TIMEOUT_S) -> ModelChain:
    """The providers the environment configures, the chosen one first; empty means offline."""
    env = os.environ if env is None else env
    chosen = env.get("ARCHWRIGHT_MODEL", "").strip()
    google_key = env.get("GOOGLE_GENERATIVE_AI_API_KEY") or env.get("GOOGLE_API_KEY") or env.get("GEMINI_API_KEY")
    local = env.get("USE_LOCAL_LLM", "").strip().lower() in ("1", "true", "yes")
    if chosen.lower() == "offline":
        return ModelChain([])
    wanted: list[tuple[str, str]] = []
    notes: list[str] = []
    if "/" in chosen:
        provider, model = chosen.split("/", 1)
        wanted.append((provider.lower(), model))
    elif chosen:
        notes.append(f"ARCHWRIGHT_MODEL={chosen!r} is not provider/model (google/..., ollama/...) or offline, so it "
                     "was ignored.")
        logger.warning(notes[-1])
    if local:
        wanted.append(("ollama", env.get("OLLAMA_MODEL", DEFAULT_OLLAMA_MODEL)))
    if google_key:
        wanted.append(("google", DEFAULT_GEMINI_MODEL))
    providers: list[Provider] = []
    seen: set[str] = set()
    for name, model in wanted:
        if name in seen:
            continue
        seen.add(name)
        if name in ("google", "gemini"):
            from archwright.server.agent.gemini import GeminiProvider

            providers.append(Retrying(GeminiProvider(model, api_key=google_key, base_url=env.get(
                "GOOGLE_GEMINI_BASE_URL"), timeout_s=timeout_s), attempts, base_delay_s))
        elif name == "ollama":
            from archwright.server.agent.ollama_provider import OllamaProvider

            providers.append(Retrying(OllamaProvider(model, host=env.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST,
                                                     timeout_s=timeout_s), attempts, base_delay_s))
        else:
            notes.append(f"The model provider {name!r} in ARCHWRIGHT_MODEL is unknown (known: google, ollama), so it "
                         "was ignored.")
            logger.warning(notes[-1])
    return ModelChain(providers, notes=notes)
