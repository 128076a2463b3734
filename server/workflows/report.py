"""The `architecture_report` workflow: analyze, design every candidate style in parallel, compare,
summarize. A requirement too vague to advise on (no domain, no features) suspends the run with
the analyzer's questions; the answers are appended to the requirement on resume."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from archwright.resources import STYLES, Style
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.report import Advice, render_report
from archwright.tools.summary import generate_summary
from archwright.server.workflows.engine import StepContext, Workflow, step


class ReportInput(BaseModel):
    requirement: str = Field(description="The app idea in plain English.")
    cloud: Cloud = "aws"
    styles: list[Style] = Field(default_factory=lambda: list(STYLES), min_length=1)
    thread_id: str | None = Field(default=None, description="Conversation this report belongs to (kept with the run).")


class Answers(BaseModel):
    answers: str = Field(description="Answers to the questions, in plain English.", min_length=1)


class Analyzed(BaseModel):
    requirement: str
    cloud: Cloud
    styles: list[Style]
    analysis: Analysis


class DesignOutcome(BaseModel):
    design: Architecture | None = Field(description="None when the style was not asked for.")


class Designed(BaseModel):
    analyzed: Analyzed
    designs: dict[Style, Architecture]


class Compared(BaseModel):
    analyzed: Analyzed
    designs: dict[Style, Architecture]
    comparison: Comparison


class Report(BaseModel):
    markdown: str = Field(description="The full report: summary, analysis, designs, comparison.")
    analysis: Analysis
    comparison: Comparison
    summary: Summary


@step()
def analyze(given: ReportInput, ctx: StepContext) -> Analyzed:
    """Analyse the requirement; suspend with the analyzer's questions when it is too vague."""
    answers = ctx.resumed(Answers)
    requirement = given.requirement if answers is None else f"{given.requirement}\n\n{answers.answers}"
    analysis = analyze_requirements(requirement)
    if analysis.is_vague and answers is None:
        ctx.suspend({"message": "The requirement is too vague to advise on. Please answer these questions.",
                     "questions": analysis.questions}, Answers)
    return Analyzed(requirement=requirement, cloud=given.cloud, styles=given.styles, analysis=analysis)


def _design_step(style: Style) -> Any:
    def design(analyzed: Analyzed, ctx: StepContext) -> DesignOutcome:
        if style not in analyzed.styles:
            return DesignOutcome(design=None)
        return DesignOutcome(design=design_architecture(analyzed.analysis, style, analyzed.cloud))

    design.__annotations__ = {"analyzed": Analyzed, "ctx": StepContext, "return": DesignOutcome}
    return step(f"design_{style}")(design)


def _collect(designed: Any, ctx: StepContext) -> Designed:
    outcomes = {style: getattr(designed, f"design_{style}").design for style in STYLES}
    return Designed(analyzed=ctx.result("analyze"), designs={s: d for s, d in outcomes.items() if d is not None})


@step()
def compare(designed: Designed, ctx: StepContext) -> Compared:
    """Price, staff and score the designed styles."""
    analyzed = designed.analyzed
    comparison = compare_architectures(analyzed.analysis, list(designed.designs), analyzed.cloud,
                                       designs=designed.designs)
    return Compared(analyzed=analyzed, designs=designed.designs, comparison=comparison)


@step()
def summarize(compared: Compared, ctx: StepContext) -> Report:
    """Write the summary and the full report."""
    analysis = compared.analyzed.analysis
    summary = generate_summary(analysis, compared.comparison, compared.designs)
    markdown = render_report(Advice(analysis, compared.designs, compared.comparison, summary))
    return Report(markdown=markdown, analysis=analysis, comparison=compared.comparison, summary=summary)


def architecture_report() -> Workflow:
    """Build the workflow (a new instance each call; the registry keeps one)."""
    return (
        Workflow("architecture_report", ReportInput,
                 description="Analyze, design every candidate style in parallel, compare, summarize.")
        .then(analyze)
        .parallel(*(_design_step(s) for s in STYLES), id="design")
        .map(_collect, Designed, id="collect")
        .then(compare)
        .then(summarize)
        .commit()
    )
