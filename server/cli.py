"""The `archwright` command: serve MCP over stdio or HTTP, or print a full report offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from server.config import Settings
from server.logs import configure_logging


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archwright", description="Architecture advice for app ideas, over MCP.")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (repeatable)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the MCP server (stdio by default)")
    serve.add_argument("--transport", choices=["stdio", "http"], default="stdio")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP host (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765)")

    report = commands.add_parser("report", help="print a full architecture report as Markdown")
    report.add_argument("requirement", help="the app idea, in quotes")
    report.add_argument("--cloud", choices=["aws", "gcp", "azure"], default="aws")
    report.add_argument("-o", "--output", type=Path, help="write the report to this file instead of stdout")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    configure_logging(Settings.from_env(verbose=args.verbose).log_level)
    if args.command == "serve":
        return _serve(args.transport, args.host, args.port)
    return _report(args.requirement, args.cloud, args.output)


def _serve(transport: str, host: str, port: int) -> int:
    from server.app import build_server

    server = build_server()
    if transport == "stdio":
        server.run("stdio")
    else:
        server.run("streamable-http", host=host, port=port)
    return 0


def _report(requirement: str, cloud: str, output: Path | None) -> int:
    from tools.report import advise, render_report
    from tools.validation import RequirementError

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


if __name__ == "__main__":
    sys.exit(main())
