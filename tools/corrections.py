"""A caller's corrections applied to what the text says: given values win, disagreements are reported.

The client calling our tools is itself a capable model. It may read the requirement (or the
conversation around it) better than our rules; what it passes in `WorkloadInput` replaces our
reading field by field, and every place where the text said otherwise becomes a `Conflict`, so
the advice shows both and the user can see which one was used.
"""

from __future__ import annotations

from dataclasses import dataclass

from archwright.resources import Catalog
from archwright.tools._scale import SECONDS_PER_DAY, Users
from archwright.tools.models import ComplianceFinding, DomainFinding, FeatureFinding, StatedUsers
from archwright.tools.workload import Reading, load_people
from archwright.tools.workload_models import (
    Actor,
    Burst,
    Conflict,
    Driver,
    Evidence,
    Figure,
    Integration,
    Place,
    WorkloadInput,
)


class CorrectionError(ValueError):
    """A given value names something the knowledge base does not know (the message lists what it does)."""


@dataclass
class Found:
    """What the analyzer read, in the shape corrections apply to."""

    domains: list[DomainFinding]
    features: list[FeatureFinding]
    ruled_out: list[FeatureFinding]
    compliance: list[ComplianceFinding]
    reading: Reading


def check_ids(given: WorkloadInput, catalog: Catalog) -> None:
    """Unknown ids are the caller's mistake; say which and what is accepted, before anything runs."""
    problems: list[str] = []
    if given.primary_domain is not None and given.primary_domain not in catalog.domains:
        problems.append(f"workload.primary_domain {given.primary_domain!r} is not a domain id ({', '.join(catalog.domains)})")
    for name in ("features", "ruled_out"):
        unknown = [f for f in getattr(given, name) or () if f not in catalog.features]
        if unknown:
            problems.append(f"workload.{name}: unknown feature ids {unknown} (see archwright://features)")
    places = catalog.workload.places.regions
    if given.residency is not None and given.residency not in places:
        problems.append(f"workload.residency {given.residency!r} is not a region code ({', '.join(sorted(places))})")
    unknown = [c for c in given.compliance or () if c not in catalog.compliance]
    if unknown:
        problems.append(f"workload.compliance: unknown regime ids {unknown} ({', '.join(catalog.compliance)})")
    if problems:
        raise CorrectionError("; ".join(problems))


def _quote(evidence: Evidence | None) -> str:
    return f"'{evidence.text}'" if evidence else "the text"


def apply(given: WorkloadInput, found: Found, catalog: Catalog) -> list[Conflict]:
    """Apply every given field to `found` in place; return the disagreements with the text."""
    check_ids(given, catalog)
    conflicts: list[Conflict] = []
    _apply_findings(given, found, catalog, conflicts)
    _apply_workload(given, found.reading, conflicts, catalog)
    return conflicts


def _apply_findings(given: WorkloadInput, found: Found, catalog: Catalog, conflicts: list[Conflict]) -> None:
    if given.primary_domain is not None and given.primary_domain != found.domains[0].id:
        detected = found.domains[0]
        if detected.evidence:
            conflicts.append(Conflict(field="primary_domain", stated=detected.id, given=given.primary_domain,
                                      evidence=detected.evidence[0]))
        spec = catalog.domains[given.primary_domain]
        rest = [d for d in found.domains if d.id != spec.id]
        found.domains = [DomainFinding(id=spec.id, name=spec.name, confidence=1.0, evidence=[]), *rest]
    if given.features is not None:
        wanted = list(dict.fromkeys(given.features))
        detected = {f.id: f for f in found.features}
        for finding in found.features:
            if finding.id not in wanted and finding.implied_by is None and finding.evidence:
                conflicts.append(Conflict(field="features", stated=f"{finding.id} ({_quote(finding.evidence[0])})",
                                          given="not in the given list", evidence=finding.evidence[0]))
        for finding in found.ruled_out:
            if finding.id in wanted:
                conflicts.append(Conflict(field="features", stated=f"{finding.id} ruled out", given=f"{finding.id} needed",
                                          evidence=finding.evidence[0] if finding.evidence else None))
        found.features = [
            detected[f].model_copy(update={"given": True, "confidence": 1.0}) if f in detected
            else FeatureFinding(id=f, name=catalog.features[f].name, evidence=[], given=True, confidence=1.0)
            for f in wanted
        ]
        found.ruled_out = [r for r in found.ruled_out if r.id not in wanted]
    if given.ruled_out is not None:
        excluded = set(given.ruled_out)
        found.features = [f for f in found.features if f.id not in excluded]
        known = {r.id for r in found.ruled_out}
        found.ruled_out.extend(
            FeatureFinding(id=f, name=catalog.features[f].name, evidence=[], given=True, confidence=1.0)
            for f in dict.fromkeys(given.ruled_out) if f not in known
        )
    if given.compliance is not None:
        wanted = list(dict.fromkeys(given.compliance))
        detected_regimes = {c.id: c for c in found.compliance}
        for regime in found.compliance:
            if regime.id not in wanted and not regime.implied and regime.evidence:
                conflicts.append(Conflict(field="compliance", stated=f"{regime.id} ({_quote(regime.evidence[0])})",
                                          given="not in the given list", evidence=regime.evidence[0]))
        found.compliance = [
            detected_regimes[c].model_copy(update={"given": True, "confidence": 1.0}) if c in detected_regimes
            else ComplianceFinding(id=c, name=catalog.compliance[c].name, evidence=[], implied=False, given=True,
                                   confidence=1.0)
            for c in wanted
        ]


