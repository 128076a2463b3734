"""The `architecture_report` workflow: analyze, design every candidate style in parallel, compare,
summarize. It is the one report pipeline: `generate_report`, `run_workflow` and `archwright report`
all run it, and its steps call the traced advisor, so their spans carry the advisor's attributes.

A requirement too vague to advise on (no domain, no features) suspends the run with the
analyzer's questions; the answers are appended to the requirement on resume, and a run whose
answers leave it as vague as before asks again rather than inventing a report.

The draft is then reviewed: the scorers score it, and while one falls below its threshold a nested
`revision` workflow (revise, then rescore) runs inside a loop, sending findings to the designer,
the costing or the writer, up to `MAX_ROUNDS` (server/evals/loop.py). `publish` returns the final
summary with its scores and the number of rounds.

Each step stores only what it adds (the analysis once, each design once, the comparison, the
summary); the full Markdown report is rendered from those on demand (`render_run_report`), never
stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import anyio
from pydantic import AfterValidator, BaseModel, Field

from archwright.resources import STYLES, Style
from archwright.server.advisor import TracedAdvisor
from archwright.server.agent.providers import ModelChain, chain_from_env
from archwright.server.agent.writer import chain_judge, narrate, read_requirement
from archwright.server.evals.judge import judge_draft_async
from archwright.server.evals.scorers import Draft
from archwright.server.evals.loop import MAX_ROUNDS, Review, RoundRecord, ScoreView, first_review, rescore, revise
from archwright.server.workflows.engine import Step, StepContext, Workflow, step
from archwright.server.workflows.runs import RunView
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.report import Advice, render_report
from archwright.tools.validation import MAX_REQUIREMENT_CHARS, check_requirement
from archwright.tools.workload_models import WorkloadInput

WORKFLOW_ID = "architecture_report"


class ReportInput(BaseModel):
    requirement: Annotated[str, AfterValidator(check_requirement)] = Field(
        description="The app idea in plain English.", max_length=MAX_REQUIREMENT_CHARS * 2)
    cloud: Cloud = "aws"
    styles: list[Style] = Field(default_factory=lambda: list(STYLES), min_length=1, max_length=len(STYLES))
    thread_id: str | None = Field(default=None, max_length=128, pattern=r"^[\w.:-]+$",
                                  description="Conversation this report belongs to (kept with the run).")
    workload: WorkloadInput | None = Field(default=None, description="The caller's corrections to the reading.")


class Answers(BaseModel):
    answers: str = Field(description="Answers to the questions, in plain English.", min_length=1,
                         max_length=MAX_REQUIREMENT_CHARS)


class Analyzed(BaseModel):
    """The analysis (which holds the requirement as analysed, answers included) and the run's choices."""

    cloud: Cloud
    styles: list[Style]
    analysis: Analysis
    model_notes: list[str] = Field(default_factory=list, description="What a configured model's reading added or "
                                   "had dropped, and why.")


class DesignOutcome(BaseModel):
    design: Architecture | None = Field(description="None when the style was not asked for.")


class Designs(BaseModel):
    """The parallel design steps' outputs, keyed by step id."""

    design_serverless: DesignOutcome
    design_microservices: DesignOutcome
    design_monolith: DesignOutcome

    def by_style(self) -> dict[Style, Architecture]:
        outcomes = {style: getattr(self, f"design_{style}").design for style in STYLES}
        return {style: design for style, design in outcomes.items() if design is not None}


def _designs(ctx: StepContext) -> dict[Style, Architecture]:
    return Designs(**{f"design_{s}": ctx.result(f"design_{s}") for s in STYLES}).by_style()


