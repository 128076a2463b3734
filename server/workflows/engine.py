"""Typed workflows with persisted, resumable runs.

A workflow is a chain of nodes over pydantic models: `then` (a step), `parallel` (steps on the
same input, output keyed by step id), `branch` (the first matching condition's step), `until` /
`dowhile` (repeat a step), `foreach` (a step per list item, with a concurrency limit) and `map`
(reshape data). Adjacent types are checked when the workflow is built: a mismatch names both
nodes and the missing fields.

Every step's result is stored as it finishes. Resuming, after a suspension or a crash, replays
the workflow from the top and every step whose stored snapshot says success returns its stored
output instead of running again: finished work is never redone, by construction. A suspended
step runs again with the resume data, validated first against the schema stored with the run.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar, get_args, get_origin, get_type_hints

import anyio
from pydantic import BaseModel, ValidationError, create_model


M = TypeVar("M", bound=BaseModel)


class WorkflowBuildError(TypeError):
    """The workflow's steps do not fit together; the message names the nodes and fields."""


class Suspend(Exception):
    """Raised by StepContext.suspend: the run pauses until resume() brings data of `resume_model`."""

    def __init__(self, payload: dict[str, Any], resume_model: type[BaseModel]) -> None:
        super().__init__("suspended")
        self.payload = payload
        self.resume_model = resume_model
        self.path = ""


class StepFailed(RuntimeError):
    def __init__(self, path: str, error: BaseException) -> None:
        super().__init__(f"step {path!r} failed: {type(error).__name__}: {error}")


class RunCanceled(RuntimeError):
    pass


@dataclass
class StepContext:
    """What a step can see: its run, its attempt, earlier results, resume data; and how to suspend."""

    run_id: str
    path: str
    attempt: int
    resume_data: Any
    results: dict[str, Any]
    asked: Any = None  # when resumed: the payload this step suspended with (what it asked for)

    def resumed(self, model: type[M]) -> M | None:
        """The resume data as `model` when this step runs again after a suspension, else None."""
        return None if self.resume_data is None else model.model_validate(self.resume_data)

    def result(self, step_id: str) -> Any:
        """The output of an earlier step of this run, by id."""
        if step_id not in self.results:
            raise KeyError(f"no result for step {step_id!r} yet (known: {', '.join(self.results) or 'none'})")
        return self.results[step_id]

    def suspend(self, payload: dict[str, Any], resume_model: type[BaseModel]) -> NoReturn:
        raise Suspend(payload, resume_model)


StepFn = Callable[[Any, StepContext], Any]


@dataclass(frozen=True)
class Step:
    """A typed unit of work: an input model, an output model, a sync or async function."""

    id: str
    fn: StepFn
    input_type: Any
    output_type: Any
    retries: int = 0
    backoff_s: float = 0.05
    timeout_s: float | None = None
    description: str = ""
    thread: bool = False

    @property
    def in_thread(self) -> bool:
        """Sync steps run in a worker thread when asked to, or when a timeout must be able to abandon them."""
        return self.thread or self.timeout_s is not None


def step(
    id: str | None = None, *, retries: int = 0, backoff_s: float = 0.05, timeout_s: float | None = None,
    thread: bool = False,
) -> Callable[[StepFn], Step]:
    """Make a Step from `fn(input: In, ctx: StepContext) -> Out`, reading the models from its hints.
    A sync function runs on the event loop unless `thread=True` (use it for blocking work)."""

    def build(fn: StepFn) -> Step:
        hints = get_type_hints(fn)
        parameters = list(inspect.signature(fn).parameters)
        if not parameters or parameters[0] not in hints or "return" not in hints:
            raise WorkflowBuildError(f"step {fn.__name__}: annotate the input parameter and the return type")
        return Step(id or fn.__name__, fn, hints[parameters[0]], hints["return"], retries, backoff_s, timeout_s,
                    (inspect.getdoc(fn) or "").split("\n")[0], thread)

    return build


def _name(kind: Any) -> str:
    return getattr(kind, "__name__", None) or repr(kind)


