"""The `archwright` command: serve MCP, write a report, read traces and runs back, prune old data.

Every user error is one line on stderr and exit code 2, never a traceback. A report whose
requirement is too vague prints the questions and how to answer them, and exits 3. Global options
(`-v`, `--db`) are accepted before or after the subcommand.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import math
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from archwright.server.config import DEFAULT_RETENTION, Settings, parse_age
from archwright.server.store.database import is_file
from archwright.server.telemetry.logs import configure_logging
from archwright.server.telemetry.redact import Redactor

T = TypeVar("T")
NEEDS_ANSWERS = 3
RUN_STATUSES = ["pending", "running", "suspended", "success", "failed", "canceled", "interrupted"]


class UserError(Exception):
    """Something the user can fix; printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line that points at --help (not a usage dump)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _whole_number(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, else a one-line reason."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is out of range for {what}: give {low} to {high}")
        return value

    return parse


_limit = _whole_number(1, 100, "a limit")
_port = _whole_number(1, 65535, "a port")


def _age(text: str) -> str:
    try:
        parse_age(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError('give a JSON object, e.g. \'{"answers": "..."}\'')
    return value


def _global_options(*, top: bool) -> argparse.ArgumentParser:
    """-v and --db, for the top level and again for every subcommand (so either place works). On
    subcommands the defaults are suppressed, so a value given before the subcommand survives."""
    options = argparse.ArgumentParser(add_help=False)
    default: Any = 0 if top else argparse.SUPPRESS
    options.add_argument("-v", "--verbose", action="count", default=default,
                         help="more logging on stderr (repeatable: -vv)")
    options.add_argument("--db", default=None if top else argparse.SUPPRESS, metavar="PATH",
                         help="SQLite file for traces and runs (default: ARCHWRIGHT_DB, else the user data folder); "
                              "':memory:' keeps nothing")
    return options


def _parser() -> argparse.ArgumentParser:
    from archwright.server.runtime import package_version

    parser = _Parser(prog="archwright", parents=[_global_options(top=True)],
                     description="Architecture advice for app ideas, over MCP or on the command line.")
    parser.add_argument("--version", action="version", version=f"archwright {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser,
                                     help="run `archwright COMMAND --help` for its options")
    common = [_global_options(top=False)]

    def command(name: str, text: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=common, help=text, description=text)

    serve = command("serve", "Run the MCP server (stdio by default, for desktop clients).")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio",
                       help="stdio (default) or http (streamable HTTP at /mcp)")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP host to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=_port, default=8765, help="HTTP port (default 8765)")

    report = command("report", "Write a full architecture report as Markdown (the architecture_report workflow).")
    report.add_argument("requirement", help="the app idea, in quotes")
    report.add_argument("--cloud", choices=["aws", "gcp", "azure"], default="aws", help="cloud provider (default aws)")
    report.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the report to FILE instead of stdout")
    report.add_argument("--memory", action="store_true",
                        help="keep nothing: run in an in-memory database instead of the user's store")

    traces = command("traces", "List stored traces, newest first.")
    traces.add_argument("--tool", help="only traces of this tool, e.g. compare_architectures")
    traces.add_argument("--status", choices=["ok", "error"], help="only traces with this outcome")
    traces.add_argument("--limit", type=_limit, default=20, help="how many, 1-100 (default 20)")
    traces.add_argument("--all", action="store_true",
                        help="also list protocol messages (initialize, tools/list ...), not only calls and runs")

    one_trace = command("trace", "Print one trace as a waterfall.")
    one_trace.add_argument("trace_id", help="32 hex characters, as `archwright traces` prints")

    runs = command("runs", "List workflow runs, newest first.")
    runs.add_argument("--workflow", help="only runs of this workflow, e.g. architecture_report")
    runs.add_argument("--status", choices=RUN_STATUSES, help="only runs in this status")
    runs.add_argument("--limit", type=_limit, default=20, help="how many, 1-100 (default 20)")

    run = command("run", "Show one workflow run step by step, or its report.")
    run.add_argument("run_id", help="32 hex characters, as `archwright runs` prints")
    run.add_argument("--report", action="store_true", help="print the run's full Markdown report instead")
    run.add_argument("-o", "--output", type=Path, metavar="FILE", help="with --report: write it to FILE")

    resume = command("resume", "Resume a suspended or interrupted run.")
    resume.add_argument("run_id", help="32 hex characters, as `archwright runs` prints")
    resume.add_argument("--data", type=_json_object, default={}, metavar="JSON",
                        help='resume data as a JSON object, e.g. \'{"answers": "..."}\'')

    evaluation = command("eval", "Run the analyzer and the report workflow over a labelled dataset (JSONL) and "
                                 "print the figures; stored as an experiment.")
    evaluation.add_argument("dataset", type=Path, help="a JSONL file in the repository's labelled format")
    evaluation.add_argument("--cloud", choices=["aws", "gcp", "azure"], default="aws", help="cloud (default aws)")
    evaluation.add_argument("--name", help="a name for the stored experiment")
    evaluation.add_argument("--compare", action="store_true",
                            help="show the change from the previous experiment on this dataset; exit 1 on a "
                                 "regression beyond --tolerance")
    evaluation.add_argument("--baseline", type=Path, metavar="FILE",
                            help="compare with this stored experiment (JSON, as --format json writes) instead")
    evaluation.add_argument("--tolerance", type=_tolerance, default=0.02,
                            help="how far a guarded metric may fall before it counts as a regression (default 0.02)")
    evaluation.add_argument("--format", choices=["table", "json"], default="table", help="table (default) or json")
    evaluation.add_argument("-o", "--output", type=Path, metavar="FILE", help="write the result to FILE too")

    chat = command("chat", "Talk to the advisor in the terminal: an app idea, then follow-ups (the same memory as "
                           "the advise tool). An empty line, 'exit' or end of input ends it.")
    chat.add_argument("--thread", metavar="ID", help="continue this conversation (see `archwright threads`)")
    chat.add_argument("--new", action="store_true", help="with --thread: start it if it does not exist")

    threads = command("threads", "List conversations, most recently active first.")
    threads.add_argument("--limit", type=_limit, default=20, help="how many, 1-100 (default 20)")

    prune = command("prune", "Delete traces and finished runs older than an age, and reclaim the space.")
    prune.add_argument("--older-than", type=_age, default=DEFAULT_RETENTION, metavar="AGE",
                       help=f"an age such as 30d, 12h or 2w (default {DEFAULT_RETENTION})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.db is not None and not args.db.strip():
        return _fail("--db is empty: give a file path, or ':memory:' to keep nothing")
    try:
        settings = Settings.from_env(verbose=args.verbose, db=":memory:" if getattr(args, "memory", False) else args.db)
    except ValueError as error:  # ARCHWRIGHT_RETENTION that is not an age
        return _fail(str(error))
    configure_logging(settings.log_level, Redactor.from_env())
    if args.verbose < 2:  # -v is about Archwright; -vv adds the libraries' own debug lines
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
    try:
        if args.command == "serve":
            return _serve(settings, args)
        return _COMMANDS[args.command](settings, args)
    except UserError as error:
        return _fail(str(error))


def _fail(message: str) -> int:
    sys.stderr.write(f"archwright: {message}\n")
    return 2


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    from archwright.server.mcp import build_server
    from archwright.server.runtime import Runtime

    access = None
    if args.transport == "http":
        from archwright.server.http import AccessError, access_for  # uvicorn and starlette: HTTP only

        try:
            access = access_for(args.host, args.port)
        except AccessError as error:
            raise UserError(str(error)) from None
        _check_address(args.host, args.port)
    runtime = Runtime.from_settings(settings, install_global=True, apply_retention=True)
    server = build_server(runtime)

    async def serve() -> None:
        if access is None:
            await server.run_stdio_async()
        else:
            from archwright.server.http import serve_http

            await serve_http(server, args.host, args.port, access)

    _run_until_signal(runtime, serve)
    return 0


def _run_until_signal(runtime: Any, serve: Callable[[], Awaitable[None]]) -> None:
    """Serve until the client leaves or SIGTERM/SIGINT arrives; either way close the runtime (every
    buffered span flushed) and log one line. A stdin read blocked in a worker thread cannot be
    interrupted, so after a signal the process exits as soon as the runtime is closed instead of
    waiting for the client (runs cut short are marked interrupted, and resumable, at next start)."""
    import os
    import signal

    import anyio

    log = logging.getLogger("archwright.cli")

    async def stop(reason: str) -> None:
        with anyio.CancelScope(shield=True), anyio.move_on_after(1.5):
            await runtime.aclose(f"the server stopped ({reason})")
        log.info("server stopped", extra={"reason": reason})

    async def main() -> None:
        async with anyio.create_task_group() as group:
            async def on_signal() -> None:
                with anyio.open_signal_receiver(signal.SIGTERM, signal.SIGINT) as signals:
                    async for received in signals:
                        group.cancel_scope.cancel()
                        await stop(signal.Signals(received).name)
                        logging.shutdown()
                        os._exit(0)

            group.start_soon(on_signal)
            await serve()
            group.cancel_scope.cancel()  # the client left: stop listening for signals
        await stop("the client closed the connection")

    anyio.run(main)


def _check_address(host: str, port: int) -> None:
    """Fail with one line, before any start-up, when the HTTP address cannot be bound."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as error:
        raise UserError(f"cannot serve on {host}:{port}: {error.strerror or error}") from None


def _with_runtime(settings: Settings, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work(runtime)` on a runtime that is closed afterwards; storage and lookup problems
    become user errors."""
    import anyio

    from archwright.server.runtime import Runtime
    from archwright.server.store import StoreError
    from archwright.server.telemetry.traces import TraceLookupError
    from archwright.server.workflows.runs import WorkflowRunError
    from archwright.tools.validation import RequirementError

    async def run() -> T:
        async with Runtime.from_settings(settings) as runtime:
            return await work(runtime)

    try:
        return anyio.run(run)
    except (StoreError, TraceLookupError, WorkflowRunError, RequirementError) as error:
        raise UserError(str(error)) from None


def _write(text: str, output: Path | None, kept: str = "", what: str = "report") -> None:
    """Print or write the report; `kept` tells where else it can be had if writing fails."""
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UserError(f"cannot write {output}: {error.strerror or error}{kept}") from None
    sys.stderr.write(f"archwright: {what} written to {output}\n")


def _check_output(output: Path | None) -> None:
    """Refuse an unwritable -o before doing any work."""
    if output is not None and not output.parent.is_dir():
        raise UserError(f"cannot write {output}: the folder {output.parent} does not exist")


def _report(settings: Settings, args: argparse.Namespace) -> int:
    from archwright.server.workflows.report import WORKFLOW_ID, render_run_report
    from archwright.tools.validation import check_requirement

    _check_output(args.output)
    requirement = _user_input(check_requirement, args.requirement)

    async def work(runtime: Any) -> tuple[Any, str | None]:
        engine = await runtime.engine()
        view = await engine.start(WORKFLOW_ID, {"requirement": requirement, "cloud": args.cloud})
        if view.status == "success":
            view = await engine.get(view.run_id)  # with every step's stored output
        return view, render_run_report(view)

    view, markdown = _with_runtime(settings, work)
    if markdown is not None:
        kept = f"; the run is stored: archwright run {view.run_id} --report" if is_file(settings.db_path) else ""
        _write(markdown, args.output, kept)
        return 0
    if view.status == "suspended":
        _print_questions(view, memory=not is_file(settings.db_path))
        return NEEDS_ANSWERS
    raise UserError(f"the report run {view.run_id} ended {view.status}: {view.error}")


def _user_input(check: Callable[[str], str], text: str) -> str:
    from archwright.tools.validation import RequirementError

    try:
        return check(text)
    except RequirementError as error:
        raise UserError(str(error)) from None


def _print_questions(view: Any, *, memory: bool) -> None:
    questions = "\n".join(f"  - {q}" for q in (view.question or {}).get("questions", []))
    how = ("Add the answers to the requirement and run the report again."
           if memory else
           f"Answer them with:\n  archwright resume {view.run_id} --data '{{\"answers\": \"...\"}}'\n"
           f"then print the report with:\n  archwright run {view.run_id} --report")
    sys.stdout.write(f"The requirement is too vague to advise on yet. Please answer:\n{questions}\n\n{how}\n")


def _traces(settings: Settings, args: argparse.Namespace) -> int:
    listing = _with_runtime(_reading_traces(settings), lambda runtime: runtime.traces.list(
        tool_name=args.tool, status=args.status, limit=args.limit, include_protocol=args.all))
    if listing.tracing.status != "ok":
        raise UserError(f"tracing {listing.tracing.status}: {listing.tracing.detail}")
    for item in listing.traces:
        sys.stdout.write(f"{item.started_at}  {item.trace_id}  {(item.tool_name or item.name or '-'):24}  "
                         f"{item.status:5}  {item.duration_ms:9.2f} ms  {item.span_count} spans\n")
    if not listing.traces:
        filtered = args.tool or args.status
        sys.stderr.write(f"archwright: no traces {'match' if filtered else 'stored'} in {settings.db_path}\n")
    return 0


def _trace(settings: Settings, args: argparse.Namespace) -> int:
    detail = _with_runtime(_reading_traces(settings), lambda runtime: runtime.traces.get(args.trace_id))
    sys.stdout.write(detail.waterfall + "\n")
    return 0


def _reading_traces(settings: Settings) -> Settings:
    """Reading traces back works even where recording is switched off."""
    return dataclasses.replace(settings, tracing=True)


def _runs(settings: Settings, args: argparse.Namespace) -> int:
    async def work(runtime: Any) -> list[Any]:
        return await (await runtime.engine()).list(workflow_id=args.workflow, status=args.status, limit=args.limit)

    views = _with_runtime(settings, work)
    for view in views:
        sys.stdout.write(f"{view.run_id}  {view.workflow_id:24}  {view.status}\n")
    if not views:
        filtered = args.workflow or args.status
        sys.stderr.write(f"archwright: no runs {'match' if filtered else 'stored'} in {settings.db_path}\n")
    return 0


def _run(settings: Settings, args: argparse.Namespace) -> int:
    if args.output is not None and not args.report:
        raise UserError("-o/--output goes with --report")
    _check_output(args.output)

    async def work(runtime: Any) -> Any:
        return await (await runtime.engine()).get(args.run_id)

    from archwright.server.workflows.report import render_run_report

    view = _with_runtime(settings, work)
    if not args.report:
        _show(view)
        return 0
    markdown = render_run_report(view)
    if markdown is None and view.status == "suspended":
        raise UserError(f"run {view.run_id} is waiting for answers; give them with: archwright resume "
                        f"{view.run_id} --data '{{\"answers\": \"...\"}}'")
    if markdown is None:
        raise UserError(f"run {view.run_id} ({view.workflow_id}, {view.status}) has no report")
    _write(markdown, args.output)
    return 0


def _resume(settings: Settings, args: argparse.Namespace) -> int:
    from archwright.server.workflows.report import has_report

    async def work(runtime: Any) -> Any:
        return await (await runtime.engine()).resume(args.run_id, args.data)

    view = _with_runtime(settings, work)
    if view.status == "suspended":
        _print_questions(view, memory=False)
        return NEEDS_ANSWERS
    _show(view)
    if has_report(view):
        sys.stdout.write(f"print the report with: archwright run {view.run_id} --report\n")
    return 0


def _show(view: Any) -> None:
    sys.stdout.write(f"run {view.run_id}  {view.workflow_id}  {view.status}\n")
    for item in view.steps:
        timing = f"{item.duration_ms:9.2f} ms" if item.duration_ms is not None else " " * 12
        sys.stdout.write(f"  {item.path:36} {item.status:10} {timing}  attempts {item.attempts}\n")
    if view.status == "suspended":
        sys.stdout.write(f"waiting for: {json.dumps(view.question)}\nresume schema: {json.dumps(view.resume_schema)}\n")
    if view.error:
        sys.stdout.write(f"error: {view.error}\n")


def _prune(settings: Settings, args: argparse.Namespace) -> int:
    counts = _with_runtime(settings, lambda runtime: runtime.prune(parse_age(args.older_than)))
    sys.stdout.write(f"pruned {counts['traces']} traces ({counts['spans']} spans) and {counts['workflow_runs']} "
                     f"finished runs older than {args.older_than} from {settings.db_path}; space reclaimed\n")
    return 0


def _eval(settings: Settings, args: argparse.Namespace) -> int:
    from archwright.server.evals.runner import (
        Baseline,
        DatasetError,
        Experiment,
        ExperimentStore,
        compare,
        read_dataset,
        run_experiment,
        table,
    )

    _check_output(args.output)
    try:
        rows = read_dataset(args.dataset)  # a bad file is the user's error, before any run starts
        baseline = Baseline.read(args.baseline) if args.baseline else None
    except DatasetError as error:
        raise UserError(str(error)) from None
    name = Redactor.from_env().text(args.name) if args.name else None

    async def work(runtime: Any) -> tuple[Experiment, Any]:
        experiment = await run_experiment(await runtime.engine(), args.dataset, cloud=args.cloud, name=name, rows=rows)
        store = ExperimentStore(runtime.database)
        before = baseline if baseline is not None else (
            await store.previous(experiment.dataset, experiment.created_ns) if args.compare else None)
        await store.add(experiment)
        return experiment, (compare(before, experiment, args.tolerance) if before is not None else None)

    experiment, diff = _with_runtime(settings, work)
    if args.format == "json":
        text = json.dumps({**experiment.model_dump(mode="json"),
                           "comparison": diff.model_dump(mode="json") if diff else None}, indent=2,
                          allow_nan=False) + "\n"
    else:
        text = table(experiment, diff)
        if args.compare and diff is None and baseline is None:
            text += "no earlier experiment on this dataset to compare with\n"
    _write(text, args.output, what="experiment")
    if args.output is not None:
        sys.stdout.write(text)
    return 1 if diff is not None and diff.regressions else 0


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from archwright.server.agent.advise import AdviseError

    async def work(runtime: Any) -> int:
        import anyio

        thread_id = args.thread
        if thread_id is not None and not args.new and await runtime.threads.get(thread_id) is None:
            raise UserError(f"no thread with id {thread_id} (add --new to start one with that id)")
        interactive = sys.stdin.isatty()
        turns = 0
        while True:
            if interactive:
                sys.stdout.write("you> ")
                sys.stdout.flush()
            line = await anyio.to_thread.run_sync(sys.stdin.readline)
            message = line.strip()
            if not message or message.lower() in ("exit", "quit"):
                break
            try:
                result = await runtime.conversations.advise(message, thread_id=thread_id, new_thread=args.new)
            except AdviseError as error:
                raise UserError(str(error)) from None
            thread_id, turns = result.thread_id, turns + 1
            sys.stdout.write(f"\narchwright ({result.mode})>\n{result.reply}\n\n")
            sys.stdout.flush()
        if thread_id is not None:
            sys.stderr.write(f"archwright: {turns} turn(s) in thread {thread_id}; continue with "
                             f"`archwright chat --thread {thread_id}`\n")
        return 0

    return _with_runtime(settings, work)


def _threads(settings: Settings, args: argparse.Namespace) -> int:
    listing = _with_runtime(settings, lambda runtime: runtime.threads.list(limit=args.limit))
    for thread in listing:
        sys.stdout.write(f"{thread.thread_id}  {thread.message_count:4d} messages  {thread.title or ''}\n")
    return 0


def _tolerance(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise argparse.ArgumentTypeError(f"{text} is outside 0-1 (a fall of more than this is a regression)")
    return value


_COMMANDS: dict[str, Callable[[Settings, argparse.Namespace], int]] = {
    "report": _report, "traces": _traces, "trace": _trace, "runs": _runs, "run": _run, "resume": _resume,
    "prune": _prune, "eval": _eval, "chat": _chat, "threads": _threads,
}

if __name__ == "__main__":
    sys.exit(main())
