"""Who builds the system and what it must plug into: team phrases without numbers ("I'm a solo
developer", "the two of us") and existing platforms named for reuse (Stripe, Okta, Epic)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from archwright.resources import load_catalog
from archwright.tools._text import alternation


@dataclass(frozen=True)
class Named:
    """A phrase the lexicon knows, found in the text: what it stands for and where it was written."""

    name: str
    kind: str
    start: int
    end: int


_NAME_GAP = r"[\s.'’-]*"  # "M-Pesa", "Checkout.com", "Africa's Talking"


@cache
def _integrations() -> tuple[tuple[re.Pattern[str], dict[str, tuple[str, str]]], ...]:
    """Two scanners: names matched ignoring case, and "=Name" entries matched as capitalised."""
    lexicon = load_catalog().workload.integrations
    loose: dict[str, tuple[str, str]] = {}
    exact: dict[str, tuple[str, str]] = {}
    for kind, names in lexicon.items():
        for name in names:
            if name.startswith("="):
                exact[name[1:]] = (name[1:].lower(), kind)
            else:
                loose[name] = (name, kind)
    scanners = []
    for table, flags in ((loose, re.IGNORECASE), (exact, 0)):
        if table:
            names = alternation(table, _NAME_GAP)
            scanners.append((re.compile(rf"(?<![\w@/])(?:{names})(?![\w])", flags), table))
    return tuple(scanners)


def integrations(text: str) -> Iterator[Named]:
    """Each platform once, at its first mention, in reading order."""
    seen: set[str] = set()
    found: list[Named] = []
    for pattern, table in _integrations():
        for match in pattern.finditer(text):
            if text.startswith(":", match.end()) and not pattern.flags & re.IGNORECASE:
                continue  # "Epic: new onboarding flow" is a heading, not the EHR
            key = re.sub(r"[\s.'’-]+", " ", match.group()).strip()
            name, kind = table.get(key.lower()) or table.get(key) or (key.lower(), "other")
            if name not in seen:
                seen.add(name)
                found.append(Named(name, kind, match.start(), match.end()))
    yield from sorted(found, key=lambda named: named.start)


@cache
def _team_phrases() -> tuple[re.Pattern[str], dict[str, int]]:
    phrases = load_catalog().workload.team["phrases"]
    return re.compile(rf"\b(?:{alternation(phrases, _NAME_GAP)})\b", re.IGNORECASE), phrases


def team_phrase(text: str) -> Named | None:
    """A team size stated in words rather than a count of engineers ("we're just two people")."""
    pattern, sizes = _team_phrases()
    found = pattern.search(text)
    if found is None:
        return None
    key = re.sub(r"[\s.'’-]+", " ", found.group().lower()).strip()
    size = sizes.get(key) or next((v for k, v in sizes.items() if re.sub(r"['’]", " ", k) == key), 1)
    return Named(str(size), "team", found.start(), found.end())
