"""Text plumbing for the analyzer: tokens with offsets, the pattern language, negation, typos.

A requirement is split into lower-case word tokens (punctuation kept as tokens of its own) and
rejoined with single spaces. Patterns from the knowledge base (see resources/data/domains.toml)
compile to regular expressions over that normalised text, so "Real-Time" and "real time" read
alike, while every match maps back to the exact characters of the original requirement: the
evidence a user sees is their own words.

Typos are forgiven by a second, corrected reading of the same tokens: a word of six letters or
more that the vocabulary does not know is replaced by the one vocabulary word within one edit
(insertion, deletion, substitution or transposition) of it. Matches from both readings count.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

# A line break is a token of its own: each bullet of a list is a sentence, so "no chat" on one line
# cannot negate "push notifications" on the next.
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[.,;:!?()]|\n", re.UNICODE)
_SENTENCE_END = frozenset([*".;:!?()", "\n"])
_CONTRAST = frozenset({"but", "however", "although", "though", "yet", "whereas", "instead", "except"})
_NEGATORS = frozenset({
    "no", "not", "without", "never", "nor", "neither", "exclude", "excluding", "skip", "avoid",
    "dont", "doesnt", "wont", "isnt", "arent", "didnt", "shouldnt", "neednt",  # contractions typed without '
})
_NOT_NEGATING_NEXT = frozenset({"only", "just", "more", "longer", "matter", "less", "later", "doubt"})
_POSTFIX_OBJECTS = frozenset({
    "needed", "required", "necessary", "wanted", "planned", "included", "supported", "in", "a", "part",
    "want", "need", "needs", "allowed", "offered", "provided", "built", "handled", "charged", "our", "done",
})
# "Out of scope this year: loyalty points, product reviews": a heading that negates the list after it.
_EXCLUDING_HEADINGS = ("out of scope", "not in scope", "non goals", "not needed", "excluded", "won't build",
                       "not building", "not in v1", "not for v1", "later", "nice to have")
_MIN_CORRECTABLE = 6


@dataclass(frozen=True, slots=True)
class Span:
    """Characters [start, end) of the original text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern match: which tokens it covers and the original characters they came from."""

    first: int
    last: int
    span: Span

    def overlaps(self, other: Match) -> bool:
        return self.first <= other.last and other.first <= self.last


class Reading:
    """One normalised reading of the tokens: the joined text and where each token starts in it."""

    __slots__ = ("_starts", "text")

    def __init__(self, words: list[str]) -> None:
        starts: list[int] = []
        offset = 0
        for word in words:
            starts.append(offset)
            offset += len(word) + 1
        self.text = " ".join(words)
        self._starts = starts

    def token_at(self, offset: int) -> int:
        return bisect_right(self._starts, offset) - 1


class Document:
    """A requirement ready for matching: original text, tokens with offsets, and readings."""

    __slots__ = ("offsets", "original", "readings", "words")

    def __init__(self, original: str, vocabulary: Vocabulary | None = None) -> None:
        self.original = original
        words: list[str] = []
        offsets: list[Span] = []
        for found in _TOKEN.finditer(original):
            word = found.group().lower().replace("’", "'").removesuffix("'s")
            words.append(word)
            offsets.append(Span(found.start(), found.end()))
        self.words = words
        self.offsets = offsets
        self.readings = [Reading(words)]
        if vocabulary is not None:
            corrected = [vocabulary.correct(word) for word in words]
            if corrected != words:
                self.readings.append(Reading(corrected))

    def span(self, first: int, last: int) -> Span:
        return Span(self.offsets[first].start, self.offsets[last].end)

    def quote(self, match: Match) -> str:
        return self.original[match.span.start : match.span.end]

    def is_negated(self, match: Match) -> bool:
        """Whether a negation governs the match ("no payments", "chat is not needed")."""
        return self._negated_before(match.first) or self._negated_after(match.last)

    def _negated_before(self, first: int) -> bool:
        words = self.words
        index = first - 1
        seen = 0
        while index >= 0 and seen < 7:
            word = words[index]
            if word == ":" and self._excluding_heading(index):
                return True
            if word in _SENTENCE_END or word in _CONTRAST:
                return False
            if word == "," and not self._list_continues(index):
                return False
            if self._is_negator(index):
                return True
            index -= 1
            seen += 1
        return False

    def _is_negator(self, index: int) -> bool:
        word = self.words[index]
        following = self.words[index + 1] if index + 1 < len(self.words) else ""
        if following in _NOT_NEGATING_NEXT:
            return False
        if word in _NEGATORS:
            return True
        return word.endswith("n't") and word not in {"can't", "couldn't"}

    def _excluding_heading(self, colon: int) -> bool:
        """Whether the words before a colon announce what is left out ("Out of scope this year:")."""
        start = colon
        while start > 0 and colon - start < 6 and self.words[start - 1] not in _SENTENCE_END:
            start -= 1
        heading = " ".join(self.words[start:colon])
        return any(phrase in heading for phrase in _EXCLUDING_HEADINGS)

    def _list_continues(self, comma: int) -> bool:
        """A comma inside a list ("no chat, search or maps") keeps a negation's scope open."""
        stop = comma + 1
        while stop < len(self.words) and self.words[stop] not in _SENTENCE_END and self.words[stop] != ",":
            stop += 1
        return stop - comma - 1 <= 3

    def _negated_after(self, last: int) -> bool:
        words = self.words
        for index in range(last + 1, min(last + 8, len(words) - 1)):
            word = words[index]
            if word in _SENTENCE_END or word == ",":
                return False
            following = words[index + 1]
            if (word == "not" or word.endswith("n't")) and following in _POSTFIX_OBJECTS and index - last <= 6:
                return True
            if word == "out" and following == "of" and index + 2 < len(words) and words[index + 2] == "scope":
                return True
            if word == "unnecessary":
                return True
        return False


