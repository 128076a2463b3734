"""Scoring reports: score_report, list_scores, and the scores resource of a run."""

from __future__ import annotations

from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from pydantic import BaseModel, Field

from archwright.server.evals.scorers import SCORERS
from archwright.server.evals.service import GivenReport, ScoreOutcome
from archwright.server.mcp.specs import READS_RECORDS, WRITES_RECORDS, Link, ToolCall, ToolSpec
from archwright.server.runtime import Runtime
from archwright.server.store.scores import StoredScore
from archwright.server.workflows.runs import WorkflowRunError, check_run_id

SCORER_IDS = ", ".join(s.id for s in SCORERS)


class ScoreRequest(BaseModel):
    run_id: str | None = Field(default=None, description="A finished generate_report run to score.")
    report: GivenReport | None = Field(default=None, description=(
        "Or a report's parts: the analysis, the designs by style, the comparison and the summary, as the advisor "
        "tools return them."))


class ListScores(BaseModel):
    scorer: str | None = Field(default=None, max_length=64, description=f"Only this scorer: one of {SCORER_IDS}.")
    run_id: str | None = Field(default=None, description="Only the scores of this run.")
    limit: int = Field(default=50, ge=1, le=500, description="How many, newest first (1-500, default 50).")


class ScoreList(BaseModel):
    scores: list[StoredScore]


async def _score_report(runtime: Runtime, given: ScoreRequest, _: ToolCall) -> ScoreOutcome:
    if (given.run_id is None) == (given.report is None):
        raise ToolError("Give either run_id (a finished generate_report run) or report (its parts), not both.")
    if given.run_id is not None:
        try:
            return await runtime.scoring.score_run(await runtime.engine(), given.run_id)
        except WorkflowRunError as error:
            raise ToolError(str(error)) from None
    assert given.report is not None
    return await runtime.scoring.score_report(given.report)


async def _list_scores(runtime: Runtime, given: ListScores, _: ToolCall) -> ScoreList:
    if given.scorer is not None and given.scorer not in {s.id for s in SCORERS}:
        raise ToolError(f"Unknown scorer {given.scorer!r}; the scorers are {SCORER_IDS}.")
    if given.run_id is not None:
        try:
            check_run_id(given.run_id)
        except WorkflowRunError as error:
            raise ToolError(str(error)) from None
    return ScoreList(scores=await runtime.scoring.list(scorer=given.scorer, run_id=given.run_id, limit=given.limit))


def _outcome_text(outcome: ScoreOutcome) -> str:
    errors = sum(s.status == "error" for s in outcome.scores)
    mean = "no scored outcome" if outcome.mean is None else (
        f"mean {outcome.mean:.2f} over {outcome.scored} of {len(outcome.scores)} scorers"
        + (f"; {errors} failed to score" if errors else ""))
    lines = [f"Scores of the {outcome.target}{f' of run {outcome.run_id}' if outcome.run_id else ''} ({mean}):"]
    lines += [f"- {s.scorer}: {s.status}" + (f" {s.value:.2f}" if s.value is not None else "") + f". {s.reason}"
              for s in outcome.scores]
    return "\n".join(lines)


def _outcome_links(outcome: ScoreOutcome, _: Runtime) -> list[Link]:
    if outcome.run_id is None:
        return []
    return [Link(scores_uri(outcome.run_id), "scores", "Every stored score of this run.")]


def _list_text(result: ScoreList) -> str:
    if not result.scores:
        return "No stored scores match."
    return "\n".join(f"{s.scorer}  {s.status}  " + (f"{s.value:.2f}" if s.value is not None else "-")
                     + f"  run {s.run_id or '(given report)'}  {s.reason[:120]}" for s in result.scores)


def scores_uri(run_id: str) -> str:
    return f"archwright://runs/{run_id}/scores"


SCORE_TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    ToolSpec(
        name="score_report", title="Score a report", annotations=WRITES_RECORDS,
        description=(
            f"Score an architecture report with the deterministic scorers ({SCORER_IDS}) and store the scores. "
            "Give `run_id` of a finished generate_report run, or `report` with its parts. Each score is 0-1 with a "
            "reason and the findings behind it; 'not scorable' and 'error' outcomes carry no value and stay out of "
            "the mean."
        ),
        input_model=ScoreRequest, output_model=ScoreOutcome, run=_score_report, text=_outcome_text,
        links=_outcome_links, traced=True,
    ),
    ToolSpec(
        name="list_scores", title="List stored scores", annotations=READS_RECORDS,
        description=("List stored scores, newest first, by `scorer` and `run_id`: status, value, reason, findings "
                     "and the scorer's step results."),
        input_model=ListScores, output_model=ScoreList, run=_list_scores, text=_list_text,
    ),
)


def register_score_resources(server: MCPServer, runtime: Runtime) -> None:
    @server.resource("archwright://runs/{run_id}/scores", name="run scores", mime_type="application/json",
                     description="Every stored score of one run, newest first, with reasons and findings.")
    async def run_scores(run_id: str) -> str:
        try:
            check_run_id(run_id)
            await (await runtime.engine()).get(run_id)  # an unknown run is not found, not an empty list
        except WorkflowRunError as error:
            raise ResourceNotFoundError(str(error)) from None
        scores = await runtime.scoring.list(run_id=run_id, limit=500)
        return ScoreList(scores=scores).model_dump_json(indent=2)