def _fields(kind: Any) -> dict[str, Any]:
    return {n: f.annotation for n, f in kind.model_fields.items()} if _is_model(kind) else {}


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def check_fits(produced: Any, expected: Any, producer: str, consumer: str) -> None:
    """Raise WorkflowBuildError unless what `producer` makes is what `consumer` takes."""
    if expected is Any or produced == expected:
        return
    if get_origin(expected) is list:
        if get_origin(produced) is not list:
            raise WorkflowBuildError(f"{consumer} takes a list of {_name(get_args(expected)[0])}, but {producer} "
                                     f"produces {_name(produced)}")
        check_fits(get_args(produced)[0], get_args(expected)[0], producer, consumer)
        return
    if _is_model(produced) and _is_model(expected):
        if issubclass(produced, expected):
            return
        have = _fields(produced)
        missing = [f"{n} ({_name(t)})" for n, f in expected.model_fields.items() if f.is_required()
                   for t in [f.annotation] if n not in have or (have[n] != t and not _fits_type(have[n], t))]
        if missing:
            raise WorkflowBuildError(
                f"{consumer} expects {_name(expected)} with field(s) {', '.join(missing)}, which {producer} does not "
                f"produce ({_name(produced)} has: {', '.join(f'{n} ({_name(t)})' for n, t in have.items()) or 'nothing'})"
            )
        return
    raise WorkflowBuildError(f"{consumer} takes {_name(expected)}, but {producer} produces {_name(produced)}")


def _fits_type(produced: Any, expected: Any) -> bool:
    return _is_model(produced) and _is_model(expected) and issubclass(produced, expected)


def coerce(value: Any, expected: Any) -> Any:
    """Carry a value across a structurally checked edge (one model into a compatible other)."""
    if expected is Any:
        return value
    if get_origin(expected) is list:
        return [coerce(item, get_args(expected)[0]) for item in value]
    if _is_model(expected) and not isinstance(value, expected):
        if isinstance(value, BaseModel):
            # Shallow first: nested models pass through as the same objects, so the engine still
            # recognises them as earlier steps' outputs and stores references, not copies.
            try:
                return expected.model_validate(dict(value))
            except ValidationError:
                return expected.model_validate(value.model_dump())
        return expected.model_validate(value)
    return value


Runner = Callable[["Node", Any, str], Awaitable[Any]]


@dataclass
class Node:
    """One position in a workflow."""

    id: str
    kind: str
    input_type: Any
    output_type: Any
    step: Step | None = None
    children: list[Node] = field(default_factory=list)
    conditions: list[Callable[[Any], bool]] = field(default_factory=list)
    mapper: Callable[[Any, StepContext], Any] | None = None
    concurrency: int = 1
    max_iterations: int = 0


async def _async_call(fn: Callable[..., Any], *args: Any, thread: bool = False) -> Any:
    """Await an async function; call a sync one inline (the advisor's steps take milliseconds), or in
    a worker thread when `thread` is set (a slow or blocking step, or one with a timeout, which can
    then be abandoned)."""
    if inspect.iscoroutinefunction(fn):
        return await fn(*args)
    if thread:
        return await anyio.to_thread.run_sync(lambda: fn(*args), abandon_on_cancel=True)
    return fn(*args)


