"""The analyzer on 20,000-character requirements of hostile and ordinary shapes (target < 100 ms each).

    python bench/bench_analyzer_shapes.py [--chars 20000]

Prints the median of five runs per shape, and the time at half the length, so a shape whose cost
grows faster than its length shows (linear: the ratio is about 2).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from archwright.resources import load_catalog
from archwright.tools._numbers import _quantities
from archwright.tools.analyze import analyze_requirements

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"


def shapes(chars: int) -> dict[str, str]:
    catalog = load_catalog()
    words = [w for d in catalog.domains.values() for w in (*d.strong, *d.medium, *d.weak)]
    words += [p for f in catalog.features.values() for p in f.patterns]
    keywords = " ".join(words)
    prose = " ".join(json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip())
    distinct = " ".join(f"paymen{i} tracki{i} chatt{i} users{i}" for i in range(chars))

    def fill(text: str) -> str:
        return (text * (chars // max(1, len(text)) + 1))[:chars]

    return {
        "ordinary prose (the dev set)": fill(prose + " "),
        "repeated numbers '1 '": fill("1 "),
        "numbers next to people '100k users '": fill("100k daily users "),
        "repeated hyphens '- '": fill("- "),
        "one long word": "a" * chars,
        "distinct half-matching words": distinct[:chars],
        "every keyword": fill(keywords + " "),
        "numbers without sentence ends '12,000, '": fill("12,000, "),
    }


def timed(text: str, runs: int = 5) -> float:
    samples = []
    for _ in range(runs):
        _quantities.cache_clear()  # measure each run cold: the analyzer remembers the last texts' numbers
        started = time.perf_counter()
        try:
            analyze_requirements(text)
        except ValueError:  # a refused input still counts: the refusal must be fast too
            pass
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--chars", type=int, default=20_000)
    chars = parser.parse_args().chars
    analyze_requirements("A ride-sharing app for 100k daily users")  # load the catalog first
    half, full = shapes(chars // 2), shapes(chars)
    print(f"{'shape':42} {chars // 2:>8} chars {chars:>8} chars  ratio")
    for name in full:
        a, b = timed(half[name]), timed(full[name])
        print(f"{name:42} {a:8.1f} ms {b:11.1f} ms  {b / a:5.1f}")
