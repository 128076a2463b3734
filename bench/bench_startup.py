"""Spawn-to-initialize time of `archwright serve`, next to a bare MCPServer with one tool.

    python bench/bench_startup.py [--runs N]

Both servers are started alternately in the same run (so machine load affects both alike); each
run sends the handshake-era initialize request and stops the clock at the answer.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
INITIALIZE = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}) + "\n"


def time_to_initialize(command: list[str]) -> float:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(INITIALIZE)
    process.stdin.flush()
    answer = json.loads(process.stdout.readline())
    elapsed = time.perf_counter() - started
    assert answer.get("id") == 1 and "result" in answer, answer
    process.stdin.close()
    process.wait(timeout=10)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    archwright = [str(Path(sys.executable).with_name("archwright")), "serve"]
    bare = [sys.executable, str(HERE / "bare_server.py")]
    ours: list[float] = []
    baseline: list[float] = []
    time_to_initialize(archwright)  # first start pays for writing .pyc files
    time_to_initialize(bare)
    for _ in range(args.runs):
        ours.append(time_to_initialize(archwright))
        baseline.append(time_to_initialize(bare))
    m_ours, m_bare = statistics.median(ours), statistics.median(baseline)
    print(f"spawn -> initialize answer, median of {args.runs} alternating runs")
    print(f"  bare MCPServer, one tool : {m_bare:.3f} s (min {min(baseline):.3f})")
    print(f"  archwright serve         : {m_ours:.3f} s (min {min(ours):.3f})")
    print(f"  difference               : {m_ours - m_bare:+.3f} s (budget +0.200 s)")


if __name__ == "__main__":
    main()
