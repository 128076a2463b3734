"""`archwright serve --transport http` on loopback: one process, one runtime, many sessions."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import pytest
from mcp import Client

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def http_server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen([str(EXECUTABLE), "--db", str(tmp_path / "http.db"), "serve", "--transport", "http",
                                "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert process.poll() is None, process.communicate()[1][-2000:]
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/mcp"
    process.terminate()
    process.communicate(timeout=30)


@pytest.mark.slow
@pytest.mark.anyio
async def test_sessions_in_turn_and_at_once_share_one_store(http_server: str) -> None:
    async with Client(http_server) as first:
        report = (await first.call_tool("generate_report", {"requirement": RIDE})).structured_content
    found: list[str] = []

    async def session() -> None:
        async with Client(http_server) as client:
            run = (await client.call_tool("get_workflow_run", {"run_id": report["run_id"]})).structured_content
            stored = json.loads((await client.read_resource(report["run"])).contents[0].text)
            again = (await client.call_tool("generate_report", {"requirement": RIDE})).structured_content
            found.append(f"{run['status']} {stored['status']} {again['status']}")

    async with anyio.create_task_group() as group:
        for _ in range(3):
            group.start_soon(session)
    assert report["status"] == "success"
    assert found == ["success success success"] * 3
