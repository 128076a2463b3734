"""`archwright eval` end to end, as a team runs it in CI: a table or JSON, experiments stored,
comparison with the previous one or a baseline, exit 1 on a regression, bad input a clear error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from archwright.tools.analyze import analyze_requirements
from archwright.tools.evaluation import evaluate

EXECUTABLE = Path(sys.executable).with_name("archwright")
ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "resources" / "datasets" / "requirements.dev.jsonl"


def _eval(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ARCHWRIGHT_DB": str(db)}
    return subprocess.run([str(EXECUTABLE), "eval", *args], capture_output=True, text=True, timeout=120, env=env)


def _small(tmp_path: Path, rows: int = 6) -> Path:
    lines = [line for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()][:rows]
    vague = {"id": "vague-01", "requirement": "An app.", "domain": "general", "secondary_domains": [],
             "features": ["teleportation"], "compliance": [], "users": None, "requests_per_second": None}
    path = tmp_path / "small.jsonl"
    path.write_text("\n".join([*lines, json.dumps(vague)]) + "\n", encoding="utf-8")
    return path


def test_eval_prints_the_figures_the_tests_define_and_stores_an_experiment(tmp_path: Path) -> None:
    dataset, db = _small(tmp_path), tmp_path / "store.db"
    done = _eval(str(dataset), "--format", "json", db=db)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    rows = [json.loads(line) for line in dataset.read_text(encoding="utf-8").splitlines()]
    figures = evaluate(rows, analyze_requirements)  # the one metrics module: the same numbers
    metrics = result["metrics"]
    assert metrics["rows"] == 7 and metrics["domain_accuracy"] == figures.domain
    assert metrics["features_f1"] == figures.features_f1 and metrics["compliance_f1"] == figures.compliance_f1
    assert metrics["suspended"] == 1  # the vague case asks its questions rather than inventing a report
    assert {"scorer.completeness.mean", "scorer.consistency.not_scorable", "scorer.cost_sanity.errors"} <= set(metrics)
    assert result["unknown_labels"] == [{"id": "vague-01", "field": "features", "ids": ["teleportation"]}]
    (vague,) = [c for c in result["cases"] if c["id"] == "vague-01"]
    assert vague["status"] == "suspended"
    table = _eval(str(dataset), "--compare", db=db)
    assert table.returncode == 0, table.stderr
    assert f"vs {result['experiment_id']}" in table.stdout and "REGRESSION" not in table.stdout
    assert "vague-01: features teleportation" in table.stdout and "vague-01: suspended" in table.stdout


def test_a_regression_against_a_baseline_exits_1(tmp_path: Path) -> None:
    dataset, db = _small(tmp_path), tmp_path / "store.db"
    baseline = json.loads(_eval(str(dataset), "--format", "json", db=db).stdout)
    better = {**baseline, "metrics": {**baseline["metrics"], "features_f1": baseline["metrics"]["features_f1"] + 0.1,
                                      "scorer.completeness.mean": 1.5}}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(better), encoding="utf-8")
    done = _eval(str(dataset), "--baseline", str(path), "--tolerance", "0.05", db=db)
    assert done.returncode == 1
    assert "features_f1" in done.stdout and "REGRESSION" in done.stdout
    assert "2 regression(s) beyond 0.05: features_f1, scorer.completeness.mean" in done.stdout
    path.write_text(json.dumps(baseline), encoding="utf-8")
    assert _eval(str(dataset), "--baseline", str(path), db=db).returncode == 0


def test_bad_datasets_baselines_and_tolerances_are_one_line_errors(tmp_path: Path) -> None:
    good = DEV.read_text(encoding="utf-8").splitlines()[0]
    row = json.loads(good)
    cases = {
        "not JSON": f"{good}\n{{not json}}\n",
        "domain: Field required": json.dumps({"id": "a", "requirement": "A shop selling shoes online"}) + "\n",
        "features: Input should be a valid list": json.dumps({**row, "features": 5}) + "\n",
        "users: Input should be a valid dictionary": json.dumps({**row, "users": 5000}) + "\n",
        "requirement:": json.dumps({**row, "requirement": "   "}) + "\n",
        "is used twice": f"{good}\n{good}\n",
    }
    for words, text in cases.items():
        bad = tmp_path / "bad.jsonl"
        bad.write_text(text, encoding="utf-8")
        done = _eval(str(bad), db=tmp_path / "store.db")
        assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, (words, done.stderr)
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00binary\n")
    assert "not UTF-8" in _eval(str(binary), db=tmp_path / "store.db").stderr
    missing = _eval(str(tmp_path / "nope.jsonl"), db=tmp_path / "store.db")
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    dataset = _small(tmp_path, rows=2)
    for baseline, words in (("[1, 2]", "is not an experiment file"), ('{"metrics": {"rows": 1}}', "none of the figures"),
                            ('{"metrics": {"features_f1": NaN}}', "not a finite number")):
        path = tmp_path / "baseline.json"
        path.write_text(baseline, encoding="utf-8")
        done = _eval(str(dataset), "--baseline", str(path), db=tmp_path / "store.db")
        assert done.returncode == 2 and words in done.stderr, (baseline, done.stderr)
    for tolerance in ("nan", "inf", "-0.5", "2"):
        done = _eval(str(dataset), "--tolerance", tolerance, db=tmp_path / "store.db")
        assert done.returncode == 2 and "--tolerance" in done.stderr, (tolerance, done.stderr)


def test_more_failed_or_suspended_cases_are_a_regression(tmp_path: Path) -> None:
    dataset, db = _small(tmp_path), tmp_path / "store.db"
    baseline = json.loads(_eval(str(dataset), "--format", "json", db=db).stdout)
    fewer = {**baseline, "metrics": {**baseline["metrics"], "suspended": 0}}
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps(fewer), encoding="utf-8")
    done = _eval(str(dataset), "--baseline", str(path), db=db)
    assert done.returncode == 1 and "regression(s) beyond 0.02: suspended" in done.stdout


def test_every_labelled_set_in_the_repository_reads_as_the_format() -> None:
    from archwright.server.evals.runner import read_dataset

    for name in ("dev", "tune", "holdout"):
        assert len(read_dataset(ROOT / "resources" / "datasets" / f"requirements.{name}.jsonl")) >= 72
