"""Reports and workflow runs: generate_report, the run tools, and the run resources.

Results say the outcome in their text (status, recommendation, where the report is) and link to
the stored records instead of inlining them: `archwright://runs/{id}` holds each step's output
once, `archwright://runs/{id}/report` is the full Markdown report rendered from those outputs.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from pydantic import BaseModel, Field

from archwright.resources import STYLES, Style, load_catalog
from archwright.server.mcp.advisor_tools import CLOUD_HELP, REQUIREMENT_HELP, WORKLOAD_HELP
from archwright.server.agent.messages import Message
from archwright.server.mcp.specs import READS_RECORDS, WRITES_RECORDS, Link, ToolCall, ToolInputError, ToolSpec
from archwright.server.runtime import Runtime
from archwright.server.workflows.report import WORKFLOW_ID, Answers, final_summary, render_run_report
from archwright.server.workflows.runs import RunView, WorkflowRunError, check_run_id
from archwright.tools.models import Cloud
from archwright.tools.corrections import check_ids
from archwright.tools.validation import check_requirement
from archwright.tools.workload_models import WorkloadInput

RUN_ID_HELP = "32 lowercase hex characters, as run_workflow and list_workflow_runs return them."
RunStatus = Literal["pending", "running", "suspended", "success", "failed", "canceled", "interrupted"]
PREVIEW_CHARS = 2_000


class ReportRequest(BaseModel):
    requirement: str | None = Field(default=None, description=REQUIREMENT_HELP + " Leave it out with a thread_id to "
                                    "report on the conversation's design (its requirement, corrections and cloud).")
    cloud: Cloud | None = Field(default=None, description=CLOUD_HELP + " (default: the thread's cloud, else aws)")
    styles: list[Style] | None = Field(default=None, min_length=1, description="Styles to design (default: all three).")
    thread_id: str | None = Field(default=None, max_length=128, pattern=r"^[\w.:-]+$",
                                  description="Conversation this report belongs to (kept with the run): letters, "
                                              "digits and . _ : - (up to 128).")
    workload: WorkloadInput | None = Field(default=None, description=WORKLOAD_HELP)


class ReportResult(BaseModel):
    """What generate_report returns: the summary, or the question a vague requirement raised."""

    status: RunStatus = Field(description="success; suspended (answer `question` with resume_workflow); failed.")
    run_id: str
    run: str = Field(description="Resource with the stored run: each step's output.")
    report: str | None = Field(default=None, description="Resource with the full Markdown report (when it succeeded).")
    trace: str | None = Field(default=None, description="Resource with the run's trace.")
    recommended_style: str | None = None
    summary_markdown: str | None = None
    scores: list[dict[str, Any]] = Field(default_factory=list, description="The final draft's scores (scorer, status, "
                                         "value, threshold, reason); `archwright://runs/{id}/scores` has them in full.")
    rounds: int | None = Field(default=None, description="Revision rounds the quality loop ran (0: the first draft "
                               "passed every scorer).")
    question: Any = None
    resume_schema: Any = None
    error: str | None = None


class StartRun(BaseModel):
    workflow_id: str = Field(max_length=100, description="A workflow id from archwright://workflows.")
    input: dict[str, Any] = Field(description="Input matching the workflow's input schema.")


class ResumeRun(BaseModel):
    run_id: str = Field(description=RUN_ID_HELP)
    data: dict[str, Any] | None = Field(default=None, description="Resume data matching the run's resume_schema.")


class RunId(BaseModel):
    run_id: str = Field(description=RUN_ID_HELP)


class ListRuns(BaseModel):
    workflow_id: str | None = Field(default=None, max_length=100, description="Only runs of this workflow.")
    status: RunStatus | None = Field(default=None, description="Only runs in this status.")
    thread_id: str | None = Field(default=None, max_length=128, pattern=r"^[\w.:-]+$",
                                  description="Only runs of this conversation.")
    limit: int = Field(default=20, ge=1, le=100, description="How many (1-100, default 20).")


class RunList(BaseModel):
    runs: list[RunView]


def report_uri(run_id: str) -> str:
    return f"archwright://runs/{run_id}/report"


def report_result(run: RunView, runtime: Runtime) -> ReportResult:
    summary = run.output if run.status == "success" and isinstance(run.output, dict) else None
    suspended = run.status == "suspended"
    return ReportResult(
        status=run.status, run_id=run.run_id, run=run.uri, report=report_uri(run.run_id) if summary else None,
        trace=f"archwright://traces/{run.trace_id}" if runtime.traced and run.trace_id else None,
        recommended_style=summary.get("recommended_style") if summary else None,
        summary_markdown=final_summary(run) if summary else None,
        scores=summary.get("scores", []) if summary else [],
        rounds=summary.get("rounds") if summary else None,
        question=run.question if suspended else None, resume_schema=run.resume_schema if suspended else None,
        error=run.error,
    )


def report_text(result: ReportResult) -> str:
    """The outcome first, so a client that shows only text still knows what happened and where to look."""
    if result.status == "success":
        head = (f"Report ready (run {result.run_id}): recommended style {result.recommended_style}. "
                f"The full report is {result.report}.")
        return f"{head}\n\n{result.summary_markdown or ''}"
    if result.status == "suspended":
        questions = "\n".join(f"- {q}" for q in (result.question or {}).get("questions", []))
        return (f"The report is waiting for answers (run {result.run_id}). The requirement is too vague to advise "
                f"on; please answer:\n{questions}\n\nThen call resume_workflow with run_id {result.run_id!r} and "
                'data {"answers": "..."}.')
    return f"The report run {result.run_id} ended {result.status}" + (f": {result.error}" if result.error else ".")


def report_links(result: ReportResult, _: Runtime) -> list[Link]:
    links = [Link(result.run, "run", "The stored run: status and each step's output.")]
    if result.report:
        links.append(Link(result.report, "report", "The full report in Markdown.", "text/markdown"))
    if result.trace:
        links.append(Link(result.trace, "trace", "The run's trace (spans with timings)."))
    return links


def run_text(run: RunView) -> str:
    """A run's outcome, then its steps."""
    outcome = f"run {run.run_id} ({run.workflow_id}): {run.status}"
    if run.status == "success" and isinstance(run.output, dict) and "recommended_style" in run.output:
        outcome += f"; recommended style {run.output['recommended_style']}; full report: {report_uri(run.run_id)}"
    lines = [outcome]
    lines += [f"  {s.path}: {s.status}" + (f" in {s.duration_ms:.1f} ms" if s.duration_ms is not None else "")
              + (f" after {s.attempts} attempts" if s.attempts > 1 else "") for s in run.steps]
    if run.status == "suspended":
        lines.append(f"waiting for: {json.dumps(run.question)[:1000]}")
        lines.append(f"answer with resume_workflow(run_id={run.run_id!r}, data=...) matching: "
                     f"{json.dumps(run.resume_schema)[:500]}")
    if run.error:
        lines.append(f"error: {run.error}")
    lines.append(f"stored run: {run.uri}")
    return "\n".join(lines)


