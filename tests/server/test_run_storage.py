"""What a report run leaves in the database: each value once, compressed, readable back."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import anyio
import pytest

from archwright.server.config import Settings
from archwright.server.runtime import Runtime
from archwright.server.store.runs import decode, encode
from archwright.server.workflows.report import WORKFLOW_ID

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def _stored_values(path: Path) -> list[object]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute("SELECT input, output FROM step_snapshots UNION ALL "
                                  "SELECT input, output FROM workflow_runs").fetchall()
    finally:
        connection.close()
    return [decode(value) for row in rows for value in row if value is not None]


def test_a_report_run_stores_each_value_once(tmp_path: Path) -> None:
    db = tmp_path / "once.db"

    async def report() -> object:
        async with Runtime(Settings(db_path=str(db), tracing=False)) as runtime:
            engine = await runtime.engine()
            run = await engine.start(WORKFLOW_ID, {"requirement": RIDE})
            return await engine.get(run.run_id)

    run = anyio.run(report)
    outputs = {s.path: s.output for s in run.steps}  # type: ignore[attr-defined]
    stored = json.dumps(_stored_values(db))
    for path in ("analyze", "compare", "summarize", "design/design_serverless"):
        key, largest = max(outputs[path].items(), key=lambda item: len(json.dumps(item[1])))
        piece = json.dumps({key: largest})[1:-1]
        assert stored.count(piece) == 1, f"{path}'s output is stored {stored.count(piece)} times"
    assert stored.count(json.dumps(RIDE)) == 2, "the requirement: the run's input and the analysis (answers added)"
    markdown = json.dumps(outputs["summarize"]["markdown"])
    assert stored.count(markdown) == 1, "the summary's Markdown is kept once; the full report is never stored"


def test_long_values_are_compressed_and_read_back_the_same() -> None:
    value = {"items": [{"name": f"line {i}", "source": "https://aws.amazon.com/lambda/pricing/"} for i in range(200)]}
    stored = encode(value)
    assert isinstance(stored, bytes) and len(stored) < len(json.dumps(value)) / 5
    assert decode(stored) == value
    assert encode({"short": 1}) == '{"short": 1}'
    assert decode(zlib.compress(json.dumps(value).encode())) == value, "plain zlib stays readable"


def test_a_value_from_an_unknown_dictionary_is_a_clear_error() -> None:
    compressor = zlib.compressobj(6, zdict=b"a dictionary this build does not ship" * 10)
    foreign = compressor.compress(json.dumps({"x": "y" * 1000}).encode()) + compressor.flush()
    with pytest.raises(ValueError, match="compression dictionary .* upgrade Archwright"):
        decode(foreign)
