"""The registered workflows and their engine, bound to the process's database on first use.

Opening the engine also marks runs left `running` by dead processes as interrupted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

import anyio
from opentelemetry import trace

from archwright.server.advisor import TracedAdvisor
from archwright.server.store import Database, StoreError
from archwright.server.store.runs import RunStore
from archwright.server.telemetry.redact import Redactor
from archwright.server.workflows.engine import Workflow
from archwright.server.workflows.report import architecture_report
from archwright.server.workflows.runs import Engine, RunView, WorkflowRunError


def registered_workflows(advisor: TracedAdvisor) -> dict[str, Workflow]:
    workflows = [architecture_report(advisor)]
    return {w.id: w for w in workflows}


class WorkflowService:
    """The workflows this process knows and the engine that runs them (one per process)."""

    def __init__(self, database: Database, tracer: trace.Tracer, advisor: TracedAdvisor,
                 redactor: Redactor | None = None,
                 on_success: Sequence[Callable[[RunView], Awaitable[None]]] = ()) -> None:
        self._database = database
        self._on_success = list(on_success)
        self._tracer = tracer
        self._redactor = redactor
        self.workflows = registered_workflows(advisor)
        self._engine: Engine | None = None
        self._lock = anyio.Lock()

    @property
    def opened(self) -> Engine | None:
        """The engine if it was ever opened in this process (nothing to settle otherwise)."""
        return self._engine

    async def engine(self) -> Engine:
        """The engine; raises WorkflowRunError saying why when the database cannot be used."""
        async with self._lock:
            if self._engine is None:
                try:
                    await self._database.connection()
                except StoreError as error:
                    raise WorkflowRunError(f"Workflow runs need the database, which cannot be used: {error}") from None
                engine = Engine(RunStore(self._database), self.workflows, self._tracer, self._redactor)
                engine.on_success.extend(self._on_success)
                await engine.recover_interrupted()
                self._engine = engine
            return self._engine
