"""From what a requirement states about size to the volumes a design is priced for.

Whatever is not stated is estimated from the domain's defaults (resources/data/domains.toml), and
every estimate is written down as an assumption a user can argue with.
"""

from __future__ import annotations

from dataclasses import dataclass

from archwright.resources.models import DomainSpec
from archwright.tools._numbers import Period
from archwright.tools.models import Scale, Tier

DAYS_PER_MONTH = 30.4
SECONDS_PER_DAY = 86_400
DEFAULT_DAU = 1_000
REQUESTS_PER_ONLINE_USER_PER_SECOND = 0.1
WORKFORCE_ACTIVE_SHARE = 0.8
DAU_PER_WAU = 0.5
MAU_PER_YEARLY = 1 / 6

_TIER_BY_DAU: tuple[tuple[float, Tier], ...] = (
    (1_000, "starter"), (10_000, "small"), (100_000, "medium"), (1_000_000, "large"),
)
_TIER_BY_RPS: tuple[tuple[float, Tier], ...] = ((10, "starter"), (100, "small"), (1_000, "medium"), (10_000, "large"))
TIER_ORDER: tuple[Tier, ...] = ("starter", "small", "medium", "large", "massive")


def steady_tier(scale: Scale) -> Tier:
    """The tier of the ordinary day: a surge sizes capacity for minutes, not the team that runs it all year."""
    if scale.steady_peak_rps is None:
        return scale.tier
    return max(_tier(scale.daily_active_users, _TIER_BY_DAU), _tier(scale.steady_peak_rps, _TIER_BY_RPS),
               key=TIER_ORDER.index)


def _tier(value: float, bands: tuple[tuple[float, Tier], ...]) -> Tier:
    for limit, tier in bands:
        if value < limit:
            return tier
    return "massive"


def number(value: float) -> str:
    """A figure as the assumptions print it: thousands separated, small values with two decimals."""
    return f"{value:,.0f}" if value >= 10 else f"{value:,.2f}".rstrip("0").rstrip(".")


@dataclass(frozen=True)
class Users:
    """The people count the estimate starts from (stated, derived or given)."""

    count: int
    period: Period
    vague: bool = False
    workforce: bool = False


@dataclass(frozen=True)
class Rate:
    per_second: float


PAGES_PER_READER_DAY = 3  # pages a reader of a site opens on a day they visit (news and content sites: 2-4)


@dataclass(frozen=True)
class Machine:
    """Load that people do not make: devices' events and messages (average a second), surges."""

    events_per_second: float = 0.0
    peak_to_average: float = 1.5
    burst_per_second: float = 0.0
    burst_words: str = ""
    burst_requests_a_month: float = 0.0
    transactions_per_day: float = 0.0
    transactions_words: str = ""
    pages_per_day: float = 0.0  # stated page views: people read pages, so they size the people too
    pages_words: str = ""


def estimate_scale(
    domain: DomainSpec, users: Users | None, rate: Rate | None, machine: Machine | None = None
) -> Scale:
    """Daily actives, peak request rate, monthly requests and registered users, with assumptions."""
    machine = machine or Machine()
    notes: list[str] = []
    dau = _daily_actives(domain, users, rate, notes, machine)
    registered = _registered(domain, users, dau, notes)
    if rate is not None:
        peak = rate.per_second
    elif users is not None and users.period == "concurrent" and not users.vague:
        peak = users.count * REQUESTS_PER_ONLINE_USER_PER_SECOND
        notes.append(
            f"Peak load: {number(users.count)} users online at once x {REQUESTS_PER_ONLINE_USER_PER_SECOND} "
            f"requests per second each = {number(peak)} requests/s."
        )
    else:
        average = dau * domain.requests_per_dau / SECONDS_PER_DAY
        peak = average * domain.peak_factor
        notes.append(
            f"Peak load: {number(dau)} daily users x {number(domain.requests_per_dau)} requests a day / 86,400 s "
            f"x peak factor {domain.peak_factor} ({domain.name}) = {number(peak)} requests/s."
        )
    monthly = dau * domain.requests_per_dau * DAYS_PER_MONTH
    if rate is not None:
        from_rate = rate.per_second / domain.peak_factor * SECONDS_PER_DAY * DAYS_PER_MONTH
        if from_rate > monthly:
            notes.append(
                f"Monthly requests from the stated peak: {number(rate.per_second)}/s / peak factor "
                f"{domain.peak_factor} x 86,400 s x 30.4 days = {number(from_rate)}."
            )
            monthly = from_rate
    if machine.events_per_second > 0:
        event_peak = machine.events_per_second * machine.peak_to_average
        notes.append(
            f"Device and message traffic: {number(machine.events_per_second)} events/s on average x "
            f"{machine.peak_to_average} at peak = {number(event_peak)} writes/s on top of {number(peak)} requests/s."
        )
        peak += event_peak
        monthly += machine.events_per_second * SECONDS_PER_DAY * DAYS_PER_MONTH
    if machine.burst_requests_a_month > 0:
        notes.append(f"Surges add {number(machine.burst_requests_a_month)} requests a month (each surge's arrivals x "
                     "requests each x how often it recurs).")
        monthly += machine.burst_requests_a_month
    steady: float | None = None
    if machine.burst_per_second > peak:
        steady = peak
        notes.append(
            f"Peak load is the surge, not the average hour: {machine.burst_words} (the steady peak would be "
            f"{number(peak)} requests/s)."
        )
        peak = machine.burst_per_second
    tier = max(_tier(dau, _TIER_BY_DAU), _tier(peak, _TIER_BY_RPS), key=TIER_ORDER.index)
    return Scale(
        tier=tier,
        daily_active_users=round(dau),
        peak_rps=round(peak, 2),
        steady_peak_rps=round(steady, 2) if steady is not None else None,
        monthly_requests=round(monthly),
        registered_users=round(registered),
        assumptions=notes,
    )


