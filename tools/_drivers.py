"""What the system must process and how fast: stated rates, device fleets' reports, and surges.

"5K orders a day", "2 million messages daily" and "40 questions per minute" are rates of a kind
(resources/data/workload.toml names the nouns of each kind). A fleet ("3,000 trackers") with a
reporting frequency in its sentence ("every 30 seconds") gives events a second by arithmetic,
written out. "200k people in the first 10 minutes" is a burst.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from archwright.resources import load_catalog
from archwright.resources.models import DriverKind, FrequencyLexicon
from archwright.tools._actors import ActorMention
from archwright.tools._numbers import WINDOW, Sentences, number_in_words, quantities
from archwright.tools._text import alternation

SECONDS = {"second": 1.0, "minute": 60.0, "hour": 3600.0, "day": 86_400.0, "week": 604_800.0,
           "month": 2_629_800.0, "year": 31_557_600.0}
_UNIT_OF = {
    "second": "second", "sec": "second", "s": "second", "minute": "minute", "min": "minute", "hour": "hour",
    "hr": "hour", "h": "hour", "day": "day", "week": "week", "month": "month", "mo": "month", "year": "year",
    "yr": "year", "daily": "day", "weekly": "week", "monthly": "month", "hourly": "hour", "yearly": "year",
    "annually": "year", "nightly": "day",
}

@dataclass(frozen=True)
class DriverMention:
    kind: DriverKind
    per_second: float
    start: int
    end: int
    formula: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class BurstMention:
    count: int
    minutes: float
    people: bool
    start: int
    end: int


@dataclass(frozen=True)
class _Compiled:
    rate: re.Pattern[str]
    kind_of: dict[str, DriverKind]
    every: re.Pattern[str]
    vague: re.Pattern[str]
    frequency: FrequencyLexicon
    burst_window: re.Pattern[str]
    burst_noun: re.Pattern[str]


_PERIOD_WORD = (r"(?:(?:per|a|an|each|every|/|in\s+a|in\s+an)\s*(?P<unit>second|sec|s|minute|min|hour|hr|h|day|week"
                r"|month|mo|year|yr)s?|(?P<adverb>daily|weekly|monthly|hourly|yearly|annually|nightly))\b")


@cache
def _compiled() -> _Compiled:
    lexicon = load_catalog().workload
    kind_of = {noun: kind for kind, nouns in lexicon.drivers.items() for noun in nouns}
    units = alternation(lexicon.frequency.units)
    people = {*lexicon.actors.end_user, "people", "requests", "orders", "visitors", "fans", "logins", "sign ins"}
    return _Compiled(
        rate=re.compile(
            rf"\s*(?:[A-Za-z][\w'-]*\s){{0,2}}?(?P<noun>{alternation(kind_of)})\s*(?:(?:are|is|were)\s+)?"
            rf"(?:\w+ed\s+)?{_PERIOD_WORD}",
            re.IGNORECASE,
        ),
        kind_of=kind_of,
        every=re.compile(
            rf"\b(?:every|each)\s+(?P<n>\d+(?:\.\d+)?|a|one|two|three|five|ten|fifteen|thirty|sixty)?\s*"
            rf"(?P<unit>{units})s?\b"
            rf"|\b(?P<times>\d+|once|twice|one|two|three|four|five|ten)\s*(?:times\s*)?(?:a|an|per|every|each|/)\s*"
            rf"(?P<per>{units})\b"
            rf"|\b(?P<hz>\d+(?:\.\d+)?)\s?hz\b",
            re.IGNORECASE,
        ),
        vague=re.compile(rf"\b(?:{alternation(lexicon.frequency.vague)})\b", re.IGNORECASE),
        frequency=lexicon.frequency,
        burst_window=re.compile(
            r"\b(?:in|within|inside|during)\s+(?:the\s+)?(?:first\s+|same\s+|under\s+|less\s+than\s+|just\s+)?"
            r"(?P<n>\d+(?:\.\d+)?|a|one|two|three|five|ten|fifteen|twenty|thirty|sixty)?\s*"
            r"(?P<unit>seconds?|secs?|minutes?|mins?|hours?|hrs?)\b",
            re.IGNORECASE,
        ),
        burst_noun=re.compile(rf"\s*(?:\S+\s){{0,3}}?(?:{alternation(people)})\b", re.IGNORECASE),
    )


def _number(word: str | None) -> float:
    if not word:
        return 1.0
    return float(word) if word[0].isdigit() else number_in_words(word) or 1.0


def rate_drivers(text: str) -> Iterator[DriverMention]:
    """Stated rates of anything the system processes: "5K orders a day", "2M messages daily"."""
    compiled = _compiled()
    for quantity in quantities(text):
        if quantity.vague:
            continue
        found = compiled.rate.match(text, quantity.end, quantity.end + WINDOW)
        if found is None:
            continue
        unit = _UNIT_OF[(found.group("unit") or found.group("adverb")).lower()]
        noun = re.sub(r"[\s-]+", " ", found.group("noun").lower())
        yield DriverMention(compiled.kind_of[noun], quantity.value / SECONDS[unit], quantity.start, found.end())


def _interval(compiled: _Compiled, sentence: str) -> tuple[float, str, bool] | None:
    """Seconds between a device's reports, the words that say so, and whether it was assumed."""
    if found := compiled.every.search(sentence):
        units = compiled.frequency.units
        if found.group("hz"):
            return 1 / float(found.group("hz")), found.group(), False
        if found.group("unit"):
            return _number(found.group("n")) * units[found.group("unit").lower()], found.group(), False
        times = {"once": 1.0, "twice": 2.0}.get(found.group("times").lower()) or _number(found.group("times"))
        return units[found.group("per").lower()] / times, found.group(), False
    if found := compiled.vague.search(sentence):
        return compiled.frequency.vague[found.group().lower()], found.group(), True
    return None


