"""The quality loop: score a draft report, send each failing scorer's findings to the step that can
fix them (designer, costing, writer), score again, up to a limit of rounds.

Fixes cascade downstream: a redesigned style is priced again, and a repriced comparison is written
up again. Offline the fixers are the deterministic advisor, so a draft that was damaged (a dropped
component, a stale summary) is rebuilt from the analysis; with a model, the writer revises with the
findings in its prompt (the agent issue). A round that changes nothing ends the loop: the remaining
findings stay in the report's scores rather than spinning to the limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, Field

from archwright.resources import Style
from archwright.server.evals.scorer import Finding, Scorer, ScoreResult, mean_of
from archwright.server.evals.scorers import SCORERS, Draft, score_draft
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.report import Advice

MAX_ROUNDS = 3


class Fixers(Protocol):
    """The steps that can act on findings: the advisor, traced or plain."""

    def design(self, analysis: Analysis, style: Style, cloud: Cloud) -> Architecture: ...

    def compare(self, analysis: Analysis, designs: dict[Style, Architecture], cloud: Cloud) -> Comparison: ...

    def summarize(self, analysis: Analysis, comparison: Comparison, designs: dict[Style, Architecture]) -> Summary: ...


class ScoreView(BaseModel):
    """A score as a report carries it."""

    scorer: str
    status: str
    value: float | None
    threshold: float
    reason: str


class RoundRecord(BaseModel):
    round: int
    fixed_by: list[str] = Field(description="The steps that acted on this round's findings.")
    findings: list[str]
    mean_before: float | None
    mean_after: float | None


class Review(BaseModel):
    """A draft under review: its latest scores, the rounds so far, and the parts a round rebuilt
    (None while the first draft's stand: the run stores the first draft once, in its own steps)."""

    cloud: Cloud
    scores: list[ScoreResult]
    designs: dict[Style, Architecture] | None = None
    comparison: Comparison | None = None
    summary: Summary | None = None
    rounds: int = 0
    history: list[RoundRecord] = Field(default_factory=list)
    stalled: bool = Field(default=False, description="The last round changed no score: nothing more to fix.")
    max_rounds: int = MAX_ROUNDS

    def advice(self, first: Advice) -> Advice:
        """The draft as it stands: the rebuilt parts over the first draft's."""
        return Advice(first.analysis, self.designs or first.designs, self.comparison or first.comparison,
                      self.summary or first.summary)

    @property
    def failing(self) -> list[ScoreResult]:
        return [s for s in self.scores if not s.passed]

    @property
    def needs_another_round(self) -> bool:
        return bool(self.failing) and not self.stalled and self.rounds < self.max_rounds

    def views(self) -> list[ScoreView]:
        return [ScoreView(scorer=s.scorer, status=s.status, value=s.value, threshold=s.threshold, reason=s.reason)
                for s in self.scores]


def first_review(advice: Advice, cloud: Cloud, scorers: Sequence[Scorer] = SCORERS,
                 max_rounds: int = MAX_ROUNDS) -> Review:
    """Score a draft as it came from the pipeline (round 0)."""
    return Review(cloud=cloud, scores=_carried(score_draft(Draft.of(advice), tuple(scorers))), max_rounds=max_rounds)


def revise(review: Review, first: Advice, fixers: Fixers) -> Review:
    """One round of fixes for the failing scorers' findings; the draft unchanged when nothing fails."""
    findings = [f for s in review.failing for f in s.findings]
    if not review.failing:
        return review
    current = review.advice(first)
    routed = {f.fix_by for f in findings} or {"writer"}  # an error with no findings: rewrite the text
    designs = dict(current.designs)
    if "designer" in routed:
        styles = _styles_named(findings, designs) or list(designs)
        for style in styles:
            designs[style] = fixers.design(current.analysis, style, review.cloud)
    comparison = current.comparison
    if routed & {"designer", "costing"}:
        comparison = fixers.compare(current.analysis, designs, review.cloud)
    summary = fixers.summarize(current.analysis, comparison, designs)
    fixed_by = [step for step in ("designer", "costing", "writer") if step in routed or step == "writer"]
    record = RoundRecord(round=review.rounds + 1, fixed_by=fixed_by, findings=[f.message for f in findings][:20],
                         mean_before=mean_of(review.scores), mean_after=None)
    # Keep only what the round actually changed: an unchanged part stays the first draft's.
    changed = {"designs": designs if designs != first.designs else None,
               "comparison": comparison if comparison != first.comparison else None,
               "summary": summary if summary != first.summary else None}
    return review.model_copy(update={**changed, "rounds": review.rounds + 1, "history": [*review.history, record]})


def rescore(review: Review, first: Advice, scorers: Sequence[Scorer] = SCORERS) -> Review:
    """Score the revised draft; a round that moved no score marks the review stalled."""
    scores = _carried(score_draft(Draft.of(review.advice(first)), tuple(scorers)))
    before = [(s.scorer, s.status, s.value) for s in review.scores]
    after = [(s.scorer, s.status, s.value) for s in scores]
    history = list(review.history)
    if history:
        history[-1] = history[-1].model_copy(update={"mean_after": mean_of(scores)})
    return review.model_copy(update={"scores": scores, "history": history,
                                     "stalled": review.rounds > 0 and before == after})


def improve(advice: Advice, cloud: Cloud, fixers: Fixers, scorers: Sequence[Scorer] = SCORERS,
            max_rounds: int = MAX_ROUNDS) -> Review:
    """The whole loop in one call (the workflow runs the same rounds as steps)."""
    review = first_review(advice, cloud, scorers, max_rounds)
    while review.needs_another_round:
        review = rescore(revise(review, advice, fixers), advice, scorers)
    return review


def _carried(scores: list[ScoreResult]) -> list[ScoreResult]:
    """Scores as the loop carries them from round to round: findings kept, step results left to the
    stored score (`archwright://runs/{id}/scores`), so each round's snapshot stays small."""
    return [s.model_copy(update={"steps": []}) for s in scores]


def _styles_named(findings: Sequence[Finding], designs: dict[Style, Architecture]) -> list[Style]:
    named = {f.subject for f in findings if f.fix_by == "designer"}
    styles = [s for s in designs if s in named]
    if any(f.fix_by == "designer" and f.subject not in designs for f in findings):
        return list(designs)  # a capability or regime missing: every style may lack it
    return styles
