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
from archwright.tools.report import workload_lines
from archwright.tools.summary import cost_table
from archwright.tools.validation import MAX_REQUIREMENT_CHARS, check_analysis, check_comparison
from archwright.tools.workload_models import WorkloadInput

REQUIREMENT_HELP = (
    f"The app idea in plain English, up to {MAX_REQUIREMENT_CHARS:,} characters: who uses it, what they do, how "
    "many of them, any regulations. Example: 'A ride-sharing app for 100k daily users with real-time tracking "
    "and payments'."
)
ANALYSIS_HELP = "The structured result of an earlier analyze_requirements call, instead of `requirement`."
CLOUD_HELP = "Cloud provider: aws (default), gcp or azure."
WORKLOAD_HELP = (
    "Optional corrections you read from the requirement or the conversation, as a partial workload: "
    "users {count, period}, actors, requests_per_second, events_per_second, questions_per_day, burst "
    "{count, minutes}, team, budget_usd_per_month, residency, latency_ms, availability_percent, retention_days, "
    "integrations, primary_domain, features (the complete list), ruled_out, compliance (the complete list). "
    "Given values replace what the text says; disagreements come back in workload.conflicts."
)


class AnalyzeInput(BaseModel):
    requirement: str = Field(description=REQUIREMENT_HELP)
    workload: WorkloadInput | None = Field(default=None, description=WORKLOAD_HELP)


class DesignInput(BaseModel):
    style: Style = Field(description="Architecture style: serverless, microservices or monolith.")
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    workload: WorkloadInput | None = Field(default=None, description=WORKLOAD_HELP)
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


class CompareInput(BaseModel):
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    styles: list[Style] | None = Field(
        default=None, min_length=1, description="Styles to compare (default: serverless, microservices, monolith).")
    workload: WorkloadInput | None = Field(default=None, description=WORKLOAD_HELP)
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


class SummaryInput(BaseModel):
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP)
    analysis: dict[str, Any] | None = Field(default=None, description=ANALYSIS_HELP)
    comparison: dict[str, Any] | None = Field(
        default=None, description="The structured result of an earlier compare_architectures call (optional).")
    workload: WorkloadInput | None = Field(default=None, description=WORKLOAD_HELP)
    cloud: Cloud = Field(default="aws", description=CLOUD_HELP)


def trace_link(_: Any, runtime: Runtime) -> list[Link]:
    """The call's own trace: the current span's trace id, while the tool span is still open."""
    from opentelemetry import trace

    context = trace.get_current_span().get_span_context()
    if not runtime.traced or not context.is_valid:
        return []
    return [Link(f"archwright://traces/{context.trace_id:032x}", "trace",
                 "The stored trace of this call (spans with timings).")]


def analysis_of(
    runtime: Runtime, requirement: str | None, analysis: dict[str, Any] | None, workload: WorkloadInput | None = None
) -> Analysis:
    """The analysis to work from: the caller's (validated) or a fresh one of the requirement, with the
    caller's workload corrections applied (a passed analysis is re-read from its own requirement then,
    with its earlier corrections and the new ones, so they flow through the scale estimate exactly as
    they would on first reading)."""
    if requirement is not None and analysis is not None:
        raise ToolInputError("Give either `requirement` (text) or `analysis` (an analyze_requirements result), not both.")
    if analysis is not None:
        try:
            checked = check_analysis(Analysis.model_validate(analysis))
        except ValidationError as error:
            raise ToolInputError(
                "The `analysis` object does not validate: " + validation_summary(error)
                + ". Pass the structured result of analyze_requirements unchanged, or pass `requirement` instead."
            ) from None
        if workload is None:
            return checked
        # Corrections add up across calls: the new ones on top of those the analysis already carries.
        earlier = checked.workload.corrections
        merged = workload if earlier is None else WorkloadInput.model_validate(
            {**earlier.model_dump(exclude_none=True), **workload.model_dump(exclude_none=True)})
        return runtime.advisor.analyze(checked.requirement, merged)
    if requirement is None:
        raise ToolInputError("Missing input: give `requirement` (the app idea as text) or `analysis`.")
    return runtime.advisor.analyze(requirement, workload)


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
    lines.extend(workload_lines(analysis))
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
    return runtime.advisor.analyze(given.requirement, given.workload)


def _design(runtime: Runtime, given: DesignInput, _: ToolCall) -> Architecture:
    analysis = analysis_of(runtime, given.requirement, given.analysis, given.workload)
    return runtime.advisor.design(analysis, given.style, given.cloud)


def _compare(runtime: Runtime, given: CompareInput, _: ToolCall) -> Comparison:
    analysis = analysis_of(runtime, given.requirement, given.analysis, given.workload)
    designs = runtime.advisor.designs(analysis, tuple(given.styles) if given.styles else STYLES, given.cloud)
    return runtime.advisor.compare(analysis, designs, given.cloud)


def _summarize(runtime: Runtime, given: SummaryInput, _: ToolCall) -> Summary:
    advisor = runtime.advisor
    analysis = analysis_of(runtime, given.requirement, given.analysis, given.workload)
    if given.comparison is None or given.workload is not None:  # a correction re-prices: never mix two sizings
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
        "the words of the requirement that produced it. `workload` says what drives the system (actors with "
        "roles and counts, device events, surges, data retention, latency and uptime targets, residency, team, "
        "budget, existing platforms), each value stated, derived, assumed or given. Check it against what you "
        "know from the conversation, and call again with `workload` corrections: your values win, and every "
        "disagreement with the text is reported in workload.conflicts."
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
        "monolith) and a `cloud` (aws, gcp, azure). Pass `workload` corrections (as for analyze_requirements) "
        "when you know better than the text."
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
        "`requirement` or `analysis`; `styles` defaults to all three. Costs are priced from the workload's "
        "drivers: pass `workload` corrections (users, events_per_second, burst, residency...) to re-price."
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
        "compare_architectures to reuse it. `workload` corrections apply as for analyze_requirements."
    ),
    input_model=SummaryInput, output_model=Summary, annotations=READ_ONLY,
    run=off_the_loop(_summarize), text=lambda r: r.markdown, links=trace_link, traced=True,
)

ADVISOR_TOOLS: tuple[ToolSpec[Any, Any], ...] = (ANALYZE, DESIGN, COMPARE, SUMMARIZE)
