"""design_architecture: a component graph for one style on one cloud, and its diagram.

The graph comes from the blueprints (resources/data/blueprints.toml): every detected feature
and compliance regime gets the application module that serves it, each module brings the
infrastructure roles it uses, and the cloud file names the service that plays each role. The
style decides how modules are packaged (functions, services, or modules of one deployable) and
which database and entry point they sit behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from archwright.resources import Catalog, Style, load_catalog
from archwright.resources.models import CloudSpec, ModuleBlueprint, StyleSpec
from archwright.tools._places import broader
from archwright.tools.mermaid import render_flowchart
from archwright.tools.models import Analysis, Architecture, Cloud, Component, Connection, FeatureFinding

_MODULE_SUFFIX = {"function": "function", "service": "service", "module": "module"}
_LARGE_TIERS = {"large", "massive"}
_CACHED_TIERS = {"medium", "large", "massive"}


@dataclass
class _Graph:
    """A graph under construction: components keyed by id, connections without duplicates."""

    catalog: Catalog
    cloud: CloudSpec
    style: StyleSpec
    folded: frozenset[str] = frozenset()
    aliases: dict[str, str] = field(default_factory=dict)
    components: dict[str, Component] = field(default_factory=dict)
    connections: dict[tuple[str, str], Connection] = field(default_factory=dict)

    def role(self, role_id: str, serves: str | None = None) -> str:
        role_id = self.aliases.get(role_id, role_id)
        spec = self.catalog.roles[role_id]
        existing = self.components.get(role_id)
        if existing is None:
            self.components[role_id] = Component(
                id=role_id,
                name=spec.name,
                kind=spec.kind,
                layer=spec.layer,
                service=self.cloud.service_for(role_id, self.style.id),
                purpose=spec.purpose,
                features=[serves] if serves else [],
            )
        elif serves and serves not in existing.features:
            existing.features.append(serves)
        return role_id

    def module(self, serves: str, blueprint: ModuleBlueprint) -> str:
        if blueprint.isolated:  # its own deployable in its own zone, whatever the style
            module_id = f"{serves}_zone"
            name, kind, layer = f"{blueprint.module} (isolated zone)", "service", "security"
        else:
            module_id = f"{serves}_{self.style.module_kind}"
            name = f"{blueprint.module} {_MODULE_SUFFIX[self.style.module_kind]}"
            kind, layer = self.style.module_kind, "application"
        self.components[module_id] = Component(
            id=module_id,
            name=name,
            kind=kind,  # type: ignore[arg-type]
            layer=layer,  # type: ignore[arg-type]
            service=self.cloud.service_for("compute", self.style.id),
            purpose=blueprint.purpose,
            features=[serves],
        )
        for role_id, label in blueprint.uses:
            if role_id in self.folded:  # at this scale the database does the job (full-text, GEO, hot rows)
                self.connect(module_id, "primary_db", f"{label} (in the database at this scale)")
                continue
            self.connect(module_id, self.role(role_id, serves), label)
        for role_id in blueprint.roles:
            self.role(role_id, serves)
        for source, target, label in blueprint.links:
            self.connect(self.role(source, serves), self.role(target, serves), label)
        return module_id

    def connect(self, source: str, target: str, label: str) -> None:
        """An arrow between two components the design has (a right-sized design may lack the edge)."""
        if source not in self.components or target not in self.components:
            return
        if source != target and (source, target) not in self.connections:
            self.connections[(source, target)] = Connection(source=source, target=target, label=label)


# Words that ask to keep card numbers out of the system: the processor's hosted fields, not our own vault.
_MINIMAL_CARD_SCOPE = re.compile(
    r"\b(?:minimi[sz]e|reduce|limit|shrink|avoid|stay out of|keep (?:us )?out of)\s+(?:\S+\s+){0,2}(?:pci|card data)|"
    r"\b(?:do not|don'?t|never)\s+(?:\S+\s+){0,3}(?:store|touch|handle|see|want)\s+(?:\S+\s+){0,2}(?:card|pci)|"
    r"\bhosted (?:checkout|fields|payment page|card fields)\b|\bsaq[ -]a\b", re.IGNORECASE)


# Words that put card numbers in our own systems: then PCI DSS needs the isolated vault.
_OWN_CARD_DATA = re.compile(r"\b(?:our own (?:card )?vault|store (?:\S+\s+){0,2}card numbers|full card numbers?|"
                            r"raw pans?|tokeni[sz]e (?:\S+\s+){0,2}cards? ourselves|pci(?: dss)? level 1|"
                            r"(?:card )?issuing platform|issuer processor)\b", re.IGNORECASE)


def _cards_stay_with_the_processor(analysis: Analysis) -> bool:
    """Whether the processor can hold every card number: asked for outright, or a card programme run
    through an issuer processor, unless the words put card numbers in our own systems."""
    text = analysis.requirement
    if _OWN_CARD_DATA.search(text):
        return False
    return bool(_MINIMAL_CARD_SCOPE.search(text)) or "card_issuing" in {k.id for k in analysis.kinds}


# Roles the primary database plays for a small app: PostgreSQL full-text search, PostGIS or Redis-free
# hot reads are enough until the load says otherwise, and each dedicated service is a bill and an on-call.
_FOLDED: dict[str, frozenset[str]] = {
    "starter": frozenset({"search_index", "cache", "geo_store"}),
    "small": frozenset({"search_index", "geo_store"}),
}


def design_architecture(analysis: Analysis, style: Style, cloud: Cloud = "aws") -> Architecture:
    """Build the component graph for `analysis` in `style` on `cloud`, with its Mermaid diagram."""
    catalog = load_catalog()
    graph = _Graph(catalog, catalog.clouds[cloud], catalog.styles[style], _FOLDED.get(analysis.scale.tier, frozenset()))
    baseline = baseline_roles(analysis, catalog)
    if "workforce_identity" in baseline:  # every module that signs people in uses the staff directory
        graph.aliases["identity"] = "workforce_identity"
    for role_id in baseline:
        graph.role(role_id)
    regimes = [finding.id for finding in analysis.compliance]
    if regimes or analysis.scale.tier in _LARGE_TIERS:
        graph.role("waf", "security")
    producers: list[str] = []
    consumers: list[str] = []
    modules: list[str] = []
    # The domain's core first (a ride-sharing app has trips and dispatch whatever words were used),
    # then what the requirement asked for.
    blueprints = [(c, catalog.capability_blueprints[c]) for c in core_capabilities(analysis, catalog)]
    blueprints += [(f.id, catalog.feature_blueprints[f.id]) for f in drawn_features(analysis)]
    for serves, blueprint in blueprints:
        module_id = graph.module(serves, blueprint)
        modules.append(module_id)
        if blueprint.events:
            producers.append(module_id)
        if blueprint.consumes_events:
            consumers.append(module_id)
    for regime in regimes:
        if regime == "pci_dss" and _cards_stay_with_the_processor(analysis):
            modules.append(graph.module(regime, catalog.capability_blueprints["hosted_card_fields"]))
            continue
        modules.append(graph.module(regime, catalog.compliance_blueprints[regime]))
    drawn = {f.id for f in drawn_features(analysis)}
    calls = next((c for c in graph.components.values() if c.id.startswith("video_calls_")), None)
    if "video_streaming" not in drawn and calls is not None:
        calls.features.append("video_streaming")
    if not modules:
        modules.append(graph.module("core", _core_blueprint(analysis, catalog)))
    if style != "serverless" and analysis.scale.tier in _CACHED_TIERS:
        graph.role("cache", "performance")
    _wire(graph, modules, producers, consumers)
    cloud_spec = catalog.clouds[cloud]
    style_spec = catalog.styles[style]
    compute = cloud_spec.service_for("compute", style)
    components = list(graph.components.values())
    connections = list(graph.connections.values())
    place = analysis.workload.location.region
    region = cloud_spec.region_for(place, broader(place))
    return Architecture(
        style=style,
        cloud=cloud,
        region=region,
        title=f"{style_spec.name} on {cloud_spec.name}",
        summary=_summary(style_spec, cloud_spec, region, analysis, len(modules)),
        components=components,
        connections=connections,
        mermaid=render_flowchart(components, connections, application_title=_application_title(style, compute)),
    )


_END_USER_FACING = frozenset({
    "user_auth", "chat_messaging", "search", "sso", "booking_scheduling", "social_feed", "media_upload", "payments",
    "subscriptions_billing", "real_time_tracking", "video_streaming", "reviews_ratings", "recommendations",
})
_OPERATOR_FACING = frozenset({"admin_dashboard", "analytics_reporting"})


Audience = Literal["public", "staff", "headless"]


def audience(analysis: Analysis) -> Audience:
    """Who the system serves: the public (customers, patients, players), the organisation's own staff,
    or nobody directly (a pipeline between systems). It sizes the baseline and the delivery effort."""
    features = {f.id for f in analysis.features}
    people = [a for a in analysis.workload.actors if a.uses_system and a.role in ("end_user", "staff")]
    if analysis.primary_domain == "integration" and not features & _END_USER_FACING and not any(
            a.role == "end_user" for a in people):
        return "headless"
    if analysis.primary_domain == "internal_tools" or (bool(people) and all(a.role == "staff" for a in people)):
        return "staff"
    return "public"


def baseline_roles(analysis: Analysis, catalog: Catalog) -> list[str]:
    """What every system needs, right-sized: a headless integration hub has no public apps, CDN or
    sign-in service (its operators get a console at most), a staff-only tool needs no CDN."""
    features = {f.id for f in analysis.features}
    served = audience(analysis)
    dropped: set[str] = set()
    if served == "headless":
        dropped |= {"cdn", "identity"}
        if not features & _OPERATOR_FACING:
            dropped.add("clients")
        if "public_api_webhooks" not in features:
            dropped.add("api_entry")
    elif served == "staff":
        dropped.add("cdn")
    roles = [role for role in catalog.baseline_roles if role not in dropped]
    # Staff sign in with the organisation's own directory, not a customer sign-up service.
    return ["workforce_identity" if served == "staff" and role == "identity" else role for role in roles]


def drawn_features(analysis: Analysis) -> list[FeatureFinding]:
    """The features a design draws: video streaming whose only evidence is a call ("book a video
    consultation") is drawn as the call it is, not as a broadcast pipeline."""
    calls = next((f for f in analysis.features if f.id == "video_calls"), None)
    if calls is None:
        return list(analysis.features)
    spans = [(e.start, e.end) for e in calls.evidence]

    def inside_a_call(finding: FeatureFinding) -> bool:
        return bool(finding.evidence) and all(any(s <= e.start and e.end <= t for s, t in spans) for e in finding.evidence)

    return [f for f in analysis.features if not (f.id == "video_streaming" and inside_a_call(f))]


def core_capabilities(analysis: Analysis, catalog: Catalog) -> list[str]:
    """The primary domain's core capabilities, refined by the kinds of app the text names (a ticket
    drop holds seats instead of escrowing sellers' money), unless the analysis is too vague to name
    a domain or a requested feature's module already does the job."""
    kinds = [catalog.specialisations[k.id] for k in analysis.kinds]
    vague = not analysis.domains[0].evidence and not analysis.domains[0].confidence >= 1.0
    if vague and not kinds:
        return []
    replaced = {c for kind in kinds for c in kind.replaces}
    domain_core = [] if vague else [c for c in catalog.domains[analysis.primary_domain].core if c not in replaced]
    features = {f.id for f in analysis.features}
    chosen: list[str] = []
    for capability in [*domain_core, *(c for kind in kinds for c in kind.core)]:
        blueprint = catalog.capability_blueprints[capability]
        if capability in chosen or features & set(blueprint.covered_by):
            continue
        if blueprint.only_with and not features & set(blueprint.only_with):
            continue
        chosen.append(capability)
    return chosen


def _core_blueprint(analysis: Analysis, catalog: Catalog) -> ModuleBlueprint:
    """With no feature recognised, one module still carries the app's own logic."""
    domain = catalog.domains[analysis.primary_domain]
    return ModuleBlueprint(id="core", module="Core", purpose=f"The application logic of the {domain.name.lower()} app.")


def _wire(graph: _Graph, modules: list[str], producers: list[str], consumers: list[str]) -> None:
    """The arrows every design shares: clients to the edge, the edge to modules, modules to data."""
    entry = "waf" if "waf" in graph.components else "api_entry"
    if "api_entry" not in graph.components:  # a headless hub: its modules are started by schedules and events
        entry = "api_entry"
    graph.connect("clients", "cdn", "static assets")
    graph.connect("clients", entry, "HTTPS API")
    if entry == "waf":
        graph.connect("waf", "api_entry", "filtered traffic")
    for module_id in modules:
        if module_id not in consumers or module_id in producers:
            graph.connect("api_entry", module_id, "routes")
        graph.connect(module_id, "primary_db", "reads and writes")
    if "cache" in graph.components:
        for module_id in modules[:3]:
            graph.connect(module_id, "cache", "hot reads")
    real_consumers = [c for c in consumers if c not in producers]
    if producers and real_consumers:
        label = "enqueues jobs" if graph.style.id == "monolith" else "publishes events"
        bus = graph.role("event_bus", "events")
        for producer in producers:
            graph.connect(producer, bus, label)
        for consumer in real_consumers:
            graph.connect(bus, consumer, "delivers")
    graph.connect("api_entry", "monitoring", "logs and metrics")
    # What every system has and no module names: sign-in, secrets, backups. Drawn, so a diagram
    # says who uses them (and no node floats unconnected).
    for identity in ("identity", "workforce_identity"):
        graph.connect("clients", identity, "signs in")
        graph.connect("api_entry", identity, "verifies tokens")
    for module_id in modules[:1] or ["api_entry"]:
        graph.connect(module_id, "secrets", "reads secrets")
    graph.connect("primary_db", "backups", "backed up")
    graph.connect("object_storage", "backups", "backed up")
    users = modules[0] if modules else "api_entry"
    linked = {end for source, target in graph.connections for end in (source, target)}
    for orphan in [c for c in graph.components if c not in linked]:
        graph.connect(users, orphan, "uses")


def _application_title(style: Style, compute: str) -> str:
    if style == "serverless":
        return f"Functions on {compute}"
    if style == "microservices":
        return f"Services on {compute}"
    return f"Modular monolith on {compute}"


def _summary(style: StyleSpec, cloud: CloudSpec, region: str, analysis: Analysis, module_count: int) -> str:
    plural = "" if module_count == 1 else "s"
    packaging = {
        "function": f"{module_count} function{plural} on {cloud.compute['serverless']}",
        "service": f"{module_count} service{plural} on {cloud.compute['microservices']}",
        "module": f"one deployable with {module_count} module{plural} on {cloud.compute['monolith']}",
    }[style.module_kind]
    database = cloud.primary_db[style.id]
    return (
        f"{style.name} on {cloud.name} ({region}): {packaging}, data in {database}, "
        f"sized for the {analysis.scale.tier} tier (~{analysis.scale.daily_active_users:,} daily users, "
        f"~{analysis.scale.peak_rps:,.0f} requests/s at peak).{_residency_caveat(cloud, region, analysis)}"
    )


def _residency_caveat(cloud: CloudSpec, region: str, analysis: Analysis) -> str:
    """Said when the data must stay in a country where this cloud has no region: the nearest region
    that keeps it in the wider area is used, and the report must not pretend otherwise."""
    residency = analysis.workload.location.residency
    if residency is None or residency.code in cloud.regions:
        return ""
    wider = broader(residency.code)
    if wider is None or cloud.regions.get(wider) != region:
        return ""
    return (f" {cloud.name} has no region in {residency.code.upper()}: {region} keeps the data in "
            f"{wider.upper()}; if the law requires {residency.code.upper()} itself, a local provider or a "
            f"sovereign cloud is needed.")
