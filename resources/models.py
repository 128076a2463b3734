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
    verified_share: float = Field(default=0.05, ge=0, le=1, description="Share of new sign-ups whose identity is "
                                  "checked: every customer of a bank, only the drivers or sellers of a marketplace.")
    concurrent_share: float = Field(default=0.1, gt=0, le=1, description="Share of the day's users online at the peak "
                                    "moment: higher where sessions are long (an evening of video, a match).")
    signed_in_share: float = Field(default=1.0, gt=0, le=1, description="Share of monthly users who sign in (a shop's "
                                   "visitors mostly browse and check out as guests).")
    users_per_transaction: float = Field(default=1.0, gt=0, description="Daily users behind each stated transaction "
                                         "when no people are counted (visitors per order in a shop).")
    implies: tuple[str, ...] = Field(default=(), description="Features an app of this kind has when it is the primary domain.")
    core: tuple[str, ...] = Field(default=(), description="Capabilities (blueprints.toml) every app of this kind has.")


class SpecialisationSpec(_Strict):
    """A kind of app inside a domain whose core differs from the domain's (a ticket drop, food delivery)."""

    id: str
    name: str
    domains: tuple[str, ...] = Field(default=(), description="Primary domains it refines; empty for any.")
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    core: tuple[str, ...]
    replaces: tuple[str, ...] = Field(default=(), description="Domain core capabilities this kind's core does instead.")
    home: str | None = Field(default=None, description="The domain an app of this kind belongs to...")
    reinterprets: tuple[str, ...] = Field(default=(), description="...when the primary domain was read from words "
                                          "this kind gives another sense (a venue's seats are not SaaS seats).")


class FeatureSpec(_Strict):
    """How a feature is recognised in text, and what building it costs."""

    id: str
    name: str
    patterns: tuple[str, ...]
    unless: tuple[str, ...] = ()
    ruled_out_by: tuple[str, ...] = ()
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
    calendar_weeks: float = Field(default=0, ge=0, description="Least weeks to a compliant launch, whatever the team.")
    ask: str


class RoleSpec(_Strict):
    """Infrastructure a design can need, independent of cloud."""

    id: str
    name: str
    kind: ComponentKind
    layer: Layer
    purpose: str
    outside_the_bill: str | None = None  # why its cost is not the infrastructure's: a share of sales, licences held


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
    covered_by: tuple[str, ...] = Field(default=(), description="Features whose module already does this capability's job.")
    relational: bool = Field(default=False, description="Its data wants multi-row transactions, joins and ad-hoc "
                             "reporting (a ledger, policies, claims): a key-value table fits it poorly.")
    only_with: tuple[str, ...] = Field(default=(), description="Features without which the capability is not needed "
                                       "(a waiting room only where a surge is stated).")
    isolated: bool = Field(default=False, description="Deployed apart from the application in every style (a "
                           "cardholder-data zone), so everything else stays out of the regime's scope.")
    effort_weeks: float = Field(default=3.0, gt=0, description="Person-weeks to build a domain capability to MVP "
                                "quality (features and regimes keep theirs in features.toml and compliance.toml).")


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
    regions: dict[str, str] = Field(default_factory=dict)
    limits: dict[str, float] = Field(default_factory=dict, description="Single-instance limits (db_max_storage_gb).")

    def region_for(self, place: str, broader: str | None = None) -> str:
        """This cloud's region for a workload region code (a country, else its broader region, else
        the default, which is also the region the prices were read for)."""
        return self.regions.get(place) or (self.regions.get(broader) if broader else None) or self.region

    def service_for(self, role: str, style: Style) -> str:
        """The service that plays `role` on this cloud in a design of `style`."""
        by_style = {"compute": self.compute, "api_entry": self.api_entry, "primary_db": self.primary_db}
        if role in by_style:
            return by_style[role][style]
        return self.services[role]


VolumeDriver = Literal["hours", "requests", "writes", "peak_rps", "daily_users", "monthly_users", "registered_users",
                       "events", "device_messages", "stored_gb", "object_gb", "video_hours", "llm_tokens",
                       "connected_minutes", "warehouse_gb", "signed_in_users", "db_gb", "call_minutes", "verified_sign_ups"]


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
    tiers: tuple[tuple[float, float], ...] = Field(
        default=(), description="Volume tiers as [up to this many units, price]; the last tier has no upper bound.")
    quote: str = Field(default="", description="The words on the provider's page the price was read from.")
    bills: str | None = Field(
        default=None, description="The role this price bills whenever a design includes it (usage-priced roles).")
    driver: VolumeDriver | None = Field(default=None, description="The month's volume that drives a role's bill.")
    per: float = Field(default=1.0, ge=0, description="Priced units per unit of the driver.")
    minimum: float = Field(default=0.0, ge=0, description="Priced units a month at the smallest valid configuration.")
    sizing: str = Field(default="", description="Why `per` and `minimum` are what they are.")
    line: str = Field(default="", description="The line item's name.")

    def cost(self, quantity: float) -> float:
        """The charge for `quantity` units after the free allowance, tier by tier when tiered."""
        billable = max(0.0, quantity - self.free)
        if not self.tiers:
            return billable * self.price
        total, floor = 0.0, 0.0
        for upto, price in self.tiers:
            if billable <= floor:
                break
            total += (min(billable, upto) - floor) * price
            floor = upto
        if billable > floor:
            total += (billable - floor) * self.tiers[-1][1]
        return total


