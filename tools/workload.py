"""Reads the workload a requirement states: its actors, drivers, surges, data, targets, place and
builders, each value stated (with the words), derived (with the formula) or assumed (with why).

The people count that sizes the system is chosen by principle, not by position: end users before
the staff who serve them; an active count before a registered one; seats (tenants x seats each)
before the tenants that buy them; devices never count as people, their reports drive load instead.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from archwright.resources import Catalog
from archwright.resources.models import DomainSpec
from archwright.tools import _targets
from archwright.tools._actors import ActorMention, actor_mentions
from archwright.tools._builders import integrations, team_phrase
from archwright.tools._drivers import BurstMention, DriverMention, bursts, device_drivers, rate_drivers, usage_drivers
from archwright.tools._numbers import Sentences, rate_mentions, team_mentions
from archwright.tools._places import broader, place_mentions
from archwright.tools._scale import DAYS_PER_MONTH, SECONDS_PER_DAY, Machine, Users, number
from archwright.tools.models import Scale, StatedUsers
from archwright.tools.workload_models import (
    Actor,
    Burst,
    DataProfile,
    Driver,
    Evidence,
    Figure,
    Integration,
    Location,
    Mention,
    Place,
    Targets,
)

# A reading of an active period says more about load than a registered total.
_PERIOD_RANK = {"concurrent": 0, "daily": 1, "weekly": 2, "monthly": 3, "yearly": 4, "total": 5}
_LARGE_OBJECTS = {
    "media_upload": "photos and media uploads", "video_streaming": "video", "media_transcoding": "video renditions",
    "document_ingestion": "documents (PDFs, scans)", "ota_updates": "firmware images",
}
_MACHINE_KINDS = ("events", "messages")


def evidence(text: str, start: int, end: int) -> Evidence:
    return Evidence(text=text[start:end], start=start, end=end)


@dataclass
class Reading:
    """Everything read from the text, before the caller's corrections and the scale estimate."""

    actors: list[Actor]
    users: StatedUsers | None
    users_basis: Users | None
    requests_per_second: float | None
    requests_evidence: Evidence | None
    drivers: list[Driver]
    bursts: list[Burst]
    retention: Figure | None
    latency: Figure | None
    availability: Figure | None
    freshness: list[Mention]
    places: list[Place]
    residency: Place | None
    team: Figure | None
    budget: Figure | None
    integrations: list[Integration]


def read(text: str, catalog: Catalog) -> Reading:
    """The workload as the text states it."""
    surges = list(bursts(text))
    team = _team(text)
    # A surge's count is arrivals, not a user base; the builders are not users either.
    taken = [(b.start, b.end) for b in surges]
    if team is not None and team.evidence is not None:
        taken.append((team.evidence.start, team.evidence.end))
    everyone = [m for m in actor_mentions(text) if not any(s <= m.start < e or m.start <= s < m.end for s, e in taken)]
    mentions = [m for m in everyone if not m.vague]
    vague = [m for m in everyone if m.vague and m.role == "end_user"]
    actors = _actors(text, mentions)
    users, basis = load_people(actors, vague)
    rate = max(rate_mentions(text), key=lambda mention: mention.per_second, default=None)
    devices = [m for m in mentions if m.role == "device" and not m.per_tenant]
    people = [m for m in mentions if m.role in ("end_user", "staff") and not m.per_tenant]
    drivers = _drivers(text, [*rate_drivers(text), *device_drivers(text, devices), *usage_drivers(text, people)])
    stated_budget = _targets.budget(text)
    named = list(place_mentions(text))
    places = [Place(code=p.code, evidence=evidence(text, p.start, p.end)) for p in named]
    residency = next((place for place, mention in zip(places, named, strict=True) if mention.residency), None)
    return Reading(
        actors=actors,
        users=users,
        users_basis=basis,
        requests_per_second=rate.per_second if rate else None,
        requests_evidence=evidence(text, rate.start, rate.end) if rate else None,
        drivers=drivers,
        bursts=[_burst(text, b, catalog) for b in surges],
        retention=_stated(text, _targets.retention(text)),
        latency=_stated(text, _targets.latency(text)),
        availability=_stated(text, _targets.availability(text)),
        freshness=[Mention(kind="freshness", evidence=evidence(text, s, e)) for s, e in _targets.freshness(text)],
        places=places,
        residency=residency,
        team=team,
        budget=_stated(text, stated_budget),
        integrations=[
            Integration(name=n.name, kind=n.kind, evidence=evidence(text, n.start, n.end)) for n in integrations(text)
        ],
    )


