"""The analyzer against the labelled dev set: reports the figures and enforces the floors.

The floors (domain accuracy 0.95, feature micro-F1 0.85, compliance micro-F1 0.95, users exact
0.95) are minimums, not targets: the analyzer is also judged on requirements it has never seen.
"""

from __future__ import annotations

from typing import Any

from archwright.tools.analyze import analyze_requirements


def _micro_f1(pairs: list[tuple[set[str], set[str]]]) -> float:
    tp = sum(len(got & want) for got, want in pairs)
    fp = sum(len(got - want) for got, want in pairs)
    fn = sum(len(want - got) for got, want in pairs)
    return 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def test_dev_set_metrics_meet_the_floors(dev_rows: list[dict[str, Any]]) -> None:
    analyses = [(row, analyze_requirements(row["requirement"])) for row in dev_rows]
    domain = sum(a.primary_domain == row["domain"] for row, a in analyses) / len(analyses)
    features = _micro_f1([({f.id for f in a.features}, set(row["features"])) for row, a in analyses])
    compliance = _micro_f1([({c.id for c in a.compliance}, set(row["compliance"])) for row, a in analyses])
    users = sum(
        ((a.users.count, a.users.period) if a.users else None)
        == ((row["users"]["count"], row["users"]["period"]) if row["users"] else None)
        for row, a in analyses
    ) / len(analyses)
    rates = sum(a.requests_per_second == row["requests_per_second"] for row, a in analyses) / len(analyses)
    print(
        f"\ndev set ({len(analyses)} requirements): primary domain accuracy {domain:.3f}, feature micro-F1 "
        f"{features:.3f}, compliance micro-F1 {compliance:.3f}, users exact {users:.3f}, rps exact {rates:.3f}"
    )
    assert domain >= 0.95
    assert features >= 0.85
    assert compliance >= 0.95
    assert users >= 0.95
