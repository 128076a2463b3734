"""Counts of people and things, with the role each plays: who uses a system and what reports to it.

A number becomes an actor when a noun from the lexicon (resources/data/workload.toml) stands right
after it (up to three describing words between: "2 million monthly active users") or leads into
it ("MAU of 2.3M", "riders: 50k"). The noun gives the role (end user, staff, tenant, device) and
the words around it may change it ("business customers" are tenants; "tenants" next to a landlord
are end users). "Each" or "per firm" after the noun makes the count per tenant.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from archwright.resources import load_catalog
from archwright.resources.models import ActorLexicon, ActorRole
from archwright.tools._numbers import (
    PERSON_UNIT,
    WINDOW,
    Period,
    Quantity,
    Sentences,
    is_builders,
    period_of,
    quantities,
    rate_follows,
)
from archwright.tools._text import Vocabulary, alternation


@dataclass(frozen=True)
class ActorMention:
    role: ActorRole
    noun: str
    count: int
    period: Period
    start: int
    end: int
    vague: bool
    per_tenant: bool
    uses_system: bool = True


# A word that may describe a noun after a number ("600 wholesale clients"): not a plural of its
# own ("300 coffee shops: customers", though "business" is fine) and not a joining word.
_DESCRIBING = (r"(?!(?:and|or|with|in|at|of|for|to|from|by|per|across|over|on|into|than|who|which|that)\b)"
               r"[A-Za-z][\w'-]*(?<![^sS][sS])")


@dataclass(frozen=True)
class _Compiled:
    lexicon: ActorLexicon
    after: re.Pattern[str]
    lead: re.Pattern[str]
    any_noun: re.Pattern[str]
    per_after: re.Pattern[str]
    per_before: re.Pattern[str]
    not_actor: re.Pattern[str]
    name_before: re.Pattern[str]
    not_using: re.Pattern[str]
    context: tuple[tuple[frozenset[str], str, re.Pattern[str] | None, re.Pattern[str] | None, re.Pattern[str] | None], ...]


@cache
def _compiled() -> _Compiled:
    lexicon = load_catalog().workload.actors
    nouns = alternation(lexicon.nouns())
    context = tuple(
        (
            frozenset(rule.nouns),
            rule.role,
            re.compile(rf"\b(?:{alternation(rule.before)})(?:\s+\S+){{0,2}}\s*$", re.IGNORECASE) if rule.before else None,
            re.compile(rf"\b(?:{alternation(rule.around)})\b", re.IGNORECASE) if rule.around else None,
            re.compile(rf"\b(?:{alternation(rule.anywhere)})\b", re.IGNORECASE) if rule.anywhere else None,
        )
        for rule in lexicon.context
    )
    return _Compiled(
        lexicon=lexicon,
        # Up to three describing words may stand between a number and its noun ("600 wholesale
        # clients"), but not a plural noun of their own ("300 coffee shops: customers").
        after=re.compile(rf"^\s*\)?\s*(?:{_DESCRIBING}\s){{0,3}}?(?P<noun>{nouns})\b", re.IGNORECASE),
        # A noun leading into its count ("MAU of 2.3M"): matched at each noun, looked up by where it ends.
        lead=re.compile(
            rf"(?P<noun>{nouns})\s*(?:of|:|=|is|are|around|about|approx\.?|~|at|total(?:ing)?)?"
            rf"\s*(?:around|about|roughly|approximately|~|over|some|up to|circa|ca\.?)?\s*",
            re.IGNORECASE,
        ),
        any_noun=re.compile(rf"\b(?:{nouns}|person|member|strong)\b", re.IGNORECASE),
        # "25 seats each" counts per tenant; "100,000 subscribers each watching 10 hours" does not.
        per_after=re.compile(rf"^\s*(?:{alternation(lexicon.per_tenant['after'])})\b(?!\s+\w+ing\b)", re.IGNORECASE),
        per_before=re.compile(
            rf"\b(?:{alternation(lexicon.per_tenant['before'])})\s*(?:about|around|roughly|~|up to|some)?\s*$", re.IGNORECASE
        ),
        # "1.5M downloads" or "200 product listings" count things, not people; a comma ends the noun
        # phrase, so "1.5M students, video lessons" still counts students.
        not_actor=re.compile(rf"^\s*(?:[^\s,;:.]+\s){{0,2}}?(?:{alternation(lexicon.not_actors['nouns'])})\b", re.IGNORECASE),
        name_before=re.compile(rf"\b(?:{alternation(lexicon.names_before['words'])})[\s-]?$", re.IGNORECASE),
        not_using=re.compile(rf"\b(?:{alternation(lexicon.not_using['phrases'])})\b", re.IGNORECASE),
        context=context,
    )


def _role(compiled: _Compiled, noun: str, before: str, sentence: str, text: str) -> str | None:
    """The noun's role here: the first context rule that applies, else the noun's own; "none" when
    the count is not of actors at all ("11,000 Instagram followers")."""
    noun = noun.lower()
    for nouns, role, before_pattern, around_pattern, anywhere_pattern in compiled.context:
        if noun not in nouns:
            continue
        if before_pattern is not None and before_pattern.search(before):
            return role
        if around_pattern is not None and around_pattern.search(sentence):
            return role
        if anywhere_pattern is not None and anywhere_pattern.search(text):
            return role
    return compiled.lexicon.role_of(noun)


def _said_not_to_use(
    compiled: _Compiled, text: str, noun: str, noun_end: int, sentence_end: int, refusals: list[int]
) -> bool:
    """Whether the text says these people do not use the system: later in their own sentence
    ("800 borrowers never log in"), or soon after with their noun just before ("patients don't log in")."""
    clause_end = _CLAUSE_END.search(text, noun_end, sentence_end)
    if compiled.not_using.search(text, noun_end, clause_end.start() if clause_end else sentence_end):
        return True
    stem = re.compile(rf"\b{re.escape(noun.lower().rstrip('s'))}s?\b(?:\s+[^\s.;!?]+){{0,2}}\s*$", re.IGNORECASE)
    first = bisect_left(refusals, noun_end)
    for start in refusals[first : first + 8]:  # the next few refusals only: the text keeps its subject close
        if start - noun_end > 4 * WINDOW:
            break
        if stem.search(text, max(0, start - 60), start):
            return True
    return False


@dataclass(frozen=True)
class _Noun:
    """The noun a count belongs to, where it stands, and the words that describe it."""

    noun: str
    start: int
    end: int
    describing: str


# A word that may be a misspelt noun ("housholds", "employes", "companys"): checked against the
# lexicon's nouns and their singulars within one edit, only when no noun matched as written.
_WORD = re.compile(r"[\s-]*\)?\s*(?:(?:[A-Za-z][\w'-]*)\s){0,2}?(?P<word>[A-Za-z][a-z]{3,})\b")


@cache
def _fuzzy_nouns() -> Vocabulary:
    nouns = {noun for noun in _compiled().lexicon.nouns() if " " not in noun}
    singulars = {noun[:-3] + "y" if noun.endswith("ies") else noun[:-1] for noun in nouns if noun.endswith("s")}
    return Vocabulary([(word, False) for word in nouns | singulars])


def _plural(compiled: _Compiled, word: str) -> str | None:
    """The lexicon noun a word stands for, forgiving one typo and a missing plural."""
    if word.lower().endswith(("ed", "ing", "ly")):  # "1,200 licensed cabs": a real word, not a typo of "licenses"
        return None
    corrected = _fuzzy_nouns().raw_correction(word.lower())
    for candidate in (corrected, corrected + "s", corrected[:-1] + "ies"):
        if compiled.lexicon.role_of(candidate) is not None:
            return candidate
    return None


def _noun_after(compiled: _Compiled, text: str, quantity: Quantity, right: int, lead: re.Match[str] | None) -> _Noun | None:
    rest = text[quantity.end : right]
    if (person := PERSON_UNIT.match(rest)) is not None:
        if is_builders(rest[person.end() :]):
            return None
        end = quantity.end + person.end()
        return _Noun("people", quantity.end, end, text[quantity.end : end])
    if (after := compiled.after.match(rest)) is not None:
        end = quantity.end + after.end()
        return _Noun(after.group("noun"), quantity.end + after.start("noun"), end, text[quantity.end : end])
    if lead is not None:
        # "monthly transacting users 1.2M": the words before the noun carry the period.
        return _Noun(lead.group("noun"), lead.start(), quantity.end, text[max(0, lead.start() - 30) : quantity.start])
    if (word := _WORD.match(rest)) is not None and (noun := _plural(compiled, word.group("word"))) is not None:
        # "a 25-employee agency" counts people; "10-visit passes" names a product
        if rest.startswith("-") and compiled.lexicon.role_of(noun) != "staff":
            return None
        end = quantity.end + word.end()
        return _Noun(noun, quantity.end + word.start("word"), end, text[quantity.end : end])
    return None


# "... 120,000 registered players and 9,000 playing daily": a count with no noun, then a period,
# counts the people just named.
_ELLIPTICAL = re.compile(
    r"\s*(?:of them\s+)?(?:(?:are|were|will be|is)\s+)?(?:[a-z]+ing|concurrent(?:ly)?|online|active|daily|weekly"
    r"|monthly|simultaneous(?:ly)?|at once|at the same time)\b",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"[,;.()\n]|\d")


def _elliptical(text: str, quantity: Quantity, right: int, previous: ActorMention | None) -> _Noun | None:
    if previous is None or previous.role not in ("end_user", "staff") or quantity.start - previous.end > 200:
        return None
    clause = text[quantity.end : right]
    if (end := _CLAUSE_END.search(clause)) is not None:
        clause = clause[: end.start()]
    if period_of("", clause, "") == "total" or not _ELLIPTICAL.match(clause):
        return None
    if re.match(r"\s*(?:%|percent|€|\$|£|/|[a-z]+s\b)", clause, re.IGNORECASE) and not _ELLIPTICAL.match(clause).group().strip().endswith("ing"):  # type: ignore[union-attr]
        return None
    return _Noun(previous.noun, quantity.end, quantity.end + len(clause.rstrip()), clause)


def actor_mentions(text: str) -> Iterator[ActorMention]:
    """Every stated count of people or things, in reading order."""
    compiled = _compiled()
    sentences = Sentences(text)
    noun_starts = [found.start() for found in compiled.any_noun.finditer(text)]
    leads = {found.end(): found for start in noun_starts if (found := compiled.lead.match(text, start))}
    refusals = [found.start() for found in compiled.not_using.finditer(text)]
    previous: ActorMention | None = None
    for quantity in quantities(text):
        left, right = sentences.bounds(quantity.start, quantity.end)
        before = text[max(left, quantity.start - WINDOW) : quantity.start]
        lead = leads.get(quantity.start)
        if lead is not None and lead.start() < left:
            lead = None
        rest = text[quantity.end : right]
        if rate_follows(rest) or compiled.not_actor.match(rest) or compiled.name_before.search(before[-12:]):
            continue
        found = _noun_after(compiled, text, quantity, right, lead) or _elliptical(text, quantity, right, previous)
        if found is None:
            continue
        window_start = max(left, quantity.start - WINDOW)
        role = _role(compiled, found.noun, text[window_start : found.start], text[left:right], text)
        if role is None or role == "none":
            continue
        uses_system = True
        start = min(quantity.start, found.start)
        period = period_of(text[window_start : quantity.start][-40:], found.describing, text[found.end : right])
        per_tenant = bool(compiled.per_after.match(text[found.end : right]) or compiled.per_before.search(before))
        # "each with 4 trainers and 1,500 members": a list continues what "each" began.
        if previous is not None and previous.per_tenant and re.fullmatch(r"\s*(?:and|,|&|plus)\s*", text[previous.end : start]):
            per_tenant = True
        uses_system = uses_system and (
            not refusals or not _said_not_to_use(compiled, text, found.noun, found.end, right, refusals))
        previous = ActorMention(
            role=role,  # type: ignore[arg-type]
            noun=found.noun.lower(),
            count=round(quantity.value),
            period=period,
            start=start,
            end=found.end,
            vague=quantity.vague,
            per_tenant=per_tenant,
            uses_system=uses_system,
        )
        yield previous
