"""The offline reading of a conversational turn: a new app idea, or a refinement of the design in
working memory (style, cloud, scale, features added or removed, compliance, team).

It leans on the analyzer for everything the knowledge base already knows how to read ("add payment
processing" is the payments feature, "make it HIPAA compliant" the HIPAA regime, "we are only two
engineers" a team of 2) and adds only the conversational cues: which words ask to change, add or
remove, and which name a style or a cloud.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from archwright.resources import Style, load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.models import Analysis, Cloud

_STYLES: tuple[tuple[Style, re.Pattern[str]], ...] = (
    ("microservices", re.compile(r"\b(?:kubernetes|k8s|eks|gke|aks|micro-?services?|containers? per service)\b", re.I)),
    ("serverless", re.compile(r"\b(?:serverless|lambdas?|cloud functions|azure functions|functions version)\b", re.I)),
    ("monolith", re.compile(r"\b(?:monolith(?:ic)?|single deployable|one deployable)\b", re.I)),
)
_CLOUDS: tuple[tuple[Cloud, re.Pattern[str]], ...] = (
    ("gcp", re.compile(r"\b(?:gcp|google cloud)\b", re.I)),
    ("azure", re.compile(r"\b(?:azure|microsoft cloud)\b", re.I)),
    ("aws", re.compile(r"\b(?:aws|amazon web services)\b", re.I)),
)
_REMOVE = re.compile(r"\b(?:remove|drop|without|no longer|(?:do not|don't|dont) need|get rid of|take out|skip)\b(?P<rest>.*)",
                     re.I | re.S)
_FOLLOW_UP = re.compile(
    r"^\s*(?:now|then|and|also|ok|okay|what if|what about|how about|instead|switch|change|move|make|add|remove|drop|"
    r"use|show|we are|we're|we have|only|actually|but)\b|\b(?:that design|this design|the design|instead|switch to|"
    r"move to|version of|make it|add|remove|drop|without)\b", re.I)


class Turn(BaseModel):
    """What a turn asks for, as a patch to working memory plus the words that said it."""

    new_design: bool = False
    requirement: str | None = None
    style: Style | None = None
    cloud: Cloud | None = None
    add_features: list[str] = Field(default_factory=list)
    remove_features: list[str] = Field(default_factory=list)
    add_compliance: list[str] = Field(default_factory=list)
    users: dict[str, Any] | None = None
    team: int | None = None
    understood: list[str] = Field(default_factory=list, description="What was read, in words, for the reply.")


def interpret(message: str, has_design: bool) -> Turn:
    """Read one message against whether a design exists yet."""
    reading = analyze_requirements(message)
    follow_up = has_design and (bool(_FOLLOW_UP.search(message)) or not _names_an_app(reading))
    if not follow_up:
        return Turn(new_design=True, requirement=message, understood=["a new app idea"],
                    cloud=_cloud(message), style=_style(message))
    turn = Turn(style=_style(message), cloud=_cloud(message))
    catalog = load_catalog()
    if turn.style:
        turn.understood.append(f"show the {catalog.styles[turn.style].name.lower()} design")
    if turn.cloud:
        turn.understood.append(f"switch to {catalog.clouds[turn.cloud].name}")
    removal = _REMOVE.search(message)
    removed_words = removal.group("rest") if removal else ""
    removed = {f.id for f in analyze_requirements(removed_words).features} if removed_words.strip() else set()
    removed |= {f.id for f in reading.ruled_out}
    turn.remove_features = sorted(removed)
    turn.add_features = sorted({f.id for f in reading.features if not f.implied_by} - removed)
    turn.add_compliance = sorted(c.id for c in reading.compliance if not c.implied and not c.by_place)
    if reading.users is not None:
        turn.users = {"count": reading.users.count, "period": reading.users.period}
        turn.understood.append(f"{reading.users.count:,} users ({reading.users.period})")
    if reading.team is not None:
        turn.team = reading.team.count
        turn.understood.append(f"a team of {turn.team}")
    turn.understood += [f"add {catalog.features[f].name}" for f in turn.add_features]
    turn.understood += [f"remove {catalog.features[f].name}" for f in turn.remove_features]
    turn.understood += [f"comply with {catalog.compliance[c].name}" for c in turn.add_compliance]
    return turn


def _style(message: str) -> Style | None:
    return next((style for style, pattern in _STYLES if pattern.search(message)), None)


def _cloud(message: str) -> Cloud | None:
    return next((cloud for cloud, pattern in _CLOUDS if pattern.search(message)), None)


def _names_an_app(reading: Analysis) -> bool:
    """Whether the message describes an app of its own (a domain with words behind it)."""
    return not reading.is_vague and bool(reading.domains and reading.domains[0].evidence) and len(
        reading.requirement) > 40