def _stated(text: str, found: _targets.Stated | None) -> Figure | None:
    if found is None:
        return None
    return Figure(value=round(found.value, 3), unit=found.unit, provenance="stated",
                  evidence=evidence(text, found.start, found.end), confidence=0.85)


def _actors(text: str, mentions: list[ActorMention]) -> list[Actor]:
    actors: list[Actor] = []
    last_tenant: ActorMention | None = None
    for mention in mentions:
        actors.append(Actor(
            role=mention.role, noun=mention.noun, count=mention.count, period=mention.period,
            per_tenant=mention.per_tenant, uses_system=mention.uses_system, provenance="stated",
            evidence=evidence(text, mention.start, mention.end), confidence=0.8 if mention.per_tenant else 0.85,
        ))
        if mention.role == "tenant" and not mention.per_tenant:
            last_tenant = mention
        elif mention.per_tenant and last_tenant is not None:
            total = last_tenant.count * mention.count
            # The staff of our customers are our users: they are who signs in.
            role = "end_user" if mention.role == "staff" else mention.role
            actors.append(Actor(
                role=role, noun=mention.noun, count=total, period=mention.period, provenance="derived",
                uses_system=mention.uses_system,
                formula=f"{last_tenant.count:,} {last_tenant.noun} x {mention.count:,} {mention.noun} each = {total:,}",
                evidence=evidence(text, last_tenant.start, mention.end), confidence=0.75,
            ))
    return actors


def load_people(actors: list[Actor], vague: list[ActorMention]) -> tuple[StatedUsers | None, Users | None]:
    """The people whose use drives load: end users, stated or derived (tenants x seats each), the
    most active reading first, then the largest; else staff; never people the text says do not use it."""
    using = [a for a in actors if a.uses_system and not a.per_tenant and a.count]
    end_users = [a for a in using if a.role == "end_user"]
    staff = [a for a in using if a.role == "staff"]
    for group in (end_users, staff):
        if group:
            chosen = min(group, key=lambda a: (_PERIOD_RANK[a.period or "total"], -(a.count or 0)))
            chosen.drives_load = True
            provenance = "derived" if chosen.provenance == "derived" else "given" if chosen.provenance == "given" else "stated"
            users = StatedUsers(
                count=chosen.count or 0, period=chosen.period or "total", evidence=chosen.evidence,
                provenance=provenance, formula=chosen.formula,
            )
            return users, Users(users.count, users.period, workforce=chosen.role == "staff")
    if vague:
        return None, Users(vague[0].count, vague[0].period, vague=True)
    return None, None


def _drivers(text: str, mentions: list[DriverMention]) -> list[Driver]:
    drivers: list[Driver] = []
    for mention in mentions:
        derived = mention.formula is not None
        drivers.append(Driver(
            kind=mention.kind, per_second=round(mention.per_second, 3), per_day=round(mention.per_second * SECONDS_PER_DAY, 1),
            provenance="assumed" if mention.reason else "derived" if derived else "stated",
            evidence=evidence(text, mention.start, mention.end), formula=mention.formula, reason=mention.reason,
            confidence=0.6 if mention.reason else 0.75 if derived else 0.85,
        ))
    return drivers


_RECURS = ((re.compile(r"\b(?:daily|every\s+day|each\s+day|every\s+night|nightly|every\s+morning)\b", re.I), 30.4),
           (re.compile(r"\b(?:weekly|every\s+week|each\s+week|every\s+(?:monday|tuesday|wednesday|thursday|friday|"
                       r"saturday|sunday))\b", re.I), 4.35),
           (re.compile(r"\b(?:monthly|every\s+month|each\s+month)\b", re.I), 1.0))


def _times_a_month(text: str, mention: BurstMention) -> float:
    """How often a surge recurs, from its sentence ("daily 10-minute drops"): once unless it says."""
    left, right = Sentences(text).bounds(mention.start, mention.end)
    return next((times for pattern, times in _RECURS if pattern.search(text[left:right])), 1.0)


