"""Running workflows: persisted steps, retries, timeouts, cancellation, suspend/resume, crash recovery.

A run is one trace: an `invoke_workflow {id}` span with a `step {path}` span per executed step.
Statuses: pending, running, suspended, success, failed, canceled, interrupted. Runs another
process left `running` when it died are marked `interrupted` at start-up and can be resumed.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import replace
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import anyio
from opentelemetry import trace
from opentelemetry.trace import StatusCode
from pydantic import BaseModel, Field, ValidationError

from archwright.server.store.database import StoreError, describe
from archwright.server.store.runs import Encoded, RunRecord, RunStore, StepRecord
from archwright.server.telemetry.redact import Redactor, quoted
from archwright.server.workflows.engine import (
    RunCanceled,
    Step,
    StepContext,
    StepFailed,
    Suspend,
    Workflow,
    _async_call,
    backoff,
    coerce,
    together,
    run_node,
    step_count,
)

logger = logging.getLogger("archwright.workflows")
RUN_ID_LENGTH = 32
MAX_INPUT_CHARS = 100_000  # a workflow input or resume data, as JSON: checked before anything is stored
CANCEL_POLL_S = 0.2
Progress = Callable[[int, int, str], Awaitable[None]]


class WorkflowRunError(ValueError):
    """A request about runs that cannot be met; the message names what was expected."""


class StepView(BaseModel):
    path: str
    status: str
    attempts: int
    duration_ms: float | None
    output: Any = None
    error: str | None = None


class RunView(BaseModel):
    """A run as clients see it: status, step by step, and what it needs if suspended."""

    run_id: str
    workflow_id: str
    status: Literal["pending", "running", "suspended", "success", "failed", "canceled", "interrupted"]
    output: Any = None
    output_step: str | None = Field(default=None, description="The step whose output is the run's output.")
    error: str | None = None
    suspended_step: str | None = None
    thread_id: str | None = None
    question: Any = Field(default=None, description="What a suspended run is waiting for.")
    resume_schema: Any = Field(default=None, description="JSON schema the resume data must satisfy.")
    trace_id: str | None = None
    steps: list[StepView] = []
    uri: str


RUN_INPUT = "$input"


def _reference(value: Any, produced_by: dict[int, str]) -> Any:
    """How a step's input or the run's output is stored: a reference when it is the run's input
    ({"$run_input": true}) or another step's output ({"$output_of": path}), or is made of several
    (a parallel node's outputs, keyed by step id: {"$outputs_of": {field: path}}), so nothing a run
    receives or produces is written twice."""
    source = produced_by.get(id(value))
    if source == RUN_INPUT:
        return {"$run_input": True}
    if source:
        return {"$output_of": source}
    if isinstance(value, BaseModel):
        fields = {name: produced_by.get(id(getattr(value, name))) for name in type(value).model_fields}
        if fields and all(fields.values()):
            return {"$outputs_of": fields}
    return _dump(value)


def _resolved(value: Any, steps: dict[str, StepRecord]) -> Any:
    """A stored value, with references to other steps' outputs replaced by those outputs."""
    if isinstance(value, dict) and set(value) == {"$output_of"} and value["$output_of"] in steps:
        return _plain(steps[value["$output_of"]].output)
    if isinstance(value, dict) and set(value) == {"$outputs_of"} and isinstance(value["$outputs_of"], dict):
        return {name: _plain(steps[path].output) if path in steps else None
                for name, path in value["$outputs_of"].items()}
    return value


def _step_view(record: StepRecord, *, with_output: bool) -> StepView:
    return StepView(path=record.step_path, status=record.status, attempts=record.attempts, error=record.error,
                    output=record.output if with_output else None,
                    duration_ms=round((record.end_ns - record.start_ns) / 1e6, 3) if record.end_ns else None)


def _output_step(stored: Any) -> str | None:
    return stored["$output_of"] if isinstance(stored, dict) and set(stored) == {"$output_of"} else None


def _view(record: RunRecord, steps: dict[str, StepRecord]) -> RunView:
    return RunView(
        run_id=record.run_id, workflow_id=record.workflow_id, status=record.status,  # type: ignore[arg-type]
        output=_resolved(record.output, steps), output_step=_output_step(record.output), error=record.error,
        suspended_step=record.suspended_step, thread_id=record.thread_id,
        question=record.suspend_payload, resume_schema=record.resume_schema, trace_id=record.trace_id,
        steps=[_step_view(s, with_output=True) for s in steps.values()],
        uri=f"archwright://runs/{record.run_id}",
    )


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def check_run_id(run_id: str) -> str:
    if len(run_id or "") != RUN_ID_LENGTH or any(c not in "0123456789abcdef" for c in run_id):
        raise WorkflowRunError(f"{quoted(run_id or '')} is not a run id: run ids are 32 lowercase hexadecimal "
                               "characters (as list_workflow_runs and `archwright runs` show them).")
    return run_id


class Engine:
    """Starts, resumes, cancels and reports workflow runs stored in one database."""

    def __init__(self, runs: RunStore, workflows: dict[str, Workflow], tracer: trace.Tracer,
                 redactor: Redactor | None = None) -> None:
        self._runs = runs
        self.workflows = workflows
        self._tracer = tracer
        self._redactor = redactor or Redactor()
        self._cancel: dict[str, anyio.CancelScope] = {}
        # Called with each run that finishes successfully (the report's scores are stored this way);
        # a failing hook is logged, never the run's failure.
        self.on_success: list[Callable[[RunView], Awaitable[None]]] = []

    def _admitted(self, data: Any, what: str) -> Any:
        """Client data as the engine may use and store it: plain JSON within `MAX_INPUT_CHARS`,
        with every secret redacted, so nothing a run stores or passes to its steps holds one."""
        try:
            size = len(json.dumps(data, ensure_ascii=False).encode())
        except UnicodeEncodeError:
            raise WorkflowRunError(f"The {what} must be valid Unicode text (it holds a lone surrogate).") from None
        except (TypeError, ValueError, RecursionError):
            raise WorkflowRunError(f"The {what} must be a plain JSON object of modest depth.") from None
        if size > MAX_INPUT_CHARS:
            raise WorkflowRunError(f"The {what} is {size:,} characters of JSON; the limit is {MAX_INPUT_CHARS:,}.")
        return self._redactor.value(data)

    def workflow(self, workflow_id: str) -> Workflow:
        if workflow_id not in self.workflows:
            raise WorkflowRunError(f"Unknown workflow {quoted(workflow_id)}. Known workflows: "
                                   f"{', '.join(self.workflows)}.")
        return self.workflows[workflow_id]

    async def recover_interrupted(self) -> list[str]:
        """Mark runs whose owning process is gone as interrupted (run when the engine opens; reads
        of a single run settle it again, for processes that died while this one was running)."""
        marked = [record.run_id for record in await self._runs.stale_running()
                  if (await self._settled(record)).status == "interrupted"]
        if marked:
            logger.warning("marked %d interrupted run(s); resume them with resume_workflow", len(marked))
        return marked

    async def _settled(self, record: RunRecord) -> RunRecord:
        """The record, marked interrupted first if it says running but the process running it is gone."""
        if record.status != "running" or record.owner_pid == os.getpid() or _alive(record.owner_pid):
            return record
        error = f"the process running it (pid {record.owner_pid}) stopped"
        if await self._runs.update_run(record.run_id, status="interrupted", error=error, only_if_running=True):
            return replace(record, status="interrupted", error=error)
        return await self._runs.get_run(record.run_id) or record

    async def interrupt_own(self, reason: str) -> int:
        """Mark this process's running runs interrupted (it is stopping); they resume later."""
        own = [r for r in await self._runs.stale_running() if r.owner_pid == os.getpid()]
        for record in own:
            await self._runs.update_run(record.run_id, status="interrupted", error=reason, only_if_running=True)
        return len(own)

    async def start(self, workflow_id: str, data: Any, *, progress: Progress | None = None) -> RunView:
        workflow = self.workflow(workflow_id)
        data = self._admitted(data, "input")
        try:
            validated = workflow.input_model.model_validate(data)
        except ValidationError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(input)'}: {e['msg']}" for e in error.errors()[:5])
            raise WorkflowRunError(f"The input does not fit workflow {workflow_id!r}: {problems}. Expected: "
                                   f"{json.dumps(workflow.input_model.model_json_schema())}") from None
        run_id = uuid.uuid4().hex
        try:
            await self._runs.create_run(run_id, workflow_id, validated.model_dump(mode="json"), os.getpid(),
                                        thread_id=_thread_of(validated))
        except (sqlite3.Error, StoreError) as error:
            raise WorkflowRunError(f"The run could not be stored: {describe(error)}.") from None
        return await self._stored(run_id, self._execute(workflow, run_id, validated, None, progress))

    async def resume(self, run_id: str, data: Any, *, progress: Progress | None = None) -> RunView:
        record = await self._record(run_id)
        workflow = self.workflow(record.workflow_id)
        data = self._admitted(data, "resume data")
        if record.status == "suspended":
            import jsonschema  # 40 ms to import: only resuming needs it, not start-up

            try:
                jsonschema.validate(data, record.resume_schema or {})
            except jsonschema.ValidationError as error:
                raise WorkflowRunError(f"The resume data does not fit what step {record.suspended_step!r} asked for: "
                                       f"{error.message[:300]}. Expected: {json.dumps(record.resume_schema)}") from None
        elif record.status != "interrupted":
            raise WorkflowRunError(f"Run {run_id} is {record.status}; only suspended or interrupted runs can be resumed.")
        if not await self._runs.claim(run_id, os.getpid(), [record.status]):
            raise WorkflowRunError(f"Run {run_id} was resumed or changed by someone else just now; read it again.")
        initial = workflow.input_model.model_validate(record.input)
        resumption = (data, record.suspend_payload) if record.status == "suspended" else None
        return await self._stored(run_id, self._execute(workflow, run_id, initial, resumption, progress))

    async def _stored(self, run_id: str, work: Awaitable[RunView]) -> RunView:
        """Run `work`; if storing its progress fails, fail the run (when the fault allows even that)
        and say why, rather than crash with the driver's error and leave the run `running`."""
        try:
            view = await work
        except (sqlite3.Error, StoreError) as error:
            reason = describe(error)
            with anyio.CancelScope(shield=True):
                try:
                    await self._runs.update_run(run_id, status="failed", error=f"storage failed: {reason}")
                except (sqlite3.Error, StoreError):  # the same fault again: the next process marks it interrupted
                    logger.warning("run %s could not be marked failed: %s", run_id, reason)
            raise WorkflowRunError(f"Run {run_id} stopped: its progress could not be stored: {reason}.") from None
        if view.status == "success" and self.on_success:
            full = await self.get(run_id)  # with every step's output, which the hooks read
            for hook in self.on_success:
                try:
                    await hook(full)
                except Exception as error:  # the run succeeded; what follows it must not undo that
                    logger.warning("after run %s: %s: %s", run_id, type(error).__name__, error)
        return view

    async def cancel(self, run_id: str) -> RunView:
        record = await self._record(run_id)
        if record.status in ("success", "failed", "canceled"):
            raise WorkflowRunError(f"Run {run_id} already finished ({record.status}); nothing to cancel.")
        await self._runs.update_run(run_id, status="canceled", error="canceled on request")
        if run_id in self._cancel:
            self._cancel[run_id].cancel()
        return await self.get(run_id)

    async def get(self, run_id: str) -> RunView:
        return _view(await self._record(run_id), await self._runs.steps(run_id))

    async def list(self, *, workflow_id: str | None = None, status: str | None = None, thread_id: str | None = None,
                   limit: int = 20) -> list[RunView]:
        if workflow_id:
            self.workflow(workflow_id)
        runs = await self._runs.list_runs(workflow_id=workflow_id, status=status, thread_id=thread_id, limit=limit)
        settled = [await self._settled(r) for r in runs]
        return [_view(r, {}).model_copy(update={"output": None}) for r in settled]  # get() shows a run in full

    async def _record(self, run_id: str) -> RunRecord:
        check_run_id(run_id)
        record = await self._runs.get_run(run_id)
        if record is None:
            raise WorkflowRunError(f"No run with id {run_id}: it may have been pruned, or belong to another database.")
        return await self._settled(record)

    async def _execute(self, workflow: Workflow, run_id: str, initial: BaseModel,
                       resumption: tuple[Any, Any] | None,
                       progress: Progress | None) -> RunView:
        snapshots = await self._runs.steps(run_id)
        records: dict[str, StepRecord] = dict(snapshots)  # what the run has stored, kept in memory for the result
        results: dict[str, Any] = {}
        produced_by: dict[int, str] = {id(initial): RUN_INPUT}  # id(object) -> the step path that produced it
        total = step_count(workflow.nodes)
        done = [0]

        def context(path: str) -> StepContext:
            return StepContext(run_id, path, 1, None, results)

        async def execute_step(step: Step, value: Any, path: str) -> Any:
            snapshot = snapshots.get(path)
            if snapshot is not None and snapshot.status == "success":
                output = coerce(snapshot.output, step.output_type)
                results[step.id] = output
                return output
            resume = None
            if snapshot is not None and snapshot.status == "suspended" and resumption is not None:
                resume = resumption
            stored_input = _reference(value, produced_by)
            output = await self._attempts(step, value, stored_input, path, run_id, results, resume, records)
            produced_by[id(output)] = path
            results[step.id] = output
            done[0] += 1
            if progress is not None:
                await progress(done[0], max(total, done[0]), f"finished {path}")
            return output

        with self._tracer.start_as_current_span(
            f"invoke_workflow {workflow.id}",
            attributes={"archwright.workflow_id": workflow.id, "archwright.run_id": run_id,
                        "archwright.resumed": bool(snapshots)},
        ) as span:
            if span.get_span_context().is_valid:
                await self._runs.update_run(run_id, trace_id=format(span.get_span_context().trace_id, "032x"))
            outcome: dict[str, Any] = {}
            result: dict[str, Any] = {"status": "running"}

            async def work() -> None:
                value: Any = initial
                for node in workflow.nodes:
                    value = await run_node(node, value, "", execute_step, context)
                outcome["value"] = value

            try:
                with anyio.CancelScope() as scope:
                    self._cancel[run_id] = scope
                    await self._watched(run_id, scope, work)
                if scope.cancelled_caught:
                    raise RunCanceled(run_id)
            except Suspend as suspension:
                schema = suspension.resume_model.model_json_schema()
                result.update(status="suspended", suspended_step=suspension.path, question=suspension.payload,
                              resume_schema=schema)
                applied = await self._runs.update_run(run_id, only_if_running=True, status="suspended",
                                                      suspended_step=suspension.path, suspend_payload=suspension.payload,
                                                      resume_schema=schema)
            except RunCanceled:
                result.update(status="canceled", error="canceled on request")
                applied = await self._runs.update_run(run_id, status="canceled", error="canceled on request")
            except StepFailed as failure:
                span.set_status(StatusCode.ERROR, str(failure))
                result.update(status="failed", error=str(failure))
                applied = await self._runs.update_run(run_id, only_if_running=True, status="failed", error=str(failure))
            else:
                value = outcome["value"]
                # The final value is usually the last step's stored output: reference it, don't write it twice.
                stored = _reference(value, produced_by)
                result.update(status="success", output=_resolved(_plain(stored), records),
                              output_step=_output_step(stored))
                applied = await self._runs.update_run(
                    run_id, only_if_running=True, status="success", output=stored, error=None, suspended_step=None,
                    suspend_payload=None, resume_schema=None)
            finally:
                self._cancel.pop(run_id, None)
            if not applied:  # canceled from elsewhere while it finished: the stored status stands
                result = {"status": "canceled", "error": "canceled on request"}
            span.set_attribute("archwright.run.status", result["status"])
            trace_id = format(span.get_span_context().trace_id, "032x")
        return RunView(
            run_id=run_id, workflow_id=workflow.id, trace_id=trace_id, uri=f"archwright://runs/{run_id}",
            thread_id=_thread_of(initial), steps=[_step_view(r, with_output=False) for r in records.values()],
            **result,
        )

    async def _save(self, run_id: str, records: dict[str, StepRecord], record: StepRecord) -> None:
        await self._runs.save_step(run_id, record)
        records[record.step_path] = record

    async def _watched(self, run_id: str, scope: anyio.CancelScope, work: Callable[[], Awaitable[None]]) -> None:
        """Run `work`, polling the stored status so a cancel from another process stops it too
        (in this process, cancel() cancels the scope directly)."""
        finished = anyio.Event()

        async def main() -> None:
            try:
                await work()
            finally:
                finished.set()

        async def watch() -> None:
            while not finished.is_set():
                with anyio.move_on_after(CANCEL_POLL_S):
                    await finished.wait()
                if finished.is_set():
                    return
                if await self._runs.run_status(run_id) == "canceled":
                    scope.cancel()
                    return

        await together(main, watch)

    async def _attempts(self, step: Step, value: Any, stored_input: Any, path: str, run_id: str,
                        results: dict[str, Any], resume: Any, records: dict[str, StepRecord]) -> Any:
        """Run a step with its retries and timeout and store the outcome. `stored_input` is what the
        snapshot records as input: a reference ({"$output_of": path}) when the input is another
        step's output, which is stored already, so large models are not written twice."""
        started = time.time_ns()
        for attempt in range(1, step.retries + 2):
            data, asked = resume if resume is not None else (None, None)
            ctx = StepContext(run_id, path, attempt, data, results, asked)
            # Status is set here, not by the SDK on any exception: a suspension is not an error.
            with self._tracer.start_as_current_span(f"step {path}", attributes={
                    "archwright.step": step.id, "archwright.attempt": attempt},
                    record_exception=False, set_status_on_exception=False) as span:
                try:
                    if step.timeout_s is not None:
                        with anyio.fail_after(step.timeout_s):
                            output = await _async_call(step.fn, value, ctx, thread=step.in_thread)
                    else:
                        output = await _async_call(step.fn, value, ctx, thread=step.in_thread)
                    output = coerce(output, step.output_type)
                except Suspend as suspension:
                    suspension.path = path
                    span.set_attribute("archwright.step.suspended", True)
                    await self._save(run_id, records, StepRecord(path, "suspended", stored_input, None, None,
                                                                 attempt, started, time.time_ns()))
                    raise
                except (anyio.get_cancelled_exc_class(), RunCanceled):
                    span.set_status(StatusCode.ERROR, "canceled")
                    raise
                except Exception as error:  # noqa: BLE001 - a step's failure is data, stored and reported
                    span.set_status(StatusCode.ERROR, str(error)[:500])
                    message = "timed out" if isinstance(error, TimeoutError) else \
                        self._redactor.text(f"{type(error).__name__}: {error}")[:2_000]
                    if attempt <= step.retries:
                        await anyio.sleep(backoff(step, attempt))
                        continue
                    await self._save(run_id, records, StepRecord(path, "failed", stored_input, None, message,
                                                                 attempt, started, time.time_ns()))
                    raise StepFailed(path, error) from error
                await self._save(run_id, records, StepRecord(path, "success", stored_input, _dump(output), None,
                                                             attempt, started, time.time_ns()))
                return output
        raise AssertionError("unreachable")


def _thread_of(data: BaseModel) -> str | None:
    """The conversation a run belongs to, when its input names one (a `thread_id` field)."""
    thread_id = getattr(data, "thread_id", None)
    return thread_id if isinstance(thread_id, str) else None


def _plain(value: Any) -> Any:
    """A value as a client reads it back (stored JSON text parsed)."""
    return json.loads(value) if isinstance(value, Encoded) else value


def _dump(value: Any) -> Any:
    """JSON for storage, serialised by pydantic's Rust core where the value is a model; fields left at
    their defaults are left out (the model restores them on reading), which keeps a run small enough
    for a desktop client to read whole."""
    if isinstance(value, BaseModel):
        return Encoded(value.model_dump_json(exclude_defaults=True))
    if isinstance(value, list) and value and all(isinstance(v, BaseModel) for v in value):
        return Encoded("[" + ",".join(v.model_dump_json(exclude_defaults=True) for v in value) + "]")
    return value
