"""Typed shapes of the knowledge base, so a malformed data file fails at load, not mid-answer."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Style = Literal["serverless", "microservices", "monolith"]
STYLES: tuple[Style, ...] = ("serverless", "microservices", "monolith")
Layer = Literal["clients", "edge", "application", "data", "external", "security"]
ComponentKind = Literal[
    "client", "edge", "compute", "function", "service", "module",
    "database", "cache", "queue", "storage", "analytics", "external", "security",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DomainSpec(_Strict):
    """A domain's vocabulary and the scale defaults an app of that kind starts from."""

    id: str
    name: str
    description: str
    strong: tuple[str, ...] = ()
    medium: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    requests_per_dau: float = Field(gt=0)
    peak_factor: float = Field(ge=1)
    dau_per_mau: float = Field(gt=0, le=1)
    active_share: float = Field(gt=0, le=1)
    response_kb: float = Field(gt=0)
    storage_mb_per_user: float = Field(ge=0)
    write_share: float = Field(ge=0, le=1)


class FeatureSpec(_Strict):
    """How a feature is recognised in text, and what building it costs."""

    id: str
    name: str
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    excluded_by: tuple[str, ...] = ()
    implies: tuple[str, ...] = ()
    effort_weeks: float = Field(gt=0)


class ComplianceSpec(_Strict):
    """A regime: explicit patterns, plus the domain + context rule that implies it unsaid."""

    id: str
    name: str
    description: str
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    when_domain: tuple[str, ...] = ()
    and_patterns: tuple[str, ...] = ()
    effort_weeks: float = Field(gt=0)
    ask: str


class RoleSpec(_Strict):
    """Infrastructure a design can need, independent of cloud."""

    id: str
    name: str
    kind: ComponentKind
    layer: Layer
    purpose: str


class ModuleBlueprint(_Strict):
    """The application module serving a feature or a compliance regime, and what it uses."""

    id: str
    module: str
    purpose: str
    uses: tuple[tuple[str, str], ...] = ()
    roles: tuple[str, ...] = ()
    links: tuple[tuple[str, str, str], ...] = ()
    events: bool = False
    consumes_events: bool = False


class StyleTrait(_Strict):
    score: int = Field(ge=1, le=10)
    reason: str


class StyleSpec(_Strict):
    """How a style packages modules, and the traits the comparison starts from."""

    id: Style
    name: str
    module_kind: Literal["function", "service", "module"]
    effort_factor: float = Field(gt=0)
    platform_weeks: float = Field(ge=0)
    base_team: int = Field(ge=1)
    modules_per_engineer: int = Field(ge=1)
    scalability: StyleTrait
    operational_simplicity: StyleTrait
    portability: StyleTrait
    compliance_readiness: StyleTrait

    @model_validator(mode="before")
    @classmethod
    def _pairs_to_traits(cls, data: dict) -> dict:
        """The data file writes traits as [score, reason] pairs, which read better in TOML."""
        for key in ("scalability", "operational_simplicity", "portability", "compliance_readiness"):
            value = data.get(key)
            if isinstance(value, list | tuple):
                data[key] = {"score": value[0], "reason": value[1]}
        return data


class CloudSpec(_Strict):
    """The services one cloud offers for each role, and per style for the style-bound roles."""

    id: str
    name: str
    region: str
    compute: dict[Style, str]
    api_entry: dict[Style, str]
    primary_db: dict[Style, str]
    services: dict[str, str]

    def service_for(self, role: str, style: Style) -> str:
        """The service that plays `role` on this cloud in a design of `style`."""
        by_style = {"compute": self.compute, "api_entry": self.api_entry, "primary_db": self.primary_db}
        if role in by_style:
            return by_style[role][style]
        return self.services[role]


class UnitPrice(_Strict):
    """One published (or assumed) unit price, with where and when it was read."""

    id: str
    price: float = Field(ge=0)
    unit: str
    source: str
    retrieved: str
    verified: bool
    free: float = 0
    note: str = ""


class AddonPrices(_Strict):
    """Flat monthly prices for managed add-ons at their smallest production size."""

    source: str
    retrieved: str
    verified: bool
    monthly: dict[str, float]
