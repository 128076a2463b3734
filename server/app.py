"""The MCP surface: the advisor's tools, traces, the knowledge base as resources, and a prompt.

Adapters only. Each advisor tool validates its input into the advisor's models, runs the pure
functions in `tools` inside spans (server/advice.py), and returns the model as structured content
(with its output schema), a readable text block, and a link to the call's stored trace. Bad input
becomes a tool error that says what was wrong and what is accepted.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any, Literal, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp_types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from opentelemetry import trace
from pydantic import BaseModel, Field, ValidationError

from archwright.resources import STYLES, Style, load_catalog
from archwright.server.advice import TracedAdvisor
from archwright.server.config import resolve_db
from archwright.server.storage import Storage
from archwright.server.telemetry.tracing import Telemetry
from archwright.server.traces import TraceDetail, TraceList, TraceLookupError, TraceService
from archwright.server.workflows.report import Answers
from archwright.server.workflows.runs import Engine, RunView, WorkflowRunError, check_run_id
from archwright.server.workflows.service import WorkflowService
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.summary import cost_table
from archwright.tools.validation import MAX_REQUIREMENT_CHARS, RequirementError, check_requirement

logger = logging.getLogger("archwright.server")

INSTRUCTIONS = (
    "Archwright turns an app idea into architecture advice. Start with analyze_requirements on the user's "
    "description; if it returns questions and is_vague, ask the user before designing. Then "
    "compare_architectures (costs, team, time to MVP, scores, a recommendation) and generate_summary for an "
    "executive summary with diagrams. design_architecture gives one style's component graph and Mermaid diagram. "
    "Every tool works offline and answers in milliseconds; pass the analysis object back to avoid re-analysis."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

REQUIREMENT_HELP = (
    f"The app idea in plain English, up to {MAX_REQUIREMENT_CHARS:,} characters: who uses it, what they do, how "
    "many of them, any regulations. Example: 'A ride-sharing app for 100k daily users with real-time tracking "
    "and payments'."
)
RequirementArg = Annotated[str | None, Field(description=REQUIREMENT_HELP)]
AnalysisArg = Annotated[
    dict[str, Any] | None,
    Field(description="The structured result of an earlier analyze_requirements call, instead of `requirement`."),
]
CloudArg = Annotated[Cloud, Field(description="Cloud provider: aws (default), gcp or azure.")]

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def package_version() -> str:
    try:
        return version("archwright")
    except PackageNotFoundError:
        return "0+unknown"


def _result(model: BaseModel, text: str, trace_uri: str | None = None) -> CallToolResult:
    content: list[Any] = [TextContent(type="text", text=text)]
    if trace_uri:
        content.append(ResourceLink(uri=trace_uri, name="trace", mime_type="application/json",
                                    description="The stored trace of this call (spans with timings)."))
    return CallToolResult(content=content, structured_content=model.model_dump(mode="json"))


def _validation_summary(error: ValidationError, limit: int = 5) -> str:
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors()[:limit]]
    more = f" (and {error.error_count() - limit} more)" if error.error_count() > limit else ""
    return "; ".join(problems) + more


def _analysis_of(advisor: TracedAdvisor, requirement: str | None, analysis: dict[str, Any] | None) -> Analysis:
    if requirement is not None and analysis is not None:
        raise ToolError("Give either `requirement` (text) or `analysis` (an analyze_requirements result), not both.")
    if analysis is not None:
        try:
            return Analysis.model_validate(analysis)
        except ValidationError as error:
            raise ToolError(
                "The `analysis` object does not validate: " + _validation_summary(error)
                + ". Pass the structured result of analyze_requirements unchanged, or pass `requirement` instead."
            ) from None
    if requirement is None:
        raise ToolError("Missing input: give `requirement` (the app idea as text) or `analysis`.")
    return advisor.analyze(requirement)


def _analysis_text(analysis: Analysis) -> str:
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


def _comparison_text(comparison: Comparison) -> str:
    return (
        f"Recommendation: {comparison.recommendation.style}\n"
        + "\n".join(f"- {line}" for line in comparison.recommendation.rationale)
        + "\n\n" + cost_table(comparison)
        + (f"\n\n{comparison.break_even}" if comparison.break_even else "")
    )


def build_server(telemetry: Telemetry | None = None, *, db_path: str | None = None) -> MCPServer:
    """The Archwright MCP server. With `telemetry`, calls are traced into its database and the trace
    tools read them back; without it, tracing tools say tracing is disabled. Workflow runs live in
    the same database (`db_path`, else the telemetry's, else a private in-memory one)."""
    storage = Storage(db_path or (telemetry.db_path if telemetry else resolve_db(":memory:")))
    traces = TraceService(telemetry, storage)

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await storage.close()

    server: MCPServer = MCPServer(name="archwright", title="Archwright", version=package_version(),
                                  instructions=INSTRUCTIONS, lifespan=lifespan)
    tracer = telemetry.tracer() if telemetry else trace.get_tracer("archwright")
    advisor = TracedAdvisor(tracer)
    _register_tools(server, advisor, telemetry is not None)
    _register_trace_tools(server, traces)
    _register_workflow_tools(server, WorkflowService(storage, tracer), advisor, telemetry is not None)
    _register_resources(server, traces)
    _register_prompts(server)
    return server


class _Call:
    """One tool call: its span, its log line, and advisor errors turned into tool errors."""

    def __init__(self, advisor: TracedAdvisor, tool: str, linked: bool) -> None:
        self.advisor, self.tool, self.linked = advisor, tool, linked

    def run(self, work: Callable[[], M], text: Callable[[M], str]) -> CallToolResult:
        started = time.perf_counter()
        with self.advisor.tool_span(self.tool) as span:
            try:
                result = work()
            except RequirementError as error:
                logger.info("tool rejected input", extra={"tool": self.tool, "reason": str(error)[:200]})
                raise ToolError(str(error)) from None
            trace_id = format(span.get_span_context().trace_id, "032x")
            logger.info("tool call", extra={"tool": self.tool, "ms": round((time.perf_counter() - started) * 1000, 2)})
        uri = f"archwright://traces/{trace_id}" if self.linked else None
        return _result(result, text(result), uri)


def _register_tools(server: MCPServer, advisor: TracedAdvisor, linked: bool) -> None:
    def call(tool: str) -> _Call:
        return _Call(advisor, tool, linked)

    @server.tool(
        name="analyze_requirements",
        title="Analyse app requirements",
        annotations=READ_ONLY,
        description=(
            "Read an app idea and return what it needs: primary and secondary domains with confidence, features, "
            "the stated user count and period, any stated requests per second, estimated scale (tier, daily users, "
            "peak requests/s, with every assumption spelled out), compliance needs (PCI DSS, HIPAA, GDPR, SOC 2), "
            "features the text rules out, and the questions worth asking when it is vague. Every finding quotes "
            "the words of the requirement that produced it."
        ),
    )
    async def analyze_requirements(
        requirement: Annotated[str, Field(description=REQUIREMENT_HELP)],
    ) -> Annotated[CallToolResult, Analysis]:
        return call("analyze_requirements").run(lambda: advisor.analyze(requirement), _analysis_text)

    @server.tool(
        name="design_architecture",
        title="Design one candidate architecture",
        annotations=READ_ONLY,
        description=(
            "Build one candidate architecture for an app as a component graph: every detected feature and "
            "compliance need is served by a named component running on the cloud's real services, with the "
            "connections between them and a Mermaid flowchart rendered from the graph. Give `requirement` or the "
            "`analysis` from analyze_requirements, a `style` (serverless, microservices, monolith = modular "
            "monolith) and a `cloud` (aws, gcp, azure)."
        ),
    )
    async def design_architecture(
        style: Annotated[Style, Field(description="Architecture style: serverless, microservices or monolith.")],
        requirement: RequirementArg = None,
        analysis: AnalysisArg = None,
        cloud: CloudArg = "aws",
    ) -> Annotated[CallToolResult, Architecture]:
        return call("design_architecture").run(
            lambda: advisor.design(_analysis_of(advisor, requirement, analysis), style, cloud),
            lambda r: f"{r.title}\n{r.summary}\n\n```mermaid\n{r.mermaid}```",
        )

    @server.tool(
        name="compare_architectures",
        title="Compare architecture styles",
        annotations=READ_ONLY,
        description=(
            "Compare candidate styles for an app side by side: itemised monthly cost (low/expected/high, each line "
            "with its formula and a dated unit price), team size, weeks to an MVP, 1-10 scores where higher is "
            "always better (scalability, cost efficiency, time to market, operational simplicity, portability, "
            "compliance readiness), each with a reason, and a recommendation with its rationale. Give "
            "`requirement` or `analysis`; `styles` defaults to all three."
        ),
    )
    async def compare_architectures(
        requirement: RequirementArg = None,
        analysis: AnalysisArg = None,
        styles: Annotated[
            list[Style] | None, Field(description="Styles to compare (default: serverless, microservices, monolith).")
        ] = None,
        cloud: CloudArg = "aws",
    ) -> Annotated[CallToolResult, Comparison]:
        chosen = tuple(styles) if styles else STYLES
        return call("compare_architectures").run(
            lambda: advisor.compare(_analysis_of(advisor, requirement, analysis), chosen, cloud), _comparison_text
        )

    @server.tool(
        name="generate_summary",
        title="Write an executive summary",
        annotations=READ_ONLY,
        description=(
            "Write an executive summary in Markdown for an app idea: the need, the recommended architecture with "
            "its rationale, the recommended and runner-up diagrams (Mermaid), the monthly cost table, risks and "
            "next steps. Give `requirement` or `analysis`, and optionally the `comparison` from "
            "compare_architectures to reuse it."
        ),
    )
    async def generate_summary(
        requirement: RequirementArg = None,
        analysis: AnalysisArg = None,
        comparison: Annotated[
            dict[str, Any] | None,
            Field(description="The structured result of an earlier compare_architectures call (optional)."),
        ] = None,
        cloud: CloudArg = "aws",
    ) -> Annotated[CallToolResult, Summary]:
        def run() -> Summary:
            resolved = _analysis_of(advisor, requirement, analysis)
            if comparison is None:
                return advisor.summarize(resolved, advisor.compare(resolved, STYLES, cloud))
            try:
                compared = Comparison.model_validate(comparison)
            except ValidationError as error:
                raise ToolError(
                    "The `comparison` object does not validate: " + _validation_summary(error)
                    + ". Pass the structured result of compare_architectures unchanged, or leave it out."
                ) from None
            return advisor.summarize(resolved, compared)

        return call("generate_summary").run(run, lambda r: r.markdown)


def _register_trace_tools(server: MCPServer, traces: TraceService) -> None:
    trace_tool = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=False,
                                 open_world_hint=False)

    @server.tool(
        name="list_traces",
        title="List recent traces",
        annotations=trace_tool,
        description=(
            "List stored traces of earlier tool calls, newest first: trace id, tool, status, start time, duration "
            "and span count, plus a resource URI for each. Filter by `tool_name` or `status` (ok, error); page "
            "with `limit` and the returned `next_cursor`. Says whether tracing is ok, degraded or disabled."
        ),
    )
    async def list_traces(
        tool_name: Annotated[str | None, Field(description="Only traces of this tool, e.g. compare_architectures.")] = None,
        status: Annotated[Literal["ok", "error"] | None, Field(description="Only traces with this outcome.")] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Traces per page, 1-100 (default 20).")] = 20,
        cursor: Annotated[str | None, Field(description="next_cursor from the previous page.")] = None,
    ) -> Annotated[CallToolResult, TraceList]:
        try:
            result = await traces.list(tool_name=tool_name, status=status, limit=limit, cursor=cursor)
        except TraceLookupError as error:
            raise ToolError(str(error)) from None
        lines = [f"tracing: {result.tracing.status}" + (f" ({result.tracing.detail})" if result.tracing.detail else "")]
        lines += [f"{t.started_at}  {t.trace_id}  {t.tool_name or t.name}  {t.status}  {t.duration_ms:.1f} ms"
                  for t in result.traces]
        return _result(result, "\n".join(lines))

    @server.tool(
        name="get_trace",
        title="Show one trace",
        annotations=trace_tool,
        description=(
            "Show one stored trace: its span tree (names, kinds, status, start offsets, durations, attributes, "
            "events) and a text waterfall that reads well in a chat window. `trace_id` is the 32-character hex id "
            "from list_traces or from a tool result's trace link."
        ),
    )
    async def get_trace(
        trace_id: Annotated[str, Field(description="32 lowercase hex characters, as list_traces returns.")],
    ) -> Annotated[CallToolResult, TraceDetail]:
        try:
            result = await traces.get(trace_id)
        except TraceLookupError as error:
            raise ToolError(str(error)) from None
        note = "" if result.tracing.status == "ok" else f"\n(tracing {result.tracing.status}: {result.tracing.detail})"
        return _result(result, f"```\n{result.waterfall}\n```{note}")