def _burst(text: str, mention: BurstMention, catalog: Catalog) -> Burst:
    per_person = catalog.workload.assumptions.burst_requests_per_person if mention.people else 1
    per_second = mention.count * per_person / (mention.minutes * 60)
    what = f"{mention.count:,} arriving x {per_person:g} requests each" if mention.people else f"{mention.count:,} requests"
    return Burst(
        count=mention.count, minutes=mention.minutes, per_second=round(per_second, 2),
        times_a_month=_times_a_month(text, mention), people=mention.people, provenance="stated",
        evidence=evidence(text, mention.start, mention.end), confidence=0.8,
        formula=f"{what} / ({mention.minutes:g} min x 60 s) = {number(per_second)} requests/s",
    )


def _team(text: str) -> Figure | None:
    counted = next(iter(team_mentions(text)), None)
    if counted is not None:
        return Figure(value=max(1, counted.count), unit="engineers", provenance="stated",
                      evidence=evidence(text, counted.start, counted.end), confidence=0.85)
    phrase = team_phrase(text)
    if phrase is not None:
        return Figure(value=int(phrase.name), unit="engineers", provenance="stated",
                      evidence=evidence(text, phrase.start, phrase.end), confidence=0.75)
    return None


_PAGES = re.compile(r"\bpage[ -]?views?\b|\bpageviews?\b|\bpage impressions?\b", re.IGNORECASE)

# Words that say transactions arrive from other systems, not from people using an app.
_SYSTEM_TO_SYSTEM = re.compile(r"\b(?:via (?:an? )?apis?|over (?:an? )?apis?|ncpdp|edi|iso ?8583|swift|fix protocol|"
                               r"machine[- ]to[- ]machine|system[- ]to[- ]system|b2b api|from partners' systems|webhooks from)\b",
                               re.IGNORECASE)


def machine_load(text: str, drivers: list[Driver], bursts_: list[Burst], catalog: Catalog) -> Machine:
    """The load people do not make directly (device events and messages, transactions other systems
    send, the largest surge), and the business volume that sizes the people when no one counts them
    ("120,000 parcels a day")."""
    sentences = Sentences(text)

    def from_systems(driver: Driver) -> bool:
        if driver.kind != "transactions" or driver.evidence is None:
            return False
        left, right = sentences.bounds(driver.evidence.start, driver.evidence.end)
        return bool(_SYSTEM_TO_SYSTEM.search(text[left:right]))

    events = sum(d.per_second for d in drivers if d.kind in _MACHINE_KINDS or from_systems(d))
    burst = max(bursts_, key=lambda b: b.per_second, default=None)
    business = max((d for d in drivers if d.kind == "transactions" and not from_systems(d)), key=lambda d: d.per_day,
                   default=None)
    pages = max((d for d in drivers if d.kind == "requests" and d.evidence is not None and _PAGES.search(d.evidence.text)),
                key=lambda d: d.per_day, default=None)
    return Machine(
        events_per_second=events,
        peak_to_average=catalog.workload.assumptions.peak_to_average_events,
        burst_per_second=burst.per_second if burst else 0.0,
        burst_words=burst.formula or "" if burst else "",
        burst_requests_a_month=sum(b.per_second * b.minutes * 60 * b.times_a_month for b in bursts_),
        transactions_per_day=business.per_day if business else 0.0,
        transactions_words=business.evidence.text if business and business.evidence else "",
        pages_per_day=pages.per_day if pages else 0.0,
        pages_words=pages.evidence.text if pages and pages.evidence else "",
    )


