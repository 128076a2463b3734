"""The workflow engine on a real SQLite file: combinators, types, retries, timeouts, cancel, resume."""

from __future__ import annotations

from pathlib import Path

import anyio
import pytest
from opentelemetry.trace import NoOpTracerProvider
from pydantic import BaseModel

from archwright.server.store import Database
from archwright.server.store.runs import RunStore
from archwright.server.workflows.engine import StepContext, Workflow, WorkflowBuildError, step
from archwright.server.workflows.runs import Engine, WorkflowRunError

pytestmark = pytest.mark.anyio


class Number(BaseModel):
    value: int


class Text(BaseModel):
    text: str


class Numbers(BaseModel):
    values: list[int]


class Answer(BaseModel):
    answer: int


calls: dict[str, int] = {}


def _count(name: str) -> None:
    calls[name] = calls.get(name, 0) + 1


@step()
def double(n: Number, ctx: StepContext) -> Number:
    _count("double")
    return Number(value=n.value * 2)


@step()
async def increment(n: Number, ctx: StepContext) -> Number:
    _count("increment")
    return Number(value=n.value + 1)


@step()
def describe(n: Number, ctx: StepContext) -> Text:
    return Text(text=f"value {n.value}")


@step()
def negative(n: Number, ctx: StepContext) -> Text:
    return Text(text="negative")


@step()
def ask(n: Number, ctx: StepContext) -> Number:
    _count("ask")
    answer = ctx.resumed(Answer)
    if answer is None:
        ctx.suspend({"question": f"what to add to {n.value}?"}, Answer)
    return Number(value=n.value + answer.answer)


async def _engine(tmp_path: Path, *workflows: Workflow) -> tuple[Engine, Database]:
    store = await Database.opened(str(tmp_path / "runs.db"))
    return Engine(RunStore(store), {w.id: w for w in workflows}, NoOpTracerProvider().get_tracer("t")), store


async def test_then_chains_steps_and_stores_each_result(tmp_path: Path) -> None:
    flow = Workflow("chain", Number).then(double).then(increment).then(describe).commit()
    engine, store = await _engine(tmp_path, flow)
    run = await engine.start("chain", {"value": 5})
    assert run.status == "success" and run.output == {"text": "value 11"}
    assert [s.path for s in run.steps] == ["double", "increment", "describe"]
    assert all(s.status == "success" and s.duration_ms is not None for s in run.steps)
    await store.close()


async def test_parallel_outputs_are_keyed_by_step_id(tmp_path: Path) -> None:
    flow = Workflow("fan", Number).parallel(double, increment, id="both").commit()
    engine, store = await _engine(tmp_path, flow)
    run = await engine.start("fan", {"value": 3})
    assert run.output == {"double": {"value": 6}, "increment": {"value": 4}}
    assert {s.path for s in run.steps} == {"both/double", "both/increment"}
    await store.close()


async def test_branch_takes_the_first_matching_case(tmp_path: Path) -> None:
    flow = Workflow("pick", Number).branch((lambda n: n.value < 0, negative), (lambda n: True, describe)).commit()
    engine, store = await _engine(tmp_path, flow)
    assert (await engine.start("pick", {"value": -1})).output == {"text": "negative"}
    assert (await engine.start("pick", {"value": 2})).output == {"text": "value 2"}
    await store.close()


async def test_until_and_dowhile_loop_with_a_step_per_iteration(tmp_path: Path) -> None:
    up = Workflow("up", Number).until(increment, lambda n: n.value >= 3).commit()
    down = Workflow("down", Number).dowhile(double, lambda n: n.value < 20).commit()
    engine, store = await _engine(tmp_path, up, down)
    run = await engine.start("up", {"value": 0})
    assert run.output == {"value": 3} and len(run.steps) == 3
    assert (await engine.start("down", {"value": 3})).output == {"value": 24}
    await store.close()


async def test_a_nested_workflow_runs_inside_a_loop_and_as_a_node(tmp_path: Path) -> None:
    body = Workflow("body", Number).then(double).then(increment).commit()
    loop = Workflow("loop", Number).until(body, lambda n: n.value > 20).commit()
    once = Workflow("once", Number).nest(body).then(describe).commit()
    engine, store = await _engine(tmp_path, loop, once)
    run = await engine.start("loop", {"value": 1})  # 1 -> 3 -> 7 -> 15 -> 31
    assert run.output == {"value": 31}
    assert [s.path for s in run.steps][:2] == ["until(body)/0/body/double", "until(body)/0/body/increment"]
    assert len(run.steps) == 8
    assert (await engine.start("once", {"value": 2})).output == {"text": "value 5"}
    assert loop.describe()["steps"][0]["children"][0]["kind"] == "workflow"
    with pytest.raises(WorkflowBuildError, match="committed"):
        Workflow("open", Number).nest(Workflow("unfinished", Number).then(double))
    with pytest.raises(WorkflowBuildError, match="Text"):
        Workflow("mismatch", Number).until(Workflow("to_text", Number).then(describe).commit(), lambda _: True)
    await store.close()


