"""`archwright serve` as a desktop client meets it: a real subprocess speaking stdio.

One test drives it with the real `mcp` client in handshake-era ("legacy") mode, as Claude
Desktop does; another writes raw JSON-RPC bytes and proves every stdout line is a JSON-RPC
message while logs arrive on stderr as JSON lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


@pytest.fixture(scope="module", autouse=True)
def _installed() -> None:
    if not EXECUTABLE.exists():
        pytest.fail(f"{EXECUTABLE} not found: install the project (pip install -e '.[test]') first")


@pytest.mark.anyio
async def test_a_handshake_era_client_lists_and_calls_tools() -> None:
    params = StdioServerParameters(command=str(EXECUTABLE), args=["--db", ":memory:", "serve"])
    async with Client(params, mode="legacy") as client:
        assert client.server_info is not None and client.server_info.name == "archwright"
        tools = {t.name for t in (await client.list_tools()).tools}
        result = await client.call_tool("compare_architectures", {"requirement": RIDE})
        error = await client.call_tool("analyze_requirements", {"requirement": ""})
    assert {"analyze_requirements", "design_architecture", "compare_architectures", "generate_summary"} <= tools
    assert not result.is_error and result.structured_content["recommendation"]["style"]
    assert error.is_error


def test_stdout_carries_only_json_rpc_and_logs_go_to_stderr(tmp_path: Path) -> None:
    messages = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "test", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}},
        {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
         "params": {"name": "analyze_requirements", "arguments": {"requirement": RIDE}}},
        {"jsonrpc": "2.0", "id": 4, "method": "tools/call",
         "params": {"name": "generate_summary", "arguments": {"requirement": RIDE}}},
        {"jsonrpc": "2.0", "id": 5, "method": "tools/call",
         "params": {"name": "analyze_requirements", "arguments": {"requirement": "\x00\x01\x02"}}},
        {"jsonrpc": "2.0", "id": 6, "method": "resources/read", "params": {"uri": "archwright://domains"}},
    ]
    process = subprocess.Popen(
        [str(EXECUTABLE), "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": "/usr/bin:/bin", "ARCHWRIGHT_LOG_LEVEL": "INFO", "ARCHWRIGHT_DB": str(tmp_path / "stdio.db")},
    )
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(json.dumps(m) + "\n" for m in messages))
    process.stdin.flush()
    parsed: list[dict] = []
    answers: dict[int, dict] = {}
    while len(answers) < 6:  # a client keeps stdin open until it has its answers
        line = process.stdout.readline()
        if not line:
            break
        message = json.loads(line)  # raises on anything that is not JSON: stdout is the protocol's
        parsed.append(message)
        if "id" in message:
            answers[message["id"]] = message
    stdout_rest, stderr = process.communicate(timeout=30)  # closes stdin: the server shuts down
    watchdog.cancel()
    parsed += [json.loads(line) for line in stdout_rest.splitlines() if line.strip()]
    assert all(message.get("jsonrpc") == "2.0" for message in parsed)
    assert set(answers) == {1, 2, 3, 4, 5, 6}
    assert answers[3]["result"]["structuredContent"]["primary_domain"] == "ride_sharing"
    assert answers[4]["result"]["structuredContent"]["markdown"].startswith("# Architecture summary")
    assert answers[5]["result"]["isError"] is True
    log_lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    call_logs = [line for line in log_lines if line.get("tool") == "analyze_requirements" and line["msg"] == "tool call"]
    assert call_logs
    trace_link = next(c["uri"] for c in answers[3]["result"]["content"] if c["type"] == "resource_link")
    assert call_logs[0]["trace_id"] == trace_link.rsplit("/", 1)[1], "a log line leads to its trace"
    assert len(call_logs[0]["span_id"]) == 16
    assert RIDE not in stderr, "logs must not carry the requirement text"
