"""The deterministic scorers on good reports and on reports with one defect each."""

from __future__ import annotations

import pytest

from archwright.resources import STYLES
from archwright.server.evals.scorer import Checks, Scorer, mean_of
from archwright.server.evals.scorers import SCORERS, Draft, score_draft
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.report import Advice
from archwright.tools.summary import generate_summary

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
ASSISTANT = ("An AI assistant for our 3,000 employees that answers 2,000 questions a day from our handbook PDFs; "
             "data must stay in Germany; 99.9% availability; we are 4 engineers.")


def _advice(text: str, cloud: str = "aws") -> Advice:
    analysis = analyze_requirements(text)
    designs = {style: design_architecture(analysis, style, cloud) for style in STYLES}  # type: ignore[arg-type]
    comparison = compare_architectures(analysis, designs, cloud)  # type: ignore[arg-type]
    return Advice(analysis, designs, comparison, generate_summary(analysis, comparison, designs))


def _scores(advice: Advice) -> dict[str, object]:
    return {r.scorer: r for r in score_draft(Draft.of(advice))}


@pytest.fixture(scope="module")
def assistant() -> Advice:
    return _advice(ASSISTANT)


def test_a_report_the_pipeline_made_passes_every_scorer(assistant) -> None:
    results = score_draft(Draft.of(assistant))
    assert {r.scorer for r in results} == {s.id for s in SCORERS}
    for result in results:
        assert result.status == "scored", (result.scorer, result.reason)
        assert result.passed, (result.scorer, result.reason)
        assert [s.step for s in result.steps] == ["analyze", "score", "reason"]


def test_a_dropped_feature_is_found_and_sent_to_the_designer(assistant) -> None:
    design = assistant.designs["serverless"]
    kept = [c for c in design.components if "llm_inference" not in c.features]
    assert len(kept) < len(design.components)
    damaged = design.model_copy(update={"components": kept})
    result = _scores(Advice(assistant.analysis, {**assistant.designs, "serverless": damaged}, assistant.comparison,
                            assistant.summary))["completeness"]
    assert result.status == "scored" and result.value < 1 and not result.passed
    (finding,) = [f for f in result.findings if f.subject == "llm_inference"]
    assert finding.fix_by == "designer" and "serverless" in finding.message


def test_a_dangling_edge_and_a_broken_diagram_are_found(assistant) -> None:
    design = assistant.designs["monolith"]
    dangling = design.model_copy(update={"mermaid": design.mermaid + '  n_api_entry -->|"x"| n_nowhere\n'})
    broken = design.model_copy(update={"mermaid": design.mermaid.replace("  end\n", "", 1)})
    for damaged, words in ((dangling, "undeclared nodes: n_api_entry -> n_nowhere"), (broken, "does not parse")):
        result = _scores(Advice(assistant.analysis, {**assistant.designs, "monolith": damaged}, assistant.comparison,
                                assistant.summary))["diagram_quality"]
        assert result.value < 1 and any(words in f.message for f in result.findings), result.reason


def test_an_unpriced_driver_is_found(assistant) -> None:
    option = next(o for o in assistant.comparison.options if o.style == assistant.comparison.recommendation.style)
    cost = option.monthly_cost
    kept = [i for i in cost.line_items if "llm_tokens" not in i.inputs]
    assert len(kept) < len(cost.line_items)
    stripped = option.model_copy(update={"monthly_cost": cost.model_copy(update={"line_items": kept})})
    comparison = assistant.comparison.model_copy(update={"options": [
        stripped if o.style == option.style else o for o in assistant.comparison.options]})
    result = _scores(Advice(assistant.analysis, assistant.designs, comparison, assistant.summary))["cost_sanity"]
    assert any("questions driver is not priced" in f.message and f.fix_by == "costing" for f in result.findings)


def test_a_recommendation_that_contradicts_its_scores_and_costs_is_found(assistant) -> None:
    worst = min(assistant.comparison.options, key=lambda o: o.weighted_score)
    recommendation = assistant.comparison.recommendation.model_copy(update={
        "style": worst.style, "rationale": ["It costs only $123,456 a month.", "Portability: 1 vs 9 for serverless."]})
    comparison = assistant.comparison.model_copy(update={"recommendation": recommendation})
    result = _scores(Advice(assistant.analysis, assistant.designs, comparison, assistant.summary))["tradeoff_analysis"]
    messages = " | ".join(f.message for f in result.findings)
    assert "is not the best-scored option" in messages and "$123,456" in messages
    assert all(f.fix_by == "writer" for f in result.findings)


