"""The monthly bill of one design: line items from volumes x dated unit prices.

Volumes come from the analysis (requests, peak rate, users) and the domain's defaults; each line
item records its formula, its inputs, the unit price with source and date, and whether a free
tier was applied. Low and high figures rerun the same arithmetic at lower and higher volumes, as far
apart as the load is uncertain (a stated figure is tight, an assumed one wide), so the range shows
how sensitive the bill is to the estimate, not a guess on top of it. Roles priced by usage (an
identity provider per MAU, a warehouse per TiB scanned) are data: each price in prices.toml that
names a role, a driver and units per driver bills that role whenever a design includes it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archwright.resources import Catalog, load_catalog
from archwright.resources.models import DomainSpec, UnitPrice, VolumeDriver
from archwright.tools._scale import DAYS_PER_MONTH
from archwright.tools.models import Analysis, Architecture, Component, LineItem, MonthlyCost
from archwright.tools.review import availability

HOURS_PER_MONTH = 730
ZONE_TASKS = 2  # two for availability
ZONE_VCPU = 0.5
NON_PRODUCTION_SHARE = 0.3
STANDBY_SHARE = 0.5
STANDBY_FROM = 99.99  # availability that needs a second region
VIEWING_HOURS_PER_DAY = 0.5
SURGE_HOURS_PER_MONTH = 20  # surges last minutes; capacity is pre-scaled for a window around each
FUNCTION_SECONDS = 0.2
FUNCTION_GB = 0.5
SESSION_MINUTES_PER_DAY = 30
WAREHOUSE_MONTHS = 12
NEW_USERS_A_MONTH = 0.03  # a growing product signs up about 3% of its base each month
EVENTS_PER_REQUEST = 0.3
VCPU_SECONDS_PER_REQUEST = 0.05
TARGET_UTILISATION = 0.6
MIN_NODE_VCPUS = 6
RPS_PER_TASK = 150
RPS_PER_DB_VCPU = 500
DB_MB_PER_USER_CAP = 1.0  # a profile and a few hundred orders or records of 2-4 KB; files live in object storage
CACHE_NODES = {"starter": 1, "small": 1, "medium": 2, "large": 4, "massive": 8}


@dataclass(frozen=True)
class Volumes:
    """What a month of the app consumes, at one scenario's multiplier."""

    requests: float
    peak_rps: float
    steady_peak_rps: float
    daily_users: float
    registered_users: float
    write_share: float
    response_kb: float
    storage_mb_per_user: float
    device_messages: float = 0.0
    llm_tokens: float = 0.0
    video_hours: float = 0.0
    call_minutes: float = 0.0
    monthly_users: float = 0.0
    signed_in_share: float = 1.0
    verified_share: float = 0.05

    @property
    def egress_gb(self) -> float:
        return self.requests * self.response_kb / 1_000_000

    @property
    def db_gb(self) -> float:
        return self.registered_users * min(self.storage_mb_per_user, DB_MB_PER_USER_CAP) / 1_000

    @property
    def object_gb(self) -> float:
        return self.registered_users * self.storage_mb_per_user / 1_000

    def of(self, driver: VolumeDriver) -> float:
        """A month's volume of one driver a role price is sized by (peak_rps is a rate, hours is 730)."""
        app_events = self.requests * EVENTS_PER_REQUEST
        return {
            "hours": HOURS_PER_MONTH,
            "requests": self.requests,
            "writes": self.requests * self.write_share,
            "peak_rps": self.peak_rps,
            "daily_users": self.daily_users,
            "monthly_users": self.monthly_users,
            "signed_in_users": self.monthly_users * self.signed_in_share,
            "db_gb": self.db_gb,
            "registered_users": self.registered_users,
            "verified_sign_ups": self.registered_users * NEW_USERS_A_MONTH * self.verified_share,
            "events": app_events + self.device_messages,
            "device_messages": self.device_messages,
            "stored_gb": self.db_gb + self.object_gb,
            "object_gb": self.object_gb,
            "video_hours": self.video_hours,
            "call_minutes": self.call_minutes,
            "llm_tokens": self.llm_tokens,
            "connected_minutes": self.daily_users * SESSION_MINUTES_PER_DAY * DAYS_PER_MONTH,
            # the application's data plus a year of ~1 KB events (the history analytics keeps)
            "warehouse_gb": self.db_gb + (app_events + self.device_messages) * WAREHOUSE_MONTHS / 1_000_000,
        }[driver]


