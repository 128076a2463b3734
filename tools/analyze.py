"""analyze_requirements: what an app needs, each finding tied to the words that produced it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from archwright.resources import Catalog, load_catalog
from archwright.tools import corrections, workload
from archwright.tools._places import broader
from archwright.tools._scale import Rate, estimate_scale
from archwright.tools._text import Document, Match, Pattern, Vocabulary, plain_words
from archwright.tools.corrections import Found
from archwright.tools.models import (
    Analysis,
    ComplianceFinding,
    DomainFinding,
    Evidence,
    FeatureFinding,
    KindFinding,
    StatedTeam,
)
from archwright.tools.questions import questions
from archwright.tools.validation import check_requirement
from archwright.tools.workload_models import Location, Workload, WorkloadInput

_WEIGHTS = {"strong": 3.0, "medium": 2.0, "weak": 1.0}
_HEAD_BONUS = 2.0
_PRODUCT_BONUS = 1.5
# In "AI tutor for high school students" the words before "for" name the product, the rest its
# audience: a product word outweighs an audience word of the same strength.
_AUDIENCE_START = re.compile(r"\s(?:for|to|that|which|where|who|so|used by|aimed at|targeting)\s", re.IGNORECASE)
_HEAD_WORDS = 12
_MIN_DOMAIN_SCORE = 2.0
_SECONDARY_SHARE = 0.5
_MIN_SECONDARY_SCORE = 5.0
_MAX_EVIDENCE = 3
_HEAD_END = re.compile(r"[.!?:;](?:\s|$)")


@dataclass(frozen=True)
class _Detector:
    """A feature's or regime's compiled patterns."""

    patterns: Pattern
    unless: Pattern
    ruled_out_by: Pattern = Pattern(())


@dataclass(frozen=True)
class _Lexicon:
    """Every pattern of the knowledge base, compiled once."""

    vocabulary: Vocabulary
    domains: dict[str, dict[str, Pattern]]
    features: dict[str, _Detector]
    compliance: dict[str, _Detector]
    compliance_context: dict[str, list[re.Pattern[str]]]
    kinds: dict[str, _Detector]


@cache
def _lexicon() -> _Lexicon:
    catalog = load_catalog()
    every_pattern: list[str] = []
    domains: dict[str, dict[str, Pattern]] = {}
    for domain in catalog.domains.values():
        domains[domain.id] = {}
        for strength in _WEIGHTS:
            patterns: tuple[str, ...] = getattr(domain, strength)
            every_pattern.extend(patterns)
            domains[domain.id][strength] = Pattern(patterns)
    features = {}
    for feature in catalog.features.values():
        every_pattern.extend(feature.patterns)
        features[feature.id] = _Detector(Pattern(feature.patterns), Pattern(feature.unless), Pattern(feature.ruled_out_by))
    compliance = {}
    for regime in catalog.compliance.values():
        every_pattern.extend(regime.patterns)
        compliance[regime.id] = _Detector(Pattern(regime.patterns), Pattern(regime.unless))
    kinds = {kind.id: _Detector(Pattern(kind.patterns), Pattern(kind.unless)) for kind in catalog.specialisations.values()}
    # The workload lexicon's nouns are words we know too: "pallets" is not a typo of "wallets".
    known_nouns = [(word, False) for noun in catalog.workload.actors.nouns() for word in noun.split()]
    known_nouns += [(word, False) for word in ("person", "persons", "people", "employee", "member", "user")]
    return _Lexicon(
        vocabulary=Vocabulary([*plain_words(every_pattern), *known_nouns], catalog.real_words),
        domains=domains,
        features=features,
        compliance=compliance,
        compliance_context={r.id: [re.compile(p) for p in r.and_patterns] for r in catalog.compliance.values()},
        kinds=kinds,
    )


def analyze_requirements(requirement: str, given: WorkloadInput | None = None) -> Analysis:
    """Analyse an app requirement, with the caller's corrections (`given`) applied on top.

    Raises RequirementError (with the reason) on unusable input, CorrectionError on unknown ids."""
    text = check_requirement(requirement)
    return _analyze(text, load_catalog(), _lexicon(), given)


def _analyze(text: str, catalog: Catalog, lexicon: _Lexicon, given: WorkloadInput | None = None) -> Analysis:
    document = Document(text, lexicon.vocabulary)
    domains = _domains(document, catalog, lexicon)
    features, ruled_out = _features(document, catalog, lexicon)
    compliance = _compliance(document, catalog, lexicon, {finding.id for finding in domains})
    kinds = _kinds(document, domains[0].id, catalog, lexicon)
    domains = _home_of(kinds, domains, catalog)
    found = Found(domains, features, ruled_out, compliance, workload.read(text, catalog))
    _implied_by_context(found, catalog)
    conflicts = corrections.apply(given, found, catalog) if given is not None else []
    reading = found.reading
    domain = catalog.domains[found.domains[0].id]
    rate = Rate(reading.requests_per_second) if reading.requests_per_second is not None else None
    scale = estimate_scale(domain, reading.users_basis, rate, workload.machine_load(text, reading.drivers, reading.bursts, catalog))
    feature_ids = {f.id for f in found.features}
    drivers = [*reading.drivers, *workload.derived_drivers(text, reading.drivers, feature_ids, domain, scale, reading.users,
                                                           catalog)]
    model = Workload(
        actors=reading.actors,
        load_driver=workload.load_driver_sentence(reading.actors, drivers, reading.users, scale),
        drivers=drivers,
        bursts=reading.bursts,
        data=workload.data_profile(reading.retention, drivers, feature_ids, domain, scale, catalog),
        targets=workload.targets(reading),
        location=workload.location(reading.places, reading.residency),
        team=reading.team,
        budget_usd_per_month=reading.budget,
        integrations=reading.integrations,
        given=given.given_fields() if given is not None else [],
        conflicts=conflicts,
        corrections=given,
    )
    analysis = Analysis(
        requirement=text,
        primary_domain=found.domains[0].id,
        domains=found.domains,
        features=found.features,
        kinds=kinds,
        ruled_out=found.ruled_out,
        users=reading.users,
        requests_per_second=reading.requests_per_second,
        requests_per_second_evidence=reading.requests_evidence,
        scale=scale,
        team=StatedTeam(count=int(reading.team.value), evidence=reading.team.evidence) if reading.team else None,
        compliance=found.compliance + _regimes_of_place(found.compliance, model.location, given, catalog),
        questions=[],
        is_vague=not found.features and not found.domains[0].evidence,
        workload=model,
    )
    analysis.questions = questions(analysis, catalog)
    return analysis


def _kinds(document: Document, primary: str, catalog: Catalog, lexicon: _Lexicon) -> list[KindFinding]:
    """Kinds of app inside the primary domain the words name (a ticket drop, food delivery, lending)."""
    found: list[KindFinding] = []
    for kind_id, detector in lexicon.kinds.items():
        kind = catalog.specialisations[kind_id]
        if kind.domains and primary not in kind.domains:
            continue
        blockers = list(detector.unless.matches(document))
        matches = [m for m in detector.patterns.matches(document)
                   if not any(m.overlaps(b) for b in blockers) and not document.is_negated(m)]
        if matches:
            found.append(KindFinding(id=kind_id, name=kind.name, evidence=_match_evidence(document, matches)))
    return found


def _regimes_of_place(
    found: list[ComplianceFinding], location: Location, given: WorkloadInput | None, catalog: Catalog
) -> list[ComplianceFinding]:
    """GDPR follows the people, not the words: users or data in the EU or UK bring it unsaid."""
    if any(c.id == "gdpr" for c in found) or (given is not None and given.compliance is not None):
        return []
    places = [location.residency] if location.residency else location.places
    european = [p for p in places if p is not None and (p.code in _GDPR_REGIONS or broader(p.code) in _GDPR_REGIONS)]
    if not european:
        return []
    return [ComplianceFinding(id="gdpr", name=catalog.compliance["gdpr"].name, implied=True, by_place=True, confidence=0.7,
                              evidence=[p.evidence for p in european if p.evidence][:1])]


_GDPR_REGIONS = frozenset({"eu", "uk"})


def _home_of(kinds: list[KindFinding], domains: list[DomainFinding], catalog: Catalog) -> list[DomainFinding]:
    """A kind's words outrank a domain they reinterpret: 60,000 seats at a ticket drop are a venue's
    seats, not a SaaS product's, so the app is a ticket shop, not a B2B SaaS."""
    for finding in kinds:
        kind = catalog.specialisations[finding.id]
        if kind.home and domains[0].id in kind.reinterprets:
            home = DomainFinding(id=kind.home, name=catalog.domains[kind.home].name, confidence=0.8,
                                 evidence=finding.evidence)
            return [home, *(d for d in domains if d.id != kind.home)]
    return domains


