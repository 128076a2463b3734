"""The analyzer against the labelled sets: reports every figure and enforces floors.

dev and tune are tuned on, so their floors are regression guards. The holdout set is never tuned
on: its figures are printed for the record and its floors are only there to catch a collapse, set
below what it scored when it was first measured, never raised to fit it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from archwright.tools.analyze import analyze_requirements
from archwright.tools.evaluation import Scores, evaluate

DATASETS = Path(__file__).resolve().parents[2] / "resources" / "datasets"


def _rows(name: str) -> list[dict[str, Any]]:
    text = (DATASETS / f"requirements.{name}.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _scores(name: str) -> Scores:
    scores = evaluate(_rows(name), analyze_requirements)
    print("\n" + "\n".join(scores.lines(name)))
    return scores


def test_the_sets_are_the_size_the_readme_says_and_ids_are_unique() -> None:
    sizes = {name: len(_rows(name)) for name in ("dev", "tune", "holdout")}
    assert sizes["dev"] == 72 and sizes["tune"] >= 120 and sizes["holdout"] >= 120
    assert sum(sizes.values()) >= 300
    ids = [row["id"] for name in sizes for row in _rows(name)]
    assert len(ids) == len(set(ids))


def test_dev_set_meets_its_floors() -> None:
    scores = _scores("dev")
    assert scores.domain >= 0.95 and scores.features_f1 >= 0.9 and scores.compliance_f1 >= 0.95
    assert scores.users_exact >= 0.95 and scores.invented_users == 0


def test_tune_set_meets_its_floors() -> None:
    scores = _scores("tune")
    assert scores.domain >= 0.8 and scores.features_f1 >= 0.78 and scores.compliance_f1 >= 0.95
    assert scores.users_exact >= 0.75
    assert scores.workload["events_per_second"] >= 0.85 and scores.workload["team"] >= 0.85


@pytest.mark.parametrize("figure", ["domain", "features_f1", "compliance_f1", "users_exact"])
def test_holdout_has_not_collapsed(figure: str) -> None:
    scores = _scores("holdout") if figure == "domain" else evaluate(_rows("holdout"), analyze_requirements)
    floors = {"domain": 0.6, "features_f1": 0.6, "compliance_f1": 0.8, "users_exact": 0.6}
    assert getattr(scores, figure) >= floors[figure]
