"""A separate process running test workflows against a database (crash and cross-process tests).

    python workflow_process.py DB start WORKFLOW          (prints the run as JSON, then waits if LINGER=1)
    python workflow_process.py DB resume RUN_ID DATA_JSON
    python workflow_process.py DB recover RUN_ID          (marks dead runs interrupted, then resumes RUN_ID)

Every step appends its name to the file named by CALL_LOG, so a test can prove what ran and how often.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import anyio
from opentelemetry.trace import NoOpTracerProvider
from pydantic import BaseModel

from archwright.server.store import Database
from archwright.server.store.runs import RunStore
from archwright.server.workflows.engine import StepContext, Workflow, step
from archwright.server.workflows.runs import Engine


class N(BaseModel):
    value: int


class Answer(BaseModel):
    answer: int


def log(name: str) -> None:
    with Path(os.environ["CALL_LOG"]).open("a") as handle:
        handle.write(name + "\n")


@step()
def first(n: N, ctx: StepContext) -> N:
    log("first")
    return N(value=n.value + 1)


@step(thread=True)
def slow(n: N, ctx: StepContext) -> N:
    log("slow-start")
    if os.environ.get("HANG"):
        print("HANGING", flush=True)
        time.sleep(120)
    log("slow-end")
    return N(value=n.value * 10)


@step()
def ask(n: N, ctx: StepContext) -> N:
    answer = ctx.resumed(Answer)
    if answer is None:
        log("ask-suspend")
        ctx.suspend({"question": f"what to add to {n.value}?"}, Answer)
    log("ask-done")
    return N(value=n.value + answer.answer)


@step()
def last(n: N, ctx: StepContext) -> N:
    log("last")
    return n


WORKFLOWS = {w.id: w for w in (
    Workflow("crashy", N).then(first).then(slow).then(last).commit(),
    Workflow("asking", N).then(first).then(ask).then(last).commit(),
)}


async def main(db: str, command: str, *args: str) -> None:
    store = await Database.opened(db)
    engine = Engine(RunStore(store), WORKFLOWS, NoOpTracerProvider().get_tracer("t"))
    if command == "start":
        run = await engine.start(args[0], {"value": 1})
    elif command == "resume":
        run = await engine.resume(args[0], json.loads(args[1]))
    else:
        print(json.dumps({"interrupted": await engine.recover_interrupted()}), flush=True)
        run = await engine.resume(args[0], None)
    print(run.model_dump_json(), flush=True)
    if os.environ.get("LINGER"):
        await anyio.sleep(120)
    await store.close()


if __name__ == "__main__":
    anyio.run(main, *sys.argv[1:])
