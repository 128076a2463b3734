"""The workload: what drives a system, each value with where it came from.

Every number here carries its provenance, because a design priced from a guess must say so:
**stated** (the requirement's words, quoted with offsets), **derived** (arithmetic on stated
figures, written out), **assumed** (a default, with the reason) or **given** (the calling model
supplied it, and it wins). `WorkloadInput` is the partial shape a caller passes to correct it.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from archwright.resources.models import ActorRole, DriverKind
from archwright.tools._numbers import Period

Provenance = Literal["stated", "derived", "assumed", "given"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Model):
    """The words of the requirement that justify a finding, with their character offsets."""

    text: str = Field(description="The exact words quoted from the requirement.")
    start: int = Field(ge=0, description="Offset of the first character in the requirement.")
    end: int = Field(ge=0, description="Offset one past the last character.")


class Figure(_Model):
    """A number and why we believe it."""

    value: float
    unit: str
    provenance: Provenance
    evidence: Evidence | None = Field(default=None, description="The words that state it, when stated.")
    formula: str | None = Field(default=None, description="The arithmetic, when derived.")
    reason: str | None = Field(default=None, description="Why this default, when assumed.")
    confidence: float = Field(ge=0, le=1)


class Actor(_Model):
    """Who or what uses the system: a role, the noun the text used, and a count over a period."""

    role: ActorRole = Field(description="end_user, staff (serve or operate), tenant (business customers, sites), device.")
    noun: str = Field(description="The noun as written ('riders', 'law firms', 'sensors').")
    count: int | None = Field(ge=0)
    period: Period | None
    per_tenant: bool = Field(default=False, description="True when the count is per tenant ('50 seats each').")
    uses_system: bool = Field(default=True, description="False when the text says they never use it ('patients don't log in').")
    drives_load: bool = Field(default=False, description="True for the actor whose activity sizes the system.")
    provenance: Provenance
    evidence: Evidence | None = None
    formula: str | None = None
    confidence: float = Field(ge=0, le=1)


class Driver(_Model):
    """Something the system must process at a rate: requests, device events, orders, questions..."""

    kind: DriverKind
    per_second: float = Field(ge=0, description="Average per second.")
    per_day: float = Field(ge=0)
    provenance: Provenance
    evidence: Evidence | None = None
    formula: str | None = None
    reason: str | None = None
    confidence: float = Field(ge=0, le=1)


class Burst(_Model):
    """A surge: this many people or requests arriving within this many minutes."""

    count: int = Field(ge=0)
    minutes: float = Field(gt=0)
    per_second: float = Field(ge=0, description="The request rate the surge implies at its height.")
    times_a_month: float = Field(default=1.0, ge=0, description="How often it recurs (daily drops: 30.4; else once).")
    people: bool = Field(default=True, description="True when the count is of people (they are users that month), "
                         "false when it is of requests.")
    provenance: Provenance
    evidence: Evidence | None = None
    formula: str | None = None
    confidence: float = Field(ge=0, le=1)


class Mention(_Model):
    """A named thing the requirement says, with its words (a large object kind, a freshness target)."""

    kind: str
    evidence: Evidence | None = None
    provenance: Provenance = "stated"


class DataProfile(_Model):
    retention_days: Figure | None = Field(description="How long data must be kept, or null when unsaid.")
    large_objects: list[Mention] = Field(description="Media, documents and other blobs the system stores.")
    growth_gb_per_month: Figure = Field(description="New data a month, from the drivers and the domain's defaults.")


class Targets(_Model):
    latency_ms: Figure | None = Field(description="A stated response-time target; the unit names the percentile.")
    availability_percent: Figure | None
    freshness: list[Mention] = Field(description="Deadlines and staleness limits ('by 7am', 'within 5 minutes').")


class Place(_Model):
    code: str = Field(description="Region or country code: eu, uk, us, de, in, ...")
    evidence: Evidence | None = None
    provenance: Provenance = "stated"


class Location(_Model):
    places: list[Place] = Field(description="Countries and regions the text names for its users or operations.")
    residency: Place | None = Field(description="Where the data must stay, when the text requires it.")
    region: str = Field(description="The region family a deployment should use: the residency, else the users' place.")
    region_provenance: Provenance


class Integration(_Model):
    name: str
    kind: str = Field(description="payments, identity, crm, commerce, communication, analytics, erp_finance, ...")
    evidence: Evidence | None = None
    provenance: Provenance = "stated"


class Conflict(_Model):
    """A given value that disagrees with what the text states. The given value was used."""

    field: str
    stated: str
    given: str
    evidence: Evidence | None = None


class Workload(_Model):
    """What drives the system, who builds it, and where it must run."""

    actors: list[Actor]
    load_driver: str = Field(description="Which actor or driver sizes the system, in one sentence.")
    drivers: list[Driver]
    bursts: list[Burst]
    data: DataProfile
    targets: Targets
    location: Location
    team: Figure | None = Field(description="Engineers who will build it, when stated or given.")
    budget_usd_per_month: Figure | None
    integrations: list[Integration] = Field(description="Existing platforms named for reuse.")
    given: list[str] = Field(description="The fields the caller supplied (they override the text).")
    conflicts: list[Conflict] = Field(description="Where a given value disagrees with the text.")
    corrections: WorkloadInput | None = Field(
        default=None, description="The corrections as the caller passed them; later corrections add to these.")


# --------------------------------------------------------------------------------------------
# What a caller may pass to correct the reading.


class UsersInput(_Model):
    count: int = Field(ge=0, le=10**12)
    period: Period


class ActorInput(_Model):
    role: ActorRole
    count: int = Field(ge=0, le=10**12)
    period: Period = "total"
    noun: str | None = Field(default=None, max_length=60)


class BurstInput(_Model):
    count: int = Field(ge=1, le=10**10, description="People arriving in the surge (each makes a few requests).")
    minutes: float = Field(ge=0.5, le=24 * 60, description="Within how many minutes (at least half a minute).")


class WorkloadInput(_Model):
    """Facts the calling model read from the requirement or the conversation. Every field is
    optional; a field given here replaces what the text says, and a disagreement is reported."""

    primary_domain: str | None = Field(default=None, description="A domain id from archwright://domains.")
    features: list[str] | None = Field(default=None, max_length=60, description="The complete list of feature ids needed.")
    ruled_out: list[str] | None = Field(default=None, max_length=60, description="Feature ids explicitly not needed.")
    compliance: list[str] | None = Field(default=None, max_length=20, description="The complete list of regime ids.")
    users: UsersInput | None = Field(default=None, description="The people whose use drives load.")
    requests_per_second: float | None = Field(default=None, ge=0, le=1e9, description="Peak API requests per second.")
    actors: list[ActorInput] | None = Field(default=None, max_length=20)
    events_per_second: float | None = Field(default=None, ge=0, le=1e9, description="Average device events or messages a second.")
    questions_per_day: float | None = Field(default=None, ge=0, le=1e10, description="Questions put to a language model a day.")
    burst: BurstInput | None = None
    team: int | None = Field(default=None, ge=1, le=10_000, description="Engineers who will build it.")
    budget_usd_per_month: float | None = Field(default=None, ge=0, le=1e9)
    residency: str | None = Field(default=None, max_length=8, description="Where data must stay: eu, uk, us, ca, ...")
    latency_ms: float | None = Field(default=None, gt=0, le=600_000)
    availability_percent: float | None = Field(default=None, ge=50, lt=100)
    retention_days: int | None = Field(default=None, ge=0, le=36_500)
    integrations: list[Annotated[str, StringConstraints(max_length=60)]] | None = Field(default=None, max_length=40)

    @model_validator(mode="after")
    def _lower_codes(self) -> WorkloadInput:
        if self.residency is not None:
            self.residency = self.residency.strip().lower()
        return self

    def given_fields(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]
