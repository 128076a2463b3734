"""Loads the knowledge base from the TOML files beside this module, once, and checks it whole.

Everything the advisor knows (vocabularies, blueprints, cloud services, prices) lives in
`data/`; this module turns it into validated, immutable models and cross-checks the references
between files (a blueprint naming a role no cloud offers is a load error, not a runtime
KeyError in the middle of a tool call).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from archwright.resources.models import (
    STYLES,
    BuyOption,
    CloudSpec,
    ComplianceSpec,
    DomainSpec,
    FeatureSpec,
    ModuleBlueprint,
    QuestionRule,
    RoleSpec,
    SpecialisationSpec,
    StyleSpec,
    Threat,
    UnitPrice,
    WorkloadLexicon,
)

DATA_DIR = Path(__file__).parent / "data"


class CatalogError(ValueError):
    """The knowledge base is inconsistent; the message names the file and the entry."""


@dataclass(frozen=True)
class Catalog:
    """The whole knowledge base, keyed by id."""

    domains: dict[str, DomainSpec]
    features: dict[str, FeatureSpec]
    compliance: dict[str, ComplianceSpec]
    roles: dict[str, RoleSpec]
    baseline_roles: tuple[str, ...]
    feature_blueprints: dict[str, ModuleBlueprint]
    capability_blueprints: dict[str, ModuleBlueprint]
    specialisations: dict[str, SpecialisationSpec]
    compliance_blueprints: dict[str, ModuleBlueprint]
    styles: dict[str, StyleSpec]
    clouds: dict[str, CloudSpec]
    prices: dict[str, dict[str, UnitPrice]]
    real_words: frozenset[str]
    workload: WorkloadLexicon
    questions: tuple[QuestionRule, ...]
    buy: tuple[BuyOption, ...]
    threats: tuple[Threat, ...]


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def _read_word_list(name: str) -> frozenset[str]:
    path = DATA_DIR / name
    if not path.exists():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _keyed(table: dict[str, dict[str, Any]], model: type, **extra: Any) -> dict[str, Any]:
    return {key: model(id=key, **value, **extra) for key, value in table.items()}


@cache
def load_catalog() -> Catalog:
    """The validated knowledge base (loaded on first use, then shared)."""
    blueprints = _read("blueprints.toml")
    prices = _read("prices.toml")
    catalog = Catalog(
        domains=_keyed(_read("domains.toml")["domains"], DomainSpec),
        features=_keyed(_read("features.toml")["features"], FeatureSpec),
        compliance=_keyed(_read("compliance.toml")["compliance"], ComplianceSpec),
        roles=_keyed(blueprints["roles"], RoleSpec),
        baseline_roles=tuple(blueprints["baseline"]["roles"]),
        feature_blueprints=_keyed(blueprints["features"], ModuleBlueprint),
        capability_blueprints=_keyed(blueprints.get("capabilities", {}), ModuleBlueprint),
        specialisations=_keyed(_read("specialisations.toml")["specialisations"], SpecialisationSpec),
        compliance_blueprints=_keyed(blueprints["compliance"], ModuleBlueprint),
        styles=_keyed(_read("styles.toml")["styles"], StyleSpec),
        clouds={
            path.stem: CloudSpec(id=path.stem, **_read(f"clouds/{path.name}"))
            for path in sorted((DATA_DIR / "clouds").glob("*.toml"))
        },
        prices={cloud: _keyed(table, UnitPrice) for cloud, table in prices.items()},
        real_words=_read_word_list("real_words.txt"),
        workload=WorkloadLexicon(**_read("workload.toml")),
        questions=tuple(QuestionRule(**rule) for rule in _read("questions.toml")["questions"]),
        buy=tuple(BuyOption(**option) for option in _read("buy.toml")["buy"]),
        threats=tuple(Threat(**threat) for threat in _read("threats.toml")["threats"]),
    )
    _check_references(catalog)
    return catalog


def _check_references(catalog: Catalog) -> None:
    """Every id one file names must exist in the file that defines it."""
    problems: list[str] = []
    for feature in catalog.features.values():
        for other in (*feature.implies, *feature.excluded_by):
            if other not in catalog.features:
                problems.append(f"features.toml: {feature.id} names unknown feature {other!r}")
        if feature.id not in catalog.feature_blueprints:
            problems.append(f"blueprints.toml: no [features.{feature.id}] blueprint")
    for regime in catalog.compliance.values():
        if regime.id not in catalog.compliance_blueprints:
            problems.append(f"blueprints.toml: no [compliance.{regime.id}] blueprint")
        for domain in regime.when_domain:
            if domain not in catalog.domains:
                problems.append(f"compliance.toml: {regime.id} names unknown domain {domain!r}")
    for domain in catalog.domains.values():
        for capability in domain.core:
            if capability not in catalog.capability_blueprints:
                problems.append(f"domains.toml: {domain.id} names unknown capability {capability!r}")
        for feature in domain.implies:
            if feature not in catalog.features:
                problems.append(f"domains.toml: {domain.id} implies unknown feature {feature!r}")
    known_ids = {*catalog.domains, *catalog.features, *catalog.compliance, *catalog.specialisations}
    for threat in catalog.threats:
        problems += [f"threats.toml: {threat.threat!r} names unknown id {i!r}" for i in threat.when if i not in known_ids]
    for kind in catalog.specialisations.values():
        for capability in (*kind.core, *kind.replaces):
            if capability not in catalog.capability_blueprints:
                problems.append(f"specialisations.toml: {kind.id} names unknown capability {capability!r}")
        for domain in (*kind.domains, *kind.reinterprets, *([kind.home] if kind.home else [])):
            if domain not in catalog.domains:
                problems.append(f"specialisations.toml: {kind.id} names unknown domain {domain!r}")
    for capability in catalog.capability_blueprints:
        if capability in catalog.features or capability in catalog.compliance:
            problems.append(f"blueprints.toml: capability {capability!r} shares an id with a feature or regime")
    used_roles = set(catalog.baseline_roles)
    for blueprint in (*catalog.feature_blueprints.values(), *catalog.compliance_blueprints.values(),
                      *catalog.capability_blueprints.values()):
        used_roles.update(role for role, _ in blueprint.uses)
        used_roles.update(blueprint.roles)
        used_roles.update(role for link in blueprint.links for role in link[:2])
    from archwright.tools.questions import CONDITIONS  # the conditions are code; their names are data

    known_modules = {*catalog.features, *catalog.capability_blueprints}
    for option in catalog.buy:
        for module in option.for_:
            if module not in known_modules:
                problems.append(f"buy.toml: {option.products!r} names unknown feature or capability {module!r}")
    for rule in catalog.questions:
        if rule.when not in CONDITIONS:
            problems.append(f"questions.toml: unknown condition {rule.when!r}")
        if rule.ask_regime and rule.ask_regime not in catalog.compliance:
            problems.append(f"questions.toml: {rule.when} asks about unknown regime {rule.ask_regime!r}")
    for role in sorted(used_roles - catalog.roles.keys()):
        problems.append(f"blueprints.toml: role {role!r} is used but not defined")
    for cloud in catalog.clouds.values():
        for role in sorted(catalog.roles):
            for style in STYLES:
                try:
                    cloud.service_for(role, style)
                except KeyError:
                    problems.append(f"clouds/{cloud.id}.toml: no service for role {role!r}")
                    break
        if cloud.id not in catalog.prices:
            problems.append(f"prices.toml: no prices for cloud {cloud.id!r}")
    if set(catalog.styles) != set(STYLES):
        problems.append(f"styles.toml: styles must be exactly {list(STYLES)}")
    if problems:
        raise CatalogError("knowledge base is inconsistent:\n  " + "\n  ".join(problems))
