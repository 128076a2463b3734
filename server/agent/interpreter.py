"""The offline reading of a conversational turn: a new app idea, or a refinement of the design in
working memory (style, cloud, scale, features or regimes added or removed, team, targets, where the
data must stay).

It leans on the analyzer for everything the knowledge base already knows how to read ("add payment
processing" is the payments feature, "make it HIPAA compliant" the HIPAA regime, "99.99%
availability" a target) and adds only the conversational cues: which words ask to change, add or
remove, which name a style or a cloud, and which negate them ("let's not use Kubernetes").
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from archwright.resources import Style, load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.models import Analysis, Cloud

_STYLES: tuple[tuple[Style, str], ...] = (
    ("microservices", r"kubernetes|k8s|eks|gke|aks|micro-?services?"),
    ("serverless", r"serverless|lambdas?|cloud functions|azure functions|functions version"),
    ("monolith", r"monolith(?:ic)?|single deployable|one deployable"),
)
_CLOUDS: tuple[tuple[Cloud, str], ...] = (
    ("gcp", r"gcp|google cloud"),
    ("azure", r"azure|microsoft cloud"),
    ("aws", r"aws|amazon web services"),
)
# Words before a style or cloud that say not to use it.
_NOT = r"(?:not|n't|no|never|avoid|without|instead of|rather than|skip|drop|forget|away from|off)\b(?:\s+\w+){0,3}?\s+"
_RESET_STYLE = re.compile(r"\b(?:recommended|suggested|best)\s+(?:style|one|design|option|architecture)\b", re.I)
_REMOVE = re.compile(r"\b(?:remove|drop|without|no longer|(?:do not|don't|dont) need|get rid of|take out|skip|forget|"
                     r"(?:do not|don't|dont) want|not needed|no need for)\b(?P<rest>.*)", re.I | re.S)
_REMOVE_ENDS = re.compile(r"\b(?:and|but|then|also|plus)\s+(?:add|include|keep|make|switch|use|support)\b|[;.]", re.I)
_MORE_PEOPLE = re.compile(r"\b(?:hired|hiring|adding|add|added|plus|another)\s+(?P<n>\d+|one|two|three|four|five|six|seven|"
                          r"eight|nine|ten|a few)\s+(?:more\s+|new\s+|extra\s+)?(?:engineers?|developers?|devs|people)\b",
                          re.I)
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
          "a few": 3}
_TEAM = re.compile(r"\b(?:team|engineers?|developers?|devs|people building|headcount)\b", re.I)
_FOLLOW_UP = re.compile(
    r"^\s*(?:now|then|and|also|ok|okay|what if|what about|how about|instead|switch|change|move|make|add|remove|drop|"
    r"use|show|we|we're|with|plus|only|actually|but|let's|lets|don't|do not|forget|keep|go back|the team|"
    r"our team|our customers|the users|our users|our budget|it must|it should|we need)\b|\b(?:that design|this design|"
    r"the design|instead|switch to|move to|version of|make it|add|remove|drop|without)\b", re.I)


class Turn(BaseModel):
    """What a turn asks for, as a patch to working memory plus the words that said it."""

    new_design: bool = False
    vague: bool = Field(default=False, description="A new idea too vague to design (a greeting, 'an app').")
    requirement: str | None = None
    style: Style | None = None
    reset_style: bool = False
    cloud: Cloud | None = None
    add_features: list[str] = Field(default_factory=list)
    remove_features: list[str] = Field(default_factory=list)
    add_compliance: list[str] = Field(default_factory=list)
    remove_compliance: list[str] = Field(default_factory=list)
    corrections: dict[str, Any] = Field(default_factory=dict, description="Workload fields the turn states "
                                        "(users, team, budget, targets, retention, residency).")
    more_engineers: int = Field(default=0, description="Engineers added to the current team ('we hired three more').")
    understood: list[str] = Field(default_factory=list, description="What was read, in words, for the reply.")
    questions: list[str] = Field(default_factory=list)


def interpret(message: str, has_design: bool) -> Turn:
    """Read one message against whether a design exists yet."""
    reading = analyze_requirements(message)
    follow_up = has_design and (bool(_FOLLOW_UP.search(message)) or not _names_an_app(reading))
    if not follow_up:
        if reading.is_vague:
            return Turn(new_design=True, vague=True, understood=["not yet an app I can design"],
                        questions=reading.questions)
        return Turn(new_design=True, requirement=message, understood=["a new app idea"], cloud=_chosen(message, _CLOUDS),
                    style=_chosen(message, _STYLES))
    turn = Turn(style=_chosen(message, _STYLES), cloud=_chosen(message, _CLOUDS),
                reset_style=bool(_RESET_STYLE.search(message)))
    catalog = load_catalog()
    if turn.reset_style:
        turn.understood.append("show the recommended style")
    elif turn.style:
        turn.understood.append(f"show the {catalog.styles[turn.style].name.lower()} design")
    if turn.cloud:
        turn.understood.append(f"switch to {catalog.clouds[turn.cloud].name}")
    removal = _REMOVE.search(message)
    removed_words = _REMOVE_ENDS.split(removal.group("rest"), maxsplit=1)[0] if removal else ""
    removed_reading = analyze_requirements(removed_words) if removed_words.strip() else None
    removed = {f.id for f in removed_reading.features} if removed_reading else set()
    removed |= {f.id for f in reading.ruled_out}
    turn.remove_features = sorted(removed)
    turn.remove_compliance = sorted(c.id for c in removed_reading.compliance if not c.by_place) if removed_reading else []
    # What is added is read from the words left once the removal and "the recommended style" are gone.
    wording = _RESET_STYLE.sub(" ", message.replace(removed_words, " ") if removed_words else message)
    added = analyze_requirements(wording) if wording != message and wording.strip() else reading
    turn.add_features = sorted({f.id for f in added.features if not f.implied_by} - removed)
    turn.add_compliance = sorted(c.id for c in added.compliance if not c.implied and not c.by_place
                                 and c.id not in turn.remove_compliance)
    more = _MORE_PEOPLE.search(message)
    if more:
        count = more.group("n").lower()
        turn.more_engineers = int(count) if count.isdigit() else _WORDS[count]
        turn.understood.append(f"{turn.more_engineers} more engineers")
    turn.corrections = {} if more else _stated(reading, message)
    for name, value in turn.corrections.items():
        turn.understood.append(_said(name, value))
    turn.understood += [f"add {catalog.features[f].name}" for f in turn.add_features]
    turn.understood += [f"remove {catalog.features[f].name}" for f in turn.remove_features]
    turn.understood += [f"comply with {catalog.compliance[c].name}" for c in turn.add_compliance]
    turn.understood += [f"drop {catalog.compliance[c].name}" for c in turn.remove_compliance]
    return turn


def _stated(reading: Analysis, message: str) -> dict[str, Any]:
    """The workload fields the message states, as corrections: a count next to 'team' or 'engineers'
    is the team, not users."""
    workload, stated = reading.workload, {}
    team_talk = bool(_TEAM.search(message))
    if reading.team is not None:
        stated["team"] = reading.team.count
    elif team_talk and reading.users is not None:
        stated["team"] = reading.users.count
    if reading.users is not None and not team_talk:
        stated["users"] = {"count": reading.users.count, "period": reading.users.period}
    targets = workload.targets
    if targets.availability_percent is not None and targets.availability_percent.provenance == "stated":
        stated["availability_percent"] = targets.availability_percent.value
    if targets.latency_ms is not None and targets.latency_ms.provenance == "stated":
        stated["latency_ms"] = targets.latency_ms.value
    if workload.budget_usd_per_month is not None:
        stated["budget_usd_per_month"] = workload.budget_usd_per_month.value
    if workload.data.retention_days is not None and workload.data.retention_days.provenance == "stated":
        stated["retention_days"] = int(workload.data.retention_days.value)
    if workload.location.residency is not None:
        stated["residency"] = workload.location.residency.code
    if reading.requests_per_second is not None:
        stated["requests_per_second"] = reading.requests_per_second
    return stated


def _said(name: str, value: Any) -> str:
    return {
        "team": lambda: f"a team of {value}",
        "users": lambda: f"{value['count']:,} users ({value['period']})",
        "availability_percent": lambda: f"{value:g}% availability",
        "latency_ms": lambda: f"a {value:g} ms latency target",
        "budget_usd_per_month": lambda: f"a budget of ${value:,.0f} a month",
        "retention_days": lambda: f"keep data {value:,} days",
        "residency": lambda: f"data stays in {str(value).upper()}",
        "requests_per_second": lambda: f"{value:,.0f} requests/s at peak",
    }[name]()


def _chosen(message: str, options: tuple[tuple[Any, str], ...]) -> Any:
    """The style or cloud the message asks for; one it names after a negation is not asked for."""
    for choice, words in options:
        for found in re.finditer(rf"\b(?:{words})\b", message, re.I):
            if not re.search(rf"{_NOT}$", message[:found.start()], re.I):
                return choice
    return None


_APP_NOUN = re.compile(r"\b(?:app|apps|application|platform|system|service|site|website|web ?app|tool|marketplace|"
                       r"backend|portal|product|saas|game|api|pipeline|assistant|chatbot|bot|store|shop)\b", re.I)


def _names_an_app(reading: Analysis) -> bool:
    """Whether the message describes an app of its own: it names a kind of product ('a telehealth
    platform') and a domain with words behind it. 'The patients are in the UK' names neither."""
    return (not reading.is_vague and bool(reading.domains and reading.domains[0].evidence)
            and bool(_APP_NOUN.search(reading.requirement)))