def _implied_by_context(found: Found, catalog: Catalog) -> None:
    """Features that follow from what the app is or what it states, not from a word: a B2B SaaS
    serves tenants, an AI assistant calls a model, a stated surge needs surge handling."""
    have = {f.id for f in found.features} | {f.id for f in found.ruled_out}
    primary = found.domains[0]
    for feature_id in catalog.domains[primary.id].implies:
        if feature_id not in have and primary.evidence:
            found.features.append(FeatureFinding(
                id=feature_id, name=catalog.features[feature_id].name, evidence=primary.evidence[:1],
                implied_by=primary.id, confidence=0.6,
            ))
            have.add(feature_id)
    if found.reading.bursts and "traffic_bursts" not in have:
        burst = found.reading.bursts[0]
        found.features.append(FeatureFinding(
            id="traffic_bursts", name=catalog.features["traffic_bursts"].name,
            evidence=[burst.evidence] if burst.evidence else [], implied_by="workload.bursts", confidence=0.8,
        ))
    order = list(catalog.features)
    found.features.sort(key=lambda f: order.index(f.id))


def _match_evidence(document: Document, matches: Iterable[Match]) -> list[Evidence]:
    """Up to three quotes, longest first among overlapping ones, then in reading order."""
    chosen: list[Match] = []
    quotes: set[str] = set()
    for match in sorted(matches, key=lambda m: (m.first - m.last, m.span.start)):
        quote = document.quote(match).lower()
        if quote not in quotes and not any(match.overlaps(other) for other in chosen):
            quotes.add(quote)
            chosen.append(match)
    chosen = sorted(chosen[:_MAX_EVIDENCE], key=lambda m: m.span.start)
    return [Evidence(text=document.quote(m), start=m.span.start, end=m.span.end) for m in chosen]