def volumes(analysis: Analysis, domain: DomainSpec, multiplier: float = 1.0, streams_video: bool = True) -> Volumes:
    scale = analysis.scale
    # The people of a surge are users that month: 500,000 fans at an on-sale sign in and get their
    # tickets by email even if the ordinary day has 1,000 users. Repeat surges bring the same fans.
    surge_people = max((b.count for b in analysis.workload.bursts if b.people), default=0)
    # Device messages go to the IoT hub (their own line), not through the API entry or out to the internet.
    device_messages = _per_month(analysis, ("events",))
    # ...and the stream that ingests them is not the application's request path either.
    device_peak = sum(d.per_second for d in analysis.workload.drivers if d.kind == "events") * (
        load_catalog().workload.assumptions.peak_to_average_events)
    return Volumes(
        requests=max(scale.monthly_requests - device_messages, 0.0) * multiplier,
        peak_rps=max(scale.peak_rps - device_peak, min(scale.peak_rps, 1.0)) * multiplier,
        steady_peak_rps=max((scale.steady_peak_rps or scale.peak_rps) - device_peak, min(scale.peak_rps, 1.0)) * multiplier,
        daily_users=scale.daily_active_users * multiplier,
        registered_users=max(scale.registered_users, surge_people) * multiplier,
        write_share=domain.write_share,
        response_kb=domain.response_kb,
        storage_mb_per_user=domain.storage_mb_per_user,
        device_messages=device_messages * multiplier,
        llm_tokens=_per_month(analysis, ("llm_tokens",)) * multiplier,
        video_hours=_video_hours(analysis) * multiplier if streams_video else 0.0,
        call_minutes=_per_month(analysis, ("call_minutes",)) * multiplier,
        monthly_users=max(scale.daily_active_users / domain.dau_per_mau, surge_people) * multiplier,
        signed_in_share=domain.signed_in_share,
        verified_share=domain.verified_share,
    )


def _video_hours(analysis: Analysis) -> float:
    """Hours watched a month: stated media hours, else each daily viewer watching half an hour."""
    stated = _per_month(analysis, ("media_hours",))
    if stated:
        return stated
    if "video_streaming" in {f.id for f in analysis.features}:
        return analysis.scale.daily_active_users * VIEWING_HOURS_PER_DAY * DAYS_PER_MONTH
    return 0.0


def _per_month(analysis: Analysis, kinds: tuple[str, ...]) -> float:
    """A month of the workload's drivers of these kinds (stated, derived, assumed or given)."""
    return sum(d.per_day for d in analysis.workload.drivers if d.kind in kinds) * DAYS_PER_MONTH


Quantity = Callable[[Volumes], float]


@dataclass(frozen=True)
class _Item:
    """A line item before pricing: which price, how much of it, and how to explain the amount."""

    name: str
    component: str
    price_id: str
    quantity: Quantity
    formula: str
    inputs: Callable[[Volumes], dict[str, float]]


