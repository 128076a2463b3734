"""Checks a requirement before the advisor reads it, so bad input gets a sentence, not a guess.

The limit is 20,000 characters: about 3,000 words, far more than any app idea needs and small
enough that every tool still answers in milliseconds. Text that is empty, binary, or not English
is refused with a message saying what was wrong and what is accepted.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import TYPE_CHECKING, get_args

from archwright.resources import load_catalog
from archwright.tools.models import Dimension

if TYPE_CHECKING:
    from archwright.tools.models import Analysis, Comparison

MAX_REQUIREMENT_CHARS = 20_000

_ENGLISH = frozenset(
    "the a an and or of to in for with on we our users app that is are be will should must need needs "
    "it can they their by from at as this have has want who each every".split()
)
_OTHER_LANGUAGES: dict[str, frozenset[str]] = {
    "Spanish": frozenset("el la los las y de que en para con una un por necesitamos aplicación usuarios "
                         "del es se al como queremos".split()),
    "French": frozenset("le la les et de des que en pour avec une un nous une utilisateurs du est "
                        "sur au voulons application".split()),
    "German": frozenset("der die das und mit für eine ein wir ist nicht von zu auf den dem benutzer "
                        "nutzer wollen soll".split()),
    "Portuguese": frozenset("o os as e de que em para com uma um nós usuários aplicativo do da é "
                            "queremos".split()),
    "Italian": frozenset("il lo gli le e di che per con una un noi utenti applicazione del della è "
                         "vogliamo".split()),
    "Dutch": frozenset("de het en van een met voor wij we gebruikers is niet op te zijn willen".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class RequirementError(ValueError):
    """The requirement cannot be advised on; the message says why and what is accepted."""


def check_requirement(text: object) -> str:
    """Return the requirement stripped of surrounding whitespace, or raise RequirementError."""
    if not isinstance(text, str):
        raise RequirementError(f"The requirement must be text, not {type(text).__name__}.")
    stripped = text.strip()
    if not stripped:
        raise RequirementError(
            "The requirement is empty. Describe the app in a sentence or more, for example: "
            "'A ride-sharing app for 100k daily users with real-time tracking and payments'."
        )
    if len(stripped) > MAX_REQUIREMENT_CHARS:
        raise RequirementError(
            f"The requirement is {len(stripped):,} characters; the limit is {MAX_REQUIREMENT_CHARS:,} "
            "(about 3,000 words). Summarise the app: who uses it, what they do, how many of them."
        )
    if _looks_binary(stripped):
        raise RequirementError(
            "The requirement looks like binary data (control or undecodable characters). "
            "Send a plain-text description of the app."
        )
    language = _foreign_language(stripped)
    if language:
        raise RequirementError(
            f"Archwright reads requirements written in English; this looks like {language}. "
            "Please describe the app in English (a machine translation is fine)."
        )
    return stripped


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    odd = sum(
        1
        for char in text
        if char == "\ufffd" or (unicodedata.category(char) in {"Cc", "Cs", "Co", "Cn"} and char not in "\n\r\t")
    )
    return odd / len(text) > 0.05


def _foreign_language(text: str) -> str | None:
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return None if any(ch.isdigit() for ch in text) else "no language (no words at all)"
    letters = "".join(words)
    latin = sum(1 for char in letters if "LATIN" in unicodedata.name(char, ""))
    if latin / len(letters) < 0.5:
        script = unicodedata.name(next(c for c in letters if "LATIN" not in unicodedata.name(c, "")), "")
        return f"a language in {script.split(' ')[0].title()} script" if script else "another language"
    if len(words) < 6:
        return None
    english = sum(word in _ENGLISH for word in words)
    best_name, best_hits = max(
        ((name, sum(word in vocab for word in words)) for name, vocab in _OTHER_LANGUAGES.items()),
        key=lambda pair: pair[1],
    )
    if best_hits >= 3 and best_hits > 2 * english:
        return best_name
    return None


MAX_COUNT = 10**12  # users, requests: more than every person on Earth many times over


def check_analysis(analysis: Analysis) -> Analysis:
    """A passed-back analysis checked like a fresh requirement: its text within the limits, every
    id one the knowledge base knows, every number finite and plausible. Raises RequirementError."""
    check_requirement(analysis.requirement)
    catalog = load_catalog()
    unknown = {
        "domain": sorted({analysis.primary_domain, *(d.id for d in analysis.domains)} - set(catalog.domains)),
        "feature": sorted({f.id for f in (*analysis.features, *analysis.ruled_out)} - set(catalog.features)),
        "compliance": sorted({c.id for c in analysis.compliance} - set(catalog.compliance)),
    }
    for kind, ids in unknown.items():
        if ids:
            known = {"domain": catalog.domains, "feature": catalog.features, "compliance": catalog.compliance}[kind]
            raise RequirementError(f"The analysis names unknown {kind} id(s) {', '.join(map(repr, ids[:5]))}; "
                                   f"known: {', '.join(sorted(known))}.")
    if not analysis.domains or analysis.domains[0].id != analysis.primary_domain:
        raise RequirementError("The analysis must list its domains with the primary domain first; pass the "
                               "structured result of analyze_requirements unchanged.")
    scale = analysis.scale
    workload = analysis.workload
    numbers = [scale.daily_active_users, scale.peak_rps, scale.monthly_requests, scale.registered_users,
               analysis.requests_per_second or 0, analysis.users.count if analysis.users else 0,
               *(a.count or 0 for a in workload.actors), *(d.per_second for d in workload.drivers),
               *(b.per_second for b in workload.bursts), workload.data.growth_gb_per_month.value]
    if any(not math.isfinite(n) or n > MAX_COUNT for n in numbers):
        raise RequirementError(f"The analysis has a count or rate above {MAX_COUNT:,}, or not a number; pass the "
                               "structured result of analyze_requirements unchanged.")
    return analysis


def check_comparison(comparison: Comparison) -> Comparison:
    """A passed-back comparison checked before the summary reads it: at least one option, each
    style once, every option scored on every dimension, the recommendation one of the options."""
    styles = [option.style for option in comparison.options]
    if not styles or len(set(styles)) != len(styles):
        raise RequirementError("The comparison must list each compared style once; pass the structured result "
                               "of compare_architectures unchanged.")
    dimensions = set(get_args(Dimension))
    for option in comparison.options:
        missing = sorted(dimensions - set(option.scores))
        if missing:
            raise RequirementError(f"The comparison's {option.style} option has no score for {', '.join(missing)}; "
                                   "pass the structured result of compare_architectures unchanged.")
    if comparison.recommendation.style not in styles:
        raise RequirementError(f"The comparison recommends {comparison.recommendation.style}, which is not one of "
                               f"its options ({', '.join(styles)}).")
    return comparison
