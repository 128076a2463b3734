"""Client values are bounded before anything is stored, and storage faults are named, not bare."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client

from archwright.server.config import Settings
from archwright.server.mcp import build_server
from archwright.server.runtime import Runtime
from archwright.server.store.database import rows_total
from archwright.server.store.runs import decode

pytestmark = pytest.mark.anyio
EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


async def test_an_oversized_workflow_input_is_refused_before_anything_is_stored(tmp_path: Path) -> None:
    db = tmp_path / "bounded.db"
    async with Runtime(Settings(db_path=str(db), tracing=False)) as runtime:
        async with Client(build_server(runtime)) as client:
            huge = await client.call_tool("run_workflow", {"workflow_id": "architecture_report",
                                                           "input": {"requirement": "x " * 5_000_000}})
            deep: object = "x"
            for _ in range(200):
                deep = [deep]
            nested = await client.call_tool("run_workflow", {"workflow_id": "architecture_report",
                                                             "input": {"requirement": RIDE, "extra": deep}})
            fine = await client.call_tool("generate_report", {"requirement": RIDE})
    assert huge.is_error and "limit is 100,000" in huge.content[0].text
    assert not nested.is_error and not fine.is_error  # an unknown field is dropped, not stored
    assert rows_total(str(db), "workflow_runs") == 2, "the oversized input stored nothing"
    stored = sqlite3.connect(db).execute("SELECT input FROM workflow_runs").fetchall()
    assert all("extra" not in decode(value) for (value,) in stored)


def test_client_controlled_span_text_is_cut(tmp_path: Path) -> None:
    db = tmp_path / "spans.db"
    name = "t" * 2_000_000
    messages = [
        {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}}},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": {}}},
        {"jsonrpc": "2.0", "id": "i" * 1_000_000, "method": "tools/call",
         "params": {"name": "analyze_requirements", "arguments": {"requirement": RIDE}}},
    ]
    done = subprocess.run([str(EXECUTABLE), "--db", str(db), "serve"], input="".join(json.dumps(m) + "\n"
                          for m in messages), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    connection = sqlite3.connect(db)
    longest = connection.execute("SELECT MAX(LENGTH(name) + LENGTH(attributes)) FROM spans").fetchone()[0]
    connection.close()
    assert longest < 20_000, f"a span holds {longest:,} characters of client text"


async def test_a_full_disk_fails_the_report_with_its_cause(tmp_path: Path) -> None:
    db = tmp_path / "full.db"
    async with Runtime(Settings(db_path=str(db), tracing=False)) as runtime:
        connection = await runtime.database.connection()
        pages = (await connection.execute_fetchall("PRAGMA page_count"))[0][0]
        await connection.execute(f"PRAGMA max_page_count = {pages}")  # the file may not grow: a full disk
        async with Client(build_server(runtime)) as client:
            results = [await client.call_tool("generate_report", {"requirement": RIDE}) for _ in range(3)]
        await connection.execute("PRAGMA max_page_count = 1073741823")
    failed = [r for r in results if r.is_error]
    assert failed, "the reports should not all fit in a full file"
    assert all("disk is full" in r.content[0].text for r in failed), [r.content[0].text for r in failed]
    assert all(not r.content[0].text.startswith("Error executing tool") for r in failed)
    assert rows_total(str(db), "workflow_runs", "WHERE status = 'running'") == 0, "no run is left running"


@pytest.mark.skipif(shutil.which("chattr") is None, reason="needs chattr to make a file immutable")
def test_an_unwritable_database_refuses_a_report_with_its_cause(tmp_path: Path) -> None:
    db = tmp_path / "locked-down.db"
    subprocess.run([str(EXECUTABLE), "--db", str(db), "runs"], capture_output=True, timeout=60)
    if subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode != 0:
        pytest.skip("this file system does not support immutable files")
    try:
        done = subprocess.run([str(EXECUTABLE), "--db", str(db), "report", RIDE], capture_output=True, text=True,
                              timeout=60)
    finally:
        subprocess.run(["chattr", "-i", str(db)], capture_output=True)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "read-only" in done.stderr or "readonly" in done.stderr, done.stderr