class ReportResult(BaseModel):
    """What generate_report returns: the summary, or the question a vague requirement raised."""

    status: str = Field(description="success, suspended (answer `question` with resume_workflow), or failed.")
    run_id: str
    run: str = Field(description="Resource with the stored run, including the full report.")
    trace: str | None = Field(default=None, description="Resource with the run's trace.")
    recommended_style: str | None = None
    summary_markdown: str | None = None
    question: Any = None
    resume_schema: Any = None
    error: str | None = None


class RunSummary(BaseModel):
    runs: list[RunView]


def _run_text(run: RunView) -> str:
    lines = [f"run {run.run_id} ({run.workflow_id}): {run.status}"]
    lines += [f"  {s.path}: {s.status}" + (f" in {s.duration_ms:.1f} ms" if s.duration_ms is not None else "")
              + (f" after {s.attempts} attempts" if s.attempts > 1 else "") for s in run.steps]
    if run.status == "suspended":
        lines.append(f"waiting for: {json.dumps(run.question)[:1000]}")
    if run.error:
        lines.append(f"error: {run.error}")
    return "\n".join(lines)


_PREVIEW_CHARS = 2_000


def _previewed(run: RunView) -> RunView:
    """Step outputs cut to a preview: the full run is the archwright://runs/{id} resource."""
    steps = []
    for item in run.steps:
        text = json.dumps(item.output)
        steps.append(item.model_copy(update={"output": item.output if len(text) <= _PREVIEW_CHARS else
                                             {"preview": text[:_PREVIEW_CHARS] + "...", "full": run.uri}}))
    output = run.output
    if output is not None and len(json.dumps(output)) > _PREVIEW_CHARS * 4:
        output = {"preview": json.dumps(output)[: _PREVIEW_CHARS] + "...", "full": run.uri}
    return run.model_copy(update={"steps": steps, "output": output})


