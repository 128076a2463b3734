"""Start-up retention on a large database must not make the first calls wait.

    python bench/bench_retention.py [--old-spans 400000]

Fills a file with old traces (40 days ago), then starts `archwright serve` over stdio with the
default 30-day retention and times the first ten generate_report calls while the pruner works,
next to the same calls with retention off on an identical copy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from archwright.server.store import connect, migrate

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def fill(db: Path, spans: int) -> None:
    connection = connect(str(db))
    migrate(connection)
    old = time.time_ns() - 40 * 86_400 * 10**9
    per_trace = 10
    connection.execute("BEGIN")
    for trace in range(spans // per_trace):
        trace_id = f"{trace:032x}"
        connection.executemany("INSERT INTO spans VALUES (?, ?, NULL, 'old', 'internal', 'ok', NULL, ?, ?, ?, '[]')",
                               [(trace_id, f"{i:016x}", old, old + 1000, json.dumps({"k": "v" * 200}))
                                for i in range(per_trace)])
        connection.execute("INSERT INTO traces VALUES (?, 'old', 'compare_architectures', ?, ?, ?, 0)",
                           (trace_id, old, old + 1000, per_trace))
    connection.execute("COMMIT")
    connection.close()


def first_calls(db: Path, retention: str, calls: int = 10) -> list[float]:
    process = subprocess.Popen([str(EXECUTABLE), "--db", str(db), "serve"], stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env={**os.environ, "ARCHWRIGHT_RETENTION": retention})
    assert process.stdin is not None and process.stdout is not None

    def ask(message: dict) -> None:
        process.stdin.write(json.dumps(message) + "\n")
        process.stdin.flush()

    ask({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "b", "version": "1"}}})
    process.stdout.readline()
    ask({"jsonrpc": "2.0", "method": "notifications/initialized"})
    times = []
    for i in range(calls):
        started = time.perf_counter()
        ask({"jsonrpc": "2.0", "id": 1 + i, "method": "tools/call",
             "params": {"name": "generate_report", "arguments": {"requirement": RIDE}}})
        while "id" not in json.loads(process.stdout.readline()):
            pass
        times.append(time.perf_counter() - started)
    process.stdin.close()
    process.wait(timeout=120)
    return times


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--old-spans", type=int, default=400_000)
    spans = parser.parse_args().old_spans
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder) / "big.db"
        fill(base, spans)
        size = base.stat().st_size / 1e6
        copy = Path(folder) / "copy.db"
        shutil.copy(base, copy)
        pruning = first_calls(base, "30d")
        control = first_calls(copy, "off")
        left = sqlite3.connect(base).execute("SELECT COUNT(*) FROM spans").fetchone()[0]
    print(f"{spans:,} old spans ({size:.0f} MB). First ten generate_report calls, ms:")
    print("  retention 30d (pruning meanwhile):", " ".join(f"{t * 1000:.0f}" for t in pruning),
          f"(max {max(pruning) * 1000:.0f})")
    print("  retention off:                    ", " ".join(f"{t * 1000:.0f}" for t in control),
          f"(max {max(control) * 1000:.0f})")
    print(f"  old spans left after the pruned run exited: {left:,}")
