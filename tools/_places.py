"""Where a system's users are and where its data must stay, from the place words of
resources/data/workload.toml. "US" counts only written in capitals: "for us" is not America."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from archwright.resources import load_catalog
from archwright.tools._numbers import Sentences
from archwright.tools._text import alternation

_PLACE_GAP = r"[\s.-]*"  # "U.K.", "São Paulo", "Baden-Württemberg"

# Place words that are also everyday English words unless capitalised.
_CASE_SENSITIVE = {"us": re.compile(r"\bU\.?S\.?(?:A\.?)?\b"), "u s": re.compile(r"\bU\.?S\.?(?:A\.?)?\b"),
                   "u s a": re.compile(r"\bU\.?S\.?A\.?\b")}


@dataclass(frozen=True)
class PlaceMention:
    code: str
    start: int
    end: int
    residency: bool


@dataclass(frozen=True)
class _Compiled:
    places: re.Pattern[str]
    code_of: dict[str, str]
    us: re.Pattern[str]
    residency: re.Pattern[str]


@cache
def _compiled() -> _Compiled:
    lexicon = load_catalog().workload.places
    code_of = {word: code for code, words in lexicon.regions.items() for word in words if word not in _CASE_SENSITIVE}
    places = alternation(code_of, _PLACE_GAP)
    cues = alternation(lexicon.residency["cues"], _PLACE_GAP)
    return _Compiled(
        places=re.compile(rf"\b(?:{places})\b", re.IGNORECASE),
        code_of=code_of,
        us=re.compile(r"\bU\.?S\.?(?:A\.?)?(?![\w])"),
        residency=re.compile(rf"(?:{cues})", re.IGNORECASE),
    )


def place_mentions(text: str) -> Iterator[PlaceMention]:
    """Every named place in reading order; `residency` when its sentence requires the data there."""
    compiled = _compiled()
    sentences = Sentences(text)
    found: list[tuple[str, int, int]] = []
    for match in compiled.places.finditer(text):
        words = re.sub(r"[\s.-]+", " ", match.group().lower()).strip()
        found.append((compiled.code_of[words], match.start(), match.end()))
    found.extend(("us", match.start(), match.end()) for match in compiled.us.finditer(text))
    for code, start, end in sorted(found, key=lambda item: item[1]):
        left, right = sentences.bounds(start, end)
        yield PlaceMention(code, start, end, compiled.residency.search(text, left, right) is not None)


def broader(code: str) -> str | None:
    """The region a country belongs to for residency (de is in eu), or None."""
    return load_catalog().workload.places.within.get(code)
