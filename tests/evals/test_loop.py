"""The quality loop: it repairs a seeded defect within its rounds, stops at the limit when it
cannot, and runs inside the report workflow as a nested workflow in a loop."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from opentelemetry.trace import NoOpTracerProvider

from archwright.resources import STYLES, Style
from archwright.server.advisor import TracedAdvisor
from archwright.server.evals.loop import MAX_ROUNDS, improve
from archwright.server.evals.scorer import Checks, Finding, Scorer
from archwright.server.evals.scorers import SCORERS
from archwright.server.store import Database
from archwright.server.store.runs import RunStore
from archwright.server.workflows.report import WORKFLOW_ID, architecture_report, render_run_report
from archwright.server.workflows.runs import Engine
from archwright.tools.models import Analysis, Architecture, Cloud
from archwright.tools.report import Advice

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _advisor() -> TracedAdvisor:
    return TracedAdvisor(NoOpTracerProvider().get_tracer("test"))


def _advice(advisor: TracedAdvisor, text: str = RIDE) -> Advice:
    analysis = advisor.analyze(text)
    designs = advisor.designs(analysis, list(STYLES), "aws")
    comparison = advisor.compare(analysis, designs, "aws")
    return Advice(analysis, designs, comparison, advisor.summarize(analysis, comparison, designs))


def _without_dispatch(design: Architecture) -> Architecture:
    return design.model_copy(update={"components": [c for c in design.components if "dispatch" not in c.features]})


def test_the_loop_repairs_a_dropped_capability_in_one_round() -> None:
    advisor = _advisor()
    advice = _advice(advisor)
    damaged = Advice(advice.analysis, {**advice.designs, "monolith": _without_dispatch(advice.designs["monolith"])},
                     advice.comparison, advice.summary)
    review = improve(damaged, "aws", advisor)
    assert review.rounds == 1 and not review.failing
    assert review.history[0].fixed_by[0] == "designer"
    assert any("Dispatch" in message for message in review.history[0].findings)
    assert review.designs is not None and review.designs["monolith"] == advice.designs["monolith"]
    assert review.history[0].mean_before < review.history[0].mean_after == pytest.approx(1.0, abs=0.1)


def test_a_good_first_draft_takes_no_round() -> None:
    advisor = _advisor()
    review = improve(_advice(advisor), "aws", advisor)
    assert review.rounds == 0 and review.designs is None and review.summary is None


def _never_good(values: itertools.count) -> Scorer:
    """A scorer that moves every round but never reaches its threshold."""
    def analyze(_: object) -> Checks:
        step = next(values)
        return Checks(step % 3, 10, [Finding(fix_by="writer", message="the prose is still weak")])
    return Scorer("never_good", "moves but never passes", analyze)


def test_the_loop_stops_at_its_limit_when_it_cannot_fix() -> None:
    advisor = _advisor()
    review = improve(_advice(advisor), "aws", advisor, scorers=(*SCORERS, _never_good(itertools.count())), max_rounds=2)
    assert review.rounds == 2 and review.failing and not review.stalled


def test_a_round_that_changes_nothing_ends_the_loop() -> None:
    stuck = Scorer("stuck", "always the same finding",
                   lambda _: Checks(1, 2, [Finding(fix_by="costing", message="an external provider is unpriced")]))
    advisor = _advisor()
    review = improve(_advice(advisor), "aws", advisor, scorers=(*SCORERS, stuck))
    assert review.rounds == 1 and review.stalled and [s.scorer for s in review.failing] == ["stuck"]
    assert MAX_ROUNDS > 1


class _ForgetfulAdvisor(TracedAdvisor):
    """The real advisor, except that its first monolith design drops the dispatch capability."""

    def __init__(self) -> None:
        super().__init__(NoOpTracerProvider().get_tracer("test"))
        self.forgot = False

    def design(self, analysis: Analysis, style: Style, cloud: Cloud) -> Architecture:
        design = super().design(analysis, style, cloud)
        if style == "monolith" and not self.forgot:
            self.forgot = True
            return _without_dispatch(design)
        return design


@pytest.mark.anyio
async def test_the_report_workflow_revises_a_seeded_defect_and_publishes_the_fix(tmp_path: Path) -> None:
    database = await Database.opened(str(tmp_path / "runs.db"))
    workflow = architecture_report(_ForgetfulAdvisor())
    engine = Engine(RunStore(database), {WORKFLOW_ID: workflow}, NoOpTracerProvider().get_tracer("test"))
    run = await engine.start(WORKFLOW_ID, {"requirement": RIDE})
    assert run.status == "success", run.error
    assert run.output["rounds"] == 1
    assert all(s["status"] != "scored" or s["value"] >= s["threshold"] for s in run.output["scores"])
    full = await engine.get(run.run_id)
    paths = [s.path for s in full.steps]
    assert "until(revision)/0/revision/fix" in paths and "until(revision)/1/revision/fix" not in paths
    drafted = next(s.output for s in full.steps if s.path == "design/design_monolith")
    assert not any("dispatch" in c["features"] for c in drafted["design"]["components"])
    report = render_run_report(full)
    assert report is not None and "Dispatch module" in report.split("Modular monolith on", 1)[1]
    assert "# Appendix D: quality checks\n\nThe quality loop ran 1 revision round." in report
    await database.close()
