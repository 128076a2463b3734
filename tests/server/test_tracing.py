"""Tracing through the public surface: span trees, trace tools and resources, degraded storage."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from archwright.server.store import prepare
from archwright.server.telemetry.redact import Redactor
from archwright.server.telemetry.tracing import setup_telemetry

pytestmark = pytest.mark.anyio
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _make_read_only(db: Path) -> Callable[[], None]:
    """Make the database file and its folder unwritable, even for root (chattr +i), or skip."""
    targets = [str(db), str(db.parent)]
    if os.geteuid() != 0:
        db.chmod(0o444)
        db.parent.chmod(0o555)
        return lambda: (db.parent.chmod(0o755), db.chmod(0o644))  # type: ignore[return-value]
    chattr = shutil.which("chattr")
    if chattr is None or subprocess.run([chattr, "+i", *targets], capture_output=True).returncode != 0:
        pytest.skip("running as root on a filesystem without immutable files: read-only cannot be simulated")
    return lambda: subprocess.run([chattr, "-i", *targets], check=True)  # type: ignore[return-value]


def _tree(spans):
    by_id = {s.context.span_id: s for s in spans}
    return {s.name: (by_id[s.parent.span_id].name if s.parent and s.parent.span_id in by_id else None) for s in spans}


async def test_a_tool_call_is_one_trace_with_the_advisor_steps_as_children(make_server, telemetry) -> None:
    telemetry.memory.clear()
    async with Client(make_server(telemetry)) as client:
        result = await client.call_tool("compare_architectures", {"requirement": RIDE})
    spans = [s for s in telemetry.memory.get_finished_spans() if s.name != "tools/list"]
    call_spans = [s for s in spans if s.context.trace_id == spans[-1].context.trace_id]
    parents = _tree(call_spans)
    assert parents == {
        "tools/call compare_architectures": None,
        "execute_tool compare_architectures": "tools/call compare_architectures",
        "analyze": "execute_tool compare_architectures",
        "design serverless": "execute_tool compare_architectures",
        "design microservices": "execute_tool compare_architectures",
        "design monolith": "execute_tool compare_architectures",
        "compare": "execute_tool compare_architectures",
    }
    by_name = {s.name: s for s in call_spans}
    assert by_name["execute_tool compare_architectures"].attributes["gen_ai.tool.name"] == "compare_architectures"
    assert by_name["execute_tool compare_architectures"].attributes["gen_ai.operation.name"] == "execute_tool"
    assert by_name["analyze"].attributes["archwright.domain"] == "ride_sharing"
    assert by_name["design monolith"].attributes["archwright.components"] > 5
    assert by_name["compare"].attributes["archwright.cost.expected_usd"] > 0
    link = [c for c in result.content if c.type == "resource_link"]
    trace_id = format(call_spans[0].context.trace_id, "032x")
    assert link and str(link[0].uri) == f"archwright://traces/{trace_id}"


async def test_get_trace_returns_the_tree_and_a_waterfall(make_server, telemetry) -> None:
    async with Client(make_server(telemetry)) as client:
        result = await client.call_tool("design_architecture", {"requirement": RIDE, "style": "monolith"})
        uri = next(str(c.uri) for c in result.content if c.type == "resource_link")
        trace_id = uri.rsplit("/", 1)[1]
        detail = await client.call_tool("get_trace", {"trace_id": trace_id})
        resource = json.loads((await client.read_resource(uri)).contents[0].text)
    data = detail.structured_content
    assert data["trace_id"] == trace_id and data["tracing"]["status"] == "ok"
    root = data["spans"][0]
    assert root["name"] == "tools/call design_architecture"
    assert [c["name"] for c in root["children"]] == ["execute_tool design_architecture"]
    assert [c["name"] for c in root["children"][0]["children"]] == ["analyze", "design monolith"]
    assert "design monolith" in data["waterfall"] and "ms" in data["waterfall"]
    assert "```" in detail.content[0].text
    assert resource["trace_id"] == trace_id


async def test_list_traces_is_newest_first_filtered_and_paginated(make_server, telemetry) -> None:
    async with Client(make_server(telemetry)) as client:
        for _ in range(3):
            await client.call_tool("analyze_requirements", {"requirement": RIDE})
        await client.call_tool("analyze_requirements", {"requirement": ""})
        page = (await client.call_tool("list_traces", {"tool_name": "analyze_requirements", "limit": 2})).structured_content
        older = (await client.call_tool("list_traces", {"tool_name": "analyze_requirements", "limit": 2,
                                                         "cursor": page["next_cursor"]})).structured_content
        errors = (await client.call_tool("list_traces", {"status": "error"})).structured_content
        listed = json.loads((await client.read_resource("archwright://traces")).contents[0].text)
    starts = [t["started_at"] for t in page["traces"] + older["traces"]]
    assert starts == sorted(starts, reverse=True)
    assert {t["tool_name"] for t in page["traces"] + older["traces"]} == {"analyze_requirements"}
    assert not set(t["trace_id"] for t in page["traces"]) & set(t["trace_id"] for t in older["traces"])
    assert errors["traces"] and all(t["status"] == "error" for t in errors["traces"])
    assert listed["traces"]


@pytest.mark.parametrize(
    ("trace_id", "expected"),
    [
        ("0" * 32, "No trace with id"),
        ("xyz", "32 lowercase hexadecimal"),
        ("../../etc/passwd", "32 lowercase hexadecimal"),
        ("ABCDEF0123456789ABCDEF0123456789", "32 lowercase hexadecimal"),
    ],
)
async def test_bad_trace_ids_are_clear_errors(make_server, telemetry, trace_id: str, expected: str) -> None:
    async with Client(make_server(telemetry)) as client:
        result = await client.call_tool("get_trace", {"trace_id": trace_id})
        assert result.is_error and expected in result.content[0].text
        with pytest.raises(MCPError, match="trace"):
            await client.read_resource(f"archwright://traces/{trace_id.replace('/', '_')}")


async def test_without_telemetry_trace_tools_say_tracing_is_disabled(make_server) -> None:
    async with Client(make_server()) as client:
        listing = await client.call_tool("list_traces", {})
        result = await client.call_tool("analyze_requirements", {"requirement": RIDE})
    assert listing.structured_content["tracing"]["status"] == "disabled"
    assert not [c for c in result.content if c.type == "resource_link"]


@pytest.mark.parametrize("fault", ["read_only", "corrupt", "newer_schema"])
async def test_a_broken_database_degrades_tracing_but_tools_keep_answering(make_server, tmp_path, fault: str) -> None:
    db = tmp_path / "broken.db"
    if fault == "corrupt":
        db.write_bytes(b"this is not a sqlite database" * 100)
    elif fault == "newer_schema":
        connection = sqlite3.connect(db)
        connection.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_ns INTEGER)")
        connection.execute("INSERT INTO schema_version VALUES (99, 0)")
        connection.commit()
        connection.close()
    else:
        prepare(str(db))
        restore = _make_read_only(db)
    local = setup_telemetry(str(db), redactor=Redactor(), install_global=False, schedule_delay_millis=10)
    try:
        async with Client(make_server(local)) as client:
            advice = await client.call_tool("analyze_requirements", {"requirement": RIDE})
            local.flush()
            listing = await client.call_tool("list_traces", {})
        assert not advice.is_error
        tracing = listing.structured_content["tracing"]
        assert tracing["status"] == "degraded", tracing
        if fault == "newer_schema":
            assert "newer Archwright" in tracing["detail"]
    finally:
        local.shutdown()
        if fault == "read_only":
            restore()
    if fault == "newer_schema":
        connection = sqlite3.connect(db)
        assert connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 99
        assert connection.execute("SELECT name FROM sqlite_master WHERE name = 'spans'").fetchone() is None


async def test_an_in_memory_database_keeps_traces_for_the_life_of_the_server(make_server) -> None:
    from archwright.server.config import resolve_db

    local = setup_telemetry(resolve_db(":memory:"), redactor=Redactor(), install_global=False, schedule_delay_millis=10)
    try:
        async with Client(make_server(local)) as client:
            empty = (await client.call_tool("list_traces", {})).structured_content
            await client.call_tool("analyze_requirements", {"requirement": RIDE})
            listed = (await client.call_tool("list_traces", {})).structured_content
        assert empty["tracing"]["status"] == "ok" and empty["traces"] == []
        assert listed["tracing"]["status"] == "ok"
        assert [t["tool_name"] for t in listed["traces"]] == ["analyze_requirements"]
    finally:
        local.shutdown()