def test_a_region_that_breaks_residency_and_a_team_that_ignores_the_stated_one_are_found(assistant) -> None:
    moved = {s: d.model_copy(update={"region": "us-east-1"}) for s, d in assistant.designs.items()}
    options = [o.model_copy(update={"team_size": 9}) for o in assistant.comparison.options]
    comparison = assistant.comparison.model_copy(update={"options": options})
    result = _scores(Advice(assistant.analysis, moved, comparison, assistant.summary))["consistency"]
    messages = [f.message for f in result.findings]
    assert sum("outside the stated residency (de)" in m for m in messages) == 3
    assert sum("the requirement states 4" in m for m in messages) == 3


def test_nothing_to_check_is_not_scorable_and_stays_out_of_the_mean() -> None:
    results = _scores(_advice("A to-do list app."))  # no feature, regime, driver or target to serve
    completeness = results["completeness"]
    assert completeness.status == "not_scorable" and completeness.value is None and completeness.passed
    relevance = _scores(_advice("A habit tracker app just for me and maybe a few friends."))["domain_relevance"]
    # no domain recognised: not a 1.0 that hides the miss
    assert relevance.status == "not_scorable" and "no domain was recognised" in relevance.reason
    scored = [r for r in results.values() if r.status == "scored"]
    assert mean_of(list(results.values())) == pytest.approx(sum(r.value for r in scored) / len(scored))


def test_a_failing_scorer_is_an_error_never_a_zero() -> None:
    def explode(_: object) -> Checks:
        raise RuntimeError("the knowledge base is unreadable")

    result = Scorer("fragile", "always fails", explode).run(Draft.of(_advice(RIDE)))
    assert result.status == "error" and result.value is None and not result.passed
    assert "RuntimeError: the knowledge base is unreadable" in result.reason
    assert mean_of([result]) is None


def test_a_country_without_a_region_is_said_not_hidden() -> None:
    lisbon = _advice("A booking app for a language school in Lisbon; the data must stay in Portugal.")
    design = lisbon.designs["monolith"]
    assert design.region == "eu-west-1" and "AWS has no region in PT: eu-west-1 keeps the data in EU" in design.summary
    assert "stays inside EU (no region of this cloud in PT)" in lisbon.summary.markdown
    assert _scores(lisbon)["consistency"].passed
    berlin = _advice("A booking app for a language school in Berlin; the data must stay in Germany.")
    assert berlin.designs["monolith"].region == "eu-central-1" and "has no region" not in berlin.designs["monolith"].summary


def test_a_hollow_or_self_contradicting_report_does_not_score_well(assistant) -> None:
    hollow = {s: d.model_copy(update={"components": [], "connections": [],
                                      "mermaid": 'flowchart LR\n  subgraph g_application["Functions on AWS"]\n  end\n'})
              for s, d in assistant.designs.items()}
    results = _scores(Advice(assistant.analysis, hollow, assistant.comparison, assistant.summary))
    assert results["diagram_quality"].value < 0.8
    assert any("has no components" in f.message for f in results["diagram_quality"].findings)
    swapped = {"serverless": assistant.designs["monolith"], "monolith": assistant.designs["serverless"]}
    other = "serverless" if assistant.summary.recommended_style != "serverless" else "monolith"
    summary = assistant.summary.model_copy(update={"recommended_style": other})
    messages = [f.message for f in _scores(Advice(assistant.analysis, swapped, assistant.comparison, summary))[
        "consistency"].findings]
    assert "the design given as serverless is a monolith design" in messages
    assert any("are not the same styles" in m for m in messages)
    assert any(m.startswith(f"the summary recommends {other}") for m in messages)
    orphan = assistant.comparison.model_copy(update={"options": [
        o for o in assistant.comparison.options if o.style != assistant.comparison.recommendation.style]})
    results = _scores(Advice(assistant.analysis, assistant.designs, orphan, assistant.summary))
    for scorer in ("tradeoff_analysis", "cost_sanity"):
        assert results[scorer].status == "scored" and not results[scorer].passed
        assert any("no option" in f.message for f in results[scorer].findings), results[scorer].reason