def architecture_report(advisor: TracedAdvisor, models: Callable[[], ModelChain] = chain_from_env) -> Workflow:
    """Build the workflow over `advisor` (a new instance each call; the registry keeps one). With a
    model configured (`models()` not offline), the model reads the requirement's gaps, writes the
    narrative, revises it with the scorers' findings, and judges the final draft."""

    @step()
    async def analyze(given: ReportInput, ctx: StepContext) -> Analyzed:
        """Analyse the requirement; suspend with the analyzer's questions while it is too vague."""
        answers = ctx.resumed(Answers)
        so_far = (ctx.asked or {}).get("requirement_so_far", given.requirement)
        requirement = so_far if answers is None else f"{so_far}\n\n{answers.answers}"
        # Its cost grows with the requirement: off the event loop.
        analysis = await anyio.to_thread.run_sync(advisor.analyze, requirement, given.workload)
        notes: list[str] = []
        chain = models()
        if not analysis.is_vague and not chain.offline:
            reading, notes = await read_requirement(chain, requirement, analysis)
            notes += chain.fallbacks
            if reading is not None:  # the caller's own corrections outrank the model's reading
                caller = given.workload.model_dump(exclude_none=True) if given.workload else {}
                combined = WorkloadInput.model_validate({**reading.model_dump(exclude_none=True), **caller})
                analysis = await anyio.to_thread.run_sync(advisor.analyze, requirement, combined)
        if analysis.is_vague:
            again = " still" if answers is not None else ""
            ctx.suspend({"message": f"The requirement is{again} too vague to advise on. Please answer these questions.",
                         "questions": analysis.questions, "requirement_so_far": requirement}, Answers)
        return Analyzed(cloud=given.cloud, styles=given.styles, analysis=analysis, model_notes=notes)

    def design_step(style: Style) -> Step:
        def design(analyzed: Analyzed, ctx: StepContext) -> DesignOutcome:
            if style not in analyzed.styles:
                return DesignOutcome(design=None)
            return DesignOutcome(design=advisor.design(analyzed.analysis, style, analyzed.cloud))

        design.__doc__ = f"Design the {style} candidate."
        return step(f"design_{style}")(design)

    @step()
    def compare(designs: Designs, ctx: StepContext) -> Comparison:
        """Price, staff and score the designed styles."""
        analyzed: Analyzed = ctx.result("analyze")
        return advisor.compare(analyzed.analysis, designs.by_style(), analyzed.cloud)

    @step()
    async def summarize(comparison: Comparison, ctx: StepContext) -> Summary:
        """Write the executive summary (with a model, its narrative on top of the deterministic one)."""
        analyzed: Analyzed = ctx.result("analyze")
        designs = _designs(ctx)
        summary = advisor.summarize(analyzed.analysis, comparison, designs)
        chain = models()
        if chain.offline:
            return summary
        return await narrate(chain, Advice(analyzed.analysis, designs, comparison, summary)) or summary

    def first_draft(ctx: StepContext) -> Advice:
        analyzed: Analyzed = ctx.result("analyze")
        return Advice(analyzed.analysis, _designs(ctx), ctx.result("compare"), ctx.result("summarize"))

    @step()
    def review(summary: Summary, ctx: StepContext) -> Review:
        """Score the draft (round 0)."""
        return first_review(first_draft(ctx), ctx.result("analyze").cloud)

    @step()
    async def fix(draft: Review, ctx: StepContext) -> Review:
        """Send the failing scorers' findings to the designer, the costing or the writer (with a model,
        the writer revises the narrative with the findings in its prompt)."""
        first = first_draft(ctx)
        revised = revise(draft, first, advisor)
        chain = models()
        if revised.rounds == draft.rounds or chain.offline:
            return revised
        findings = [f.message for s in draft.failing for f in s.findings]
        narrated = await narrate(chain, revised.advice(first), findings)
        return revised.model_copy(update={"summary": narrated}) if narrated is not None else revised

    @step()
    def rescore_draft(draft: Review, ctx: StepContext) -> Review:
        """Score the revised draft."""
        return rescore(draft, first_draft(ctx))

    @step()
    async def publish(draft: Review, ctx: StepContext) -> Reviewed:
        """The final summary with its scores (and, with a model, its judges' scores), the rounds it
        took, and the parts a revision changed."""
        advice = draft.advice(first_draft(ctx))
        final = advice.summary
        scores = draft.views()
        chain = models()
        if not chain.offline:
            scored = Draft.of(advice)
            judged = await judge_draft_async(scored, scored.markdown, chain_judge(chain))
            scores += [ScoreView(scorer=j.scorer, status=j.status, value=j.value, threshold=j.threshold,
                                 reason=j.reason) for j in judged]
        return Reviewed(markdown=final.markdown if draft.summary else None, recommended_style=final.recommended_style,
                        scores=scores, rounds=draft.rounds, history=draft.history, designs=draft.designs,
                        comparison=draft.comparison)

    revision = Workflow("revision", Review, description="One round of the quality loop.").then(fix).then(
        rescore_draft).commit()
    return (
        Workflow(WORKFLOW_ID, ReportInput,
                 description="Analyze, design every candidate style in parallel, compare, summarize, then score the "
                             "draft and revise it while a scorer is below its threshold.")
        .then(analyze)
        .parallel(*(design_step(s) for s in STYLES), id="design")
        .then(compare)
        .then(summarize)
        .then(review)
        .until(revision, lambda draft: not draft.needs_another_round, max_iterations=MAX_ROUNDS + 1)
        .then(publish)
        .commit()
    )