def previewed(run: RunView) -> RunView:
    """Step outputs cut to a preview: the full run is the archwright://runs/{id} resource."""
    def cut(value: Any, limit: int) -> Any:
        text = json.dumps(value)
        return value if len(text) <= limit else {"preview": text[:PREVIEW_CHARS] + "...", "full": run.uri}

    steps = [item.model_copy(update={"output": cut(item.output, PREVIEW_CHARS)}) for item in run.steps]
    return run.model_copy(update={"steps": steps, "output": cut(run.output, PREVIEW_CHARS * 4)})


def run_links(run: RunView, _: Runtime) -> list[Link]:
    return [Link(run.uri, "run", "The stored run in full: each step's output.")]


async def _generate_report(runtime: Runtime, given: ReportRequest, call: ToolCall) -> ReportResult:
    memory = await runtime.threads.working_memory(given.thread_id) if given.thread_id else {}
    if given.requirement is None and not memory.get("requirement"):
        raise ToolInputError("Give a requirement, or the thread_id of a conversation that has a design.")
    requirement = check_requirement(given.requirement if given.requirement is not None else memory["requirement"])
    # Without a requirement of its own, the report is of the thread's design: its corrections and cloud.
    workload = given.workload or (WorkloadInput.model_validate(memory["corrections"])
                                  if given.requirement is None and memory.get("corrections") else None)
    cloud = given.cloud or memory.get("cloud") or "aws"
    engine = await runtime.engine()
    if workload is not None:
        check_ids(workload, load_catalog())  # an unknown id is the caller's mistake, before a run exists
    start = {"requirement": requirement, "cloud": cloud, "styles": given.styles or list(STYLES),
             "thread_id": given.thread_id}
    if workload is not None:
        start["workload"] = workload.model_dump(exclude_none=True)
    run = await engine.start(WORKFLOW_ID, start, progress=call.progress)
    if run.status == "suspended" and call.ask is not None:
        questions = "\n".join(f"- {q}" for q in (run.question or {}).get("questions", []))
        answered = await call.ask(f"To advise on this app, please answer:\n{questions}", Answers)
        if answered is not None:
            run = await engine.resume(run.run_id, answered, progress=call.progress)
    if run.status == "success":  # with its steps' outputs: the summary may be the first draft's
        run = await engine.get(run.run_id)
    result = report_result(run, runtime)
    if given.thread_id is not None and result.status == "success":
        await record_in_thread(runtime, given.thread_id, requirement, result)
    return result