class Workflow:
    """A typed chain of nodes; build with the combinators, then `commit()`."""

    def __init__(self, id: str, input_model: type[BaseModel], *, description: str = "") -> None:
        self.id = id
        self.description = description
        self.input_model = input_model
        self.nodes: list[Node] = []
        self._produced: Any = input_model
        self._producer = "the workflow input"
        self.committed = False

    @property
    def output_type(self) -> Any:
        return self._produced

    def _add(self, node: Node) -> Workflow:
        if self.committed:
            raise WorkflowBuildError(f"workflow {self.id!r} is committed; build a new one to change it")
        if any(existing.id == node.id for existing in self._all_nodes()):
            raise WorkflowBuildError(f"workflow {self.id!r} already has a node {node.id!r}")
        check_fits(self._produced, node.input_type, self._producer, f"{node.kind} {node.id!r}")
        self.nodes.append(node)
        self._produced, self._producer = node.output_type, f"{node.kind} {node.id!r}"
        return self

    def _all_nodes(self) -> list[Node]:
        found: list[Node] = []
        stack = list(self.nodes)
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children)
        return found

    def then(self, step: Step) -> Workflow:
        return self._add(Node(step.id, "step", step.input_type, step.output_type, step=step))

    def parallel(self, *steps: Step, id: str | None = None) -> Workflow:
        if len(steps) < 2:
            raise WorkflowBuildError("parallel needs at least two steps")
        first = steps[0].input_type
        for other in steps[1:]:
            check_fits(first, other.input_type, f"step {steps[0].id!r}", f"parallel step {other.id!r}")
        output = create_model(f"{id or 'parallel'}_output", **{s.id: (s.output_type, ...) for s in steps})  # type: ignore[call-overload]
        children = [Node(s.id, "step", s.input_type, s.output_type, step=s) for s in steps]
        return self._add(Node(id or "parallel(" + ",".join(s.id for s in steps) + ")", "parallel", first, output,
                              children=children))

    def branch(self, *cases: tuple[Callable[[Any], bool], Step], id: str | None = None) -> Workflow:
        if not cases:
            raise WorkflowBuildError("branch needs at least one (condition, step) case")
        output = cases[0][1].output_type
        for _, case in cases[1:]:
            if case.output_type != output:
                raise WorkflowBuildError(f"branch cases must produce one type: {cases[0][1].id!r} produces "
                                         f"{_name(output)}, {case.id!r} produces {_name(case.output_type)}")
        children = [Node(s.id, "step", s.input_type, s.output_type, step=s) for _, s in cases]
        for child in children:
            check_fits(self._produced, child.input_type, self._producer, f"branch case {child.id!r}")
        return self._add(Node(id or "branch(" + ",".join(c.id for c in children) + ")", "branch", cases[0][1].input_type,
                              output, children=children, conditions=[c for c, _ in cases]))

    def map(self, fn: Callable[[Any, StepContext], Any], output_model: Any, *, id: str, input_type: Any = Any) -> Workflow:
        return self._add(Node(id, "map", input_type, output_model, mapper=fn))

    def nest(self, workflow: Workflow) -> Workflow:
        """Run a committed workflow as one node of this one: its steps run in order on this run,
        stored and traced under the node's path (`<id>/<step>`)."""
        return self._add(_nested(workflow))

    def _loop(self, body: Step | Workflow, condition: Callable[[Any], bool], kind: str, max_iterations: int) -> Workflow:
        child = _nested(body) if isinstance(body, Workflow) else Node(body.id, "step", body.input_type,
                                                                        body.output_type, step=body)
        check_fits(child.output_type, child.input_type, f"{child.kind} {child.id!r}", f"the next {kind} iteration")
        return self._add(Node(f"{kind}({child.id})", kind, child.input_type, child.output_type, children=[child],
                              conditions=[condition], max_iterations=max_iterations))

    def until(self, body: Step | Workflow, condition: Callable[[Any], bool], *, max_iterations: int = 20) -> Workflow:
        """Run `body` (a step or a nested workflow) repeatedly until `condition(output)` holds (at least once)."""
        return self._loop(body, condition, "until", max_iterations)

    def dowhile(self, body: Step | Workflow, condition: Callable[[Any], bool], *, max_iterations: int = 20) -> Workflow:
        """Run `body` (a step or a nested workflow) repeatedly while `condition(output)` holds (at least once)."""
        return self._loop(body, condition, "while", max_iterations)

    def foreach(self, step: Step, *, concurrency: int = 4) -> Workflow:
        child = Node(step.id, "step", step.input_type, step.output_type, step=step)
        return self._add(Node(f"foreach({step.id})", "foreach", list[step.input_type],  # type: ignore[name-defined]
                              list[step.output_type], children=[child], concurrency=max(1, concurrency)))  # type: ignore[name-defined]

    def commit(self) -> Workflow:
        if not self.nodes:
            raise WorkflowBuildError(f"workflow {self.id!r} has no steps")
        self.committed = True
        return self

    def describe(self) -> dict[str, Any]:
        def node(n: Node) -> dict[str, Any]:
            return {"id": n.id, "kind": n.kind, "input": _name(n.input_type), "output": _name(n.output_type),
                    "children": [node(c) for c in n.children]}

        return {"id": self.id, "description": self.description, "input_schema": self.input_model.model_json_schema(),
                "steps": [node(n) for n in self.nodes], "mermaid": self.mermaid()}

    def mermaid(self) -> str:
        lines = ["flowchart TD", '  start(["input"])']
        previous = ["start"]
        for index, node in enumerate(self.nodes):
            ids = [f"n{index}_{j}" for j in range(max(1, len(node.children)))] if node.kind in ("parallel", "branch") \
                else [f"n{index}"]
            labels = [c.id for c in node.children] if node.kind in ("parallel", "branch") else [node.id]
            for node_id, label in zip(ids, labels, strict=True):
                safe = "".join(ch if ch.isalnum() or ch in " _-,()" else "_" for ch in label)
                lines.append(f'  {node_id}["{node.kind}: {safe}"]')
                for source in previous:
                    lines.append(f"  {source} --> {node_id}")
            previous = ids
        lines.append('  finish(["output"])')
        lines += [f"  {source} --> finish" for source in previous]
        return "\n".join(lines) + "\n"