def _differs(stated: float | None, given: float, tolerance: float = 0.05) -> bool:
    return stated is not None and abs(stated - given) > tolerance * max(abs(stated), abs(given), 1e-9)


def _figure(value: float, unit: str) -> Figure:
    return Figure(value=value, unit=unit, provenance="given", confidence=1.0)


def _replace_figure(
    name: str, stated: Figure | None, value: float | None, unit: str, conflicts: list[Conflict], tolerance: float = 0.05
) -> Figure | None:
    if value is None:
        return stated
    if stated is not None and stated.provenance == "stated" and _differs(stated.value, value, tolerance):
        conflicts.append(Conflict(field=name, stated=f"{stated.value:g} {stated.unit}", given=f"{value:g} {unit}",
                                  evidence=stated.evidence))
    return _figure(value, unit)


def _apply_workload(given: WorkloadInput, reading: Reading, conflicts: list[Conflict], catalog: Catalog) -> None:
    if given.actors is not None:
        reading.actors = [
            Actor(role=a.role, noun=a.noun or a.role.replace("_", " ") + "s", count=a.count, period=a.period,
                  provenance="given", confidence=1.0)
            for a in given.actors
        ]
        if given.users is None:
            reading.users, reading.users_basis = load_people(reading.actors, [])
            if reading.users is not None:
                reading.users = reading.users.model_copy(update={"provenance": "given", "evidence": None})
    if given.users is not None:
        stated = reading.users
        if stated is not None and (stated.count, stated.period) != (given.users.count, given.users.period):
            conflicts.append(Conflict(field="users", stated=f"{stated.count:,} {stated.period}",
                                      given=f"{given.users.count:,} {given.users.period}", evidence=stated.evidence))
        for actor in reading.actors:
            actor.drives_load = False
        reading.users = StatedUsers(count=given.users.count, period=given.users.period, evidence=None, provenance="given")
        reading.users_basis = Users(given.users.count, given.users.period)
    if given.requests_per_second is not None:
        if _differs(reading.requests_per_second, given.requests_per_second):
            conflicts.append(Conflict(field="requests_per_second", stated=f"{reading.requests_per_second:g}/s",
                                      given=f"{given.requests_per_second:g}/s", evidence=reading.requests_evidence))
        reading.requests_per_second = given.requests_per_second
        reading.requests_evidence = None
    if given.events_per_second is not None:
        machine = [d for d in reading.drivers if d.kind in ("events", "messages")]
        stated_rate = sum(d.per_second for d in machine) if machine else None
        if _differs(stated_rate, given.events_per_second, 0.1):
            conflicts.append(Conflict(field="events_per_second", stated=f"{stated_rate:g}/s",
                                      given=f"{given.events_per_second:g}/s", evidence=machine[0].evidence))
        reading.drivers = [d for d in reading.drivers if d not in machine]
        reading.drivers.append(_given_driver("events", given.events_per_second))
    if given.questions_per_day is not None:
        reading.drivers = [d for d in reading.drivers if d.kind != "questions"]
        reading.drivers.append(_given_driver("questions", given.questions_per_day / SECONDS_PER_DAY))
    if given.burst is not None:
        stated_burst = next(iter(reading.bursts), None)
        if stated_burst is not None and (stated_burst.count, stated_burst.minutes) != (given.burst.count, given.burst.minutes):
            conflicts.append(Conflict(field="burst", stated=f"{stated_burst.count:,} in {stated_burst.minutes:g} min",
                                      given=f"{given.burst.count:,} in {given.burst.minutes:g} min",
                                      evidence=stated_burst.evidence))
        per_person = catalog.workload.assumptions.burst_requests_per_person
        per_second = given.burst.count * per_person / (given.burst.minutes * 60)
        reading.bursts = [Burst(
            count=given.burst.count, minutes=given.burst.minutes, per_second=round(per_second, 2), provenance="given",
            formula=f"{given.burst.count:,} arriving x {per_person:g} requests each / ({given.burst.minutes:g} min x 60 s)"
                    f" = {per_second:,.1f} requests/s",
            confidence=1.0,
        )]
    reading.team = _replace_figure("team", reading.team, given.team, "engineers", conflicts)
    reading.budget = _replace_figure("budget_usd_per_month", reading.budget, given.budget_usd_per_month, "USD/month",
                                     conflicts)
    reading.latency = _replace_figure("latency_ms", reading.latency, given.latency_ms, "ms", conflicts)
    reading.availability = _replace_figure("availability_percent", reading.availability, given.availability_percent,
                                           "%", conflicts, tolerance=0.0)
    reading.retention = _replace_figure("retention_days", reading.retention, given.retention_days, "days", conflicts)
    if given.residency is not None:
        if reading.residency is not None and reading.residency.code != given.residency:
            conflicts.append(Conflict(field="residency", stated=reading.residency.code, given=given.residency,
                                      evidence=reading.residency.evidence))
        reading.residency = Place(code=given.residency, provenance="given")
    if given.integrations is not None:
        reading.integrations = [
            Integration(name=name.strip().lower(), kind="given", provenance="given")
            for name in dict.fromkeys(given.integrations) if name.strip()
        ]


def _given_driver(kind: str, per_second: float) -> Driver:
    return Driver(kind=kind, per_second=round(per_second, 3), per_day=round(per_second * SECONDS_PER_DAY, 1),  # type: ignore[arg-type]
                  provenance="given", confidence=1.0)
