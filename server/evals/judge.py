"""Judge variants of the scorers: a model reads the report with the deterministic findings in its
prompt and answers in a fixed structure, at temperature 0.

A judge never replaces the deterministic checks: its scorer runs them first, and the judge can
only lower the score (it sees what the checks cannot: a rationale that argues badly, a risk that
is generic). The prompt is stored with the score. A judge that fails (no answer, an answer that is
not the structure, a value out of range) makes the outcome an error, never a 0.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import BaseModel, Field, ValidationError

from archwright.server.evals.scorer import Scorer, ScoreResult, StepResult

MAX_REPORT_CHARS = 24_000


class JudgeRequest(BaseModel):
    """What a judge model is asked: a prompt, the structure to answer in, at temperature 0."""

    prompt: str
    schema_: dict = Field(alias="schema")
    temperature: float = 0.0


class Verdict(BaseModel):
    score: float = Field(ge=0, le=1, description="0 (fails the criterion) to 1 (fully meets it).")
    reason: str = Field(min_length=1, description="One or two sentences naming what is wrong or right.")


# A model call: the request in, the model's raw JSON answer out (the providers of the agent issue).
Judge = Callable[[JudgeRequest], str]
AsyncJudge = Callable[[JudgeRequest], Awaitable[str]]

_CRITERIA = {
    "completeness": "Does the report serve and discuss every feature, compliance regime, workload driver and stated "
                    "target of the requirement?",
    "diagram_quality": "Do the diagrams show every component, connected sensibly, packaged as the style says?",
    "tradeoff_analysis": "Are the options compared with reasons on every dimension, and does the recommendation "
                         "follow from the scores, costs and team it cites?",
    "domain_relevance": "Does the design contain the core capabilities a senior architect expects for this domain?",
    "cost_sanity": "Is every workload driver priced, the dominant cost named, and nothing left unpriced?",
    "consistency": "Do region, team and compliance agree with what the requirement states?",
}


@dataclass(frozen=True)
class JudgeScorer:
    """`base`'s checks, then a judge's verdict on the same criterion."""

    base: Scorer
    judge: Judge | None = None  # the sync judge `run` uses; `run_async` takes its own

    @property
    def id(self) -> str:
        return f"{self.base.id}.judge"

    def run(self, target: object, report_markdown: str) -> ScoreResult:
        checked, request = self._checked(target, report_markdown)
        if request is None:
            return checked
        started = time.perf_counter()
        try:
            if self.judge is None:
                raise RuntimeError("no judge was given")
            answer = self.judge(request)
        except Exception as error:  # the model failed: an error outcome, not a 0
            return self._failed(checked, request, f"the judge failed: {type(error).__name__}: {error}")
        return self._concluded(checked, request, answer, started)

    async def run_async(self, target: object, report_markdown: str, judge: AsyncJudge) -> ScoreResult:
        """The same, with a judge that is a coroutine (a provider chain)."""
        checked, request = self._checked(target, report_markdown)
        if request is None:
            return checked
        started = time.perf_counter()
        try:
            answer = await judge(request)
        except Exception as error:
            return self._failed(checked, request, f"the judge failed: {type(error).__name__}: {error}")
        return self._concluded(checked, request, answer, started)

    def _checked(self, target: object, report_markdown: str) -> tuple[ScoreResult, JudgeRequest | None]:
        checked = self.base.run(target)
        if checked.status != "scored":  # nothing to judge, or the checks failed: the judge is not asked
            return checked.model_copy(update={"scorer": self.id}), None
        prompt = _prompt(self.base.id, report_markdown, checked)
        return checked, JudgeRequest(prompt=prompt, schema=Verdict.model_json_schema())

    def _failed(self, checked: ScoreResult, request: JudgeRequest, why: str) -> ScoreResult:
        return ScoreResult(scorer=self.id, status="error", reason=why[:500], steps=checked.steps,
                           judge_prompt=request.prompt, threshold=self.base.threshold)

    def _concluded(self, checked: ScoreResult, request: JudgeRequest, answer: str, started: float) -> ScoreResult:
        try:
            verdict = Verdict.model_validate_json(answer)
        except (ValidationError, ValueError) as error:
            return self._failed(checked, request, f"the judge's answer is not a verdict: {error}")
        step = StepResult(step="judge", output=verdict.model_dump(), duration_ms=(time.perf_counter() - started) * 1000)
        value = min(checked.value or 0.0, verdict.score)
        return ScoreResult(scorer=self.id, status="scored", value=round(value, 4),
                           reason=f"{checked.reason} Judge: {verdict.reason}", findings=checked.findings,
                           steps=[*checked.steps, step], judge_prompt=request.prompt, threshold=self.base.threshold)


def _prompt(scorer_id: str, markdown: str, checked: ScoreResult) -> str:
    shown = markdown if len(markdown) <= MAX_REPORT_CHARS else markdown[:MAX_REPORT_CHARS] + "\n[report cut]"
    findings = "\n".join(f"- {f.message}" for f in checked.findings) or "- none"
    return (f"You review architecture reports as a senior cloud architect.\nCriterion ({scorer_id}): "
            f"{_CRITERIA[scorer_id]}\nDeterministic checks: {checked.reason}\nTheir findings:\n{findings}\n\n"
            f"Answer with JSON matching the schema: a score from 0 to 1 and a short reason.\n\nReport:\n{shown}")


def judge_draft(target: object, report_markdown: str, judge: Judge,
                scorers: tuple[Scorer, ...] | None = None) -> list[ScoreResult]:
    """Every scorer's judge variant on one report (run beside the deterministic scorers, never instead)."""
    from archwright.server.evals.scorers import SCORERS

    return [JudgeScorer(scorer, judge).run(target, report_markdown) for scorer in (scorers or SCORERS)]


async def judge_draft_async(target: object, report_markdown: str, judge: AsyncJudge,
                            scorers: tuple[Scorer, ...] | None = None) -> list[ScoreResult]:
    """`judge_draft` with a coroutine judge (a provider chain)."""
    from archwright.server.evals.scorers import SCORERS

    return [await JudgeScorer(scorer).run_async(target, report_markdown, judge) for scorer in (scorers or SCORERS)]
