"""Judge variants on a scripted model: structured answers at temperature 0, the prompt kept, the
deterministic checks never replaced, and a failing judge an error rather than a 0."""

from __future__ import annotations

import json

from archwright.resources import STYLES
from archwright.server.evals.judge import JudgeRequest, judge_draft
from archwright.server.evals.scorers import SCORERS, Draft
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.report import Advice
from archwright.tools.summary import generate_summary

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _draft(text: str = RIDE) -> Draft:
    analysis = analyze_requirements(text)
    designs = {s: design_architecture(analysis, s, "aws") for s in STYLES}  # type: ignore[arg-type]
    comparison = compare_architectures(analysis, designs, "aws")
    return Draft.of(Advice(analysis, designs, comparison, generate_summary(analysis, comparison, designs)))


def test_a_judge_can_only_lower_a_score_and_its_prompt_is_kept() -> None:
    """A harsh verdict lowers the score; a generous one cannot lift it above the checks'."""
    seen: list[JudgeRequest] = []

    def scripted(request: JudgeRequest) -> str:
        seen.append(request)
        harsh = "Criterion (tradeoff_analysis)" in request.prompt
        return json.dumps({"score": 0.4 if harsh else 1.0, "reason": "the rationale ignores the team" if harsh
                           else "fine"})

    draft = _draft()
    results = {r.scorer: r for r in judge_draft(draft, draft.markdown, scripted)}
    assert set(results) == {f"{s.id}.judge" for s in SCORERS}
    assert all(r.temperature == 0 and r.schema_["required"] == ["score", "reason"] for r in seen)
    tradeoff = results["tradeoff_analysis.judge"]
    assert tradeoff.value == 0.4 and "Judge: the rationale ignores the team" in tradeoff.reason
    assert tradeoff.judge_prompt and "Deterministic checks:" in tradeoff.judge_prompt
    assert tradeoff.steps[-1].step == "judge"
    assert results["completeness.judge"].value == 1.0  # a satisfied judge leaves the checks' score
    todo = _draft("A to-do list app.")
    unasked = judge_draft(todo, todo.markdown, scripted)
    assert next(r for r in unasked if r.scorer == "completeness.judge").status == "not_scorable"  # judge not asked


def test_a_judge_that_fails_or_answers_nonsense_is_an_error_not_a_zero() -> None:
    draft = _draft()

    def down(_: JudgeRequest) -> str:
        raise ConnectionResetError("model server went away")

    for judge, words in ((down, "the judge failed: ConnectionResetError"),
                         (lambda _: "not json", "not a verdict"),
                         (lambda _: json.dumps({"score": 7, "reason": "x"}), "not a verdict")):
        results = judge_draft(draft, draft.markdown, judge)
        errors = [r for r in results if r.status == "error"]
        assert errors and all(r.value is None and words in r.reason for r in errors)
        assert all(r.judge_prompt for r in errors)


def test_a_generous_judge_cannot_lift_a_failing_check() -> None:
    draft = _draft()
    advice = draft.advice
    design = advice.designs["monolith"]
    damaged = design.model_copy(update={"mermaid": design.mermaid.replace("  end\n", "", 1)})
    broken = Draft.of(Advice(advice.analysis, {**advice.designs, "monolith": damaged}, advice.comparison,
                             advice.summary))
    results = {r.scorer: r for r in judge_draft(broken, broken.markdown,
                                                lambda _: json.dumps({"score": 1.0, "reason": "looks great"}))}
    assert results["diagram_quality.judge"].value < 1
