"""The eval runner: the analyzer and the report workflow over a labelled dataset, as one experiment.

It prints (or returns as JSON) the analyzer's figures, computed by the one metrics module the tests
use (`archwright.tools.evaluation`), each scorer's mean over the final reports with its not-scorable
and error counts, the quality loop's rounds, and the cases that failed. An experiment is stored;
`compare` reports each metric's change from a previous experiment (or a baseline file) and whether
any fell by more than the tolerance, so CI can fail on a regression.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from archwright.resources import load_catalog
from archwright.server.evals.scorers import SCORERS
from archwright.server.store.database import Database
from archwright.server.workflows.report import WORKFLOW_ID
from archwright.server.workflows.runs import Engine
from archwright.tools.analyze import analyze_requirements
from archwright.tools.evaluation import evaluate
from archwright.tools.validation import RequirementError, check_requirement

DEFAULT_TOLERANCE = 0.02
# Figures where a fall beyond the tolerance is a regression, and counts where any rise is one
# (every other figure is shown, not judged).
GUARDED = ("domain_accuracy", "features_f1", "compliance_f1", "users_exact",
           *(f"scorer.{s.id}.mean" for s in SCORERS))
MUST_NOT_RISE = ("failed", "suspended", *(f"scorer.{s.id}.errors" for s in SCORERS))


class DatasetError(ValueError):
    """The dataset cannot be read: the message names the file and the line."""


class CaseResult(BaseModel):
    id: str
    status: str = Field(description="The report run's status: success, suspended (asked questions) or failed.")
    run_id: str | None = None
    rounds: int | None = None
    scores: dict[str, float | None] = Field(default_factory=dict, description="Scorer id to value (None: no value).")
    statuses: dict[str, str] = Field(default_factory=dict)
    failing: list[str] = Field(default_factory=list, description="Scorers below their threshold, or in error.")
    error: str | None = None


class Experiment(BaseModel):
    experiment_id: str
    dataset: str
    dataset_sha256: str
    name: str | None
    created_ns: int
    metrics: dict[str, float | int | None]
    unknown_labels: list[dict[str, Any]] = Field(default_factory=list,
                                                 description="Labels outside the knowledge base's vocabulary, by case.")
    cases: list[CaseResult]


class MetricChange(BaseModel):
    metric: str
    before: float | int | None
    after: float | int | None
    change: float | None
    regression: bool


class ExperimentDiff(BaseModel):
    against: str = Field(description="The experiment id or baseline file compared with.")
    tolerance: float
    changes: list[MetricChange]
    notes: list[str] = Field(default_factory=list, description="Why the comparison may mislead (another dataset).")

    @property
    def regressions(self) -> list[MetricChange]:
        return [c for c in self.changes if c.regression]


class _Users(BaseModel):
    count: int = Field(ge=0, le=10**12)
    period: str


class _Actor(BaseModel):
    role: str
    count: int | None = Field(ge=0, le=10**12)


class _Burst(BaseModel):
    count: int = Field(ge=0, le=10**12)
    minutes: float = Field(ge=0, allow_inf_nan=False)


class LabelledRow(BaseModel):
    """A row of the labelled format (resources/datasets/README.md): the labels the metrics read, typed.
    Rows labelled before the workload fields existed simply leave them out."""

    model_config = {"extra": "allow"}

    id: str = Field(min_length=1, max_length=200, pattern=r"^[\w.:-]+$")
    requirement: str
    domain: str
    secondary_domains: list[str] = Field(default_factory=list)
    features: list[str]
    compliance: list[str]
    users: _Users | None
    requests_per_second: float | None = Field(allow_inf_nan=False)
    actors: list[_Actor] | None = None
    ruled_out: list[str] | None = None
    integrations: list[str] | None = None
    events_per_second: float | None = Field(default=None, allow_inf_nan=False)
    team: float | None = Field(default=None, allow_inf_nan=False)
    residency: str | None = None
    latency_ms: float | None = Field(default=None, allow_inf_nan=False)
    availability: float | None = Field(default=None, allow_inf_nan=False)
    retention_days: float | None = Field(default=None, allow_inf_nan=False)
    burst: _Burst | None = None


def read_dataset(path: Path) -> list[dict[str, Any]]:
    """The labelled rows, each checked against the format; the first bad line is an error naming
    the file, the line and what is wrong."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise DatasetError(f"cannot read {path}: it is not UTF-8 text") from None
    except OSError as error:
        raise DatasetError(f"cannot read {path}: {error.strerror or error}") from None
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DatasetError(f"{path}:{number}: not JSON ({error.msg})") from None
        except (RecursionError, ValueError) as error:  # nesting too deep, an integer too long
            raise DatasetError(f"{path}:{number}: not usable JSON ({type(error).__name__})") from None
        if not isinstance(row, dict):
            raise DatasetError(f"{path}:{number}: each line must be a JSON object")
        try:
            LabelledRow.model_validate(row)
            check_requirement(row["requirement"])
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "(row)"
            raise DatasetError(f"{path}:{number}: {where}: {first['msg']} (see resources/datasets/README.md)") from None
        except RequirementError as error:
            raise DatasetError(f"{path}:{number}: requirement: {error}") from None
        if row["id"] in seen:
            raise DatasetError(f"{path}:{number}: the id {row['id']!r} is used twice")
        seen.add(row["id"])
        rows.append(row)
    if not rows:
        raise DatasetError(f"{path} has no rows")
    return rows


