"""Shared fixtures: the labelled dataset, and the official Mermaid parser run under Node."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATASET = ROOT / "resources" / "datasets" / "requirements.dev.jsonl"
PARSER = ROOT / "tests" / "mermaid" / "parse.mjs"


MODEL_SETTINGS = ("ARCHWRIGHT_MODEL", "USE_LOCAL_LLM", "OLLAMA_HOST", "OLLAMA_MODEL", "GOOGLE_API_KEY",
                  "GOOGLE_GENERATIVE_AI_API_KEY", "GEMINI_API_KEY", "GOOGLE_GEMINI_BASE_URL")


@pytest.fixture(scope="session", autouse=True)
def _offline_models():
    """No test reaches a real Google or Ollama endpoint: whatever the developer's shell configures is
    cleared for the session (and the servers the tests spawn inherit that); a test that wants a model
    points one at the loopback stub itself."""
    saved = {name: os.environ.pop(name) for name in MODEL_SETTINGS if name in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def dev_rows() -> list[dict[str, Any]]:
    if not DATASET.exists():
        pytest.fail(f"labelled dataset not found at {DATASET} (it ships with the repository)")
    return [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]


def parse_mermaid(diagrams: list[str]) -> list[str | None]:
    """Parse a batch with mermaid@11 under jsdom: None for each diagram that parses, else the error."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "mermaid").exists():
        pytest.fail("the Mermaid parser needs Node and `npm ci` in the repository root")
    done = subprocess.run(
        [node, str(PARSER)], input=json.dumps(diagrams), capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout)
    assert len(results) == len(diagrams)
    return results


@pytest.fixture(scope="session", autouse=True)
def private_data_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """No test, and no process a test starts, touches the user's own database: the default store is
    redirected to a temporary folder for the whole session."""
    folder = tmp_path_factory.mktemp("user-data")
    patch = pytest.MonkeyPatch()
    patch.setenv("ARCHWRIGHT_DB", str(folder / "archwright.db"))
    patch.setenv("XDG_DATA_HOME", str(folder))
    yield
    patch.undo()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def telemetry(tmp_path_factory: pytest.TempPathFactory):
    """The process's one global tracer provider (OpenTelemetry allows one): spans go to a SQLite file
    in a temporary folder, and to an in-memory exporter tests can read span shapes from."""
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from archwright.server.telemetry.redact import Redactor
    from archwright.server.telemetry.tracing import RedactingExporter, setup_telemetry

    db = tmp_path_factory.mktemp("telemetry") / "archwright.db"
    handle = setup_telemetry(str(db), redactor=Redactor(), schedule_delay_millis=50)
    memory = InMemorySpanExporter()
    handle.provider.add_span_processor(SimpleSpanProcessor(RedactingExporter(memory, handle.redactor)))
    handle.memory = memory  # type: ignore[attr-defined]
    yield handle
    handle.shutdown()


@pytest.fixture
def handshake():
    """The JSON-RPC a handshake-era client sends to call one tool: initialize, initialized, the call (id 2)."""

    def messages(tool: str, arguments: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
            {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": tool, "arguments": arguments}},
        ]

    return messages


@pytest.fixture
async def make_server():
    """Build MCP servers the way `archwright serve` does (a Runtime, then the server over it); every
    runtime made is closed when the test ends. With `telemetry`, calls are traced into its file."""
    from archwright.server.config import Settings, resolve_db
    from archwright.server.mcp import build_server
    from archwright.server.runtime import Runtime

    runtimes: list[Runtime] = []

    def make(telemetry: Any = None, *, db_path: str | None = None):
        path = db_path or (telemetry.db_path if telemetry is not None else resolve_db(":memory:"))
        runtime = Runtime(Settings(db_path=path, tracing=telemetry is not None), telemetry)
        runtimes.append(runtime)
        return build_server(runtime)

    yield make
    for runtime in runtimes:
        await runtime.aclose()


@dataclass
class HttpServer:
    """A real `archwright serve --transport http` on a free loopback port; its stderr goes to a file
    (a pipe nobody reads would fill and stall the server)."""

    process: subprocess.Popen[str]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def stop(self) -> str:
        """SIGTERM, wait, and the whole log."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        return self.log.read_text()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_servers(tmp_path: Path):
    """Start HTTP servers: `start(db, **env)`; every one still running is stopped at the end."""
    started: list[HttpServer] = []
    executable = Path(sys.executable).with_name("archwright")

    def start(db: Path, **env: str) -> HttpServer:
        port = free_port()
        log = tmp_path / f"server-{port}.log"
        with log.open("w") as errors:
            process = subprocess.Popen(
                [str(executable), "--db", str(db), "serve", "--transport", "http", "--port", str(port)],
                stdout=subprocess.DEVNULL, stderr=errors, text=True,
                env={**os.environ, "ARCHWRIGHT_RETENTION": "off", **env})
        server = HttpServer(process, port, log)
        started.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return server
            except OSError:
                assert process.poll() is None, log.read_text()[-2000:]
                time.sleep(0.05)
        raise AssertionError("the HTTP server did not start")

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def pipelined():
    """The lines a client writes to pipeline `calls` calls of one tool over stdio: initialize,
    initialized, then tools/call with ids 1..calls."""

    def script(tool: str, arguments: dict[str, Any], calls: int) -> str:
        messages: list[dict[str, Any]] = [
            {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
            {"jsonrpc": "2.0", "method": "notifications/initialized"},
        ]
        messages += [{"jsonrpc": "2.0", "id": 1 + i, "method": "tools/call",
                      "params": {"name": tool, "arguments": arguments}} for i in range(calls)]
        return "".join(json.dumps(m) + "\n" for m in messages)

    return script


@pytest.fixture
def stdio_server():
    """Start a real `archwright serve` over stdio on `db` (retention off): `start(db, stderr=...)`;
    stdin and stdout are text pipes, stderr goes where asked (default: discarded)."""
    executable = Path(sys.executable).with_name("archwright")

    def start(db: Path, stderr: Any = subprocess.DEVNULL) -> subprocess.Popen[str]:
        process = subprocess.Popen([str(executable), "--db", str(db), "serve"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=stderr, text=True,
                                   env={**os.environ, "ARCHWRIGHT_RETENTION": "off"})
        assert process.stdin is not None and process.stdout is not None
        return process

    return start