def _daily_actives(
    domain: DomainSpec, users: Users | None, rate: Rate | None, notes: list[str], machine: Machine
) -> float:
    if users is None:
        if rate is not None:
            dau = rate.per_second / domain.peak_factor * SECONDS_PER_DAY / domain.requests_per_dau
            notes.append(
                f"Daily users from the stated {number(rate.per_second)} requests/s: / peak factor {domain.peak_factor} "
                f"x 86,400 s / {number(domain.requests_per_dau)} requests per user a day = {number(dau)}."
            )
            return dau
        if machine.pages_per_day > 0:
            dau = machine.pages_per_day / PAGES_PER_READER_DAY
            notes.append(
                f"Daily users from the stated page views ('{machine.pages_words}'): {number(machine.pages_per_day)} "
                f"a day / {PAGES_PER_READER_DAY} pages per reader a day = {number(dau)}."
            )
            return dau
        if machine.transactions_per_day > 0:
            dau = machine.transactions_per_day * domain.users_per_transaction
            notes.append(
                f"Daily users from the stated business volume ('{machine.transactions_words}'): "
                f"{number(machine.transactions_per_day)} a day x {domain.users_per_transaction:g} people per "
                f"transaction ({domain.name}) = {number(dau)}."
            )
            return dau
        if machine.events_per_second > 0:
            notes.append(
                f"No people count stated (devices drive the load): assumed {DEFAULT_DAU:,} daily users of the apps "
                "and dashboards."
            )
            return DEFAULT_DAU
        notes.append(f"No user count stated: assumed {DEFAULT_DAU:,} daily users, a typical first-year figure.")
        return DEFAULT_DAU
    count = users.count
    if users.vague:
        notes.append(f"The stated size is vague; read it as about {number(count)} registered users.")
    if users.period == "daily":
        return count
    if users.period == "weekly":
        notes.append(f"Daily users: {number(count)} weekly x {DAU_PER_WAU} = {number(count * DAU_PER_WAU)}.")
        return count * DAU_PER_WAU
    if users.period == "monthly":
        dau = count * domain.dau_per_mau
        notes.append(
            f"Daily users: {number(count)} monthly x {domain.dau_per_mau} daily/monthly ratio ({domain.name}) = {number(dau)}."
        )
        return dau
    if users.period == "yearly":
        dau = count * MAU_PER_YEARLY * domain.dau_per_mau
        notes.append(f"Daily users: {number(count)} a year / 6 (repeat visits) x {domain.dau_per_mau} = {number(dau)}.")
        return dau
    if users.period == "concurrent":
        dau = count / domain.concurrent_share
        notes.append(
            f"Daily users: {number(count)} online at once, taken as {domain.concurrent_share:.0%} of the day's users "
            f"= {number(dau)}."
        )
        return dau
    share = WORKFORCE_ACTIVE_SHARE if users.workforce else domain.active_share
    dau = count * share
    who = "staff use an internal tool most working days" if users.workforce else f"typical for {domain.name}"
    notes.append(f"Daily users: {number(count)} in total x {share} active on a given day ({who}) = {number(dau)}.")
    if users.workforce and machine.transactions_per_day > 0:  # the staff serve customers who use it too
        customers = machine.transactions_per_day * domain.users_per_transaction
        notes.append(f"Plus the customers behind '{machine.transactions_words}': {number(machine.transactions_per_day)} "
                     f"a day x {domain.users_per_transaction:g} = {number(customers)} daily users.")
        dau += customers
    return dau


def _registered(domain: DomainSpec, users: Users | None, dau: float, notes: list[str]) -> float:
    if users is not None and users.period == "total":
        return users.count
    registered = dau / domain.active_share
    notes.append(f"Registered users: {number(dau)} daily / {domain.active_share} active share = {number(registered)}.")
    return registered
