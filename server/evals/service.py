"""Scoring as a service of the runtime: score a stored report run or a report given whole, store
the outcomes with their run, trace and thread, and read them back."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from archwright.resources import Style
from archwright.server.evals.scorer import ScoreResult, mean_of
from archwright.server.evals.scorers import SCORERS, Draft, score_draft
from archwright.server.store.scores import ScoreStore, StoredScore
from archwright.server.workflows.report import has_report, report_advice, step_outputs
from archwright.server.workflows.runs import Engine, RunView, WorkflowRunError
from archwright.tools.models import Analysis, Architecture, Comparison, Summary
from archwright.tools.report import Advice


class GivenReport(BaseModel):
    """A report's parts, as the advisor tools return them."""

    analysis: Analysis
    designs: dict[Style, Architecture] = Field(min_length=1)
    comparison: Comparison
    summary: Summary

    @model_validator(mode="after")
    def _has_options(self) -> GivenReport:
        if not self.comparison.options:
            raise ValueError("the comparison has no options: give at least the recommended style's")
        return self


class ScoreOutcome(BaseModel):
    run_id: str | None
    target: str
    mean: float | None = Field(description="Mean over the scored outcomes only (not scorable and errors left out).")
    scored: int = Field(default=0, description="How many scorers gave a value (the mean is over these).")
    scores: list[ScoreResult]
    stored: list[str] = Field(description="Ids of the stored score rows.")


class ScoringService:
    def __init__(self, store: ScoreStore) -> None:
        self.store = store

    async def score_run(self, engine: Engine, run_id: str) -> ScoreOutcome:
        run = await engine.get(run_id)
        if not has_report(run):
            raise WorkflowRunError(f"Run {run_id} is not a finished report run ({run.workflow_id}, {run.status}); "
                                   "only those can be scored.")
        return await self._scored(run, "run")

    async def after_run(self, run: RunView) -> None:
        """The engine's hook: a finished report run's final scores are stored with it."""
        if has_report(run):
            await self._scored(run, "run")

    async def _scored(self, run: RunView, target: str) -> ScoreOutcome:
        advice = report_advice(step_outputs(run))
        results = score_draft(Draft.of(advice), SCORERS)
        ids = await self.store.add(results, run_id=run.run_id, trace_id=run.trace_id, thread_id=run.thread_id,
                                   target=target)
        return ScoreOutcome(run_id=run.run_id, target=target, mean=mean_of(results), scores=results, stored=ids,
                            scored=_scored(results))

    async def score_report(self, report: GivenReport) -> ScoreOutcome:
        advice = Advice(report.analysis, report.designs, report.comparison, report.summary)
        results = score_draft(Draft.of(advice), SCORERS)
        ids = await self.store.add(results, run_id=None, trace_id=None, thread_id=None, target="report")
        return ScoreOutcome(run_id=None, target="report", mean=mean_of(results), scores=results, stored=ids,
                            scored=_scored(results))

    async def list(self, *, scorer: str | None = None, run_id: str | None = None, limit: int = 50) -> list[StoredScore]:
        return await self.store.list(scorer=scorer, run_id=run_id, limit=limit)


def _scored(results: list[ScoreResult]) -> int:
    return sum(r.status == "scored" for r in results)