def derived_drivers(
    text: str, drivers: list[Driver], feature_ids: set[str], domain: DomainSpec, scale: Scale, users: StatedUsers | None,
    catalog: Catalog,
) -> list[Driver]:
    """What the stated figures imply: questions to a language model and their tokens, minutes of video
    calls, and hours of live video watched."""
    assumptions = catalog.workload.assumptions
    added = [*_call_minutes(text, drivers, feature_ids, scale, catalog), *_live_hours(text, drivers, feature_ids, users, catalog)]
    questions = next((d for d in drivers if d.kind == "questions"), None)
    uses_model = "llm_inference" in feature_ids or domain.id == "ai_assistant"
    if questions is None and uses_model:
        per_day = scale.daily_active_users * assumptions.questions_per_assistant_user_day
        questions = Driver(
            kind="questions", per_second=round(per_day / SECONDS_PER_DAY, 3), per_day=round(per_day, 1),
            provenance="assumed", confidence=0.4,
            reason=f"{scale.daily_active_users:,} daily users x {assumptions.questions_per_assistant_user_day:g} "
                   "questions each a day (no question volume stated)",
        )
        added.append(questions)
    if questions is not None and uses_model:
        tokens = questions.per_day * assumptions.tokens_per_question
        added.append(Driver(
            kind="llm_tokens", per_second=round(tokens / SECONDS_PER_DAY, 2), per_day=round(tokens, 1),
            provenance="derived", confidence=min(questions.confidence, 0.6),
            formula=f"{number(questions.per_day)} questions a day x {assumptions.tokens_per_question:,.0f} tokens "
                    f"(prompt with context + answer) = {number(tokens)} tokens a day",
        ))
    return added


_CALL_NOUNS = re.compile(r"\b(?:visits?|consultations?|appointments?|lessons?|sessions?|calls?|classes|interviews?)\b", re.I)
_CALL_LENGTH = re.compile(r"\b(?P<n>\d+(?:\.\d+)?)[\s-]*(?:min|mins|minutes?)\b", re.I)
_LIVE_HOURS = re.compile(r"\b(?:about\s+|around\s+|roughly\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b[^.;]{0,25}?"
                         r"\b(?:every|each|a|per)\s+(?P<unit>week|sunday|saturday|weekend|day|month)", re.I)


def _call_minutes(text: str, drivers: list[Driver], feature_ids: set[str], scale: Scale, catalog: Catalog) -> list[Driver]:
    """Minutes of video calls a day: the stated visits or lessons x their length, else assumed from daily users."""
    if "video_calls" not in feature_ids:
        return []
    assumptions = catalog.workload.assumptions
    length = _CALL_LENGTH.search(text)
    minutes = float(length.group("n")) if length else assumptions.minutes_per_call
    said = f"'{length.group()}'" if length else f"{minutes:g} minutes assumed"
    calls = [d for d in drivers if d.kind == "transactions" and d.evidence and _CALL_NOUNS.search(d.evidence.text)]
    if calls:
        per_day = sum(d.per_day for d in calls) * minutes
        return [Driver(kind="call_minutes", per_second=round(per_day / SECONDS_PER_DAY, 3), per_day=round(per_day, 1),
                       provenance="derived", confidence=0.7,
                       formula=f"{number(sum(d.per_day for d in calls))} calls a day x {said} = {number(per_day)} "
                               "call-minutes a day")]
    per_day = scale.daily_active_users * assumptions.calls_per_user_day * minutes
    return [Driver(kind="call_minutes", per_second=round(per_day / SECONDS_PER_DAY, 3), per_day=round(per_day, 1),
                   provenance="assumed", confidence=0.4,
                   reason=f"{scale.daily_active_users:,} daily users x {assumptions.calls_per_user_day:g} calls each a "
                          f"day x {said} (no call volume stated)")]


def _live_hours(text: str, drivers: list[Driver], feature_ids: set[str], users: StatedUsers | None,
                catalog: Catalog) -> list[Driver]:
    """Hours of live video watched: the viewers online at once x the hours the channels broadcast."""
    if "live_streaming" not in feature_ids or users is None or users.period != "concurrent":
        return []
    if any(d.kind == "media_hours" for d in drivers):
        return []
    found = _LIVE_HOURS.search(text)
    per_week_factor = {"week": 1, "sunday": 1, "saturday": 1, "weekend": 1, "day": 7, "month": 12 / 52}
    weekly = (float(found.group("n")) * per_week_factor[found.group("unit").lower()] if found
              else catalog.workload.assumptions.live_hours_per_week)
    said = f"'{found.group()}'" if found else f"{weekly:g} hours a week assumed"
    per_day = users.count * weekly / 7
    return [Driver(kind="media_hours", per_second=round(per_day / SECONDS_PER_DAY, 4), per_day=round(per_day, 1),
                   provenance="derived" if found else "assumed", confidence=0.6 if found else 0.4,
                   formula=f"{users.count:,} viewers at once x {said} = {number(per_day * DAYS_PER_MONTH)} hours "
                           "watched a month")]


