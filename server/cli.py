"""The `archwright` command: serve MCP, print a report offline, read traces back, prune old data."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from archwright.server.config import DEFAULT_RETENTION, Settings, parse_age
from archwright.server.telemetry.logs import configure_logging
from archwright.server.telemetry.redact import Redactor

logger = logging.getLogger("archwright.cli")
T = TypeVar("T")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archwright", description="Architecture advice for app ideas, over MCP.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (repeatable)")
    parser.add_argument("--db", help="SQLite file for traces and runs (default: ARCHWRIGHT_DB, else the user "
                                     "data folder); ':memory:' keeps nothing")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP host (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")

    report = commands.add_parser("report", help="print a full architecture report as Markdown")
    report.add_argument("requirement", help="the app idea, in quotes")
    report.add_argument("--cloud", choices=["aws", "gcp", "azure"], default="aws")
    report.add_argument("-o", "--output", type=Path, help="write the report to this file instead of stdout")

    traces = commands.add_parser("traces", help="list stored traces, newest first")
    traces.add_argument("--tool", help="only traces of this tool")
    traces.add_argument("--status", choices=["ok", "error"])
    traces.add_argument("--limit", type=int, default=20)

    one = commands.add_parser("trace", help="print one trace as a waterfall")
    one.add_argument("trace_id")

    runs = commands.add_parser("runs", help="list workflow runs, newest first")
    runs.add_argument("--workflow")
    runs.add_argument("--status", choices=["pending", "running", "suspended", "success", "failed", "canceled",
                                           "interrupted"])
    runs.add_argument("--limit", type=int, default=20)

    run = commands.add_parser("run", help="show one workflow run, step by step")
    run.add_argument("run_id")

    resume = commands.add_parser("resume", help="resume a suspended or interrupted run")
    resume.add_argument("run_id")
    resume.add_argument("--data", default="{}", help='resume data as JSON, e.g. \'{"answers": "..."}\'')

    prune = commands.add_parser("prune", help="delete traces and finished runs older than an age")
    prune.add_argument("--older-than", default=DEFAULT_RETENTION, help=f"age such as 30d, 12h (default {DEFAULT_RETENTION})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    settings = Settings.from_env(verbose=args.verbose, db=args.db)
    configure_logging(settings.log_level, Redactor.from_env())
    if args.command == "serve":
        return _serve(settings, args.transport, args.host, args.port)
    if args.command == "report":
        return _report(args.requirement, args.cloud, args.output)
    return _storage_command(settings, args)


def _serve(settings: Settings, transport: str, host: str, port: int) -> int:
    from archwright.server.app import build_server, package_version
    from archwright.server.telemetry.tracing import Telemetry, setup_telemetry

    telemetry: Telemetry | None = None
    if settings.tracing:
        telemetry = setup_telemetry(settings.db_path, version=package_version())
        if settings.retention_seconds is not None:
            # Off the start-up path: the client's initialize must not wait for a VACUUM.
            threading.Thread(target=_prune_quietly, args=(settings,), name="retention", daemon=True).start()
    server = build_server(telemetry)
    try:
        if transport == "stdio":
            server.run("stdio")
        else:
            server.run("streamable-http", host=host, port=port)
    finally:
        if telemetry is not None:
            telemetry.shutdown()  # flushes buffered spans: a clean exit loses none
    return 0


def _prune_quietly(settings: Settings) -> None:
    """Apply the retention setting at start; a database problem is logged, never fatal."""
    from archwright.server.store import StoreError, prune_sync

    try:
        counts = prune_sync(settings.db_path, settings.retention_seconds or 0)
    except StoreError as error:
        logger.warning("retention not applied: %s", error)
        return
    if any(counts.values()):
        logger.info("pruned old records", extra=counts)


def _report(requirement: str, cloud: str, output: Path | None) -> int:
    from archwright.tools.report import advise, render_report
    from archwright.tools.validation import RequirementError

    try:
        markdown = render_report(advise(requirement, cloud))  # type: ignore[arg-type]  # argparse choices
    except RequirementError as error:
        sys.stderr.write(f"archwright: {error}\n")
        return 2
    if output is None:
        sys.stdout.write(markdown)
    else:
        output.write_text(markdown, encoding="utf-8")
        sys.stderr.write(f"archwright: report written to {output}\n")
    return 0


def _storage_command(settings: Settings, args: argparse.Namespace) -> int:
    import json

    import anyio
    from opentelemetry.trace import NoOpTracerProvider

    from archwright.server.storage import Storage
    from archwright.server.store import StoreError
    from archwright.server.telemetry.tracing import setup_telemetry
    from archwright.server.traces import TraceLookupError, TraceService
    from archwright.server.workflows.runs import RunView, WorkflowRunError
    from archwright.server.workflows.service import WorkflowService

    telemetry = setup_telemetry(settings.db_path, install_global=False)
    storage = Storage(settings.db_path)
    traces = TraceService(telemetry, storage)
    workflows = WorkflowService(storage, NoOpTracerProvider().get_tracer("cli"))

    def run(work: Callable[[], Awaitable[T]]) -> T:
        async def wrapped() -> T:
            try:
                return await work()
            finally:
                await storage.close()

        return anyio.run(wrapped)

    def show(view: RunView) -> None:
        sys.stdout.write(f"run {view.run_id}  {view.workflow_id}  {view.status}\n")
        for item in view.steps:
            timing = f"{item.duration_ms:9.2f} ms" if item.duration_ms is not None else " " * 12
            sys.stdout.write(f"  {item.path:36} {item.status:10} {timing}  attempts {item.attempts}\n")
        if view.status == "suspended":
            sys.stdout.write(f"waiting for: {json.dumps(view.question)}\nresume schema: {json.dumps(view.resume_schema)}\n")
        if view.error:
            sys.stdout.write(f"error: {view.error}\n")

    try:
        if args.command == "traces":
            listing = run(lambda: traces.list(tool_name=args.tool, status=args.status, limit=args.limit))
            if listing.tracing.status != "ok":
                sys.stderr.write(f"archwright: tracing {listing.tracing.status}: {listing.tracing.detail}\n")
                return 2
            for item in listing.traces:
                sys.stdout.write(f"{item.started_at}  {item.trace_id}  {(item.tool_name or item.name or '-'):24}  "
                                 f"{item.status:5}  {item.duration_ms:9.2f} ms  {item.span_count} spans\n")
            if not listing.traces:
                sys.stderr.write(f"archwright: no traces in {settings.db_path}\n")
            return 0
        if args.command == "trace":
            sys.stdout.write(run(lambda: traces.get(args.trace_id)).waterfall + "\n")
            return 0
        if args.command == "runs":
            async def listing_runs() -> list[RunView]:
                return await (await workflows.engine()).list(workflow_id=args.workflow, status=args.status,
                                                             limit=args.limit)
            for view in run(listing_runs):
                sys.stdout.write(f"{view.run_id}  {view.workflow_id:24}  {view.status}\n")
            return 0
        if args.command == "run":
            async def one_run() -> RunView:
                return await (await workflows.engine()).get(args.run_id)
            show(run(one_run))
            return 0
        if args.command == "resume":
            data = json.loads(args.data)

            async def resumed() -> RunView:
                return await (await workflows.engine()).resume(args.run_id, data)
            show(run(resumed))
            return 0
        seconds = parse_age(args.older_than)
        counts = run(lambda: traces.prune(seconds))
        sys.stdout.write(f"pruned {counts['traces']} traces ({counts['spans']} spans) and {counts['workflow_runs']} "
                         f"finished runs older than {args.older_than} from {settings.db_path}; space reclaimed\n")
        return 0
    except (TraceLookupError, StoreError, WorkflowRunError, ValueError) as error:
        sys.stderr.write(f"archwright: {error}\n")
        return 2
    finally:
        telemetry.shutdown()


if __name__ == "__main__":
    sys.exit(main())
