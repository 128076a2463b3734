"""Numbers the way people write them, the periods around them, request rates and team sizes.

"100k", "1.5M", "2 million", "250 000", "1,200", "ten thousand", "a quarter of a million", "3m",
"10-20k" (the upper bound), and vague ones ("a few hundred", "tens of thousands") that state no
count but still hint at a size. Which numbers count people or things is tools/_actors.py's job;
the period a count has (daily, weekly, monthly, yearly, concurrent, or total) is read here from
the period words of resources/data/workload.toml.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from archwright.resources import load_catalog

Period = Literal["daily", "weekly", "monthly", "yearly", "concurrent", "total"]

_UNITS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "million": 1e6,
          "millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
          # as written elsewhere ("2,5 Mio", "3 Mrd", "40 Tsd") and as typed in a hurry
          "mio": 1e6, "mrd": 1e9, "tsd": 1e3, "millon": 1e6, "milion": 1e6, "millio": 1e6, "thousnd": 1e3,
          "thousend": 1e3, "thousad": 1e3, "tousand": 1e3, "bilion": 1e9, "billon": 1e9,
          # as India writes them ("3 lakh", "2 crore")
          "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "crore": 1e7, "crores": 1e7}
# The spelling each misspelt or foreign word stands for, for the word-number reader.
_SPELLED = {"millon": "million", "milion": "million", "millio": "million", "mio": "million", "thousnd": "thousand",
            "thousend": "thousand", "thousad": "thousand", "tousand": "thousand", "tsd": "thousand",
            "bilion": "billion", "billon": "billion", "mrd": "billion"}
_SMALL = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_VAGUE = {
    "a few hundred": 300, "several hundred": 500, "hundreds of": 500, "a few thousand": 3_000,
    "several thousand": 5_000, "thousands of": 5_000, "tens of thousands of": 30_000,
    "tens of thousands": 30_000, "hundreds of thousands of": 300_000, "hundreds of thousands": 300_000,
    "a few million": 3_000_000, "several million": 5_000_000, "millions of": 2_000_000,
}

_SMALL_WORD = "|".join(sorted((w for w in _SMALL if w not in {"a", "an"}), key=len, reverse=True))
_TENS_WORD = "|".join(_TENS)
# Factored by first letters (the same words as _UNITS): one scale word is tried after every number.
_SCALE_WORDS = r"t(?:hous(?:and|nd|end|ad)|ousand|sd)|mi(?:l(?:lion|lon|ion|lio)?|o)|mrd|bil(?:lion|ion|lon)"
_UNIT = rf"(?:\s?(?:[kmb]|m[mn]|bn|mio|mrd|tsd)\b|\s(?:{_SCALE_WORDS}|lakhs?|lac|crores?)\b)"
# "45.000" and "1.234.567" (dots between thousands, as much of Europe writes them, also before a
# unit: "2.500 Mio" is 2,500 million) and "2,5 Mio" (a decimal comma, read as one only before a
# unit, where "2,500" could not be meant).
_DIGITS = (rf"\d+,\d{{1,2}}(?={_UNIT})|\d{{1,3}}(?:\.\d{{3}})+(?![\d,]|\.\d)"
           r"|\d{1,3}(?:(?:,|\u202f|\u00a0| )\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_WORD_NUMBER = (
    rf"(?:(?:{_TENS_WORD})(?:[\s-](?:{_SMALL_WORD}))?|{_SMALL_WORD}|a|an)"
    rf"(?:\s(?:hundred))?(?:\sand\sa\shalf)?(?:\s(?:{_SCALE_WORDS}))?"
)
_FRACTION = r"(?:a\s|one\s)?(?:quarter|half)\s(?:of\s)?(?:a\s|one\s)?(?:thousand|million|billion)"
_VAGUE_RE = "|".join(re.escape(k) for k in sorted(_VAGUE, key=len, reverse=True))

QUANTITY = re.compile(
    rf"(?<![\w.])(?:(?P<vague>{_VAGUE_RE})"
    rf"|(?P<fraction>{_FRACTION})"
    rf"|(?P<low>{_DIGITS})(?P<low_unit>{_UNIT})?\s?(?:-|–|to)\s?(?P<high>{_DIGITS})(?P<high_unit>{_UNIT})?"
    rf"|(?P<digits>{_DIGITS})(?P<unit>{_UNIT})?"
    rf"|(?P<words>{_WORD_NUMBER}))(?P<plus>\+)?(?![\w])",
    re.IGNORECASE,
)

# "a 5-person team", "a 60-strong crew": a count of people without a people noun.
PERSON_UNIT = re.compile(r"^\s?-?\s?(?:person|people|member|strong|of us)\b", re.IGNORECASE)
# "a 5-person startup" is who builds the app, not who uses it.
_BUILDERS = re.compile(r"^\s*(?:startup|agency|studio|consultancy|dev|development|engineering|tech|founding)\b",
                       re.IGNORECASE)


def is_builders(text: str) -> bool:
    """Whether the words after "N-person" name who builds the app ("a 5-person startup")."""
    return _BUILDERS.match(text) is not None


@cache
def _period_cues() -> tuple[tuple[Period, re.Pattern[str]], ...]:
    """The period words of resources/data/workload.toml, concurrent first (it is the most specific)."""
    periods = load_catalog().workload.periods
    cues = []
    for period in ("concurrent", "daily", "weekly", "monthly", "yearly"):
        words = sorted(periods[period], key=len, reverse=True)
        alternation = "|".join(
            rf"\b{re.escape(word)}\b" if word[0].isalnum() and word[-1].isalnum() else re.escape(word) for word in words
        )
        cues.append((period, re.compile(alternation, re.IGNORECASE)))
    return tuple(cues)


_RATE = re.compile(
    # Up to two describing words between the number and the rate ("800 API requests per second"),
    # but never another number or a clause break ("180k cardholders, 400 authorizations/s").
    r"^\s*(?:[^\s\d,;.]+\s){0,2}?(?:(?:api\s)?(?:requests?|reqs?|queries|transactions|calls|events|messages|hits|writes"
    r"|reads|operations|ops|lookups|authori[sz]ations)\s?(?:per|/|a|an|each|every)\s?(?P<unit>second|sec|s|minute"
    r"|min|hour|hr)\b|(?P<short>rps|qps|tps|req/s|requests/s(?:ec)?|r/s|ops/s)\b)",
    re.IGNORECASE,
)
@dataclass(frozen=True)
class Quantity:
    """A number found in the text; `vague` when the words only gesture at a size."""

    value: float
    start: int
    end: int
    vague: bool = False


@dataclass(frozen=True)
class TeamMention:
    count: int
    start: int
    end: int


@dataclass(frozen=True)
class RateMention:
    per_second: float
    start: int
    end: int


_SEPARATORS = str.maketrans("", "", ",\u202f\u00a0 ")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_DOTTED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")


def _digits_value(text: str, unit: str | None) -> float:
    if text.isdigit():
        value = float(text)
    elif _DECIMAL_COMMA.fullmatch(text):  # the pattern allows it only before a unit
        value = float(text.replace(",", "."))
    elif _DOTTED_THOUSANDS.fullmatch(text):
        value = float(text.replace(".", ""))
    else:
        value = float(text.translate(_SEPARATORS))
    if unit:
        value *= _UNITS[unit.strip().lower()]
    return value


# Small numbers written as words ("every five minutes", "seven years"), for the readers of periods.
NUMBER_WORDS: tuple[str, ...] = tuple(sorted((*_SMALL, *_TENS), key=len, reverse=True))


def number_in_words(text: str) -> float | None:
    """The value of a number written in words ("seven", "twenty-five thousand"), else None."""
    return _words_value(text)


def _words_value(text: str) -> float | None:
    words = [_SPELLED.get(word, word) for word in re.split(r"[\s-]+", text.lower())]
    total = 0.0
    current = 0.0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in ("thousand", "million", "billion"):
            total += (current or 1) * _UNITS[word]
            current = 0
        elif word in ("and", "half"):
            if word == "half":
                current += 0.5
        else:
            return None
    value = total + current
    return value or None


def _fraction_value(text: str) -> float:
    lowered = text.lower()
    share = 0.25 if "quarter" in lowered else 0.5
    unit = next(u for u in ("thousand", "million", "billion") if u in lowered)
    return share * _UNITS[unit]


def quantities(text: str) -> tuple[Quantity, ...]:
    """Every number-like phrase in the text, in order. Users, rates and team sizes all read the
    same numbers, so the last few texts' are remembered."""
    return _quantities(text)


