"""The one owner of what runs: the database, telemetry and the services built on them.

The MCP server (any number of sessions, over stdio or HTTP), the command line, and later the
agent and Studio all take their services from a `Runtime`, so each exists once per process and
has one lifecycle: created from settings, opened on first use, closed once by whoever created it.
An MCP session ending closes nothing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from importlib.metadata import PackageNotFoundError, version
from types import TracebackType

from opentelemetry import trace

from archwright.server.advisor import TracedAdvisor
from archwright.server.config import Settings
from archwright.server.agent.advise import AdviseService
from archwright.server.evals.service import ScoringService
from archwright.server.store import Database, StoreError
from archwright.server.store.scores import ScoreStore
from archwright.server.store.threads import ThreadStore
from archwright.server.store.retention import prune, prune_sync
from archwright.server.telemetry.redact import Redactor
from archwright.server.telemetry.traces import TraceService
from archwright.server.telemetry.tracing import Telemetry, setup_telemetry
from archwright.server.workflows.runs import Engine
from archwright.server.workflows.service import WorkflowService

logger = logging.getLogger("archwright.runtime")


def package_version() -> str:
    try:
        return version("archwright")
    except PackageNotFoundError:
        return "0+unknown"


class Runtime:
    """The process's services. `telemetry` is None when tracing is off: tools still answer, and the
    trace tools say tracing is disabled."""

    def __init__(self, settings: Settings, telemetry: Telemetry | None = None) -> None:
        self.settings = settings
        self.telemetry = telemetry
        self._owns_telemetry = False  # a telemetry handed in (tests share one) is its giver's to shut down
        self.database = Database(settings.db_path)
        tracer = telemetry.tracer() if telemetry else trace.get_tracer("archwright")
        self.advisor = TracedAdvisor(tracer)
        self.traces = TraceService(telemetry, self.database)
        redactor = telemetry.redactor if telemetry else Redactor.from_env()
        self.scoring = ScoringService(ScoreStore(self.database, redactor.value))
        self.threads = ThreadStore(self.database, redactor.value)
        self.conversations = AdviseService(self.threads, self.advisor, tracer)
        self.workflows = WorkflowService(self.database, tracer, self.advisor, redactor,
                                         on_success=[self.scoring.after_run])

    @classmethod
    def from_settings(cls, settings: Settings, *, install_global: bool = False,
                      apply_retention: bool = False) -> Runtime:
        """A runtime with tracing as the settings say. `install_global` makes its tracer provider the
        process's (the MCP SDK's own spans then land in the same traces); `apply_retention` prunes
        old records on a background thread, so start-up never waits for a VACUUM."""
        telemetry = None
        if settings.tracing:
            telemetry = setup_telemetry(settings.db_path, version=package_version(), install_global=install_global)
        runtime = cls(settings, telemetry)
        runtime._owns_telemetry = telemetry is not None
        if apply_retention and settings.retention_seconds is not None:
            threading.Thread(target=runtime._prune_quietly, name="retention", daemon=True).start()
        return runtime

    @property
    def traced(self) -> bool:
        """Whether calls are recorded, so results can link to their stored traces."""
        return self.telemetry is not None

    async def engine(self) -> Engine:
        return await self.workflows.engine()

    async def prune(self, older_than_seconds: float) -> dict[str, int]:
        """Delete traces and finished runs older than the age (suspended and interrupted runs stay),
        then give the space back to the file system."""
        return await prune(self.database, older_than_seconds, reclaim=True)

    def _prune_quietly(self) -> None:
        """Apply the retention setting; a database problem is logged, never fatal."""
        try:
            counts = prune_sync(self.settings.db_path, self.settings.retention_seconds or 0)
        except StoreError as error:
            logger.warning("retention not applied: %s", error)
            return
        if any(counts.values()):
            logger.info("pruned old records", extra=counts)

    async def aclose(self, reason: str = "the server stopped") -> None:
        """Mark this process's unfinished runs interrupted (resumable), close the database, and
        flush every buffered span (a clean exit loses none)."""
        if self.workflows.opened is not None:
            try:
                await self.workflows.opened.interrupt_own(reason)
            except (StoreError, sqlite3.Error) as error:
                logger.warning("could not mark unfinished runs interrupted: %s", error)
        await self.database.close()
        if self.telemetry is not None and self._owns_telemetry:
            self.telemetry.shutdown()

    async def __aenter__(self) -> Runtime:
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        traceback: TracebackType | None) -> None:
        await self.aclose()
