"""The registered workflows and their engine, bound to the process's storage on first use.

Opening the engine also marks runs left `running` by dead processes as interrupted.
"""

from __future__ import annotations

import anyio
from opentelemetry import trace

from archwright.server.storage import Storage
from archwright.server.store import RunStore, StoreError
from archwright.server.workflows.engine import Workflow
from archwright.server.workflows.report import architecture_report
from archwright.server.workflows.runs import Engine, WorkflowRunError


def registered_workflows() -> dict[str, Workflow]:
    workflows = [architecture_report()]
    return {w.id: w for w in workflows}


class WorkflowService:
    def __init__(self, storage: Storage, tracer: trace.Tracer) -> None:
        self._storage = storage
        self._tracer = tracer
        self.workflows = registered_workflows()
        self._engine: Engine | None = None
        self._lock = anyio.Lock()

    async def engine(self) -> Engine:
        async with self._lock:
            if self._engine is None:
                try:
                    store = await self._storage.store()
                except StoreError as error:
                    raise WorkflowRunError(f"Workflow runs need the database, which cannot be used: {error}") from None
                self._engine = Engine(RunStore(store), self.workflows, self._tracer)
                await self._engine.recover_interrupted()
            return self._engine
