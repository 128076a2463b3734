"""How much the database grows per report: N architecture_report runs through the runtime, as
`archwright serve` records them (storage and tracing on), into a fresh file.

    python bench/bench_store_size.py [--reports 1000]

Prints the file size (database plus WAL after a checkpoint), bytes per report, and the share of
each table (SQLite's dbstat), for the dev set's requirements in turn and for the ride-sharing
example alone. Target: under 20 MB per 1,000 reports.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

import anyio

from archwright.server.config import Settings
from archwright.server.runtime import Runtime
from archwright.server.workflows.report import WORKFLOW_ID

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


async def _fill(path: Path, texts: list[str], reports: int) -> dict[str, int]:
    statuses: dict[str, int] = {}
    async with Runtime.from_settings(Settings(db_path=str(path), retention_seconds=None)) as runtime:
        engine = await runtime.engine()
        for index in range(reports):
            run = await engine.start(WORKFLOW_ID, {"requirement": texts[index % len(texts)]})
            statuses[run.status] = statuses.get(run.status, 0) + 1
    return statuses


def _measure(path: Path) -> tuple[int, dict[str, int]]:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    tables: dict[str, int] = {}
    try:
        for name, size in connection.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"):
            tables[name] = size
    except sqlite3.OperationalError:  # dbstat not compiled in: totals only
        pass
    connection.close()
    total = path.stat().st_size + sum(p.stat().st_size for p in path.parent.glob(path.name + "-*"))
    return total, tables


def run(label: str, texts: list[str], reports: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "size.db"
        started = time.perf_counter()
        statuses = anyio.run(_fill, path, texts, reports)
        seconds = time.perf_counter() - started
        total, tables = _measure(path)
    per_report = total / reports
    print(f"{label}: {reports} reports ({statuses}) in {seconds:.1f} s -> {total / 1e6:.2f} MB, "
          f"{per_report / 1e3:.1f} KB a report, {per_report * 1000 / 1e6:.1f} MB per 1,000 (target < 20)")
    for name, size in sorted(tables.items(), key=lambda item: -item[1])[:8]:
        print(f"   {name:28} {size / total:6.1%}  {size / reports / 1e3:6.2f} KB a report")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--reports", type=int, default=1000)
    count = parser.parse_args().reports
    dev = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    run("dev set in turn", dev, count)
    run("ride-sharing example", [RIDE], count)
