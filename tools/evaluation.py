"""How well the analyzer reads a labelled set: the figures the dataset README defines.

Rows labelled before the vocabulary grew (no `actors` field) are scored the way requirements we
never see are: a new domain counts as `general`, and new feature and regime ids are not counted
against the analyzer. Workload fields are scored only on rows that label them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from archwright.tools.models import Analysis

OLD_DOMAINS = frozenset({"ride_sharing", "ecommerce", "fintech", "digital_wallet", "healthcare", "social_messaging",
                         "streaming", "iot", "integration", "analytics", "marketplace", "general"})
# Features added after the labels were written that refine a labelled one (live streaming implies video
# streaming): the labels cannot say them, so they are left out of the comparison rather than counted wrong.
REFINEMENTS = frozenset({"live_streaming"})
OLD_FEATURES = frozenset({
    "real_time_tracking", "geolocation", "payments", "subscriptions_billing", "chat_messaging", "notifications",
    "search", "recommendations", "video_streaming", "media_upload", "user_auth", "admin_dashboard",
    "analytics_reporting", "inventory", "order_management", "booking_scheduling", "reviews_ratings", "social_feed",
    "iot_telemetry", "device_management", "data_pipeline", "fraud_detection", "audit_logging", "multi_tenancy",
    "offline_sync",
})
OLD_COMPLIANCE = frozenset({"pci_dss", "hipaa", "gdpr", "soc2"})
# Regimes added after every label was written: no row can say them, so they are not counted either way.
NEWER_REGIMES = frozenset({"financial_licence"})


@dataclass
class _Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, got: set[Any], want: set[Any]) -> None:
        self.tp += len(got & want)
        self.fp += len(got - want)
        self.fn += len(want - got)

    @property
    def f1(self) -> float:
        total = 2 * self.tp + self.fp + self.fn
        return 1.0 if total == 0 else 2 * self.tp / total


@dataclass
class Scores:
    """The figures for one labelled set, and the ids of the rows each figure missed."""

    rows: int = 0
    domain: float = 0.0
    features_f1: float = 0.0
    compliance_f1: float = 0.0
    users_exact: float = 0.0
    invented_users: int = 0
    rps_exact: float = 0.0
    workload: dict[str, float] = field(default_factory=dict)
    workload_rows: dict[str, int] = field(default_factory=dict)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def lines(self, name: str) -> list[str]:
        head = (f"{name} ({self.rows}): domain {self.domain:.3f}  features F1 {self.features_f1:.3f}  compliance F1 "
                f"{self.compliance_f1:.3f}  users exact {self.users_exact:.3f} (invented {self.invented_users})  "
                f"rps exact {self.rps_exact:.3f}")
        rest = "  ".join(f"{key} {value:.3f} (n={self.workload_rows[key]})" for key, value in self.workload.items())
        return [head, f"  workload: {rest}"] if rest else [head]


def _users(value: Any) -> tuple[int, str] | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return (value["count"], value["period"])
    return (value.count, value.period)


def _close(got: float | None, want: float | None, tolerance: float = 0.1) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(got - want) <= tolerance * max(abs(want), 0.1)


def _events(analysis: Analysis) -> float | None:
    rates = [d.per_second for d in analysis.workload.drivers if d.kind in ("events", "messages")]
    return sum(rates) if rates else None


def _burst(analysis: Analysis) -> tuple[int, float] | None:
    burst = next(iter(analysis.workload.bursts), None)
    return (burst.count, burst.minutes) if burst else None


def _plain(name: str) -> str:
    """A platform's name without case, spaces or punctuation: "M-Pesa" and "m pesa" are one."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _place(analysis: Analysis) -> str | None:
    location = analysis.workload.location
    if location.residency is not None:
        return location.residency.code
    return location.region if location.region_provenance != "assumed" else None


def _value(figure: Any) -> float | None:
    return figure.value if figure is not None else None


