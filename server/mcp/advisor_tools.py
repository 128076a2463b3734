"""The advisor's four tools: analyze, design, compare, summarize. Pure, fast and read-only; each
result links to the call's stored trace."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError

from archwright.resources import STYLES, Style
from archwright.server.mcp.specs import (
    READ_ONLY,
    Link,
    ToolCall,
    ToolInputError,
    ToolSpec,
    off_the_loop,
    validation_summary,
)
from archwright.server.runtime import Runtime
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.summary import cost_table
from archwright.tools.validation import MAX_REQUIREMENT_CHARS, check_analysis, check_comparison

REQUIREMENT_HELP = (
    f"The app idea in plain English, up to {MAX_REQUIREMENT_CHARS:,} characters: who uses it, what they do, how "
    "many of them, any regulations. Example: 'A ride-sharing app for 100k daily users with real-time tracking "
    "and payments'."
)
ANALYSIS_HELP = "The structured result of an earlier analyze_requirements call, instead of `requirement`."
CLOUD_HELP = "Cloud provider: aws (default), gcp or azure."


class AnalyzeInput(BaseModel):
    requirement: str = Field(description=REQUIREMENT_HELP)


class DesignInput(BaseModel):
    style: Style = Field(description="Architecture style: serverless, microservices or monolith.")
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


class CompareInput(BaseModel):
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    styles: list[Style] | None = Field(
        default=None, min_length=1, description="Styles to compare (default: serverless, microservices, monolith).")
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


class SummaryInput(BaseModel):
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    comparison: dict[str, Any] | None = Field(
        default=None, description="The structured result of an earlier compare_architectures call (optional).")
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


def trace_link(_: Any, runtime: Runtime) -> list[Link]:
    """The call's own trace: the current span's trace id, while the tool span is still open."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not runtime.traced or not context.is_valid:
        return []
    return [Link(f"archwright://traces/{context.trace_id:032x}", "trace",
                 "The stored trace of this call (spans with timings).")]


def analysis_of(runtime: Runtime, requirement: str | None, analysis: dict[str, Any] | None) -> Analysis:
    """The analysis to work from: the caller's (validated) or a fresh one of the requirement."""
    if requirement is not None and analysis is not None:
        raise ToolInputError("Give either `requirement` (text) or `analysis` (an analyze_requirements result), not both.")
    if analysis is not None:
        try:
            return check_analysis(Analysis.model_validate(analysis))
        except ValidationError as error:
            raise ToolInputError(
                "The `analysis` object does not validate: " + validation_summary(error)
                + ". Pass the structured result of analyze_requirements unchanged, or pass `requirement` instead."
            ) from None
    if requirement is None:
        raise ToolInputError("Missing input: give `requirement` (the app idea as text) or `analysis`.")
    return runtime.advisor.analyze(requirement)


def analysis_text(analysis: Analysis) -> str:
    scale = analysis.scale
    lines = [
        f"Domain: {analysis.primary_domain}" + "".join(f" (+{d.id})" for d in analysis.domains[1:]),
        "Features: " + (", ".join(f.id for f in analysis.features) or "none recognised"),
    ]
    if analysis.ruled_out:
        lines.append("Not needed: " + ", ".join(f.id for f in analysis.ruled_out))
    if analysis.compliance:
        lines.append("Compliance: " + ", ".join(c.id for c in analysis.compliance))
    stated = f"{analysis.users.count:,} {analysis.users.period}" if analysis.users else "not stated"
    lines.append(
        f"Users: {stated}; scale: {scale.tier}, ~{scale.daily_active_users:,} daily users, "
        f"~{scale.peak_rps:,.0f} requests/s at peak"
    )
    if analysis.questions:
        lines.append("Questions worth asking:\n" + "\n".join(f"- {q}" for q in analysis.questions))
    return "\n".join(lines)


def comparison_text(comparison: Comparison) -> str:
    return (
        f"Recommendation: {comparison.recommendation.style}\n"
        + "\n".join(f"- {line}" for line in comparison.recommendation.rationale)
        + "\n\n" + cost_table(comparison)
        + (f"\n\n{comparison.break_even}" if comparison.break_even else "")
    )


def _analyze(runtime: Runtime, given: AnalyzeInput, _: ToolCall) -> Analysis:
    return runtime.advisor.analyze(given.requirement)