async def record_in_thread(runtime: Runtime, thread_id: str, requirement: str, result: ReportResult) -> None:
    """A report asked for in a conversation is part of it: the request and a pointer to the report go
    into the thread (created when it is new), and its run id into the working memory."""
    if await runtime.threads.get(thread_id) is None:
        await runtime.threads.create(thread_id=thread_id, title=requirement[:80])
    memory = await runtime.threads.working_memory(thread_id)
    await runtime.threads.add(
        thread_id, Message(role="user", content=f"Full report, please: {requirement}"),
        Message(role="assistant", content=f"Report ready: recommended style {result.recommended_style}; the full "
                                          f"report is {result.report}."), metadata={"run_id": result.run_id})
    await runtime.threads.update_working_memory(thread_id, {
        "requirement": memory.get("requirement") or requirement,
        "reports": [*memory.get("reports", []), result.run_id]})


async def _run_workflow(runtime: Runtime, given: StartRun, call: ToolCall) -> RunView:
    return previewed(await (await runtime.engine()).start(given.workflow_id, given.input, progress=call.progress))


async def _resume_workflow(runtime: Runtime, given: ResumeRun, call: ToolCall) -> RunView:
    return previewed(await (await runtime.engine()).resume(given.run_id, given.data or {}, progress=call.progress))


async def _get_workflow_run(runtime: Runtime, given: RunId, _: ToolCall) -> RunView:
    return previewed(await (await runtime.engine()).get(given.run_id))


async def _cancel_workflow_run(runtime: Runtime, given: RunId, _: ToolCall) -> RunView:
    return previewed(await (await runtime.engine()).cancel(given.run_id))


async def _list_workflow_runs(runtime: Runtime, given: ListRuns, _: ToolCall) -> RunList:
    runs = await (await runtime.engine()).list(workflow_id=given.workflow_id, status=given.status,
                                               thread_id=given.thread_id, limit=given.limit)
    return RunList(runs=runs)


GENERATE_REPORT = ToolSpec(
    name="generate_report",
    title="Generate a full architecture report",
    description=(
        "Run the architecture_report workflow: analyze the requirement, design every candidate style in "
        "parallel, compare, summarize. Returns the executive summary and links to the stored run, the full "
        "report and its trace; reports progress per step. If the requirement is too vague, the run suspends "
        "with questions: the client is asked directly when it supports elicitation, otherwise the result "
        "carries the question and run_id to answer with resume_workflow. Pass `workload` corrections (as for "
        "analyze_requirements) to size and price the report from what you know."
    ),
    input_model=ReportRequest, output_model=ReportResult, annotations=WRITES_RECORDS,
    run=_generate_report, text=report_text, links=report_links, traced=True,
)

