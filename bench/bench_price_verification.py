"""How much of each recommended bill rests on verified unit prices, over the labelled sets.

    python bench/bench_price_verification.py

Prints, per cloud, the share of the expected monthly total that comes from line items whose unit
price was read from the provider's page (`verified = true` in resources/data/prices.toml), as the
median and the worst case over every requirement, and which unverified lines cost the most.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import Counter
from pathlib import Path

from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures

DATASETS = Path(__file__).resolve().parents[1] / "resources" / "datasets"


def main() -> int:
    texts = [json.loads(line)["requirement"] for name in ("dev", "tune")
             for line in (DATASETS / f"requirements.{name}.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for cloud in ("aws", "gcp", "azure"):
        shares: list[float] = []
        unverified: Counter[str] = Counter()
        for text in texts:
            comparison = compare_architectures(analyze_requirements(text), cloud=cloud)
            best = next(o for o in comparison.options if o.style == comparison.recommendation.style)
            total = best.monthly_cost.expected or 1.0
            shares.append(sum(i.expected for i in best.monthly_cost.line_items if i.verified) / total)
            for item in best.monthly_cost.line_items:
                if not item.verified:
                    unverified[item.name.split(" (")[0]] += item.expected
        top = ", ".join(f"{name} ${cost / len(texts):,.0f}" for name, cost in unverified.most_common(4))
        sys.stdout.write(f"{cloud}: verified share of the recommended bill over {len(texts)} requirements: median "
                         f"{statistics.median(shares):.0%}, worst {min(shares):.0%}; largest unverified lines "
                         f"(average a bill): {top}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
