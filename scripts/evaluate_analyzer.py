"""Print the analyzer's figures on each labelled set (dev and tune are tuned on; holdout is not).

    python scripts/evaluate_analyzer.py [--misses FIELD] [--set NAME]

`--misses` lists the row ids a figure missed, for the tuned sets only: looking at holdout misses
would make the holdout figure a tuned one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from archwright.tools.analyze import analyze_requirements
from archwright.tools.evaluation import evaluate

DATASETS = Path(__file__).resolve().parents[1] / "resources" / "datasets"
SETS = {"dev": "requirements.dev.jsonl", "tune": "requirements.tune.jsonl", "holdout": "requirements.holdout.jsonl"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", default=None, help="list the tuned rows this figure missed")
    parser.add_argument("--set", choices=sorted(SETS), action="append", help="only these sets")
    args = parser.parse_args()
    for name in args.set or SETS:
        rows = [json.loads(line) for line in (DATASETS / SETS[name]).read_text(encoding="utf-8").splitlines() if line]
        scores = evaluate(rows, analyze_requirements)
        sys.stdout.write("\n".join(scores.lines(name)) + "\n")
        if args.misses and name != "holdout":
            sys.stdout.write(f"  missed {args.misses}: {' '.join(scores.misses.get(args.misses, []))}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