def data_profile(
    reading_retention: Figure | None, drivers: list[Driver], feature_ids: set[str], domain: DomainSpec, scale: Scale,
    catalog: Catalog,
) -> DataProfile:
    assumptions = catalog.workload.assumptions
    parts: list[str] = []
    gb = 0.0
    per_month = SECONDS_PER_DAY * DAYS_PER_MONTH
    for driver in drivers:
        if driver.kind == "events":
            add = driver.per_second * per_month * assumptions.bytes_per_event / 1e9
            parts.append(f"{number(driver.per_second)} events/s x {assumptions.bytes_per_event:g} B x 30.4 days = {number(add)} GB")
            gb += add
        elif driver.kind == "documents":
            add = driver.per_day * DAYS_PER_MONTH * assumptions.mb_per_document / 1000
            parts.append(f"{number(driver.per_day)} documents a day x {assumptions.mb_per_document:g} MB x 30.4 = {number(add)} GB")
            gb += add
        elif driver.kind == "media_hours":
            add = driver.per_day * DAYS_PER_MONTH * assumptions.gb_per_media_hour
            parts.append(f"{number(driver.per_day)} media hours a day x {assumptions.gb_per_media_hour:g} GB x 30.4 = {number(add)} GB")
            gb += add
    users_gb = scale.registered_users * domain.storage_mb_per_user / 1000 / 12
    parts.append(
        f"{scale.registered_users:,} registered users x {domain.storage_mb_per_user:g} MB each, accumulated over a year "
        f"= {number(users_gb)} GB a month"
    )
    gb += users_gb
    large = [Mention(kind=kind, provenance="derived") for fid, kind in _LARGE_OBJECTS.items() if fid in feature_ids]
    return DataProfile(
        retention_days=reading_retention,
        large_objects=large,
        growth_gb_per_month=Figure(
            value=round(gb, 2), unit="GB/month", provenance="derived", formula="; ".join(parts), confidence=0.4,
            reason="storage per user is the domain's default; event and document sizes are typical values",
        ),
    )


def targets(reading: Reading) -> Targets:
    return Targets(latency_ms=reading.latency, availability_percent=reading.availability, freshness=reading.freshness)


def location(places: list[Place], residency: Place | None) -> Location:
    """The region a deployment should use: the residency, else where most named places are."""
    if residency is not None:
        # "Clinics in Germany; data must stay in the EU": the German region keeps it in the EU and near them.
        inside = next((p.code for p in places if broader(p.code) == residency.code), residency.code)
        return Location(places=places, residency=residency, region=inside, region_provenance=residency.provenance)
    if places:
        counts = Counter(broader(p.code) or p.code for p in places)
        return Location(places=places, residency=None, region=counts.most_common(1)[0][0], region_provenance="derived")
    return Location(places=[], residency=None, region="us", region_provenance="assumed")


def load_driver_sentence(actors: list[Actor], drivers: list[Driver], users: StatedUsers | None, scale: Scale) -> str:
    """Which actor or driver sizes the system, said plainly."""
    machine = [d for d in drivers if d.kind in _MACHINE_KINDS]
    if machine:
        biggest = max(machine, key=lambda d: d.per_second)
        if biggest.per_second * 1.5 >= scale.peak_rps / 2:
            if biggest.formula:
                source = biggest.formula
            elif biggest.provenance == "given":
                source = f"{number(biggest.per_second)}/s on average, as the caller gave it"
            else:
                source = f"'{biggest.evidence.text if biggest.evidence else biggest.kind}', {number(biggest.per_second)}/s on average"
            return f"{biggest.kind.capitalize()} drive the load: {source}."
    if users is not None:
        who = next((a for a in actors if a.drives_load), None)
        noun = who.noun if who else "users"
        how = f" ({users.formula})" if users.formula else ""
        return f"{users.count:,} {noun} ({users.period}){how} drive the load: about {number(scale.peak_rps)} requests/s at peak."
    return f"No count of people is stated; the estimate assumes {scale.daily_active_users:,} daily users."
