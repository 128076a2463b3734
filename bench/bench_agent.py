"""The agent's turns: offline (the deterministic interpreter) and through the real google-genai and
ollama clients against a loopback stub (tests/agent/stub.py), with the tokens the stub reports.

    .venv/bin/python bench/bench_agent.py [--conversations N]

Also prints the offline transcript of one six-turn conversation (the closing note quotes it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))
from stub import Script, gemini_call, gemini_text, ollama_call, ollama_text, serving  # noqa: E402

from archwright.server.agent.providers import chain_from_env  # noqa: E402
from archwright.server.config import Settings  # noqa: E402
from archwright.server.runtime import Runtime  # noqa: E402

TURNS = [
    "A ride-sharing app for 100k daily users with real-time tracking and payments",
    "now show me the Kubernetes version",
    "add chat between riders and drivers",
    "what if we had 2 million daily users?",
    "switch to GCP",
    "make it HIPAA compliant",
    "we are only two engineers",
]


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def offline(conversations: int, folder: Path) -> None:
    latencies: list[float] = []
    async with Runtime.from_settings(Settings(db_path=str(folder / "offline.db"))) as runtime:
        for index in range(conversations):
            thread = None
            for turn in TURNS:
                started = time.perf_counter()
                result = await runtime.conversations.advise(turn, thread_id=thread)
                latencies.append((time.perf_counter() - started) * 1000)
                thread = result.thread_id
                if index == 0:
                    print(f"\n> {turn}\n{result.reply}")
    print(f"\noffline turn: median {statistics.median(latencies):.1f} ms  p95 {_p95(latencies):.1f} ms  "
          f"(n={len(latencies)})")


async def through_stub(provider: str, turns: int, folder: Path) -> None:
    ride = TURNS[0]
    call = gemini_call("compare_architectures", {"requirement": ride}) if provider == "google" else ollama_call(
        "compare_architectures", {"requirement": ride})
    text = gemini_text("Serverless on AWS, about $8.5k a month.") if provider == "google" else ollama_text(
        "Serverless on AWS, about $8.5k a month.")
    script = Script([r for _ in range(turns) for r in ((200, call), (200, text))])
    latencies: list[float] = []
    tokens_in = tokens_out = 0
    with serving(script) as url:
        env = ({"ARCHWRIGHT_MODEL": "google/gemini-2.5-flash", "GOOGLE_API_KEY": "bench", "GOOGLE_GEMINI_BASE_URL": url}
               if provider == "google" else {"USE_LOCAL_LLM": "true", "OLLAMA_HOST": url})
        async with Runtime.from_settings(Settings(db_path=str(folder / f"{provider}.db"))) as runtime:
            runtime.conversations.models = lambda: chain_from_env(env)  # the bench's stub, not the shell's model
            for _ in range(turns):
                started = time.perf_counter()
                result = await runtime.conversations.advise(ride)
                latencies.append((time.perf_counter() - started) * 1000)
                assert result.usage is not None, result.fallback
                tokens_in += result.usage.input_tokens
                tokens_out += result.usage.output_tokens
    print(f"{provider} via stub ({turns} turns, a tool call then an answer each): median "
          f"{statistics.median(latencies):.1f} ms  p95 {_p95(latencies):.1f} ms; tokens in {tokens_in}, out {tokens_out}"
          f" ({tokens_in // turns} + {tokens_out // turns} a turn)")


async def main(conversations: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        await offline(conversations, Path(folder))
        for provider in ("google", "ollama"):
            await through_stub(provider, 20, Path(folder))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=10)
    anyio.run(main, parser.parse_args().conversations)