# Each workload field: how to read it from an analysis, and whether a reading matches the label.
_FIELDS: dict[str, tuple[Callable[[Analysis], Any], Callable[[Any, Any], bool]]] = {
    "events_per_second": (_events, lambda got, want: _close(got, want, 0.15)),
    "team": (lambda a: _value(a.workload.team), lambda got, want: _close(got, want, 0.0)),
    # The README's `residency`: where the data must stay, else where the users are, when stated.
    "residency": (_place, lambda got, want: got == want),
    "latency_ms": (lambda a: _value(a.workload.targets.latency_ms), lambda got, want: _close(got, want, 0.0)),
    "availability": (lambda a: _value(a.workload.targets.availability_percent), lambda got, want: _close(got, want, 0.0)),
    "retention_days": (lambda a: _value(a.workload.data.retention_days), lambda got, want: _close(got, want, 0.05)),
    "burst": (_burst, lambda got, want: (got is None and want is None) or (
        got is not None and want is not None and _close(got[0], want["count"], 0.0) and _close(got[1], want["minutes"], 0.0))),
}


def evaluate(rows: Iterable[dict[str, Any]], analyze: Callable[[str], Analysis]) -> Scores:
    """Score `analyze` on labelled rows (the README's format)."""
    scores = Scores()
    features, compliance, ruled_out, integrations, actors = _Counts(), _Counts(), _Counts(), _Counts(), _Counts()
    hits: dict[str, int] = {"domain": 0, "users": 0, "rps": 0}
    workload_hits: dict[str, int] = {}
    misses: dict[str, list[str]] = {}
    for row in rows:
        scores.rows += 1
        analysis = analyze(row["requirement"])
        old = "actors" not in row
        domain = analysis.primary_domain
        if old and domain not in OLD_DOMAINS:
            domain = "general"
        got_features = {f.id for f in analysis.features} - REFINEMENTS
        # The labels name the regimes the words or the domain bring; GDPR brought by where the users are
        # was added after them, so it is left out of the comparison like the refinements above.
        got_compliance = {c.id for c in analysis.compliance if not c.by_place} - NEWER_REGIMES
        if old:
            got_features &= OLD_FEATURES
            got_compliance &= OLD_COMPLIANCE
        checks = {
            "domain": domain == row["domain"],
            "users": _users(analysis.users) == _users(row["users"]),
            "rps": _close(analysis.requests_per_second, row["requests_per_second"], 0.02),
        }
        for key, ok in checks.items():
            hits[key] += ok
            if not ok:
                misses.setdefault(key, []).append(row["id"])
        if analysis.users is not None and row["users"] is None:
            scores.invented_users += 1
        features.add(got_features, set(row["features"]))
        compliance.add(got_compliance, set(row["compliance"]))
        if set(row["features"]) != got_features:
            misses.setdefault("features", []).append(row["id"])
        if "ruled_out" in row:
            ruled_out.add({f.id for f in analysis.ruled_out}, set(row["ruled_out"]))
            integrations.add({_plain(i.name) for i in analysis.workload.integrations}, {_plain(i) for i in row["integrations"]})
            actors.add(
                {(a.role, a.count) for a in analysis.workload.actors if not a.per_tenant},
                {(a["role"], a["count"]) for a in row["actors"]},
            )
        for name, (read, matches) in _FIELDS.items():
            if name in row:
                ok = matches(read(analysis), row[name])
                workload_hits[name] = workload_hits.get(name, 0) + ok
                scores.workload_rows[name] = scores.workload_rows.get(name, 0) + 1
                if not ok:
                    misses.setdefault(name, []).append(row["id"])
    n = max(scores.rows, 1)
    scores.domain, scores.users_exact, scores.rps_exact = hits["domain"] / n, hits["users"] / n, hits["rps"] / n
    scores.features_f1, scores.compliance_f1 = features.f1, compliance.f1
    for name, count in workload_hits.items():
        scores.workload[name] = count / scores.workload_rows[name]
    if ruled_out.tp + ruled_out.fp + ruled_out.fn:
        for name, counts in (("ruled_out_f1", ruled_out), ("integrations_f1", integrations), ("actors_f1", actors)):
            scores.workload[name] = counts.f1
            scores.workload_rows[name] = scores.workload_rows.get("team", 0)
    scores.misses = misses
    return scores