def _head_end(document: Document) -> int:
    """Where the words that name the app end: the first clause, at most twelve words.
    "Remote patient monitoring: ..." is a healthcare product however many sensors follow."""
    found = _HEAD_END.search(document.original)
    clause_end = found.start() if found else len(document.original)
    word_limit = document.offsets[_HEAD_WORDS].start if len(document.offsets) > _HEAD_WORDS else len(document.original)
    return min(clause_end, word_limit)


def _domains(document: Document, catalog: Catalog, lexicon: _Lexicon) -> list[DomainFinding]:
    head_end = _head_end(document)
    audience = _AUDIENCE_START.search(document.original, 0, head_end)
    product_end = audience.start() if audience else head_end
    candidates: list[tuple[str, float, Match]] = []
    for domain_id, by_strength in lexicon.domains.items():
        seen_words: set[str] = set()
        for strength, pattern in by_strength.items():
            for match in pattern.matches(document):
                words = " ".join(document.words[match.first : match.last + 1])
                if words not in seen_words and not document.is_negated(match):
                    seen_words.add(words)
                    candidates.append((domain_id, _WEIGHTS[strength], match))
    scores: dict[str, float] = dict.fromkeys(lexicon.domains, 0.0)
    evidence: dict[str, list[tuple[float, Match]]] = {domain_id: [] for domain_id in lexicon.domains}
    # The strongest signal of each domain on each word, so overlap is checked word by word
    # (linear in the text) rather than every candidate against every other.
    strongest: dict[int, dict[str, float]] = {}
    for domain_id, weight, match in candidates:
        for token in range(match.first, match.last + 1):
            on_word = strongest.setdefault(token, {})
            on_word[domain_id] = max(weight, on_word.get(domain_id, 0.0))
    for domain_id, weight, match in candidates:
        # Words a stronger signal of another domain already explains do not vote again
        # ("Remote" and "monitoring" inside "remote patient monitoring").
        if any(other != domain_id and w > weight for token in range(match.first, match.last + 1)
               for other, w in strongest[token].items()):
            continue
        weight *= _HEAD_BONUS if match.span.start < head_end else 1
        weight *= _PRODUCT_BONUS if match.span.end <= product_end else 1
        scores[domain_id] += weight
        evidence[domain_id].append((weight, match))
    for hits in evidence.values():
        hits.sort(key=lambda pair: -pair[0])
    ranked = sorted(scores, key=lambda d: (-scores[d], d != "general"))
    best = scores[ranked[0]]
    if best < _MIN_DOMAIN_SCORE:
        general = catalog.domains["general"]
        return [DomainFinding(id="general", name=general.name, confidence=0.3, evidence=[])]
    competitors = sum(scores[d] for d in ranked[:3])
    saturation = min(1.0, best / 6)
    findings: list[DomainFinding] = []
    for domain_id in ranked:
        score = scores[domain_id]
        is_primary = not findings
        if not is_primary and (score < best * _SECONDARY_SHARE or score < _MIN_SECONDARY_SCORE):
            break
        findings.append(
            DomainFinding(
                id=domain_id,
                name=catalog.domains[domain_id].name,
                confidence=round(saturation * score / competitors, 2),
                evidence=_match_evidence(document, (m for _, m in evidence[domain_id])),
            )
        )
    return findings