class Baseline(BaseModel):
    """A stored experiment as `--baseline` reads it: finite figures, at least one guarded."""

    experiment_id: str = "baseline"
    dataset: str | None = None
    dataset_sha256: str | None = None
    metrics: dict[str, float | None]

    @classmethod
    def read(cls, path: Path) -> Baseline:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            baseline = cls.model_validate(data)
        except UnicodeDecodeError:
            raise DatasetError(f"cannot read the baseline {path}: it is not UTF-8 text") from None
        except OSError as error:
            raise DatasetError(f"cannot read the baseline {path}: {error.strerror or error}") from None
        except (ValueError, RecursionError) as error:  # JSON errors, validation errors, too deep or too long
            raise DatasetError(f"{path} is not an experiment file (as `archwright eval --format json` writes): "
                               f"{str(error).splitlines()[0][:200]}") from None
        if any(v is not None and not math.isfinite(v) for v in baseline.metrics.values()):
            raise DatasetError(f"{path} holds a figure that is not a finite number")
        if not set(GUARDED) & set(baseline.metrics):
            raise DatasetError(f"{path} has none of the figures a comparison guards ({', '.join(GUARDED[:4])}...)")
        return baseline


def unknown_labels(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Label ids the knowledge base does not know: reported, never silently dropped."""
    catalog = load_catalog()
    vocabularies = {"domain": set(catalog.domains), "secondary_domains": set(catalog.domains),
                    "features": set(catalog.features), "compliance": set(catalog.compliance)}
    found = []
    for row in rows:
        for field, known in vocabularies.items():
            value = row.get(field)
            labelled = [value] if isinstance(value, str) else list(value or [])
            unknown = sorted(v for v in labelled if v not in known)
            if unknown:
                found.append({"id": row["id"], "field": field, "ids": unknown})
    return found


async def run_experiment(engine: Engine, dataset: Path, *, cloud: str = "aws", name: str | None = None,
                         rows: list[dict[str, Any]] | None = None) -> Experiment:
    """Analyze and report every row (`rows`, when the caller has read the dataset already); the
    figures and each case's outcome."""
    rows = read_dataset(dataset) if rows is None else rows
    figures = evaluate(rows, analyze_requirements)
    cases = [await _case(engine, row, cloud) for row in rows]
    metrics: dict[str, float | int | None] = {
        "rows": figures.rows, "domain_accuracy": figures.domain, "features_f1": figures.features_f1,
        "compliance_f1": figures.compliance_f1, "users_exact": figures.users_exact,
        "invented_users": figures.invented_users, "rps_exact": figures.rps_exact,
        "suspended": sum(c.status == "suspended" for c in cases), "failed": sum(c.status == "failed" for c in cases),
        "revised": sum(bool(c.rounds) for c in cases),
    }
    for scorer in SCORERS:
        values = [c.scores[scorer.id] for c in cases if c.statuses.get(scorer.id) == "scored"]
        metrics[f"scorer.{scorer.id}.mean"] = round(sum(v for v in values if v is not None) / len(values), 4) \
            if values else None
        metrics[f"scorer.{scorer.id}.not_scorable"] = sum(c.statuses.get(scorer.id) == "not_scorable" for c in cases)
        metrics[f"scorer.{scorer.id}.errors"] = sum(c.statuses.get(scorer.id) == "error" for c in cases)
    digest = hashlib.sha256(dataset.read_bytes()).hexdigest()
    return Experiment(experiment_id=uuid.uuid4().hex, dataset=dataset.name, dataset_sha256=digest, name=name,
                      created_ns=time.time_ns(), metrics=metrics, unknown_labels=unknown_labels(rows), cases=cases)


async def _case(engine: Engine, row: dict[str, Any], cloud: str) -> CaseResult:
    try:
        run = await engine.start(WORKFLOW_ID, {"requirement": row["requirement"], "cloud": cloud})
    except Exception as error:  # a case that cannot even start is a failed case, not a crashed eval
        return CaseResult(id=row["id"], status="failed", error=f"{type(error).__name__}: {error}")
    if run.status != "success" or not isinstance(run.output, dict):
        return CaseResult(id=row["id"], status=run.status, run_id=run.run_id, error=run.error)
    scores = run.output.get("scores", [])
    return CaseResult(
        id=row["id"], status="success", run_id=run.run_id, rounds=run.output.get("rounds"),
        scores={s["scorer"]: s["value"] for s in scores}, statuses={s["scorer"]: s["status"] for s in scores},
        failing=[s["scorer"] for s in scores if s["status"] == "error" or (
            s["status"] == "scored" and s["value"] is not None and s["value"] < s["threshold"] - 1e-9)])


def compare(before: Experiment | Baseline, after: Experiment, tolerance: float = DEFAULT_TOLERANCE) -> ExperimentDiff:
    """Each metric's change: a guarded figure that fell by more than `tolerance` (or lost its value),
    or a count of failed, suspended or errored cases that rose, is a regression."""
    if not (math.isfinite(tolerance) and 0 <= tolerance <= 1):
        raise ValueError(f"the tolerance must be a number from 0 to 1, not {tolerance}")
    old = before.metrics
    changes = []
    for metric in sorted(set(old) | set(after.metrics)):
        was, now = old.get(metric), after.metrics.get(metric)
        change = None if was is None or now is None else round(float(now) - float(was), 4)
        fell = metric in GUARDED and (change is not None and change < -tolerance or (was is not None and now is None))
        rose = metric in MUST_NOT_RISE and change is not None and change > 0
        changes.append(MetricChange(metric=metric, before=was, after=now, change=change, regression=fell or rose))
    notes = []
    if before.dataset is not None and before.dataset != after.dataset:
        notes.append(f"the baseline is of {before.dataset}, not {after.dataset}")
    elif before.dataset_sha256 is not None and before.dataset_sha256 != after.dataset_sha256:
        notes.append("the dataset changed since the baseline (its SHA-256 differs)")
    return ExperimentDiff(against=before.experiment_id, tolerance=tolerance, changes=changes, notes=notes)


class ExperimentStore:
    def __init__(self, database: Database) -> None:
        self._database = database

    async def add(self, experiment: Experiment) -> None:
        await self._database.write(
            "INSERT INTO experiments (experiment_id, dataset, dataset_sha256, name, metrics, cases, created_ns) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (experiment.experiment_id, experiment.dataset, experiment.dataset_sha256, experiment.name,
             json.dumps(experiment.metrics), json.dumps({"cases": [c.model_dump() for c in experiment.cases],
                                                         "unknown_labels": experiment.unknown_labels}),
             experiment.created_ns))

    async def previous(self, dataset: str, before_ns: int) -> Experiment | None:
        """The latest experiment on the same dataset before `before_ns`."""
        row = await self._database.fetch_one(
            "SELECT experiment_id, dataset, dataset_sha256, name, metrics, cases, created_ns FROM experiments "
            "WHERE dataset = ? AND created_ns < ? ORDER BY created_ns DESC LIMIT 1", (dataset, before_ns))
        if row is None:
            return None
        stored = json.loads(row[5])
        return Experiment(experiment_id=row[0], dataset=row[1], dataset_sha256=row[2], name=row[3],
                          metrics=json.loads(row[4]), cases=stored.get("cases", []),
                          unknown_labels=stored.get("unknown_labels", []), created_ns=row[6])


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    """Text from a dataset as a terminal may print it: no control characters (no escape sequences)."""
    return _CONTROL.sub("?", text)