def _nested(workflow: Workflow) -> Node:
    if not workflow.committed:
        raise WorkflowBuildError(f"workflow {workflow.id!r} must be committed before it is nested")
    return Node(workflow.id, "workflow", workflow.input_model, workflow.output_type, children=list(workflow.nodes))


def _deciding(group: BaseExceptionGroup) -> BaseException:
    """The exception that decides a run's fate among a task group's: a cancellation, then a
    suspension, then a failure (task groups wrap even a single exception in a group)."""
    leaves: list[BaseException] = []

    def walk(error: BaseException) -> None:
        if isinstance(error, BaseExceptionGroup):
            for inner in error.exceptions:
                walk(inner)
        else:
            leaves.append(error)

    walk(group)
    for kind in (RunCanceled, Suspend, StepFailed):
        for leaf in leaves:
            if isinstance(leaf, kind):
                return leaf
    return leaves[0]


async def together(*jobs: Callable[[], Awaitable[None]], limit: int | None = None) -> None:
    """Run jobs concurrently (at most `limit` at once); re-raise the deciding exception unwrapped."""
    limiter = anyio.CapacityLimiter(limit) if limit else None

    async def guarded(job: Callable[[], Awaitable[None]]) -> None:
        if limiter is None:
            await job()
            return
        async with limiter:
            await job()

    try:
        async with anyio.create_task_group() as group:
            for job in jobs:
                group.start_soon(guarded, job)
    except BaseExceptionGroup as errors:
        raise _deciding(errors) from None


async def run_node(node: Node, value: Any, prefix: str, execute_step: Callable[[Step, Any, str], Awaitable[Any]],
                   context: Callable[[str], StepContext]) -> Any:
    """Evaluate one node; `execute_step` runs (or restores) a single step at a path."""
    path = f"{prefix}{node.id}"
    if node.kind == "step":
        assert node.step is not None
        return await execute_step(node.step, coerce(value, node.step.input_type), path)
    if node.kind == "map":
        assert node.mapper is not None
        return coerce(await _async_call(node.mapper, value, context(path)), node.output_type)
    if node.kind == "parallel":
        results: dict[str, Any] = {}

        def branch(child: Node) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                results[child.id] = await run_node(child, value, f"{path}/", execute_step, context)
            return job

        await together(*(branch(child) for child in node.children))
        return node.output_type(**{c.id: results[c.id] for c in node.children})
    if node.kind == "branch":
        for condition, child in zip(node.conditions, node.children, strict=True):
            if condition(value):
                return await run_node(child, value, f"{path}/", execute_step, context)
        raise StepFailed(path, ValueError("no branch condition matched the input"))
    if node.kind == "workflow":
        current = coerce(value, node.input_type)
        for child in node.children:
            current = await run_node(child, current, f"{path}/", execute_step, context)
        return current
    if node.kind in ("until", "while"):
        current = value
        for iteration in range(node.max_iterations):
            current = await run_node(node.children[0], current, f"{path}/{iteration}/", execute_step, context)
            done = node.conditions[0](current)
            if (node.kind == "until" and done) or (node.kind == "while" and not done):
                return current
        raise StepFailed(path, RuntimeError(f"did not finish within {node.max_iterations} iterations"))
    if node.kind == "foreach":
        outputs: list[Any] = [None] * len(value)

        def item(index: int, element: Any) -> Callable[[], Awaitable[None]]:
            async def job() -> None:
                outputs[index] = await run_node(node.children[0], element, f"{path}/{index}/", execute_step, context)
            return job

        await together(*(item(i, e) for i, e in enumerate(value)), limit=node.concurrency)
        return outputs
    raise WorkflowBuildError(f"unknown node kind {node.kind!r}")


def backoff(step: Step, attempt: int) -> float:
    return step.backoff_s * math.pow(2, attempt - 1)


def step_count(nodes: Sequence[Node]) -> int:
    """Steps a run executes at least (for progress): loops and foreach count once."""
    return sum(len(n.children) if n.kind in ("parallel",) else 1 for n in nodes)