async def _run_request(work: Awaitable[T]) -> T:
    """Await a run operation; a request that cannot be met becomes a tool error with its reason."""
    try:
        return await work
    except WorkflowRunError as error:
        raise ToolError(str(error)) from None


def _progress_to(ctx: Context) -> Callable[[int, int, str], Awaitable[None]]:
    """Report each finished step to the client (a no-op when it did not ask for progress)."""
    async def progress(done: int, total: int, path: str) -> None:
        await ctx.report_progress(done, total, f"finished {path}")

    return progress


def _register_workflow_tools(server: MCPServer, service: WorkflowService, advisor: TracedAdvisor, linked: bool) -> None:
    mutating = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                               open_world_hint=False)
    reading = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

    async def engine() -> Engine:
        return await _run_request(service.engine())

    def report_result(run: RunView) -> ReportResult:
        summary = (run.output or {}).get("summary") if run.status == "success" else None
        return ReportResult(
            status=run.status, run_id=run.run_id, run=run.uri,
            trace=f"archwright://traces/{run.trace_id}" if linked and run.trace_id else None,
            recommended_style=summary["recommended_style"] if summary else None,
            summary_markdown=summary["markdown"] if summary else None,
            question=run.question if run.status == "suspended" else None,
            resume_schema=run.resume_schema if run.status == "suspended" else None, error=run.error,
        )

    @server.tool(
        name="generate_report",
        title="Generate a full architecture report",
        annotations=mutating,
        description=(
            "Run the architecture_report workflow: analyze the requirement, design every candidate style in "
            "parallel, compare, summarize. Returns the executive summary and links to the stored run (with the "
            "full report) and its trace; reports progress per step. If the requirement is too vague, the run "
            "suspends with questions: the client is asked directly when it supports elicitation, otherwise the "
            "result carries the question and run_id to answer with resume_workflow."
        ),
    )
    async def generate_report(
        ctx: Context,
        requirement: Annotated[str, Field(description=REQUIREMENT_HELP)],
        cloud: CloudArg = "aws",
        styles: Annotated[list[Style] | None, Field(description="Styles to design (default: all three).")] = None,
        thread_id: Annotated[str | None, Field(description="Conversation this report belongs to (kept with the run).")] = None,
    ) -> Annotated[CallToolResult, ReportResult]:
        try:
            text = check_requirement(requirement)
        except RequirementError as error:
            raise ToolError(str(error)) from None
        runner = await engine()
        progress = _progress_to(ctx)
        with advisor.tool_span("generate_report"):
            run = await runner.start("architecture_report", {"requirement": text, "cloud": cloud,
                                                             "styles": styles or list(STYLES), "thread_id": thread_id},
                                     progress=progress)
            if run.status == "suspended" and _can_elicit(ctx):
                answered = await _elicit_answers(ctx, run)
                if answered is not None:
                    run = await runner.resume(run.run_id, answered, progress=progress)
        result = report_result(run)
        text_block = result.summary_markdown or _run_text(run)
        return _result(result, text_block, result.trace)

    @server.tool(name="run_workflow", title="Run a workflow", annotations=mutating, description=(
        "Start a registered workflow (see archwright://workflows) with `input` matching its input schema; "
        "returns the run, step by step. A run that suspends waits for resume_workflow."))
    async def run_workflow(
        ctx: Context,
        workflow_id: Annotated[str, Field(description="A workflow id from archwright://workflows.")],
        input: Annotated[dict[str, Any], Field(description="Input matching the workflow's input schema.")],
    ) -> Annotated[CallToolResult, RunView]:
        run = await _run_request((await engine()).start(workflow_id, input, progress=_progress_to(ctx)))
        return _result(_previewed(run), _run_text(run))

    @server.tool(name="resume_workflow", title="Resume a suspended or interrupted run", annotations=mutating,
                 description=("Continue a suspended run with `data` matching its resume_schema (for the report "
                              "workflow: {\"answers\": \"...\"}), or an interrupted run (data ignored). Finished "
                              "steps are not run again."))
    async def resume_workflow(
        ctx: Context,
        run_id: Annotated[str, Field(description="32 lowercase hex characters.")],
        data: Annotated[dict[str, Any] | None, Field(description="Resume data matching the run's resume_schema.")] = None,
    ) -> Annotated[CallToolResult, RunView]:
        run = await _run_request((await engine()).resume(run_id, data or {}, progress=_progress_to(ctx)))
        return _result(_previewed(run), _run_text(run))

    @server.tool(name="get_workflow_run", title="Show a workflow run", annotations=reading, description=(
        "A run's status, step by step with timings, attempts and outputs (long outputs previewed; the full run "
        "is the archwright://runs/{run_id} resource)."))
    async def get_workflow_run(
        run_id: Annotated[str, Field(description="32 lowercase hex characters.")],
    ) -> Annotated[CallToolResult, RunView]:
        run = await _run_request((await engine()).get(run_id))
        return _result(_previewed(run), _run_text(run))

    @server.tool(name="list_workflow_runs", title="List workflow runs", annotations=reading, description=(
        "Recent runs, newest first, optionally of one workflow or with one status "
        "(pending, running, suspended, success, failed, canceled, interrupted)."))
    async def list_workflow_runs(
        workflow_id: Annotated[str | None, Field(description="Only runs of this workflow.")] = None,
        status: Annotated[Literal["pending", "running", "suspended", "success", "failed", "canceled",
                                  "interrupted"] | None, Field(description="Only runs in this status.")] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="How many (1-100, default 20).")] = 20,
    ) -> Annotated[CallToolResult, RunSummary]:
        runs = await _run_request((await engine()).list(workflow_id=workflow_id, status=status, limit=limit))
        text = "\n".join(f"{r.run_id}  {r.workflow_id}  {r.status}" for r in runs) or "no runs"
        return _result(RunSummary(runs=runs), text)

    @server.tool(name="cancel_workflow_run", title="Cancel a workflow run", annotations=mutating, description=(
        "Cancel a running, suspended or interrupted run; a running step is stopped at its next await."))
    async def cancel_workflow_run(
        run_id: Annotated[str, Field(description="32 lowercase hex characters.")],
    ) -> Annotated[CallToolResult, RunView]:
        run = await _run_request((await engine()).cancel(run_id))
        return _result(_previewed(run), _run_text(run))

    @server.resource("archwright://workflows", name="workflows", mime_type="application/json",
                     description="The registered workflows: input schema, step graph, and a Mermaid diagram of it.")
    def workflows() -> str:
        return _json([w.describe() for w in service.workflows.values()])

    @server.resource("archwright://runs/{run_id}", name="workflow run", mime_type="application/json",
                     description="One workflow run in full: status, every step's input and output, the final output.")
    async def run_resource(run_id: str) -> str:
        try:
            check_run_id(run_id)
            return (await (await service.engine()).get(run_id)).model_dump_json(indent=2)
        except WorkflowRunError as error:
            raise ResourceError(str(error)) from None


