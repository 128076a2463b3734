"""No secret survives into the database, the logs or an OTLP collector, whatever door it came in by.

Every sample of the secret corpus is pushed through every entry point of a real `archwright serve`
over stdio: every advisor tool's text argument, generate_report's requirement and thread id,
run_workflow's input (known and unknown fields), resume_workflow's answers, the JSON-RPC id,
`_meta`, and the tool name itself; then through the command line (report, resume --data). The
database is read back table by table (stored values decoded) and as raw bytes with its WAL, stderr
is read whole, and a loopback OTLP/HTTP receiver keeps every byte it was sent.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from archwright.server.store.runs import decode

EXECUTABLE = Path(sys.executable).with_name("archwright")
_spec = importlib.util.spec_from_file_location("secret_corpus", Path(__file__).with_name("secret_corpus.py"))
assert _spec is not None and _spec.loader is not None
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)
REQUIREMENT = "A ride-sharing app for 100k daily users with real-time tracking and payments. Notes: {secret}"


class _Receiver(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 - the http.server interface
        self.received.append(self.rfile.read(int(self.headers.get("content-length", 0))))
        self.send_response(200)
        self.send_header("content-type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        return


class _Session:
    """Raw JSON-RPC over a real `archwright serve`, one request at a time."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.next_id = 100

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def call(self, method: str, params: dict[str, Any], request_id: Any = None) -> dict[str, Any]:
        if request_id is None:
            self.next_id += 1
            request_id = self.next_id
        self.send({"jsonrpc": "2.0", "id": request_id, "method": method, "params": params})
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            assert line, "the server closed stdout"
            message = json.loads(line)
            if message.get("id") == request_id:
                return message

    def tool(self, name: str, arguments: dict[str, Any], **extra: Any) -> dict[str, Any]:
        return self.call("tools/call", {"name": name, "arguments": arguments, **extra})


def _leaks(haystack: str, samples: dict[str, str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for kind in samples:
        hits = [core for core in corpus.cores(kind) if core in haystack]
        if hits:
            found[kind] = hits
    return found


def _database_text(db: Path) -> str:
    connection = sqlite3.connect(db)
    parts: list[str] = []
    try:
        for (table,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for row in connection.execute(f"SELECT * FROM {table}"):  # noqa: S608 - names from the schema
                for value in row:
                    if isinstance(value, bytes):
                        parts.append(json.dumps(decode(value)))
                    elif isinstance(value, str):
                        parts.append(value)
    finally:
        connection.close()
    return "\n".join(parts)


@pytest.mark.slow
def test_no_secret_reaches_the_database_logs_or_collector(tmp_path: Path) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    db = tmp_path / "leaks.db"
    stderr_path = tmp_path / "stderr.log"
    env = {**os.environ, "ARCHWRIGHT_DB": str(db), "ARCHWRIGHT_RETENTION": "off", "ARCHWRIGHT_LOG_LEVEL": "DEBUG",
           "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver.server_address[1]}"}
    samples = corpus.SECRETS
    with stderr_path.open("w") as stderr:
        process = subprocess.Popen([str(EXECUTABLE), "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=stderr, text=True, env=env)
        session = _Session(process)
        session.call("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "leaks", "version": "1"}})
        session.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        suspended = session.tool("generate_report", {"requirement": "An app."})["result"]["structuredContent"]
        for kind, sample in samples.items():
            text = REQUIREMENT.format(secret=sample)
            session.tool("analyze_requirements", {"requirement": text}, _meta={"note": sample, "token": sample})
            session.tool("design_architecture", {"requirement": text, "style": "monolith"})
            session.tool("compare_architectures", {"requirement": text})
            session.tool("generate_summary", {"requirement": text})
            session.tool("generate_report", {"requirement": text, "thread_id": sample[:120]})
            session.tool("run_workflow", {"workflow_id": "architecture_report",
                                          "input": {"requirement": text, "notes": sample, "thread_id": "t-1"}})
            session.tool("resume_workflow", {"run_id": suspended["run_id"], "data": {"answers": sample}})
            session.tool(f"no_such_tool {sample}", {"requirement": text})
            session.tool("get_workflow_run", {"run_id": sample[:200]})
            session.call("tools/call", {"name": "analyze_requirements", "arguments": {"requirement": text}},
                         request_id=sample[:400])
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=120)
        cli = [subprocess.run([str(EXECUTABLE), *args], capture_output=True, text=True, timeout=60, env=env)
               for sample in list(samples.values())[::7]
               for args in (("report", REQUIREMENT.format(secret=sample)),
                            ("resume", suspended["run_id"], "--data", json.dumps({"answers": sample})))]
    receiver.shutdown()
    logs = stderr_path.read_text() + "".join(done.stderr for done in cli)
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("leaks.db*")).decode("utf-8", "replace")
    collected = b"".join(_Receiver.received).decode("utf-8", "replace")
    assert _Receiver.received, "the OTLP receiver got nothing: the check would prove nothing"
    assert '"analyze_requirements"' in logs or "analyze_requirements" in logs
    places = {"database tables": _database_text(db), "database bytes": raw, "stderr": logs, "collector": collected}
    leaked = {place: _leaks(text, samples) for place, text in places.items()}
    for place, kinds in leaked.items():
        for kind, hits in kinds.items():
            for line in places[place].splitlines():
                if any(hit in line for hit in hits):
                    print(f"LEAK {place} {kind}: {line[:600]}")
    assert not any(leaked.values()), {place: sorted(kinds) for place, kinds in leaked.items() if kinds}