ActorRole = Literal["end_user", "staff", "tenant", "device"]


class ActorContext(_Strict):
    """A noun takes `role` when one of `before` precedes it closely, `around` shares its sentence or
    `anywhere` is in the text; role "none" means the count is not an actor at all."""

    nouns: tuple[str, ...]
    role: ActorRole | Literal["none"]
    before: tuple[str, ...] = ()
    around: tuple[str, ...] = ()
    anywhere: tuple[str, ...] = ()


class ActorLexicon(_Strict):
    end_user: tuple[str, ...]
    staff: tuple[str, ...]
    tenant: tuple[str, ...]
    device: tuple[str, ...]
    default_role: dict[str, ActorRole] = Field(default_factory=dict)
    context: tuple[ActorContext, ...] = ()
    per_tenant: dict[Literal["after", "before"], tuple[str, ...]]
    not_actors: dict[Literal["nouns"], tuple[str, ...]]
    names_before: dict[Literal["words"], tuple[str, ...]]
    not_using: dict[Literal["phrases"], tuple[str, ...]]

    def role_of(self, noun: str) -> ActorRole | None:
        """The role a noun takes without context: its default, else the one list naming it."""
        if noun in self.default_role:
            return self.default_role[noun]
        for role in ("end_user", "device", "tenant", "staff"):
            if noun in getattr(self, role):
                return role  # type: ignore[return-value]
        return None

    def nouns(self) -> set[str]:
        return {*self.end_user, *self.staff, *self.tenant, *self.device}


DriverKind = Literal["requests", "events", "messages", "transactions", "questions", "llm_tokens", "documents", "media_hours",
                     "call_minutes"]


class WorkloadAssumptions(_Strict):
    tokens_per_question: float = Field(gt=0)
    questions_per_assistant_user_day: float = Field(gt=0)
    pages_per_document: float = Field(gt=0)
    gb_per_media_hour: float = Field(gt=0)
    mb_per_document: float = Field(gt=0)
    bytes_per_event: float = Field(gt=0)
    peak_to_average_events: float = Field(ge=1)
    burst_requests_per_person: float = Field(gt=0)
    minutes_per_call: float = Field(gt=0)
    calls_per_user_day: float = Field(gt=0)
    live_hours_per_week: float = Field(gt=0)


class PlaceLexicon(_Strict):
    regions: dict[str, tuple[str, ...]]
    within: dict[str, str]
    residency: dict[Literal["cues"], tuple[str, ...]]


class FrequencyLexicon(_Strict):
    vague: dict[str, float]
    units: dict[str, float]


class WorkloadLexicon(_Strict):
    """The vocabulary of data/workload.toml: actors, drivers, frequencies, places, team, platforms."""

    actors: ActorLexicon
    drivers: dict[DriverKind, tuple[str, ...]]
    frequency: FrequencyLexicon
    assumptions: WorkloadAssumptions
    places: PlaceLexicon
    team: dict[Literal["phrases"], dict[str, int]]
    integrations: dict[str, tuple[str, ...]]
    periods: dict[Literal["concurrent", "daily", "weekly", "monthly", "yearly"], tuple[str, ...]]


class QuestionRule(_Strict):
    """A question worth asking when a named condition holds (tools/questions.py checks it)."""

    when: str
    ask: str = ""
    ask_regime: str | None = None

    @model_validator(mode="after")
    def _one_question(self) -> QuestionRule:
        if bool(self.ask) == bool(self.ask_regime):
            raise ValueError(f"question rule {self.when!r} needs exactly one of `ask` or `ask_regime`")
        return self


class Threat(_Strict):
    """A threat worth modelling for a kind of system, and the controls that answer it first."""

    when: tuple[str, ...]
    threat: str
    mitigation: str


class BuyOption(_Strict):
    """A product that already does a module's job, and the scale up to which buying is the better call."""

    for_: tuple[str, ...] = Field(default=(), alias="for")
    phrases: tuple[str, ...] = Field(default=(), description="Words in the requirement that name a whole product "
                                     "one buys (payroll, a helpdesk): the buy is about the app, not one module.")
    products: str
    until: Literal["starter", "small", "medium", "large", "massive"]
    monthly: tuple[float, float]
    trade_off: str