def _features(
    document: Document, catalog: Catalog, lexicon: _Lexicon
) -> tuple[list[FeatureFinding], list[FeatureFinding]]:
    kept: dict[str, list[Match]] = {}
    negated: dict[str, list[Match]] = {}
    for feature_id, detector in lexicon.features.items():
        if excluders := list(detector.ruled_out_by.matches(document)):
            negated[feature_id] = excluders  # "cash only": whatever else mentions paying
            continue
        blockers = list(detector.unless.matches(document))
        for match in detector.patterns.matches(document):
            if any(match.overlaps(blocker) for blocker in blockers):
                continue
            (negated if document.is_negated(match) else kept).setdefault(feature_id, []).append(match)
    for feature_id, matches in list(kept.items()):
        excluders = catalog.features[feature_id].excluded_by
        remaining = [m for m in matches if not any(m.overlaps(o) for e in excluders for o in kept.get(e, ()))]
        if remaining:
            kept[feature_id] = remaining
        else:
            del kept[feature_id]
    findings: dict[str, FeatureFinding] = {
        feature_id: FeatureFinding(
            id=feature_id, name=catalog.features[feature_id].name, evidence=_match_evidence(document, matches)
        )
        for feature_id, matches in kept.items()
    }
    ruled_out_ids = [f for f in negated if f not in kept]
    for feature_id in list(findings):
        for implied in catalog.features[feature_id].implies:
            if implied not in findings and implied not in ruled_out_ids:
                findings[implied] = FeatureFinding(
                    id=implied,
                    name=catalog.features[implied].name,
                    evidence=findings[feature_id].evidence,
                    implied_by=feature_id,
                    confidence=0.6,
                )
    order = list(catalog.features)
    ruled_out = [
        FeatureFinding(id=f, name=catalog.features[f].name, evidence=_match_evidence(document, negated[f]))
        for f in ruled_out_ids
    ]
    return sorted(findings.values(), key=lambda f: order.index(f.id)), sorted(ruled_out, key=lambda f: order.index(f.id))


def _compliance(
    document: Document, catalog: Catalog, lexicon: _Lexicon, domain_ids: set[str]
) -> list[ComplianceFinding]:
    findings: list[ComplianceFinding] = []
    for regime in catalog.compliance.values():
        detector = lexicon.compliance[regime.id]
        blockers = list(detector.unless.matches(document))
        matches = [
            m for m in detector.patterns.matches(document)
            if not document.is_negated(m) and not any(m.overlaps(b) for b in blockers)
        ]
        if matches:
            findings.append(ComplianceFinding(
                id=regime.id, name=regime.name, evidence=_match_evidence(document, matches), implied=False  # type: ignore[arg-type]
            ))
            continue
        if domain_ids & set(regime.when_domain):
            for context in lexicon.compliance_context[regime.id]:
                if found := context.search(document.original):
                    findings.append(ComplianceFinding(
                        id=regime.id, name=regime.name, implied=True,  # type: ignore[arg-type]
                        evidence=[workload.evidence(document.original, found.start(), found.end())],
                    ))
                    break
    return findings
