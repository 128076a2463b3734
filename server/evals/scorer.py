"""What a scorer is: a small pipeline (preprocess, analyze, score, reason) whose steps are plain
functions or, for a judge, a prompt to a model; and what running one gives.

Three outcomes stay distinct. *Scored* has a value from 0 to 1. *Not scorable* means the target
has nothing this scorer can judge (a report with no diagrams for `diagram_quality`): it has no
value and never enters an average as 0. *Error* means the scorer itself failed (a judge that timed
out or answered nonsense): it has no value either, and says what failed. Every step's result is
kept, so a score can be argued with.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

Status = Literal["scored", "not_scorable", "error"]
Fixer = Literal["designer", "costing", "writer"]


class Finding(BaseModel):
    """One thing a scorer found wrong, and which step of the report can fix it."""

    fix_by: Fixer
    message: str
    subject: str = Field(default="", description="What it is about: a feature id, a style, a driver kind.")


class StepResult(BaseModel):
    step: Literal["preprocess", "analyze", "score", "reason", "judge"]
    output: Any
    duration_ms: float


class ScoreResult(BaseModel):
    scorer: str
    status: Status
    value: float | None = Field(default=None, ge=0, le=1, description="Set only when status is 'scored'.")
    reason: str
    findings: list[Finding] = Field(default_factory=list)
    steps: list[StepResult] = Field(default_factory=list)
    judge_prompt: str | None = None
    threshold: float = Field(default=1.0, description="Below this the report is revised.")

    @property
    def passed(self) -> bool:
        """Scored at or above the threshold; not scorable passes (nothing to fix), an error does not."""
        if self.status == "not_scorable":
            return True
        return self.status == "scored" and self.value is not None and self.value >= self.threshold - 1e-9


class NotScorable(Exception):
    """Raised by a step when the target has nothing this scorer can judge."""


@dataclass(frozen=True)
class Checks:
    """What `analyze` hands to `score`: checks passed out of checks made, and the findings."""

    passed: int
    total: int
    findings: list[Finding] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Scorer:
    """A deterministic scorer: `analyze` is required; `preprocess` shapes the target first; `score`
    defaults to passed/total and `reason` to a sentence naming the findings."""

    id: str
    description: str
    analyze: Callable[[Any], Checks]
    preprocess: Callable[[Any], Any] | None = None
    score: Callable[[Checks], float] | None = None
    reason: Callable[[Checks, float], str] | None = None
    threshold: float = 1.0

    def run(self, target: Any) -> ScoreResult:
        steps: list[StepResult] = []

        def timed(name: Literal["preprocess", "analyze", "score", "reason"], fn: Callable[[Any], Any], value: Any,
                  shown: Callable[[Any], Any] = lambda v: v) -> Any:
            started = time.perf_counter()
            out = fn(value)
            steps.append(StepResult(step=name, output=shown(out), duration_ms=(time.perf_counter() - started) * 1000))
            return out

        try:
            prepared = timed("preprocess", self.preprocess, target, _summary) if self.preprocess else target
            found: Checks = timed("analyze", self.analyze, prepared, _analysis_view)
            if found.total == 0:
                raise NotScorable("nothing to check")
            value = timed("score", self.score or _share, found)
            reason = timed("reason", lambda f: (self.reason or _default_reason)(f, value), found)
        except NotScorable as why:
            return ScoreResult(scorer=self.id, status="not_scorable", reason=f"Not scorable: {why}.", steps=steps,
                               threshold=self.threshold)
        except Exception as error:  # a failing scorer is an error outcome, never a 0
            return ScoreResult(scorer=self.id, status="error", reason=f"{type(error).__name__}: {error}", steps=steps,
                               threshold=self.threshold)
        return ScoreResult(scorer=self.id, status="scored", value=round(max(0.0, min(1.0, value)), 4), reason=reason,
                           findings=found.findings, steps=steps, threshold=self.threshold)


def _share(found: Checks) -> float:
    return found.passed / found.total


def _default_reason(found: Checks, value: float) -> str:
    head = f"{found.passed} of {found.total} checks pass ({value:.0%})."
    if not found.findings:
        return head
    shown = "; ".join(f.message for f in found.findings[:5])
    more = f" (and {len(found.findings) - 5} more)" if len(found.findings) > 5 else ""
    return f"{head} {shown}{more}."


def _analysis_view(found: Checks) -> dict[str, Any]:
    return {"passed": found.passed, "total": found.total, "failed": len(found.findings),  # the findings are the score's own
            **found.detail}


def _summary(value: Any) -> Any:
    """A step's output as kept with the score: small values as they are, large ones described."""
    if isinstance(value, str | int | float | bool) or value is None:
        return value if not isinstance(value, str) or len(value) <= 500 else value[:500] + "..."
    return type(value).__name__


def mean_of(results: Sequence[ScoreResult]) -> float | None:
    """The mean of the scored results only: not scorable and errors stay out of averages."""
    values = [r.value for r in results if r.status == "scored" and r.value is not None]
    return sum(values) / len(values) if values else None