class Reviewed(BaseModel):
    """What the report workflow returns: the summary, its scores and how many rounds it took."""

    markdown: str | None = Field(description="The revised summary; null when the first draft's stands (it is the "
                                 "`summarize` step's output, kept once).")
    recommended_style: Style
    scores: list[ScoreView]
    rounds: int = Field(description="Revision rounds the quality loop ran (0: the first draft passed).")
    history: list[RoundRecord] = Field(default_factory=list)
    designs: dict[Style, Architecture] | None = Field(default=None, description="The designs, when a round changed them.")
    comparison: Comparison | None = Field(default=None, description="The comparison, when a round changed it.")


def step_outputs(run: RunView) -> dict[str, Any]:
    """A run's stored step outputs by step id (the last segment of each path: a loop's last round wins)."""
    return {s.path.rsplit("/", 1)[-1]: s.output for s in run.steps if s.output is not None}


def report_advice(outputs: dict[str, Any]) -> Advice:
    """A finished report run's stored step outputs (by step id) as the advisor's result."""
    analyzed = Analyzed.model_validate(outputs["analyze"])
    designs = Designs.model_validate({f"design_{s}": outputs[f"design_{s}"] for s in STYLES}).by_style()
    comparison = Comparison.model_validate(outputs["compare"])
    summary = Summary.model_validate(outputs["summarize"])
    if outputs.get("publish") is not None:  # runs before the quality loop have no publish step
        final = Reviewed.model_validate(outputs["publish"])
        designs = final.designs or designs
        comparison = final.comparison or comparison
        if final.markdown is not None:
            summary = Summary(markdown=final.markdown, recommended_style=final.recommended_style)
    return Advice(analyzed.analysis, designs, comparison, summary)


def final_summary(run: RunView) -> str | None:
    """The summary a finished report run ends with: the revised one, else the first draft's."""
    if not has_report(run) or not isinstance(run.output, dict):
        return None
    if run.output.get("markdown"):
        return str(run.output["markdown"])
    drafted = next((s.output for s in run.steps if s.path == "summarize" and isinstance(s.output, dict)), None)
    return str(drafted["markdown"]) if drafted and drafted.get("markdown") else None


def has_report(run: RunView) -> bool:
    """Whether the run is a finished report run (so render_run_report can render it)."""
    return run.workflow_id == WORKFLOW_ID and run.status == "success"


def render_run_report(run: RunView) -> str | None:
    """The full Markdown report of a finished report run, rendered from what its steps stored (the
    run as Engine.get returns it, with outputs); None for any other run."""
    if not has_report(run):
        return None
    outputs = step_outputs(run)
    markdown = render_report(report_advice(outputs))
    if outputs.get("publish") is not None:
        markdown += quality_section(Reviewed.model_validate(outputs["publish"]))
    return markdown


def quality_section(final: Reviewed) -> str:
    """The report's own scores, as its last appendix: what was checked, what still falls short."""
    rounds = ("The first draft passed every scorer's threshold." if final.rounds == 0 and all(
        s.status != "scored" or (s.value or 0) >= s.threshold for s in final.scores)
        else f"The quality loop ran {final.rounds} revision round{'s' if final.rounds != 1 else ''}.")
    rows = "\n".join(f"| {s.scorer} | {s.status.replace('_', ' ')} | "
                      f"{'-' if s.value is None else f'{s.value:.2f}'} | {s.threshold:g} | {s.reason} |"
                      for s in final.scores)
    return (f"\n# Appendix D: quality checks\n\n{rounds}\n\n| Scorer | Outcome | Score | Threshold | Reason |\n"
            f"|---|---|---|---|---|\n{rows}\n")