RUN_TOOLS: tuple[ToolSpec[Any, Any], ...] = (
    GENERATE_REPORT,
    ToolSpec(name="run_workflow", title="Run a workflow", annotations=WRITES_RECORDS,
             description=("Start a registered workflow (see archwright://workflows) with `input` matching its input "
                          "schema; returns the run's outcome, step by step. A run that suspends waits for "
                          "resume_workflow."),
             input_model=StartRun, output_model=RunView, run=_run_workflow, text=run_text, links=run_links),
    ToolSpec(name="resume_workflow", title="Resume a suspended or interrupted run", annotations=WRITES_RECORDS,
             description=("Continue a suspended run with `data` matching its resume_schema (for the report "
                          "workflow: {\"answers\": \"...\"}), or an interrupted run (data ignored). Finished "
                          "steps are not run again."),
             input_model=ResumeRun, output_model=RunView, run=_resume_workflow, text=run_text, links=run_links),
    ToolSpec(name="get_workflow_run", title="Show a workflow run", annotations=READS_RECORDS,
             description=("A run's status, step by step with timings, attempts and outputs (long outputs previewed; "
                          "the full run is the archwright://runs/{run_id} resource)."),
             input_model=RunId, output_model=RunView, run=_get_workflow_run, text=run_text, links=run_links),
    ToolSpec(name="list_workflow_runs", title="List workflow runs", annotations=READS_RECORDS,
             description=("Recent runs, newest first, optionally of one workflow, one conversation (thread_id) or "
                          "with one status (pending, running, suspended, success, failed, canceled, interrupted)."),
             input_model=ListRuns, output_model=RunList, run=_list_workflow_runs,
             text=lambda r: "\n".join(f"{v.run_id}  {v.workflow_id}  {v.status}" for v in r.runs) or "no runs"),
    ToolSpec(name="cancel_workflow_run", title="Cancel a workflow run", annotations=WRITES_RECORDS,
             description="Cancel a running, suspended or interrupted run; a running step is stopped at its next await.",
             input_model=RunId, output_model=RunView, run=_cancel_workflow_run, text=run_text, links=run_links),
)


def stored_run(run: RunView) -> str:
    """A run as its resource: each step's output once (the run's output names its step instead of
    repeating it, and a diagram a later step's Markdown embeds names the design step that drew it),
    compact JSON."""
    shown = run.model_copy(update={"output": None}) if run.output_step else run
    data = shown.model_dump(mode="json", exclude_none=True)
    diagrams = {step["output"]["design"]["mermaid"]: step["path"] for step in data.get("steps", [])
                if isinstance(step.get("output"), dict) and isinstance(step["output"].get("design"), dict)
                and step["output"]["design"].get("mermaid")}
    for step in data.get("steps", []):
        output = step.get("output")
        if isinstance(output, dict) and isinstance(output.get("markdown"), str):
            for mermaid, path in diagrams.items():
                output["markdown"] = output["markdown"].replace(mermaid, f"%% the diagram of step {path}")
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def register_run_resources(server: MCPServer, runtime: Runtime) -> None:
    async def run_of(run_id: str) -> RunView:
        try:
            check_run_id(run_id)
            return await (await runtime.engine()).get(run_id)
        except WorkflowRunError as error:
            raise ResourceNotFoundError(str(error)) from None

    @server.resource("archwright://workflows", name="workflows", mime_type="application/json",
                     description="The registered workflows: input schema, step graph, and a Mermaid diagram of it.")
    def workflows() -> str:
        return json.dumps([w.describe() for w in runtime.workflows.workflows.values()], indent=2)

    @server.resource("archwright://runs/{run_id}", name="workflow run", mime_type="application/json",
                     description="One workflow run: status, and every step's input and output, each stored once.")
    async def run_resource(run_id: str) -> str:
        return stored_run(await run_of(run_id))

    @server.resource("archwright://runs/{run_id}/report", name="report", mime_type="text/markdown",
                     description="The full Markdown report of a finished architecture_report run.")
    async def report_resource(run_id: str) -> str:
        markdown = render_run_report(run := await run_of(run_id))
        if markdown is None:
            raise ResourceNotFoundError(f"Run {run_id} is a {run.workflow_id} run that is {run.status}; only a successful "
                                        f"{WORKFLOW_ID} run has a report.")
        return markdown