async def test_a_resumed_nested_loop_does_not_redo_finished_rounds(tmp_path: Path) -> None:
    body = Workflow("asking_body", Number).then(double).then(ask).commit()
    flow = Workflow("asking_loop", Number).until(body, lambda n: n.value > 10).commit()
    engine, store = await _engine(tmp_path, flow)
    calls.clear()
    run = await engine.start("asking_loop", {"value": 1})
    assert run.status == "suspended" and run.suspended_step == "until(asking_body)/0/asking_body/ask"
    resumed = await engine.resume(run.run_id, {"answer": 5})  # 1 -> 2 + 5 = 7, then 14 asks again
    assert resumed.status == "suspended" and resumed.suspended_step == "until(asking_body)/1/asking_body/ask"
    assert calls["double"] == 2  # the first round's double ran once, not again on resume
    await store.close()


async def test_foreach_runs_a_step_per_item_with_a_concurrency_limit(tmp_path: Path) -> None:
    active = [0]
    peak = [0]

    @step()
    async def slow(n: Number, ctx: StepContext) -> Number:
        active[0] += 1
        peak[0] = max(peak[0], active[0])
        await anyio.sleep(0.02)
        active[0] -= 1
        return Number(value=n.value * 10)

    flow = (Workflow("each", Numbers)
            .map(lambda ns, ctx: [Number(value=v) for v in ns.values], list[Number], id="split", input_type=Numbers)
            .foreach(slow, concurrency=2)
            .map(lambda items, ctx: Numbers(values=[i.value for i in items]), Numbers, id="join")
            .commit())
    engine, store = await _engine(tmp_path, flow)
    run = await engine.start("each", {"values": [1, 2, 3, 4, 5]})
    assert run.output == {"values": [10, 20, 30, 40, 50]}
    assert peak[0] == 2
    await store.close()


def test_a_type_mismatch_is_a_build_error_naming_both_steps_and_the_fields() -> None:
    with pytest.raises(WorkflowBuildError) as error:
        Workflow("bad", Number).then(describe).then(double)
    message = str(error.value)
    assert "step 'double'" in message and "step 'describe'" in message and "value (int)" in message and "text (str)" in message


def test_branch_cases_must_agree_on_their_output() -> None:
    with pytest.raises(WorkflowBuildError, match="one type"):
        Workflow("b", Number).branch((lambda n: True, describe), (lambda n: True, double))


async def test_retries_with_backoff_then_success(tmp_path: Path) -> None:
    attempts = [0]

    @step(retries=2, backoff_s=0.01)
    def flaky(n: Number, ctx: StepContext) -> Number:
        attempts[0] += 1
        if ctx.attempt < 3:
            raise ConnectionError("transient")
        return n

    engine, store = await _engine(tmp_path, Workflow("flaky", Number).then(flaky).commit())
    run = await engine.start("flaky", {"value": 1})
    assert run.status == "success" and attempts[0] == 3 and run.steps[0].attempts == 3
    await store.close()


async def test_a_step_that_keeps_failing_fails_the_run_with_the_error_stored(tmp_path: Path) -> None:
    @step(retries=1, backoff_s=0.001)
    def broken(n: Number, ctx: StepContext) -> Number:
        raise ValueError("bad data")

    engine, store = await _engine(tmp_path, Workflow("broken", Number).then(broken).commit())
    run = await engine.start("broken", {"value": 1})
    assert run.status == "failed" and "ValueError: bad data" in (run.error or "")
    assert run.steps[0].status == "failed" and run.steps[0].attempts == 2
    await store.close()


async def test_a_step_past_its_timeout_fails(tmp_path: Path) -> None:
    @step(timeout_s=0.05)
    async def sleepy(n: Number, ctx: StepContext) -> Number:
        await anyio.sleep(5)
        return n

    engine, store = await _engine(tmp_path, Workflow("sleepy", Number).then(sleepy).commit())
    with anyio.fail_after(3):
        run = await engine.start("sleepy", {"value": 1})
    assert run.status == "failed" and run.steps[0].error == "timed out"
    await store.close()