def _n(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def _nodes_vcpu(v: Volumes, services: int) -> float:
    busy = v.steady_peak_rps * VCPU_SECONDS_PER_REQUEST / TARGET_UTILISATION
    return max(MIN_NODE_VCPUS, math.ceil(busy + 0.5 * services))


def _tasks(v: Volumes) -> int:
    """Always-on tasks for the busiest ordinary hour; a surge scales out for its hours (a line of its own)."""
    return max(2, math.ceil(v.steady_peak_rps / RPS_PER_TASK))


def _surge_tasks(v: Volumes) -> int:
    return max(0, math.ceil(v.peak_rps / RPS_PER_TASK) - _tasks(v))


def _db_vcpus(v: Volumes) -> int:
    return max(2, 2 * math.ceil(v.peak_rps / RPS_PER_DB_VCPU / 2))


def _items(design: Architecture, analysis: Analysis, catalog: Catalog) -> list[_Item]:
    style = design.style
    roles = {c.id for c in design.components}
    modules = sum(1 for c in design.components if c.layer == "application")
    items: list[_Item] = []
    if style == "serverless":
        items += [
            _Item("API requests", "api_entry", "api_requests", lambda v: v.requests,
                  "monthly requests x price per request", lambda v: {"requests": v.requests}),
            _Item("Function invocations", "application", "function_requests", lambda v: v.requests,
                  "monthly requests x price per invocation", lambda v: {"invocations": v.requests}),
            _Item("Function compute", "application", "function_compute",
                  lambda v: v.requests * FUNCTION_SECONDS * (FUNCTION_GB if design.cloud != "gcp" else 1),
                  f"requests x {FUNCTION_SECONDS} s x "
                  + (f"{FUNCTION_GB} GB" if design.cloud != "gcp" else "1 vCPU"),
                  lambda v: {"requests": v.requests, "seconds": FUNCTION_SECONDS}),
            _Item("Database writes", "primary_db", "nosql_writes", lambda v: v.requests * v.write_share,
                  "requests x write share", lambda v: {"requests": v.requests, "write_share": v.write_share}),
            _Item("Database reads", "primary_db", "nosql_reads", lambda v: v.requests * (1 - v.write_share),
                  "requests x (1 - write share)", lambda v: {"requests": v.requests, "write_share": v.write_share}),
            _Item("Database storage", "primary_db", "nosql_storage", lambda v: v.db_gb,
                  f"registered users x up to {DB_MB_PER_USER_CAP} MB", lambda v: {"registered_users": v.registered_users}),
        ]
        if design.cloud == "gcp":
            items.append(_Item("Function memory", "application", "function_memory",
                               lambda v: v.requests * FUNCTION_SECONDS * FUNCTION_GB,
                               f"requests x {FUNCTION_SECONDS} s x {FUNCTION_GB} GiB",
                               lambda v: {"requests": v.requests}))
    else:
        if style == "microservices":
            items += [
                _Item("Kubernetes control plane", "platform", "cluster_hour", lambda v: HOURS_PER_MONTH,
                      "730 hours x cluster-hour price", lambda v: {"hours": HOURS_PER_MONTH}),
                _Item("Worker nodes", "platform", "node_vcpu_hour",
                      lambda v: _nodes_vcpu(v, modules) * HOURS_PER_MONTH,
                      f"max({MIN_NODE_VCPUS}, busiest ordinary hour's rps x {VCPU_SECONDS_PER_REQUEST} vCPU-s / "
                      f"{TARGET_UTILISATION} utilisation + 0.5 per service) vCPU x 730 h",
                      lambda v: {"vcpus": _nodes_vcpu(v, modules), "peak_rps": v.steady_peak_rps, "services": modules}),
                _Item("NAT gateways", "platform", "nat_hour", lambda v: 2 * HOURS_PER_MONTH,
                      "2 zones x 730 hours", lambda v: {"gateways": 2, "hours": HOURS_PER_MONTH}),
            ]
        else:
            items += [
                _Item("Application containers (vCPU)", "application", "container_vcpu_hour",
                      lambda v: _tasks(v) * HOURS_PER_MONTH,
                      f"max(2, busiest ordinary hour's rps / {RPS_PER_TASK}) tasks x 1 vCPU x 730 h",
                      lambda v: {"tasks": _tasks(v), "peak_rps": v.steady_peak_rps}),
                _Item("Application containers (memory)", "application", "container_gb_hour",
                      lambda v: _tasks(v) * 2 * HOURS_PER_MONTH,
                      "tasks x 2 GB x 730 h", lambda v: {"tasks": _tasks(v)}),
            ]
        if analysis.scale.steady_peak_rps is not None:  # a surge: scale out for it, not all month
            items.append(_Item("Surge capacity", "application", "container_vcpu_hour",
                               lambda v: _surge_tasks(v) * SURGE_HOURS_PER_MONTH,
                               f"extra tasks for the surge peak x {SURGE_HOURS_PER_MONTH} h a month (pre-scaled "
                               "windows around each surge)", lambda v: {"surge_tasks": _surge_tasks(v)}))
        # The burstable smallest instance suits a small app; regulated data runs on a dedicated-core class.
        small_db = analysis.scale.tier in ("starter", "small") and not analysis.compliance
        limit = catalog.clouds[design.cloud].limits.get("db_max_storage_gb", math.inf)

        def shards(v: Volumes) -> int:
            """Instances the data needs when one instance cannot hold it all."""
            return max(1, math.ceil(v.db_gb / limit))

        items += [
            _Item("Load balancer", "api_entry", "load_balancer_hour", lambda v: HOURS_PER_MONTH,
                  "730 hours", lambda v: {"hours": HOURS_PER_MONTH}),
            _Item("PostgreSQL (high availability)", "primary_db", "db_small_hour" if small_db else "db_vcpu_hour",
                  (lambda v: HOURS_PER_MONTH) if small_db else (lambda v: _db_vcpus(v) * shards(v) * HOURS_PER_MONTH),
                  "730 hours of the smallest HA instance" if small_db
                  else f"max(2, peak rps / {RPS_PER_DB_VCPU}) vCPU, rounded to even, x instances (data / "
                       f"{limit:,.0f} GB a single instance holds) x 730 h",
                  (lambda v: {"hours": HOURS_PER_MONTH}) if small_db
                  else (lambda v: {"vcpus": _db_vcpus(v), "peak_rps": v.peak_rps, "instances": shards(v)})),
            _Item("Database storage", "primary_db", "db_storage", lambda v: max(20.0, v.db_gb),
                  f"max(20 GB, registered users x up to {DB_MB_PER_USER_CAP} MB)",
                  lambda v: {"registered_users": v.registered_users}),
        ]
    if "cache" in roles:
        nodes = CACHE_NODES[analysis.scale.tier]
        items.append(_Item("Cache nodes", "cache", "cache_node_hour", lambda v: nodes * HOURS_PER_MONTH,
                           f"{nodes} nodes x 730 h", lambda v: {"nodes": nodes}))
    items.append(_Item("Data transfer out", "cdn", "egress", lambda v: v.egress_gb,
                       "requests x average response KB / 1,000,000",
                       lambda v: {"requests": v.requests, "response_kb": v.response_kb}))
    for zone in sorted(r for r in roles if r.endswith("_zone")):  # an isolated zone runs apart, always on
        items.append(_Item(f"Isolated zone compute ({zone.removesuffix('_zone')})", zone, "container_vcpu_hour",
                           lambda v: ZONE_TASKS * ZONE_VCPU * HOURS_PER_MONTH,
                           f"{ZONE_TASKS} tasks x {ZONE_VCPU} vCPU x {HOURS_PER_MONTH} h, in their own network",
                           lambda v: {"tasks": ZONE_TASKS, "vcpu": ZONE_VCPU}))
    return items


def monthly_cost(design: Architecture, analysis: Analysis, catalog: Catalog) -> MonthlyCost:
    """Itemised low / expected / high monthly cost of `design`."""
    domain = catalog.domains[analysis.primary_domain]
    streams_video = any(c.id.startswith("video_streaming") for c in design.components)
    spread = scenario_spread(analysis)
    scenarios = {name: volumes(analysis, domain, m, streams_video) for name, m in spread.items()}
    prices = catalog.prices[design.cloud]
    line_items: list[LineItem] = []
    for item in _items(design, analysis, catalog) + _role_items(design, prices):
        unit = prices.get(item.price_id)
        if unit is None or item.quantity(scenarios["expected"]) <= 0:
            continue
        line_items.append(_priced(item, unit, scenarios))
    production = list(line_items)
    line_items.append(_share_of_stack(production, "Non-production environments (staging + development)", "environments",
                                      NON_PRODUCTION_SHARE, "a staging copy at about a quarter of production size, a "
                                      "shared development environment"))
    target, _ = availability(analysis)
    if target >= STANDBY_FROM:
        line_items.append(_share_of_stack(production, f"Warm standby region (for {target:g}% availability)", "standby",
                                          STANDBY_SHARE, "a second region with the database replica at full size and "
                                          "the application scaled down until failover"))
    return MonthlyCost(
        low=round(sum(i.low for i in line_items), 2),
        expected=round(sum(i.expected for i in line_items), 2),
        high=round(sum(i.high for i in line_items), 2),
        line_items=line_items,
        not_included=_not_included(analysis, design) + _unpriced(design, line_items),
        dominant_driver=_dominant(line_items),
        priced_region=catalog.clouds[design.cloud].region,
        region_warning=_region_warning(design, catalog),
        range_basis=_range_basis(analysis, spread),
    )


def _priced(item: _Item, unit: UnitPrice, scenarios: dict[str, Volumes]) -> LineItem:
    """One line item: the item's quantity in each scenario times the unit price (free units and tiers applied)."""
    totals: dict[str, float] = {}
    free_applied = False
    for name, v in scenarios.items():
        quantity = item.quantity(v)
        free_applied = free_applied or (unit.free > 0 and quantity > 0)
        totals[name] = round(unit.cost(quantity), 2)
    expected_quantity = item.quantity(scenarios["expected"])
    free_note = f" - {_n(unit.free)} free" if unit.free else ""
    return LineItem(
        name=item.name,
        component=item.component,
        formula=f"{item.formula}: ({_n(expected_quantity)}{free_note}) x "  # the unit is the line's `unit`
                + (f"${unit.tiers[0][1]:g} falling to ${unit.tiers[-1][1]:g} by volume tier"
                   if unit.tiers else f"${unit.price:g}")
                + f" = ${totals['expected']:,.2f}",
        inputs={k: round(float(x), 4) for k, x in item.inputs(scenarios["expected"]).items()},
        unit_price=unit.price,
        unit=unit.unit,
        source=unit.source,
        retrieved=unit.retrieved,
        verified=unit.verified,
        free_tier_applied=free_applied,
        **totals,
    )


_DRIVER_TEXT: dict[str, str] = {
    "hours": "730 hours",
    "requests": "monthly requests",
    "writes": "monthly writes",
    "peak_rps": "peak requests per second",
    "daily_users": "daily users",
    "monthly_users": "monthly active users",
    "signed_in_users": "monthly users who sign in",
    "db_gb": "GB in the database",
    "registered_users": "registered users",
    "verified_sign_ups": f"identity checks a month (new sign-ups, {NEW_USERS_A_MONTH:.0%} of registered users, x the "
                         "domain's share who must be verified)",
    "events": "events a month",
    "device_messages": "device messages a month",
    "stored_gb": "GB of application data",
    "object_gb": "GB of files",
    "video_hours": "hours of video watched a month",
    "call_minutes": "minutes of video calls a month",
    "llm_tokens": "model tokens a month",
    "warehouse_gb": "GB in the warehouse (data + a year of events)",
    "connected_minutes": f"connected minutes (daily users x {SESSION_MINUTES_PER_DAY} min x 30.4)",
}


def _role_items(design: Architecture, prices: dict[str, UnitPrice]) -> list[_Item]:
    """Usage-priced roles: each price that names a role in the design bills it from its driver."""
    components = {c.id: c for c in design.components}
    items: list[_Item] = []
    for price in prices.values():
        component = components.get(price.bills or "")
        if component is None or price.driver is None:
            continue
        driver, per, minimum = price.driver, price.per, price.minimum
        formula = f"{_DRIVER_TEXT[driver]}" + (f" x {per:g}" if per != 1 else "")
        formula = f"max({minimum:g}, {formula})" if minimum else formula
        items.append(_Item(
            name=price.line or component.name,
            component=component.id,
            price_id=price.id,
            quantity=lambda v, d=driver, k=per, m=minimum: max(m, v.of(d) * k),
            formula=formula,  # why `per` and `minimum` are what they are: the price's `sizing` (archwright://pricing/{cloud})
            inputs=lambda v, d=driver: {d: v.of(d)},
        ))
    return items


# How far the volumes may be off, by how the load was known: a stated figure is tight, an assumed one wide.
_SPREAD: dict[str, tuple[float, float]] = {
    "given": (0.85, 1.2), "stated": (0.75, 1.35), "derived": (0.6, 1.6), "assumed": (0.4, 2.5)}


def scenario_spread(analysis: Analysis) -> dict[str, float]:
    """Low / expected / high volume multipliers from the least certain of the figures that size the load."""
    provenances = [d.provenance for d in analysis.workload.drivers]
    if analysis.users is not None:
        provenances.append(analysis.users.provenance)
    order = list(_SPREAD)
    worst = max(provenances, key=order.index) if provenances else "assumed"
    low, high = _SPREAD[worst]
    return {"low": low, "expected": 1.0, "high": high}


def _range_basis(analysis: Analysis, spread: dict[str, float]) -> str:
    stated = analysis.users is not None or any(d.provenance in ("stated", "given") for d in analysis.workload.drivers)
    return (f"Low and high rerun the bill at x{spread['low']:g} and x{spread['high']:g} the expected volumes: "
            + ("the load is stated, so the range is narrow where nothing in it is assumed."
               if spread["high"] < 2 else
               "part of the load is assumed, so the range is wide; stating it narrows the range.")
            + ("" if stated else " No volume is stated at all."))


def _dominant(line_items: list[LineItem]) -> str:
    """The line that moves the bill most, and how much the total moves when its volume doubles."""
    total = sum(i.expected for i in line_items)
    if not line_items or total <= 0:
        return ""
    top = max(line_items, key=lambda i: i.expected)
    share = top.expected / total
    doubled = top.expected * 2 if top.inputs else top.expected  # fixed-size lines do not scale
    return (f"{top.name} is {share:.0%} of the expected bill (${top.expected:,.0f} of ${total:,.0f}); "
            f"twice its volume adds about ${doubled - top.expected:,.0f} a month "
            f"({(doubled - top.expected) / total:+.0%}).")


def _region_warning(design: Architecture, catalog: Catalog) -> str | None:
    """Prices are list prices of one region; another region is usually within ~20% of them."""
    priced = catalog.clouds[design.cloud].region
    if not design.region or design.region == priced:
        return None
    return (f"Runs in {design.region}, but the unit prices are {priced} list prices: most services cost 0-20% more "
            f"outside the US; check the {design.region} prices before committing to a budget.")


_RUNS_IN_EVERY_ENVIRONMENT = frozenset({"application", "platform", "primary_db", "api_entry", "cache"})


def _share_of_stack(line_items: list[LineItem], name: str, component: str, share: float, why: str) -> LineItem:
    """A copy of the production stack at a share of its size: staging and development, or a standby region."""
    stack = [i for i in line_items if i.component in _RUNS_IN_EVERY_ENVIRONMENT]
    base = {scenario: sum(getattr(i, scenario) for i in stack) for scenario in ("low", "expected", "high")}
    return LineItem(
        name=name,
        component=component,
        formula=f"{share:.0%} of production compute, database, entry and cache "
                f"(${base['expected']:,.2f}) = ${base['expected'] * share:,.2f}",
        inputs={"production_base": round(base["expected"], 2)},
        unit_price=share,
        unit="share of the production stack",
        source=f"the production lines' unit prices; the {share:.0%} share is an assumption ({why})",
        retrieved="2026-11-24",
        verified=bool(stack) and all(i.verified for i in stack),  # the prices are the production lines' own
        **{scenario: round(value * share, 2) for scenario, value in base.items()},
    )


def unpriced_components(design: Architecture, line_items: Sequence[LineItem]) -> list[Component]:
    """Components in the design with no line of their own (the application's modules are priced
    as its compute; the users' devices are not ours to price)."""
    priced = {item.component for item in line_items}
    roles = load_catalog().roles
    return [c for c in design.components
            if c.id not in priced and c.layer != "clients" and c.kind not in ("module", "function", "service")
            and not (c.id in roles and roles[c.id].outside_the_bill)]


def _unpriced(design: Architecture, line_items: list[LineItem]) -> list[str]:
    """Unpriced components, named rather than silently free."""
    missing = [f"{c.name} ({c.service})" for c in unpriced_components(design, line_items)]
    return [f"Not priced yet (no unit price in the knowledge base): {', '.join(missing)}."] if missing else []


def _not_included(analysis: Analysis, design: Architecture) -> list[str]:
    features = {f.id for f in analysis.features}
    notes = ["Engineering salaries, support plans, taxes and reserved-capacity discounts."]
    roles = load_catalog().roles
    notes += [f"{c.name} ({c.service}): {roles[c.id].outside_the_bill}." for c in design.components
              if c.id in roles and roles[c.id].outside_the_bill]
    if "notifications" in features:
        notes.append("Per-message SMS charges, which depend on countries and volume.")
    return notes