_EACH_USES = re.compile(
    r"[\s,]*(?:who\s+)?(?:each|on\s+average|every\s+one)\s+(?:\w+\s+){0,2}?(?P<verb>watch|stream|view|listen)\w*\s+"
    r"(?:about\s+|around\s+|roughly\s+|~\s*|some\s+|up\s+to\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?:hours?|hrs?|h)\b"
    r"(?:\s+of\s+\w+)?\s+(?:a|an|per|each|every)\s+(?P<unit>day|week|month)",
    re.IGNORECASE,
)


def usage_drivers(text: str, people: list[ActorMention]) -> Iterator[DriverMention]:
    """Hours of media people consume: "100,000 subscribers each watching about 10 hours a month"."""
    for person in people:
        found = _EACH_USES.match(text, person.end, person.end + WINDOW)
        if found is None:
            continue
        hours, unit = float(found.group("n")), found.group("unit").lower()
        per_second = person.count * hours / SECONDS[unit]
        formula = (f"{person.count:,} {person.noun} x {hours:g} hours a {unit} = "
                   f"{person.count * hours:,.0f} hours a {unit}")
        yield DriverMention("media_hours", per_second, person.start, found.end(), formula=formula)


def device_drivers(text: str, devices: list[ActorMention]) -> Iterator[DriverMention]:
    """Events a second from each fleet with a reporting frequency in its sentence."""
    compiled = _compiled()
    sentences = Sentences(text)
    for device in devices:
        left, right = sentences.bounds(device.start, device.end)
        interval = _interval(compiled, text[left:right])
        if interval is None and len(devices) == 1:
            interval = _interval(compiled, text)
        if interval is None or interval[0] <= 0:
            continue
        seconds, words, assumed = interval
        per_second = device.count / seconds
        formula = f"{device.count:,} {device.noun} / {seconds:g} s ('{words}') = {per_second:,.2f} events/s"
        yield DriverMention(
            "events", per_second, device.start, device.end, formula=formula,
            reason=f"'{words}' read as every {seconds:g} s" if assumed else None,
        )


def bursts(text: str) -> Iterator[BurstMention]:
    """Surges: a count of people or requests, then a short window in the same clause."""
    compiled = _compiled()
    sentences = Sentences(text)
    for quantity in quantities(text):
        if quantity.vague:
            continue
        noun = compiled.burst_noun.match(text, quantity.end, quantity.end + WINDOW)
        if noun is None:
            continue
        _, right = sentences.bounds(quantity.start, quantity.end)
        window = compiled.burst_window.search(text, noun.end(), min(right, noun.end() + 80))
        # The window must belong to this count: "40k holders, 60k fans in 5 minutes" is a surge of 60k.
        if window is None or re.search(r"\d", text[noun.end() : window.start()]):
            continue
        unit = window.group("unit").lower()
        minutes = _number(window.group("n")) * (1 / 60 if unit.startswith("s") else 60 if unit.startswith("h") else 1)
        if minutes > 180:
            continue
        people = not re.search(r"\b(?:requests|orders)\b", noun.group(), re.IGNORECASE)
        yield BurstMention(round(quantity.value), minutes, people, quantity.start, window.end())
