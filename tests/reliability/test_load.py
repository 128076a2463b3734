"""Load: many concurrent reports over streamable HTTP and pipelined over stdio, one process or two
sharing the file. Every call succeeds, every run and every trace is stored, nothing is locked.
(Latency figures are printed by bench/bench_load.py; tests never judge timing.)"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from mcp import Client

from archwright.server.store.database import rows_total

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


async def _reports(url: str, count: int) -> list[str]:
    outcomes: list[str] = []

    async def one() -> None:
        try:
            async with Client(url) as client:
                result = await client.call_tool("generate_report", {"requirement": RIDE})
                outcomes.append("error: " + result.content[0].text[:200] if result.is_error
                                else result.structured_content["status"])
        except Exception as error:  # noqa: BLE001 - the test reports every failure, whatever it is
            outcomes.append(f"raised: {error!r}"[:200])

    async with anyio.create_task_group() as group:
        for _ in range(count):
            group.start_soon(one)
    return outcomes


def _stored(db: Path, tool: str) -> tuple[int, int, int]:
    return (rows_total(str(db), "workflow_runs", "WHERE status = 'success'"),
            rows_total(str(db), "workflow_runs"),
            rows_total(str(db), "traces", "WHERE tool_name = ?", (tool,)))


@pytest.mark.slow
def test_200_concurrent_reports_over_http_all_succeed_and_are_stored(tmp_path: Path, http_servers) -> None:
    db = tmp_path / "load.db"
    server = http_servers(db)
    outcomes = anyio.run(_reports, server.url, 200)
    stderr = server.stop()
    assert outcomes.count("success") == 200, sorted(set(outcomes))[:5]
    assert _stored(db, "generate_report") == (200, 200, 200)
    assert "locked" not in stderr


@pytest.mark.slow
def test_two_processes_share_one_file_under_load(tmp_path: Path, http_servers) -> None:
    db = tmp_path / "shared.db"
    first, second = http_servers(db), http_servers(db)
    url_a, url_b = first.url, second.url

    async def both() -> list[str]:
        results: list[list[str]] = []

        async def side(url: str) -> None:
            results.append(await _reports(url, 60))

        async with anyio.create_task_group() as group:
            group.start_soon(side, url_a)
            group.start_soon(side, url_b)
        return [outcome for part in results for outcome in part]

    outcomes = anyio.run(both)
    stderr = first.stop() + second.stop()
    assert outcomes.count("success") == 120, sorted(set(outcomes))[:5]
    assert _stored(db, "generate_report") == (120, 120, 120)
    assert "locked" not in stderr


@pytest.mark.slow
def test_200_pipelined_reports_over_stdio(tmp_path: Path, pipelined, stdio_server) -> None:
    db = tmp_path / "stdio.db"
    log = tmp_path / "stdio.log"
    with log.open("w") as errors:
        process = stdio_server(db, stderr=errors)
        process.stdin.write(pipelined("generate_report", {"requirement": RIDE}, 200))
        process.stdin.flush()  # and kept open until every answer is in, as a client does
        answers = []
        while len(answers) < 201:
            line = process.stdout.readline()
            if not line:
                break
            if "id" in (message := json.loads(line)):
                answers.append(message)
        process.stdin.close()
        process.wait(timeout=60)
    stderr = log.read_text()
    statuses = [a["result"]["structuredContent"]["status"] for a in answers if a.get("id", 0) >= 1 and "result" in a]
    assert statuses.count("success") == 200, [a for a in answers if "error" in a][:3]
    assert _stored(db, "generate_report") == (200, 200, 200)
    assert "locked" not in stderr
