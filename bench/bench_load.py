"""Concurrent generate_report calls against a real `archwright serve --transport http` on loopback.

    python bench/bench_load.py [--calls 200]

Prints how many succeeded, the wall time, and p50 / p99 latency as clients see them (each call
opens its own session, as independent clients would). Every run and trace is counted in the file
afterwards.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client

EXECUTABLE = Path(sys.executable).with_name("archwright")
RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


async def load(url: str, calls: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    failures: list[str] = []

    async def one() -> None:
        started = time.perf_counter()
        try:
            async with Client(url) as client:
                result = await client.call_tool("generate_report", {"requirement": RIDE})
                if result.is_error or result.structured_content["status"] != "success":
                    failures.append(result.content[0].text[:200])
        except Exception as error:  # noqa: BLE001 - a benchmark counts every failure
            failures.append(repr(error)[:200])
        latencies.append(time.perf_counter() - started)

    async with anyio.create_task_group() as group:
        for _ in range(calls):
            group.start_soon(one)
    return sorted(latencies), failures


def main(calls: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.db"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with (Path(folder) / "server.log").open("w") as log:
            server = subprocess.Popen([str(EXECUTABLE), "--db", str(db), "serve", "--transport", "http", "--port",
                                       str(port)], stderr=log, env={**os.environ, "ARCHWRIGHT_RETENTION": "off"})
            time.sleep(1.5)
            started = time.perf_counter()
            latencies, failures = anyio.run(load, f"http://127.0.0.1:{port}/mcp", calls)
            wall = time.perf_counter() - started
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        connection = sqlite3.connect(db)
        runs = connection.execute("SELECT COUNT(*) FROM workflow_runs WHERE status = 'success'").fetchone()[0]
        traces = connection.execute("SELECT COUNT(*) FROM traces WHERE tool_name = 'generate_report'").fetchone()[0]
        connection.close()
        locked = "locked" in (Path(folder) / "server.log").read_text()
    p50, p99 = latencies[len(latencies) // 2], latencies[max(0, int(len(latencies) * 0.99) - 1)]
    print(f"{calls} concurrent generate_report over HTTP: {calls - len(failures)} succeeded in {wall:.1f} s; "
          f"p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; stored {runs} runs and {traces} traces; "
          f"'database is locked' in the log: {locked}")
    for failure in failures[:5]:
        print("  failure:", failure)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    main(parser.parse_args().calls)
