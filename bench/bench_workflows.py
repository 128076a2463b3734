"""Workflow engine costs, and the same pipeline on LangGraph, measured in one run.

    pip install -e '.[bench]' && python bench/bench_workflows.py [--runs N]

1. Engine overhead per step, persistence on: a ten-step workflow of trivial steps, per step, minus
   calling the same ten functions directly.
2. The same four-step pipeline (analyze -> design every style -> compare -> summarize, the same step
   functions) on this engine (SQLite persistence, no tracing) and on LangGraph with its SQLite
   checkpointer (langgraph-checkpoint-sqlite), alternating, each into its own file.
3. The whole architecture_report workflow in-process with storage and tracing on.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any, TypedDict

import anyio
from opentelemetry.trace import NoOpTracerProvider
from pydantic import BaseModel

from archwright.resources import STYLES
from archwright.server.config import Settings
from archwright.server.runtime import Runtime
from archwright.server.store import Database
from archwright.server.store.runs import RunStore
from archwright.server.workflows.engine import StepContext, Workflow, step
from archwright.server.workflows.report import WORKFLOW_ID
from archwright.server.workflows.runs import Engine
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.models import Analysis, Architecture, Comparison, Summary
from archwright.tools.summary import generate_summary

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


# The pipeline's step functions, shared by both engines.
def do_analyze(requirement: str) -> Analysis:
    return analyze_requirements(requirement)


def do_design(analysis: Analysis) -> dict[str, Architecture]:
    return {style: design_architecture(analysis, style, "aws") for style in STYLES}


def do_compare(analysis: Analysis, designs: dict[str, Architecture]) -> Comparison:
    return compare_architectures(analysis, STYLES, "aws", designs=designs)  # type: ignore[arg-type]


def do_summarize(analysis: Analysis, comparison: Comparison, designs: dict[str, Architecture]) -> Summary:
    return generate_summary(analysis, comparison, designs)  # type: ignore[arg-type]


class Req(BaseModel):
    requirement: str


class S1(BaseModel):
    analysis: Analysis


class S2(BaseModel):
    analysis: Analysis
    designs: dict[str, Architecture]


class S3(S2):
    comparison: Comparison


class S4(BaseModel):
    summary: Summary


@step("analyze")
def w_analyze(given: Req, ctx: StepContext) -> S1:
    return S1(analysis=do_analyze(given.requirement))


@step("design")
def w_design(given: S1, ctx: StepContext) -> S2:
    return S2(analysis=given.analysis, designs=do_design(given.analysis))


@step("compare")
def w_compare(given: S2, ctx: StepContext) -> S3:
    return S3(analysis=given.analysis, designs=given.designs, comparison=do_compare(given.analysis, given.designs))


@step("summarize")
def w_summarize(given: S3, ctx: StepContext) -> S4:
    return S4(summary=do_summarize(given.analysis, given.comparison, given.designs))


PIPELINE = Workflow("pipeline", Req).then(w_analyze).then(w_design).then(w_compare).then(w_summarize).commit()


class GraphState(TypedDict, total=False):
    requirement: str
    analysis: Analysis
    designs: dict[str, Architecture]
    comparison: Comparison
    summary: Summary


def langgraph_app(path: str) -> Any:
    from langgraph.checkpoint.sqlite import SqliteSaver
    from langgraph.graph import END, START, StateGraph

    graph = StateGraph(GraphState)
    graph.add_node("analyze", lambda s: {"analysis": do_analyze(s["requirement"])})
    graph.add_node("design", lambda s: {"designs": do_design(s["analysis"])})
    graph.add_node("compare", lambda s: {"comparison": do_compare(s["analysis"], s["designs"])})
    graph.add_node("summarize", lambda s: {"summary": do_summarize(s["analysis"], s["comparison"], s["designs"])})
    graph.add_edge(START, "analyze")
    graph.add_edge("analyze", "design")
    graph.add_edge("design", "compare")
    graph.add_edge("compare", "summarize")
    graph.add_edge("summarize", END)
    return graph.compile(checkpointer=SqliteSaver(sqlite3.connect(path, check_same_thread=False)))


@step("noop")
def noop(n: Req, ctx: StepContext) -> Req:
    return n


def _noop_workflow() -> Workflow:
    flow = Workflow("ten", Req)
    for index in range(10):
        flow.then(step(f"noop{index}")(noop.fn))
    return flow.commit()


async def main(runs: int) -> None:
    texts = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        store = await Database.opened(f"{folder}/ours.db")
        quiet = NoOpTracerProvider().get_tracer("bench")
        ten = _noop_workflow()
        engine = Engine(RunStore(store), {"ten": ten, "pipeline": PIPELINE}, quiet)

        direct = []
        for _ in range(runs):
            started = time.perf_counter()
            value = Req(requirement="x")
            for _index in range(10):
                value = noop.fn(value, StepContext("r", "p", 1, None, {}))
            direct.append(time.perf_counter() - started)
        engine_runs = []
        for _ in range(runs):
            started = time.perf_counter()
            await engine.start("ten", {"requirement": "x"})
            engine_runs.append(time.perf_counter() - started)
        per_step = (statistics.median(engine_runs) - statistics.median(direct)) / 10 * 1000
        print(f"1. engine overhead per step, persistence on (10-step runs x {runs}): {per_step:.3f} ms "
              f"(run median {statistics.median(engine_runs) * 1000:.2f} ms)")

        def direct_pipeline(text: str) -> None:
            analysis = do_analyze(text)
            designs = do_design(analysis)
            do_summarize(analysis, do_compare(analysis, designs), designs)

        app = langgraph_app(f"{folder}/langgraph.db")
        for text in texts[:5]:  # warm both
            await engine.start("pipeline", {"requirement": text})
            app.invoke({"requirement": text}, {"configurable": {"thread_id": uuid.uuid4().hex}})
        ours, theirs, bare = [], [], []
        for index in range(runs):
            text = texts[index % len(texts)]
            started = time.perf_counter()
            direct_pipeline(text)
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            await engine.start("pipeline", {"requirement": text})
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            app.invoke({"requirement": text}, {"configurable": {"thread_id": uuid.uuid4().hex}})
            theirs.append(time.perf_counter() - started)
        a, b, c = (statistics.median(x) * 1000 for x in (ours, theirs, bare))
        print(f"2. four-step pipeline, {runs} runs each, same step functions, SQLite persistence on both:")
        print(f"   per run: archwright {a:.2f} ms   LangGraph + SqliteSaver {b:.2f} ms   ratio {a / b:.2f} "
              f"(target <= 0.50)")
        print(f"   the step functions alone take {c:.2f} ms; framework time: archwright {a - c:.2f} ms, "
              f"LangGraph {b - c:.2f} ms, ratio {(a - c) / (b - c):.2f}")
        await store.close()

        times = []
        async with Runtime.from_settings(Settings(db_path=f"{folder}/report.db")) as runtime:
            traced = await runtime.engine()
            for index in range(runs):
                started = time.perf_counter()
                run = await traced.start(WORKFLOW_ID, {"requirement": texts[index % len(texts)]})
                times.append(time.perf_counter() - started)
                assert run.status in ("success", "suspended"), run.error
        print(f"3. architecture_report in-process, storage and tracing on, {runs} runs: median "
              f"{statistics.median(times) * 1000:.2f} ms, p95 {sorted(times)[int(runs * 0.95) - 1] * 1000:.2f} ms "
              "(target < 50 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=100)
    anyio.run(main, parser.parse_args().runs)
