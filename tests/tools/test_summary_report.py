"""The executive summary and the full report."""

from __future__ import annotations

from archwright.resources import STYLES
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.models import Cloud
from archwright.tools.report import Advice, render_report
from archwright.tools.summary import generate_summary

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def advise(requirement: str, cloud: Cloud = "aws") -> Advice:
    """The pure functions in the order the report workflow calls them (its steps add spans and storage)."""
    analysis = analyze_requirements(requirement)
    designs = {style: design_architecture(analysis, style, cloud) for style in STYLES}
    comparison = compare_architectures(analysis, STYLES, cloud, designs=designs)
    return Advice(analysis, designs, comparison, generate_summary(analysis, comparison, designs))


def test_summary_has_the_need_pick_diagrams_costs_risks_and_next_steps() -> None:
    advice = advise(RIDE)
    markdown = advice.summary.markdown
    for heading in ("## The need", "## Recommendation", "## Monthly cost (USD)", "## Risks", "## Next steps"):
        assert heading in markdown
    assert markdown.count("```mermaid") == 2
    assert advice.summary.recommended_style == advice.comparison.recommendation.style
    assert "(recommended)" in markdown and "(runner-up)" in markdown


def test_report_includes_every_design_and_the_evidence() -> None:
    advice = advise(RIDE, cloud="azure")
    report = render_report(advice)
    assert report.startswith("# Architecture report")
    assert report.count("```mermaid") == 2 + 3
    assert '"100k daily users"' in report
    assert "Azure Functions (Consumption)" in report
    assert "assumption, unverified" in report


def test_unverified_prices_are_called_out_as_a_risk() -> None:
    assert "unverified unit prices" in advise(RIDE).summary.markdown


def test_a_report_renders_values_the_caller_gave_and_says_so() -> None:
    from archwright.tools.compare import compare_architectures
    from archwright.tools.design import design_architecture
    from archwright.tools.report import Advice, render_report
    from archwright.tools.summary import generate_summary
    from archwright.tools.workload_models import WorkloadInput

    analysis = analyze_requirements("A ride-sharing app for 100k daily users with real-time tracking and payments",
                                    WorkloadInput.model_validate({"users": {"count": 250000, "period": "daily"}, "team": 4}))
    designs = {s: design_architecture(analysis, s, "aws") for s in ("serverless", "monolith")}
    comparison = compare_architectures(analysis, designs, "aws")
    report = render_report(Advice(analysis, designs, comparison, generate_summary(analysis, comparison, designs)))
    assert "| Users: 250,000 (daily) | (given by the caller) |" in report
    assert "Conflict on users: the text says 100,000 daily, the caller gave 250,000 daily (used)" in report
