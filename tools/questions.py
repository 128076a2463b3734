"""The questions worth asking before committing to a design: the gaps that would change it most.

The rules' order and wording live in resources/data/questions.toml; this module only knows how to
check each named condition against an analysis.
"""

from __future__ import annotations

import re

from collections.abc import Callable

from archwright.resources import Catalog
from archwright.tools.models import Analysis

MAX_QUESTIONS = 6
_PERSONAL_DATA_DOMAINS = frozenset({
    "healthcare", "fintech", "digital_wallet", "social_messaging", "marketplace", "ecommerce", "education",
    "ai_assistant", "b2b_saas",
})


def _features(analysis: Analysis) -> set[str]:
    return {f.id for f in analysis.features}


def _regimes(analysis: Analysis) -> set[str]:
    return {c.id for c in analysis.compliance}


def _domains(analysis: Analysis) -> set[str]:
    return {d.id for d in analysis.domains}


def _personal_data(analysis: Analysis) -> bool:
    return bool(_domains(analysis) & _PERSONAL_DATA_DOMAINS) and not analysis.is_vague


CONDITIONS: dict[str, Callable[[Analysis], bool]] = {
    "vague": lambda a: a.is_vague or not a.domains[0].evidence,
    "no_features": lambda a: not a.features and not a.kinds,
    "no_people_count": lambda a: a.users is None and not any(x.role == "device" for x in a.workload.actors),
    "devices_without_frequency": lambda a: (
        any(x.role == "device" for x in a.workload.actors) or "iot_telemetry" in _features(a)
    ) and not any(d.kind in ("events", "messages") for d in a.workload.drivers),
    "assistant_without_volume": lambda a: "llm_inference" in _features(a) and not any(
        d.kind == "questions" and d.provenance != "assumed" for d in a.workload.drivers),
    "large_without_peak": lambda a: a.requests_per_second is None and not a.workload.bursts
    and a.scale.tier in ("large", "massive"),
    "surge_without_size": lambda a: "traffic_bursts" in _features(a) and not a.workload.bursts,
    "payments_without_pci": lambda a: "payments" in _features(a) and "pci_dss" not in _regimes(a),
    "healthcare_without_hipaa": lambda a: "healthcare" in _domains(a) and "hipaa" not in _regimes(a),
    "personal_data_without_place": lambda a: _personal_data(a) and not a.workload.location.places
    and a.workload.location.residency is None,
    "personal_data_without_gdpr": lambda a: _personal_data(a) and "gdpr" not in _regimes(a)
    and a.workload.location.region in ("eu", "uk"),
    "tenants_without_soc2": lambda a: "multi_tenancy" in _features(a) and "soc2" not in _regimes(a),
    "no_team": lambda a: a.workload.team is None,
    "regulator_named": lambda a: bool(_REGULATORS.search(a.requirement)),
    "licence_holder_unsaid": lambda a: any(c.id == "financial_licence" and c.implied for c in a.compliance),
}

# Financial regulators and licences a requirement may name without naming one of the regimes we model.
_REGULATORS = re.compile(r"\b(?:FCA|PRA|SEC|FINRA|OCC|FDIC|CFPB|MAS|BaFin|APRA|ASIC|RBI|SEBI|FINMA|EBA|PSD2|"
                         r"e-money licen[cs]e|banking licen[cs]e|money transmitter|DORA)\b")


# Rules and standards a requirement may name that no regime here models: named back, never dropped.
_UNMODELLED = re.compile(r"\b(?:WCAG(?: ?2(?:\.\d)?)?(?: A{1,3})?|Section 508|ADA|GLBA|Gramm-Leach-Bliley|SOX|Sarbanes-Oxley|"
                         r"FedRAMP|StateRAMP|FISMA|NIST 800-\d+|CJIS|ITAR|HITRUST|ISO ?27701|PIPEDA|LGPD|"
                         r"POPIA|APPI|PDPA|DPDP|KVKK|FERPA-like|SOC 1|PCI PIN|NERC CIP|IEC 62443|21 CFR Part 11|GxP|"
                         r"MiFID II|Basel III|AML5|EU AI Act|eIDAS|NIS2)\b")


def unmodelled(analysis: Analysis) -> list[str]:
    """Rules the requirement names that no regime here models (ISO 27001 is read with SOC 2)."""
    names = {m.group(0) for m in _UNMODELLED.finditer(analysis.requirement)}
    return sorted(names)


def questions(analysis: Analysis, catalog: Catalog) -> list[str]:
    """The questions whose conditions hold, in the data file's order, at most six; first, any rule
    the requirement names that no regime here models."""
    asked: list[str] = []
    named = unmodelled(analysis)
    if named:
        asked.append(f"The requirement names {', '.join(named)}, which this advisor does not model: which of "
                     f"{'its' if len(named) == 1 else 'their'} controls apply, and who evidences them? They are not in "
                     "the design, the estimates or the timeline.")
    for rule in catalog.questions:
        if CONDITIONS[rule.when](analysis):
            asked.append(catalog.compliance[rule.ask_regime].ask if rule.ask_regime else rule.ask)
    return asked[:MAX_QUESTIONS]
