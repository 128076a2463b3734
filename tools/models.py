"""The advisor's public shapes: what each tool takes and returns (and the MCP output schemas)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from archwright.resources.models import ComponentKind, Style
from archwright.tools._numbers import Period
from archwright.tools.workload_models import Evidence, Workload

Cloud = Literal["aws", "gcp", "azure"]
Tier = Literal["starter", "small", "medium", "large", "massive"]
Dimension = Literal[
    "scalability", "cost_efficiency", "time_to_market", "operational_simplicity", "portability",
    "compliance_readiness",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DomainFinding(_Model):
    id: str = Field(description="Domain id, one of the 18 in archwright://domains.")
    name: str
    confidence: float = Field(ge=0, le=1)
    evidence: list[Evidence]


class KindFinding(_Model):
    """A kind of app the requirement describes (specialisations.toml), with the words that say so."""

    id: str
    name: str
    evidence: list[Evidence]


class FeatureFinding(_Model):
    id: str = Field(description="Feature id, one of the 43 in archwright://features.")
    name: str
    evidence: list[Evidence]
    implied_by: str | None = Field(
        default=None, description="What brought this one along: a feature, the primary domain, or workload.bursts."
    )
    confidence: float = Field(default=0.9, ge=0, le=1, description="How sure the reading is: lower when implied or read through a typo.")
    given: bool = Field(default=False, description="True when the caller supplied it.")


class ComplianceFinding(_Model):
    id: str = Field(description="Regime id, one of those in archwright://compliance.")
    name: str
    evidence: list[Evidence]
    implied: bool = Field(description="True when no regime was named but the context brings it (a US patient portal).")
    by_place: bool = Field(default=False, description="True when where the users or data are brings it (GDPR for "
                           "people in the EU or UK), not the words.")
    confidence: float = Field(default=0.9, ge=0, le=1)
    given: bool = Field(default=False, description="True when the caller supplied it.")


class StatedUsers(_Model):
    """The count and period of the people whose use drives load."""

    count: int = Field(ge=0)
    period: Period = Field(description="daily, weekly, monthly, yearly, concurrent, or total (registered).")
    evidence: Evidence | None = Field(description="The words that state it (null when the caller gave it).")
    provenance: Literal["stated", "derived", "given"] = Field(
        default="stated", description="stated in the text, derived from stated figures (seats x tenants), or given by the caller."
    )
    formula: str | None = Field(default=None, description="The arithmetic, when derived.")


class StatedTeam(_Model):
    count: int = Field(ge=1)
    evidence: Evidence | None = Field(description="The words that state it (null when the caller gave it).")


class Scale(_Model):
    """The size the design is built for: what was stated, and what was estimated from it."""

    tier: Tier
    daily_active_users: int = Field(ge=0)
    peak_rps: float = Field(ge=0, description="Requests per second in the busiest hour (or the surge, when higher).")
    steady_peak_rps: float | None = Field(
        default=None, ge=0, description="The busiest hour without the surge, when a surge sets peak_rps.")
    monthly_requests: int = Field(ge=0)
    registered_users: int = Field(ge=0)
    assumptions: list[str] = Field(description="Every estimate made, with the number it used and why.")


class Analysis(_Model):
    """What an app needs, each finding tied to the words that produced it."""

    requirement: str
    primary_domain: str
    domains: list[DomainFinding] = Field(description="The primary domain first, then secondary ones.")
    features: list[FeatureFinding]
    kinds: list[KindFinding] = Field(default_factory=list, description="Kinds of app inside the domain whose core the "
                                     "design builds (event ticketing, food delivery, telehealth, lending...).")
    ruled_out: list[FeatureFinding] = Field(description="Features the requirement explicitly says it does not need.")
    users: StatedUsers | None = Field(description="The user count as stated, or null when none is stated.")
    requests_per_second: float | None = Field(description="The request rate as stated (per second), or null.")
    requests_per_second_evidence: Evidence | None = None
    scale: Scale
    team: StatedTeam | None = Field(default=None, description="The engineering team size as stated, or null.")
    compliance: list[ComplianceFinding]
    questions: list[str] = Field(description="Questions worth asking before committing to a design.")
    is_vague: bool = Field(description="True when no domain and no feature could be recognised.")
    workload: Workload = Field(description="What drives the system, each value stated, derived, assumed or given.")


class Component(_Model):
    id: str = Field(description="Stable id, safe for diagrams.")
    name: str
    kind: ComponentKind
    layer: Literal["clients", "edge", "application", "data", "external", "security"]
    service: str = Field(description="The cloud's service (or external provider) that runs it.")
    purpose: str
    features: list[str] = Field(description="Feature and compliance ids this component serves.")


class Connection(_Model):
    source: str
    target: str
    label: str


class Architecture(_Model):
    """A candidate architecture as a component graph, with its Mermaid rendering."""

    style: Style
    cloud: Cloud
    region: str = Field(default="", description="The cloud region it runs in, chosen from the workload's residency or users' place.")
    title: str
    summary: str
    components: list[Component]
    connections: list[Connection]
    mermaid: str = Field(description="A Mermaid flowchart rendered from the graph.")


class LineItem(_Model):
    """One priced part of a monthly bill, with the arithmetic and the price's provenance."""

    name: str
    component: str = Field(description="Id of the component it prices; 'application' for the modules' compute, 'platform' for cluster overhead.")
    formula: str = Field(description="The arithmetic behind the expected figure.")
    inputs: dict[str, float]
    unit_price: float
    unit: str
    source: str
    retrieved: str
    verified: bool = Field(description="False when the unit price is an assumption no one has checked yet.")
    free_tier_applied: bool = False
    low: float
    expected: float
    high: float


class MonthlyCost(_Model):
    low: float
    expected: float
    high: float
    currency: Literal["USD"] = "USD"
    line_items: list[LineItem]
    not_included: list[str]
    dominant_driver: str = Field(default="", description="The largest line, its share, and what doubling its volume does to the total.")
    range_basis: str = Field(default="", description="Why low and high are as far apart as they are (how the load was known).")
    priced_region: str = Field(default="", description="The region the unit prices were read for.")
    region_warning: str | None = Field(default=None, description="Set when the design runs in another region than the prices'.")


class Score(_Model):
    score: int = Field(ge=1, le=10, description="1-10, higher is better.")
    reason: str


class Option(_Model):
    style: Style
    name: str
    monthly_cost: MonthlyCost
    team_size: int = Field(ge=1)
    time_to_mvp_weeks: int = Field(ge=1)
    effort_reason: str
    scores: dict[Dimension, Score]
    weighted_score: float


class Recommendation(_Model):
    style: Style
    rationale: list[str]
    weights: dict[Dimension, float] = Field(description="How much each dimension counted, given this analysis.")


class Comparison(_Model):
    """Candidate styles side by side: cost, team, time, scores with reasons, and a pick."""

    cloud: Cloud
    options: list[Option]
    recommendation: Recommendation
    break_even: str | None = Field(description="Where serverless and the container options cost the same, if found.")


class Summary(_Model):
    markdown: str
    recommended_style: Style