def _can_elicit(ctx: Context) -> bool:
    capabilities = ctx.client_capabilities
    return capabilities is not None and capabilities.elicitation is not None


async def _elicit_answers(ctx: Context, run: RunView) -> dict[str, Any] | None:
    """Ask the client's user the run's questions; None when declined or when elicitation fails."""
    questions = "\n".join(f"- {q}" for q in (run.question or {}).get("questions", []))
    try:
        answer = await ctx.elicit(f"To advise on this app, please answer:\n{questions}", Answers)
    except Exception as error:  # noqa: BLE001 - an elicitation problem falls back to returning the question
        logger.info("elicitation failed; returning the question instead", extra={"reason": str(error)[:200]})
        return None
    if answer.action == "accept" and answer.data is not None:
        return answer.data.model_dump()
    return None


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _known(kind: str, wanted: str, known: list[str]) -> None:
    if wanted not in known:
        raise ResourceError(f"Unknown {kind} {wanted!r}. Known {kind}s: {', '.join(known)}.")


def _register_resources(server: MCPServer, traces: TraceService) -> None:
    @server.resource("archwright://traces", name="traces", mime_type="application/json",
                     description="The 50 most recent stored traces, newest first.")
    async def recent_traces() -> str:
        return (await traces.list(limit=50)).model_dump_json(indent=2)

    @server.resource("archwright://traces/{trace_id}", name="trace", mime_type="application/json",
                     description="One stored trace: its span tree and a text waterfall.")
    async def one_trace(trace_id: str) -> str:
        try:
            return (await traces.get(trace_id)).model_dump_json(indent=2)
        except TraceLookupError as error:
            raise ResourceError(str(error)) from None

    @server.resource("archwright://domains", name="domains", mime_type="application/json",
                     description="The 12 application domains Archwright recognises, with descriptions.")
    def domains() -> str:
        return _json([{"id": d.id, "name": d.name, "description": d.description}
                      for d in load_catalog().domains.values()])

    @server.resource("archwright://domains/{domain_id}", name="domain", mime_type="application/json",
                     description="One domain: its vocabulary (weighted signals) and the scale defaults it starts from.")
    def domain(domain_id: str) -> str:
        catalog = load_catalog()
        _known("domain", domain_id, list(catalog.domains))
        return _json(catalog.domains[domain_id].model_dump(mode="json"))

    @server.resource("archwright://features", name="features", mime_type="application/json",
                     description="The 25 features, each with the module that serves it and the roles it uses.")
    def features() -> str:
        catalog = load_catalog()
        return _json([
            {"id": f.id, "name": f.name, "effort_weeks": f.effort_weeks,
             "module": catalog.feature_blueprints[f.id].module,
             "uses": [role for role, _ in catalog.feature_blueprints[f.id].uses]}
            for f in catalog.features.values()
        ])

    @server.resource("archwright://compliance", name="compliance", mime_type="application/json",
                     description="The compliance regimes (PCI DSS, HIPAA, GDPR, SOC 2) and what each adds to a design.")
    def compliance() -> str:
        catalog = load_catalog()
        return _json([
            {"id": c.id, "name": c.name, "description": c.description, "effort_weeks": c.effort_weeks,
             "module": catalog.compliance_blueprints[c.id].module}
            for c in catalog.compliance.values()
        ])

    @server.resource("archwright://styles", name="styles", mime_type="application/json",
                     description="The architecture styles and the traits the comparison starts from.")
    def styles() -> str:
        return _json([s.model_dump(mode="json") for s in load_catalog().styles.values()])

    @server.resource("archwright://pricing", name="pricing", mime_type="application/json",
                     description="Every unit price per cloud, with its source URL, retrieval date and verified flag.")
    def pricing() -> str:
        catalog = load_catalog()
        return _json({
            "clouds": {cloud: [p.model_dump(mode="json") for p in prices.values()]
                       for cloud, prices in catalog.prices.items()},
            "addons": catalog.addons.model_dump(mode="json"),
        })

    @server.resource("archwright://pricing/{cloud}", name="cloud pricing", mime_type="application/json",
                     description="Unit prices for one cloud: aws, gcp or azure.")
    def cloud_pricing(cloud: str) -> str:
        catalog = load_catalog()
        _known("cloud", cloud, list(catalog.prices))
        return _json([p.model_dump(mode="json") for p in catalog.prices[cloud].values()])

    @server.resource("archwright://clouds/{cloud}", name="cloud services", mime_type="application/json",
                     description="The service each role maps to on one cloud: aws, gcp or azure.")
    def cloud_services(cloud: str) -> str:
        catalog = load_catalog()
        _known("cloud", cloud, list(catalog.clouds))
        return _json(catalog.clouds[cloud].model_dump(mode="json"))


def _register_prompts(server: MCPServer) -> None:
    @server.prompt(
        name="design_architecture",
        title="Design an architecture for an app idea",
        description="Start an architecture conversation: analyse the idea, ask what is missing, compare, summarise.",
    )
    def design_architecture_prompt(idea: str, cloud: Literal["aws", "gcp", "azure"] = "aws") -> str:
        return (
            f"I want architecture advice for this app idea, on {cloud}:\n\n{idea}\n\n"
            "1. Call analyze_requirements with the idea. Show me the domain, features and scale it found, "
            "quoting the evidence.\n"
            "2. If it is vague or lists questions that would change the design, ask me those first.\n"
            f"3. Call compare_architectures with the analysis and cloud={cloud!r}; explain the recommendation, "
            "the monthly cost range and the trade-offs.\n"
            "4. Call generate_summary and show me the executive summary with its diagrams."
        )