def table(experiment: Experiment, comparison: ExperimentDiff | None = None) -> str:
    """The experiment as a plain-text table, with the comparison's changes when there is one."""
    changes = {c.metric: c for c in comparison.changes} if comparison else {}
    lines = [f"experiment {experiment.experiment_id} on {experiment.dataset} ({experiment.metrics['rows']} cases)"
             + (f" vs {comparison.against}" if comparison else "")]
    width = max(len(m) for m in experiment.metrics)
    for metric, value in experiment.metrics.items():
        shown = "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value))
        change = changes.get(metric)
        delta = ""
        if change is not None and change.change is not None:
            delta = f"  {change.change:+.3f}" + ("  REGRESSION" if change.regression else "")
        elif change is not None and change.regression:
            delta = "  REGRESSION (no value now)"
        lines.append(f"  {metric.ljust(width)}  {shown}{delta}")
    if experiment.unknown_labels:
        lines.append("labels outside the vocabulary (reported, not scored as known):")
        lines += [_shown(f"  {u['id']}: {u['field']} {', '.join(u['ids'])}") for u in experiment.unknown_labels]
    failing = [c for c in experiment.cases if c.status != "success" or c.failing]
    if failing:
        lines.append("cases that failed or fell below a threshold:")
        lines += [_shown(f"  {c.id}: " + (c.status + (f" ({c.error})" if c.error else "") if c.status != "success"
                                          else "below threshold: " + ", ".join(c.failing))) for c in failing]
    if comparison:
        lines += [f"note: {note}" for note in comparison.notes]
    if comparison and comparison.regressions:
        lines.append(f"{len(comparison.regressions)} regression(s) beyond {comparison.tolerance:g}: "
                     + ", ".join(c.metric for c in comparison.regressions))
    return "\n".join(lines) + "\n"