def _design(runtime: Runtime, given: DesignInput, _: ToolCall) -> Architecture:
    analysis = analysis_of(runtime, given.requirement, given.analysis)
    return runtime.advisor.design(analysis, given.style, given.cloud)


def _compare(runtime: Runtime, given: CompareInput, _: ToolCall) -> Comparison:
    analysis = analysis_of(runtime, given.requirement, given.analysis)
    designs = runtime.advisor.designs(analysis, tuple(given.styles) if given.styles else STYLES, given.cloud)
    return runtime.advisor.compare(analysis, designs, given.cloud)


def _summarize(runtime: Runtime, given: SummaryInput, _: ToolCall) -> Summary:
    advisor = runtime.advisor
    analysis = analysis_of(runtime, given.requirement, given.analysis)
    if given.comparison is None:
        designs = advisor.designs(analysis, STYLES, given.cloud)
        return advisor.summarize(analysis, advisor.compare(analysis, designs, given.cloud), designs)
    try:
        comparison = check_comparison(Comparison.model_validate(given.comparison))
    except ValidationError as error:
        raise ToolInputError(
            "The `comparison` object does not validate: " + validation_summary(error)
            + ". Pass the structured result of compare_architectures unchanged, or leave it out."
        ) from None
    designs = advisor.designs(analysis, [o.style for o in comparison.options], comparison.cloud)
    return advisor.summarize(analysis, comparison, designs)


ANALYZE = ToolSpec(
    name="analyze_requirements",
    title="Analyse app requirements",
    description=(
        "Read an app idea and return what it needs: primary and secondary domains with confidence, features, "
        "the stated user count and period, any stated requests per second, estimated scale (tier, daily users, "
        "peak requests/s, with every assumption spelled out), compliance needs (PCI DSS, HIPAA, GDPR, SOC 2), "
        "features the text rules out, and the questions worth asking when it is vague. Every finding quotes "
        "the words of the requirement that produced it."
    ),
    input_model=AnalyzeInput, output_model=Analysis, annotations=READ_ONLY,
    run=off_the_loop(_analyze), text=analysis_text, links=trace_link, traced=True,
)

DESIGN = ToolSpec(
    name="design_architecture",
    title="Design one candidate architecture",
    description=(
        "Build one candidate architecture for an app as a component graph: every detected feature and "
        "compliance need is served by a named component running on the cloud's real services, with the "
        "connections between them and a Mermaid flowchart rendered from the graph. Give `requirement` or the "
        "`analysis` from analyze_requirements, a `style` (serverless, microservices, monolith = modular "
        "monolith) and a `cloud` (aws, gcp, azure)."
    ),
    input_model=DesignInput, output_model=Architecture, annotations=READ_ONLY,
    run=off_the_loop(_design), text=lambda r: f"{r.title}\n{r.summary}\n\n```mermaid\n{r.mermaid}```", links=trace_link,
    traced=True,
)

COMPARE = ToolSpec(
    name="compare_architectures",
    title="Compare architecture styles",
    description=(
        "Compare candidate styles for an app side by side: itemised monthly cost (low/expected/high, each line "
        "with its formula and a dated unit price), team size, weeks to an MVP, 1-10 scores where higher is "
        "always better (scalability, cost efficiency, time to market, operational simplicity, portability, "
        "compliance readiness), each with a reason, and a recommendation with its rationale. Give "
        "`requirement` or `analysis`; `styles` defaults to all three."
    ),
    input_model=CompareInput, output_model=Comparison, annotations=READ_ONLY,
    run=off_the_loop(_compare), text=comparison_text, links=trace_link, traced=True,
)

SUMMARIZE = ToolSpec(
    name="generate_summary",
    title="Write an executive summary",
    description=(
        "Write an executive summary in Markdown for an app idea: the need, the recommended architecture with "
        "its rationale, the recommended and runner-up diagrams (Mermaid), the monthly cost table, risks and "
        "next steps. Give `requirement` or `analysis`, and optionally the `comparison` from "
        "compare_architectures to reuse it."
    ),
    input_model=SummaryInput, output_model=Summary, annotations=READ_ONLY,
    run=off_the_loop(_summarize), text=lambda r: r.markdown, links=trace_link, traced=True,
)

ADVISOR_TOOLS: tuple[ToolSpec[Any, Any], ...] = (ANALYZE, DESIGN, COMPARE, SUMMARIZE)
