"""Tracing overhead on a tool call as a client sees it: two real `archwright serve` processes.

    python bench/bench_tool_call_tracing.py [--calls N]

One server traces into a temporary SQLite file, the other runs with ARCHWRIGHT_TRACING=off; the
same compare_architectures calls alternate between them over stdio in one run, and the client
times each round trip.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"
EXECUTABLE = str(Path(sys.executable).with_name("archwright"))


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([EXECUTABLE, "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.DEVNULL, text=True, env={**os.environ, **env})
        self.next_id = 1
        self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                    "clientInfo": {"name": "bench", "version": "1"}})
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})

    def send(self, message: dict) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def request(self, method: str, params: dict) -> dict:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        assert self.process.stdout is not None
        while True:
            message = json.loads(self.process.stdout.readline())
            if message.get("id") == self.next_id:
                return message

    def call(self, text: str) -> float:
        started = time.perf_counter()
        answer = self.request("tools/call", {"name": "compare_architectures", "arguments": {"requirement": text}})
        elapsed = (time.perf_counter() - started) * 1000
        assert not answer["result"].get("isError"), answer
        return elapsed

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    texts = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as folder:
        traced = Server({"ARCHWRIGHT_DB": str(Path(folder) / "bench.db"), "ARCHWRIGHT_LOG_LEVEL": "WARNING"})
        plain = Server({"ARCHWRIGHT_TRACING": "off", "ARCHWRIGHT_LOG_LEVEL": "WARNING"})
        for text in texts:
            traced.call(text), plain.call(text)
        with_tracing, without = [], []
        for i in range(args.calls):
            text = texts[i % len(texts)]
            with_tracing.append(traced.call(text))
            without.append(plain.call(text))
        traced.close()
        plain.close()
    a, b = statistics.median(with_tracing), statistics.median(without)
    print(f"compare_architectures over stdio, {args.calls} calls each, alternating between two servers (ms):")
    print(f"  tracing off median {b:.3f}   tracing on median {a:.3f}   overhead {100 * (a - b) / b:+.1f}% (target < 10%)")


if __name__ == "__main__":
    main()
