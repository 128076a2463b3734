"""Judge variants of the scorers: a model reads the report with the deterministic findings in its
prompt and answers in a fixed structure, at temperature 0.

A judge never replaces the deterministic checks: its scorer runs them first, and the judge can
only lower the score (it sees what the checks cannot: a rationale that argues badly, a risk that
is generic). The prompt is stored with the score. A judge that fails (no answer, an answer that is
not the structure, a value out of range) makes the outcome an error, never a 0.
"""

from __future__ import annotations

import time
from collections.abc import Callable
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
    judge: Judge

    @property
    def id(self) -> str:
        return f"{self.base.id}.judge"

    def run(self, target: object, report_markdown: str) -> ScoreResult:
        checked = self.base.run(target)
        if checked.status != "scored":
            return checked.model_copy(update={"scorer": self.id})
        prompt = _prompt(self.base.id, report_markdown, checked)
        request = JudgeRequest(prompt=prompt, schema=Verdict.model_json_schema())
        started = time.perf_counter()
        try:
            verdict = Verdict.model_validate_json(self.judge(request))
        except (ValidationError, ValueError) as error:
            return ScoreResult(scorer=self.id, status="error", reason=f"the judge's answer is not a verdict: {error}"[:500],
                               steps=checked.steps, judge_prompt=prompt, threshold=self.base.threshold)
        except Exception as error:  # the model failed: an error outcome, not a 0
            return ScoreResult(scorer=self.id, status="error", reason=f"the judge failed: {type(error).__name__}: {error}",
                               steps=checked.steps, judge_prompt=prompt, threshold=self.base.threshold)
        step = StepResult(step="judge", output=verdict.model_dump(), duration_ms=(time.perf_counter() - started) * 1000)
        value = min(checked.value or 0.0, verdict.score)
        return ScoreResult(scorer=self.id, status="scored", value=round(value, 4),
                           reason=f"{checked.reason} Judge: {verdict.reason}", findings=checked.findings,
                           steps=[*checked.steps, step], judge_prompt=prompt, threshold=self.base.threshold)


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
