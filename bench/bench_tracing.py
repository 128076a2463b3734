"""Tracing costs: overhead on a tool call, and span write throughput into SQLite.

    python bench/bench_tracing.py [--calls N] [--spans N]

Overhead: the same tool calls (compare_architectures over the dev set, the most span-heavy tool:
seven spans) run alternately through a tracer on the real provider (batch processor, redaction,
SQLite exporter) and through a no-op tracer, in one run. Throughput: finished spans pushed
through the exporter path (redaction + SQLite writes, batches of 512) and through the writer alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.trace import NoOpTracerProvider

from archwright.resources import STYLES
from archwright.server.advice import TracedAdvisor
from archwright.server.store import SpanWriter
from archwright.server.telemetry.redact import Redactor
from archwright.server.telemetry.tracing import SQLiteSpanExporter, TracingHealth, setup_telemetry, to_row

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"


def _call(advisor: TracedAdvisor, text: str) -> float:
    started = time.perf_counter()
    with advisor.tool_span("compare_architectures"):
        advisor.compare(advisor.analyze(text), STYLES, "aws")
    return (time.perf_counter() - started) * 1000


def overhead(calls: int, folder: Path) -> None:
    texts = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    telemetry = setup_telemetry(str(folder / "overhead.db"), install_global=False)
    traced = TracedAdvisor(telemetry.tracer())
    plain = TracedAdvisor(NoOpTracerProvider().get_tracer("bench"))
    for text in texts:
        _call(traced, text), _call(plain, text)
    with_tracing, without = [], []
    for i in range(calls):
        text = texts[i % len(texts)]
        with_tracing.append(_call(traced, text))
        without.append(_call(plain, text))
    telemetry.shutdown()
    a, b = statistics.median(with_tracing), statistics.median(without)
    print(f"tool call overhead, compare_architectures, {calls} calls each, alternating (ms):")
    print(f"  untraced median {b:.3f}   traced median {a:.3f}   overhead {100 * (a - b) / b:+.1f}% (target < 10%)")
    print(f"  untraced mean   {statistics.mean(without):.3f}   traced mean   {statistics.mean(with_tracing):.3f}")


def throughput(count: int, folder: Path) -> None:
    provider = TracerProvider()
    memory = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("bench")
    for i in range(count):
        with tracer.start_as_current_span(f"span {i}", attributes={"gen_ai.tool.name": "t", "archwright.n": i,
                                                                  "archwright.note": "A chat app for 5k users"}):
            pass
    spans = list(memory.get_finished_spans())
    exporter = SQLiteSpanExporter(str(folder / "export.db"), TracingHealth(), Redactor())
    started = time.perf_counter()
    for i in range(0, len(spans), 512):
        exporter.export(spans[i : i + 512])
    exported = time.perf_counter() - started
    rows = [to_row(span, Redactor()) for span in spans]
    writer = SpanWriter(str(folder / "writer.db"))
    started = time.perf_counter()
    for i in range(0, len(rows), 512):
        writer.write(rows[i : i + 512])
    written = time.perf_counter() - started
    writer.close()
    print(f"span writes, {len(spans):,} spans in batches of 512:")
    print(f"  exporter path (redaction + conversion + SQLite): {len(spans) / exported:,.0f} spans/s")
    print(f"  SQLite writer alone:                              {len(rows) / written:,.0f} spans/s (target >= 10,000)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--spans", type=int, default=50_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        overhead(args.calls, Path(folder))
        throughput(args.spans, Path(folder))


if __name__ == "__main__":
    main()
