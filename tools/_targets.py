"""Non-functional targets and limits a requirement states: latency, uptime, retention, freshness,
and the money it may cost. Each reading keeps the offsets of the words that state it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from archwright.tools._numbers import NUMBER_WORDS, number_in_words


@dataclass(frozen=True)
class Stated:
    """A value read from the text, with its unit and where it was written."""

    value: float
    unit: str
    start: int
    end: int


_NUMBER = r"\d+(?:[.,]\d+)?"
_LATENCY = re.compile(
    rf"(?P<cue>\b(?:p\d{{2,3}}(?:\.\d)?|\d{{2}}(?:th)?\s+percentile|median|latency|latencies|response\s+times?|respond\w*"
    rf"|round[\s-]trip|rtt|end[\s-]to[\s-]end|glass[\s-]to[\s-]glass|loads?|load\s+times?|page\s+loads?|answers?|replies"
    rf"|returns?|render\w*|delivered|delivery|lag|delay)\b[^.;\n]{{0,40}}?)"
    rf"(?:<=?|≤|under|below|less\s+than|within|in|of|at\s+most|max(?:imum)?|no\s+(?:more|longer)\s+than|sub|~|about)?"
    rf"\s*[-\s]?(?P<value>{_NUMBER})\s*(?P<unit>ms|milliseconds?|millis|s|secs?|seconds?)\b",
    re.IGNORECASE,
)
_LATENCY_AFTER = re.compile(
    rf"(?P<value>{_NUMBER})\s*(?P<unit>ms|milliseconds?|s|secs?|seconds?)\s+(?:of\s+)?(?:\w+\s+)?"
    rf"(?:latency|lag|delay|response\s+times?|round[\s-]trip)\b",
    re.IGNORECASE,
)
_SUB_SECOND = re.compile(r"\bsub[\s-]second\b", re.IGNORECASE)
_PERCENTILE = re.compile(r"\bp(\d{2,3}(?:\.\d)?)\b|\b(\d{2})(?:th)?\s+percentile\b", re.IGNORECASE)
_FREQUENCY_BEFORE = re.compile(r"\b(?:every|each|first|last|for|per)\s*$", re.IGNORECASE)

_AVAILABILITY = re.compile(
    r"(?P<a>(?P<v1>9\d(?:[.,]\d{1,4})?)\s?%\s*(?:\S+\s+){0,2}?(?:uptime|availability|available|sla|slo))"
    r"|(?P<b>(?:uptime|availability|available|sla|slo)\b[^.;\n%]{0,30}?(?P<v2>9\d(?:[.,]\d{1,4})?)\s?%)"
    r"|(?P<nines>\b(?P<count>two|three|four|five)\s+nines\b)",
    re.IGNORECASE,
)
_NINES = {"two": 99.0, "three": 99.9, "four": 99.99, "five": 99.999}

_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_DURATION_NUMBER = rf"{_NUMBER}|{'|'.join(NUMBER_WORDS)}"
_DURATION_UNIT = r"days?|weeks?|months?|years?|yrs?"
_RETENTION = re.compile(
    rf"\b(?:keep|keeps|kept|keeping|retain\w*|retention|store[ds]?|storing|archiv\w*|hold|held|preserv\w*|history|logs?"
    rf"|record\w*|readings|data)\b[^.;\n]{{0,60}}?\b(?:for|of|at\s+least|minimum|up\s+to)?\s*"
    rf"(?P<n1>{_DURATION_NUMBER})[\s-]*(?P<u1>{_DURATION_UNIT})\b"
    rf"|\b(?P<n2>{_DURATION_NUMBER})[\s-]*(?P<u2>{_DURATION_UNIT})\s+(?:of\s+)?(?:[a-z]+\s+)?"
    rf"(?:retention|history|historical|archive|data|readings|logs)\b",
    re.IGNORECASE,
)
_FRESHNESS = re.compile(
    r"\bby\s+\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)|\bby\s+\d{1,2}:\d{2}\b"
    r"|\b(?:near|nearly)[\s-]real[\s-]time\b|\bno\s+older\s+than\s+\d+\s*\w+"
    r"|\b(?:updated|refreshed|synced|recalculated)\s+(?:every\s+\d*\s*(?:seconds?|minutes?|hours?)|hourly|daily|nightly)"
    r"|\bwithin\s+\d+\s*(?:seconds?|minutes?|mins?|hours?)\s+of\b|\bsame[\s-]day\b|\bnext\s+morning\b",
    re.IGNORECASE,
)

_MONEY = re.compile(
    r"(?P<currency>\$|us\$|usd|€|eur|£|gbp)\s?(?P<value>\d+(?:[.,]\d+)*)\s?(?P<scale>k|m)?\b"
    r"|(?P<value2>\d+(?:[.,]\d+)*)\s?(?P<scale2>k|m)?\s?(?P<currency2>usd|dollars|eur|euros?|gbp|pounds)\b",
    re.IGNORECASE,
)
_PER_MONTH = re.compile(r"^\s*(?:/|a|per|each|every)\s*(?:mo|month)\b|^\s*monthly\b", re.IGNORECASE)
_PER_YEAR = re.compile(r"^\s*(?:/|a|per|each|every)\s*(?:yr|year|annum)\b|^\s*(?:yearly|annually)\b", re.IGNORECASE)
_BUDGET_CUE = re.compile(r"\b(?:budget\w*|spend\w*|afford|cost\w*|cap|max(?:imum)?|under|below|less\s+than|limit"
                         r"|no\s+more\s+than|at\s+most|infra\w*|cloud\s+bill|hosting)\b", re.IGNORECASE)
# Rough conversions to US dollars, for comparing a stated budget with a priced bill.
USD_PER = {"$": 1.0, "us$": 1.0, "usd": 1.0, "dollars": 1.0, "€": 1.08, "eur": 1.08, "euro": 1.08, "euros": 1.08,
           "£": 1.27, "gbp": 1.27, "pounds": 1.27}


def _value(text: str) -> float:
    return float(text.replace(",", "."))


def _amount(text: str) -> float:
    """Money as written: "2,000" and "2.000" are two thousand, "2,50" and "2.50" two and a half."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", text):
        return float(re.sub(r"[.,]", "", text))
    return _value(text)


