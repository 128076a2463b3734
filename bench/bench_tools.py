"""Per-tool latency in-process, over every requirement in the dev set.

    python bench/bench_tools.py [--rounds N]

Prints median, p95 and max per tool in milliseconds. Figures, not assertions: tests never fail
on timing. Each tool is timed as its MCP adapter calls it (from the requirement text, except
generate_summary, which is timed from an analysis and comparison as a client passes them back).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from archwright.resources import STYLES
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.summary import generate_summary

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"


def _time(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    for text in texts:  # warm the caches the server warms on its first call
        analyze_requirements(text)
    samples: dict[str, list[float]] = {k: [] for k in ("analyze_requirements", "design_architecture",
                                                       "compare_architectures", "generate_summary")}
    for _ in range(args.rounds):
        for text in texts:
            analysis = analyze_requirements(text)
            comparison = compare_architectures(analysis)
            calls: dict[str, Callable[[], object]] = {
                "analyze_requirements": lambda t=text: analyze_requirements(t),
                "design_architecture": lambda t=text: design_architecture(analyze_requirements(t), "microservices", "aws"),
                "compare_architectures": lambda t=text: compare_architectures(analyze_requirements(t)),
                "generate_summary": lambda a=analysis, c=comparison: generate_summary(
                    a, c, {s: design_architecture(a, s, "aws") for s in STYLES}),
            }
            for tool, call in calls.items():
                samples[tool].append(_time(call))
    print(f"{len(texts)} requirements x {args.rounds} rounds, in-process, milliseconds")
    print(f"{'tool':24} {'median':>8} {'p95':>8} {'max':>8}")
    for tool, values in samples.items():
        values.sort()
        p95 = values[int(len(values) * 0.95) - 1]
        print(f"{tool:24} {statistics.median(values):8.2f} {p95:8.2f} {values[-1]:8.2f}")


if __name__ == "__main__":
    main()
