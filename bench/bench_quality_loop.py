"""The quality loop on the whole labelled set: scorer means before and after it, how many reports it
changed and in how many rounds, and the time it adds to a report run (median and p95).

    .venv/bin/python bench/bench_quality_loop.py [--runs N]

Before/after: the first draft's scores (round 0) against the final ones, per set (dev and tune were
tuned on, holdout was not). Time: report workflow runs on a real SQLite file; the loop's share is
the stored durations of its steps (review, every revision round, publish).
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import anyio
from opentelemetry.trace import NoOpTracerProvider

from archwright.resources import STYLES
from archwright.server.advisor import TracedAdvisor
from archwright.server.evals.loop import first_review, improve
from archwright.server.evals.scorer import ScoreResult
from archwright.server.evals.scorers import SCORERS
from archwright.server.store import Database
from archwright.server.store.runs import RunStore
from archwright.server.workflows.report import WORKFLOW_ID, architecture_report
from archwright.server.workflows.runs import Engine
from archwright.tools.report import Advice

DATASETS = Path(__file__).resolve().parents[1] / "resources" / "datasets"
SETS = ("dev", "tune", "holdout")
LOOP_STEPS = ("review", "until(", "publish")


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATASETS / f"requirements.{name}.jsonl").read_text().splitlines() if line]


def _means(results: list[list[ScoreResult]]) -> dict[str, float]:
    means = {}
    for scorer in SCORERS:
        values = [r.value for rs in results for r in rs if r.scorer == scorer.id and r.status == "scored"]
        means[scorer.id] = statistics.fmean(values) if values else float("nan")
    return means


def before_and_after(advisor: TracedAdvisor) -> None:
    for name in SETS:
        before, after, changed, rounds = [], [], 0, []
        for row in _rows(name):
            analysis = advisor.analyze(row["requirement"])
            if analysis.is_vague:
                continue
            designs = advisor.designs(analysis, list(STYLES), "aws")
            comparison = advisor.compare(analysis, designs, "aws")
            advice = Advice(analysis, designs, comparison, advisor.summarize(analysis, comparison, designs))
            before.append(first_review(advice, "aws").scores)
            review = improve(advice, "aws", advisor)
            after.append(review.scores)
            changed += any(part is not None for part in (review.designs, review.comparison, review.summary))
            rounds.append(review.rounds)
        b, a = _means(before), _means(after)
        print(f"{name} ({len(before)} reports): revised {sum(r > 0 for r in rounds)}, content changed {changed}, "
              f"rounds max {max(rounds)}")
        for scorer in SCORERS:
            print(f"  {scorer.id:18s} before {b[scorer.id]:.3f}  after {a[scorer.id]:.3f}")


async def loop_time(runs: int) -> None:
    rows = [r for name in SETS for r in _rows(name)][:runs]
    with tempfile.TemporaryDirectory() as folder:
        database = await Database.opened(str(Path(folder) / "bench.db"))
        tracer = NoOpTracerProvider().get_tracer("bench")
        engine = Engine(RunStore(database), {WORKFLOW_ID: architecture_report(TracedAdvisor(tracer))}, tracer)
        totals, loops = [], []
        for row in rows:
            started = time.perf_counter()
            run = await engine.start(WORKFLOW_ID, {"requirement": row["requirement"]})
            totals.append((time.perf_counter() - started) * 1000)
            if run.status != "success":
                continue
            loops.append(sum(s.duration_ms or 0 for s in run.steps if s.path.startswith(LOOP_STEPS)))
        await database.close()
    for label, values in (("report run", totals), ("quality loop", loops)):
        ordered = sorted(values)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(f"{label:13s} median {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  (n={len(values)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=100, help="report runs to time (default 100)")
    args = parser.parse_args()
    before_and_after(TracedAdvisor(NoOpTracerProvider().get_tracer("bench")))
    anyio.run(loop_time, args.runs)


if __name__ == "__main__":
    main()