@lru_cache(maxsize=8)
def _quantities(text: str) -> tuple[Quantity, ...]:
    return tuple(_scan(text))


# Larger numbers are not counts of anything an app serves (and would overflow later arithmetic).
_LARGEST = 1e15


def _scan(text: str) -> Iterator[Quantity]:
    """The numbers that can count something: positive, finite, not absurdly large, and not written
    with a minus sign ("-5 users" is a typo or a joke, not five users)."""
    for quantity in _read(text):
        negative = quantity.start > 0 and text[quantity.start - 1] == "-" and (
            quantity.start == 1 or not text[quantity.start - 2].isalnum())
        if 0 < quantity.value <= _LARGEST and math.isfinite(quantity.value) and not negative:
            yield quantity


def _read(text: str) -> Iterator[Quantity]:
    for found in QUANTITY.finditer(text):
        groups = found.groupdict()
        if groups["vague"]:
            yield Quantity(_VAGUE[groups["vague"].lower()], found.start(), found.end(), vague=True)
        elif groups["fraction"]:
            yield Quantity(_fraction_value(groups["fraction"]), found.start(), found.end())
        elif groups["high"]:
            unit = groups["high_unit"] or groups["low_unit"]
            yield Quantity(_digits_value(groups["high"], unit), found.start(), found.end())
        elif groups["digits"]:
            yield Quantity(_digits_value(groups["digits"], groups["unit"]), found.start(), found.end())
        elif groups["words"]:
            lowered = groups["words"].lower()
            if lowered in ("a", "an", "one"):
                continue
            value = _words_value(groups["words"])
            if value:
                yield Quantity(value, found.start(), found.end())