def alternation(phrases: Iterable[str], between: str = r"[\s-]+") -> str:
    """A regex alternation of lexicon phrases, longest first, each word escaped and joined by
    `between` (spaces or hyphens by default: "e bike" matches "e-bike")."""
    ordered = sorted(phrases, key=len, reverse=True)
    return "|".join(between.join(map(re.escape, phrase.split())) for phrase in ordered)


class Pattern:
    """A compiled alternation of knowledge-base patterns (see domains.toml for the syntax)."""

    __slots__ = ("_regex",)

    def __init__(self, patterns: Iterable[str]) -> None:
        bodies = [_compile_one(pattern) for pattern in patterns]
        # One boundary check around the whole alternation: positions inside a word fail once,
        # not once per alternative (this alone makes matching several times faster).
        self._regex = re.compile(rf"(?<!\S)(?:{'|'.join(bodies)})(?!\S)") if bodies else None

    def matches(self, document: Document) -> Iterator[Match]:
        """Every match in every reading of the document, once per distinct token range."""
        if self._regex is None:
            return
        seen: set[tuple[int, int]] = set()
        for reading in document.readings:
            for found in self._regex.finditer(reading.text):
                if found.end() == found.start():
                    continue
                first = reading.token_at(found.start())
                last = reading.token_at(found.end() - 1)
                if (first, last) not in seen:
                    seen.add((first, last))
                    yield Match(first, last, document.span(first, last))


def _compile_one(pattern: str) -> str:
    if pattern.startswith("re:"):
        body = pattern[3:]
    else:
        parts: list[str] = []
        for word in pattern.split():
            if word.startswith("~"):
                parts.append(f"(?:\\S+ ){{0,{int(word[1:])}}}")
            elif word.endswith("*"):
                parts.append(re.escape(word[:-1]) + r"\S* ")
            else:
                parts.append(re.escape(word) + " ")
        body = "".join(parts)[:-1]
    return f"(?:{body})"


def plain_words(patterns: Iterable[str]) -> Iterator[tuple[str, bool]]:
    """The literal words of plain patterns, each flagged True when it is a stem (`word*`)."""
    for pattern in patterns:
        if pattern.startswith("re:"):
            continue
        for word in pattern.split():
            if word.startswith("~"):
                continue
            if word.endswith("*"):
                yield word[:-1], True
            else:
                yield word, False


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """Optimal-string-alignment distance <= 1, without building the whole table."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diffs) == 1:
            return True
        return len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(long_)):
        if long_[:i] + long_[i + 1 :] == short:
            return True
    return False


class Vocabulary:
    """Words the knowledge base uses, indexed for one-edit typo correction."""

    def __init__(self, words: Iterable[tuple[str, bool]], real_words: Iterable[str] = ()) -> None:
        self._real_words = frozenset(real_words)
        self._known: set[str] = set()
        self._stems: set[str] = set()
        self._word_index: dict[str, set[str]] = {}
        self._stem_index: dict[str, set[str]] = {}
        for word, is_stem in words:
            (self._stems if is_stem else self._known).add(word)
        for word in self._known:
            if len(word) >= _MIN_CORRECTABLE - 1:
                for key in _deletes(word):
                    self._word_index.setdefault(key, set()).add(word)
        for stem in self._stems:
            if len(stem) >= _MIN_CORRECTABLE - 1:
                for key in _deletes(stem):
                    self._stem_index.setdefault(key, set()).add(stem)
        self.correct = lru_cache(maxsize=8192)(self._correct)

    def _correct(self, word: str) -> str:
        """The vocabulary word `word` is a typo of, or `word` itself when it is a real word."""
        if word in self._real_words:
            return word
        return self.raw_correction(word)

    def raw_correction(self, word: str) -> str:
        """The correction ignoring the real-word list (scripts/make_real_words.py builds that list)."""
        if len(word) < _MIN_CORRECTABLE or word in self._known or not word.isalpha():
            return word
        if any(word.startswith(stem) for stem in self._stems):
            return word
        candidates = {
            known
            for key in _deletes(word)
            for known in self._word_index.get(key, ())
            if _edit_distance_at_most_one(word, known) and not _is_inflection(word, known)
        }
        if len(candidates) == 1:
            return candidates.pop()
        for cut in (len(word) - 1, len(word), len(word) + 1):
            head, tail = word[:cut], word[cut:]
            for key in _deletes(head):
                for stem in self._stem_index.get(key, ()):
                    if abs(len(head) - len(stem)) <= 1 and _edit_distance_at_most_one(head, stem):
                        return stem + tail
        return word


def _is_inflection(word: str, known: str) -> bool:
    """'stores' is not a typo of 'store': a trailing s, d or e difference is grammar."""
    longer, shorter = (word, known) if len(word) > len(known) else (known, word)
    return longer.startswith(shorter) and longer[len(shorter) :] in {"s", "d", "e"}
