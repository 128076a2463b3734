"""`archwright serve --transport http` on loopback: one process, one runtime, many sessions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


@pytest.fixture
def http_server(tmp_path: Path, http_servers) -> str:
    return http_servers(tmp_path / "http.db").url


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