# How far around a number its words are read. Every pattern below is local (a few words and a
# noun), and a window keeps the work per number constant, so a text full of numbers costs time in
# proportion to its length, not its square.
WINDOW = 160


class Sentences:
    """Where each sentence of a text starts and ends, found once, looked up by bisection."""

    def __init__(self, text: str) -> None:
        found = list(_SENTENCE.finditer(text))
        self._ends = [m.start() for m in found]
        self._starts = [m.end() for m in found]
        self._length = len(text)

    def bounds(self, start: int, end: int) -> tuple[int, int]:
        """The sentence around [start, end), cut to the reading window on each side."""
        before = bisect_right(self._starts, start)
        left = self._starts[before - 1] if before else 0
        after = bisect_left(self._ends, end)
        right = self._ends[after] if after < len(self._ends) else self._length
        return max(left, start - WINDOW), min(right, end + WINDOW)


_FILLERS = r"(?:\s*(?:is|are|was|of|at|about|around|roughly|approximately|up to|over|peaks?|expected|expect|:|~|=))*\s*$"


_TOTAL = re.compile(r"\b(?:registered|signed[\s-]up|total|installed base|lifetime)\b", re.IGNORECASE)
_NEXT_CLAUSE = re.compile(r"\d|,|\band\b|\bwhile\b|\bbut\b|\bwith\b|\bplus\b", re.IGNORECASE)


def period_of(before: str, between: str, after: str) -> Period:
    """The period named between the number and its noun, else after the noun, else right before
    the number with only filler words in between ("peak concurrency is about 50,000 viewers",
    but not "monthly subscriptions for 300,000 learners")."""
    if _TOTAL.search(between):
        return "total"
    # The words after the noun speak for it only up to the next count or clause ("500k registered
    # users and 50k daily actives": "daily" belongs to the second count).
    after = _NEXT_CLAUSE.split(after, maxsplit=1)[0]
    for window in (between, after):
        for period, cue in _period_cues():
            if cue.search(window):
                return period
    for period, cue in _period_cues():
        for found in cue.finditer(before):
            if re.match(_FILLERS, before[found.end() :], re.IGNORECASE):
                return period
    return "total"


# Sentences end at a full stop (not a decimal point) and at a line break: each bullet is its own.
_SENTENCE = re.compile(r"[.!?;](?:\s|$)|\n")


def rate_follows(text: str) -> bool:
    """Whether the words after a number make it a rate ("800 requests per second")."""
    return _RATE.match(text) is not None


def rate_mentions(text: str) -> Iterator[RateMention]:
    """Stated request rates, converted to per second."""
    for quantity in quantities(text):
        if quantity.vague:
            continue
        found = _RATE.match(text[quantity.end : quantity.end + WINDOW])
        if not found:
            continue
        unit = (found.group("unit") or "s").lower()
        divisor = 60.0 if unit.startswith("min") else 3600.0 if unit.startswith("h") else 1.0
        yield RateMention(round(quantity.value / divisor, 2), quantity.start, quantity.end + found.end())


_ENGINEERS = re.compile(
    r"^\s*(?:[A-Za-z-]+\s){0,2}?(?:devs?|developers?|engineers?|programmers?|coders?)\b", re.IGNORECASE
)
_TEAM_OF = re.compile(r"\b(?:dev|development|engineering|tech|software|product|it)\s+team\s+(?:of|is)\s+(?:about\s+|around\s+)?",
                      re.IGNORECASE)
# "we are 3 persons in IT", "5 people on the tech side": people counted where the builders sit.
_IN_TECH = re.compile(r"^\s*(?:people|persons|folks)\s+(?:in|on|doing)\s+(?:the\s+|our\s+)?(?:it|tech|engineering|dev"
                      r"|development|software|the tech side|backend|frontend)\b", re.IGNORECASE)


def team_mentions(text: str) -> Iterator[TeamMention]:
    """Stated engineering team sizes: "3 devs", "a team of 12 engineers", "dev team of 4"."""
    team_of_ends = {found.end() for found in _TEAM_OF.finditer(text)}
    for quantity in quantities(text):
        if quantity.vague:
            continue
        rest = text[quantity.end : quantity.end + WINDOW]
        if found := _ENGINEERS.match(rest):
            yield TeamMention(round(quantity.value), quantity.start, quantity.end + found.end())
        elif (person := PERSON_UNIT.match(rest)) and (builders := _BUILDERS.match(rest[person.end() :])):
            yield TeamMention(round(quantity.value), quantity.start, quantity.end + person.end() + builders.end())
        elif quantity.start in team_of_ends:
            yield TeamMention(round(quantity.value), quantity.start, quantity.end)
        elif found := _IN_TECH.match(rest):
            yield TeamMention(round(quantity.value), quantity.start, quantity.end + found.end())