def _waiting() -> tuple[Workflow, anyio.Event]:
    """A workflow whose step signals it started, then waits long enough to be canceled."""
    started = anyio.Event()

    @step()
    async def wait(n: Number, ctx: StepContext) -> Number:
        started.set()
        await anyio.sleep(10)
        return n

    return Workflow("wait", Number).then(wait).then(double).commit(), started


async def test_cancel_from_outside_stops_a_running_run(tmp_path: Path) -> None:
    flow, started = _waiting()
    engine, store = await _engine(tmp_path, flow)
    outcome: dict[str, object] = {}

    async def run() -> None:
        outcome["run"] = await engine.start("wait", {"value": 1})

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            await started.wait()
            listed = await engine.list(workflow_id="wait", status="running")
            await engine.cancel(listed[0].run_id)
    assert outcome["run"].status == "canceled"  # type: ignore[attr-defined]
    with pytest.raises(WorkflowRunError, match="already finished"):
        await engine.cancel(outcome["run"].run_id)  # type: ignore[attr-defined]
    await store.close()


async def test_suspend_then_resume_continues_without_rerunning_finished_steps(tmp_path: Path) -> None:
    calls.clear()
    flow = Workflow("ask", Number).then(double).then(ask).then(increment).commit()
    engine, store = await _engine(tmp_path, flow)
    run = await engine.start("ask", {"value": 4})
    assert run.status == "suspended" and run.suspended_step == "ask"
    assert run.question == {"question": "what to add to 8?"}
    assert run.resume_schema["properties"]["answer"]["type"] == "integer"
    with pytest.raises(WorkflowRunError, match="does not fit"):
        await engine.resume(run.run_id, {"answer": "lots"})
    resumed = await engine.resume(run.run_id, {"answer": 100})
    assert resumed.status == "success" and resumed.output == {"value": 109}
    assert calls == {"double": 1, "ask": 2, "increment": 1}
    with pytest.raises(WorkflowRunError, match="only suspended or interrupted"):
        await engine.resume(run.run_id, {"answer": 1})
    await store.close()


async def test_bad_requests_name_what_was_expected(tmp_path: Path) -> None:
    engine, store = await _engine(tmp_path, Workflow("chain", Number).then(double).commit())
    with pytest.raises(WorkflowRunError, match="Unknown workflow 'nope'. Known workflows: chain"):
        await engine.start("nope", {})
    with pytest.raises(WorkflowRunError, match="does not fit workflow 'chain'"):
        await engine.start("chain", {"value": "many"})
    with pytest.raises(WorkflowRunError, match="32 lowercase hexadecimal"):
        await engine.get("../../etc")
    with pytest.raises(WorkflowRunError, match="No run with id"):
        await engine.get("0" * 32)
    await store.close()


async def test_a_failing_or_suspending_parallel_branch_settles_the_run(tmp_path: Path) -> None:
    @step()
    def boom(n: Number, ctx: StepContext) -> Number:
        raise RuntimeError("branch broke")

    failing = Workflow("failing", Number).parallel(double, boom, id="fan").commit()
    asking = Workflow("asking", Number).parallel(double, ask, id="fan").commit()
    each = Workflow("each", Numbers).map(lambda ns, ctx: [Number(value=v) for v in ns.values], list[Number],
                                         id="split", input_type=Numbers).foreach(boom).commit()
    engine, store = await _engine(tmp_path, failing, asking, each)
    failed = await engine.start("failing", {"value": 1})
    assert failed.status == "failed" and "branch broke" in (failed.error or "")
    suspended = await engine.start("asking", {"value": 1})
    assert suspended.status == "suspended" and suspended.suspended_step == "fan/ask"
    resumed = await engine.resume(suspended.run_id, {"answer": 1})
    assert resumed.status == "success" and resumed.output == {"double": {"value": 2}, "ask": {"value": 2}}
    assert (await engine.start("each", {"values": [1, 2]})).status == "failed"
    await store.close()


async def test_a_cancel_from_another_engine_on_the_same_file_stops_the_run(tmp_path: Path) -> None:
    flow, started = _waiting()
    engine, store = await _engine(tmp_path, flow)
    other, other_store = await _engine(tmp_path, flow)  # its own connection and scopes, like another process
    outcome: dict[str, object] = {}

    async def run() -> None:
        outcome["run"] = await engine.start("wait", {"value": 1})

    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(run)
            await started.wait()
            running = await other.list(status="running")
            await other.cancel(running[0].run_id)
    assert outcome["run"].status == "canceled"  # type: ignore[attr-defined]
    await store.close()
    await other_store.close()