def latency(text: str) -> Stated | None:
    """The first stated response-time target in milliseconds; the unit names the percentile."""
    candidates = sorted([*_LATENCY.finditer(text), *_LATENCY_AFTER.finditer(text)], key=lambda m: m.start("value"))
    for found in candidates:
        if _FREQUENCY_BEFORE.search(text, 0, found.start("value")):
            continue
        value = _value(found.group("value"))
        unit = found.group("unit").lower()
        ms = value if unit.startswith("m") else value * 1000
        if ms <= 0 or ms > 600_000:
            continue
        percentile = _PERCENTILE.search(found.group())
        label = f"ms p{percentile.group(1) or percentile.group(2)}" if percentile else "ms"
        return Stated(ms, label, found.start(), found.end())
    if found := _SUB_SECOND.search(text):
        return Stated(1000.0, "ms", found.start(), found.end())
    return None


def availability(text: str) -> Stated | None:
    found = _AVAILABILITY.search(text)
    if found is None:
        return None
    if found.group("nines"):
        return Stated(_NINES[found.group("count").lower()], "%", found.start(), found.end())
    return Stated(_value(found.group("v1") or found.group("v2")), "%", found.start(), found.end())


def retention(text: str) -> Stated | None:
    """How long data must be kept, in days."""
    found = _RETENTION.search(text)
    if found is None:
        return None
    raw, unit = (found.group("n1"), found.group("u1")) if found.group("n1") else (found.group("n2"), found.group("u2"))
    number = number_in_words(raw) if raw[0].isalpha() else _value(raw)
    unit = unit.lower().rstrip("s")
    days = number * _DAYS["year" if unit == "yr" else unit]
    return Stated(days, "days", found.start(), found.end())


def freshness(text: str) -> Iterator[tuple[int, int]]:
    for found in _FRESHNESS.finditer(text):
        yield found.start(), found.end()


def budget(text: str) -> Stated | None:
    """A stated running budget in US dollars a month (a yearly one is divided by twelve)."""
    for found in _MONEY.finditer(text):
        currency = (found.group("currency") or found.group("currency2")).lower()
        value = _amount(found.group("value") or found.group("value2"))
        scale = (found.group("scale") or found.group("scale2") or "").lower()
        value *= {"k": 1e3, "m": 1e6}.get(scale, 1)
        after = text[found.end() : found.end() + 20]
        before = text[max(0, found.start() - 60) : found.start()]
        if not _BUDGET_CUE.search(before + " " + after[:12]):
            continue
        usd = value * USD_PER[currency]
        if _PER_MONTH.match(after):
            return Stated(usd, "USD/month", found.start(), found.end() + _PER_MONTH.match(after).end())  # type: ignore[union-attr]
        if _PER_YEAR.match(after):
            return Stated(usd / 12, "USD/month", found.start(), found.end() + _PER_YEAR.match(after).end())  # type: ignore[union-attr]
    return None
