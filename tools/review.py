"""The review a CTO expects next to the recommendation: targets, backup and recovery, environments
and delivery, security, who owns which data, and a phased roadmap, each derived from the workload
and the recommended design rather than written once for every app.
"""

from __future__ import annotations

import re

from archwright.resources import load_catalog
from archwright.resources.models import BuyOption, Threat
from archwright.tools._scale import TIER_ORDER, steady_tier
from archwright.tools.design import core_capabilities
from archwright.tools._places import broader
from archwright.tools.models import Analysis, Architecture, Option

# Availability a design of each tier is built for when the requirement states none.
_DEFAULT_AVAILABILITY = {"starter": 99.5, "small": 99.9, "medium": 99.9, "large": 99.95, "massive": 99.99}
MAX_THREATS = 4
_REALTIME = frozenset({"real_time_tracking", "chat_messaging", "multiplayer_sessions", "traffic_bursts"})


def availability(analysis: Analysis) -> tuple[float, str]:
    stated = analysis.workload.targets.availability_percent
    if stated is not None:
        return stated.value, stated.provenance
    tier = steady_tier(analysis.scale)  # a surge of minutes does not make a four-nines system
    return _DEFAULT_AVAILABILITY[tier], f"assumed for the {tier} tier"


def recovery(target: float) -> tuple[str, str, str]:
    """RPO, RTO and how to meet them, from the availability the system must keep."""
    if target >= 99.99:
        return ("1 minute", "15 minutes",
                "a warm standby in a second region with continuous replication, failover rehearsed each quarter")
    if target >= 99.95:
        return ("5 minutes", "1 hour",
                "multi-zone database with point-in-time restore, backups copied to a second region, "
                "infrastructure as code to rebuild there")
    if target >= 99.9:
        return ("15 minutes", "4 hours",
                "multi-zone database with point-in-time restore and daily snapshots copied to another region; "
                "restore drills twice a year")
    return ("24 hours", "1 day",  # a starter app: the managed defaults are the plan
            "the managed database's automated backups with point-in-time restore, and one test restore before launch")


def review_sections(analysis: Analysis, best: Option, design: Architecture) -> list[str]:
    """Markdown sections, in the order a reviewer reads them."""
    return [
        "## Non-functional targets", _targets(analysis),
        "## Backup and disaster recovery", _recovery(analysis, design),
        "## Environments and delivery", _delivery(analysis),
        "## Security architecture", _security(analysis, design),
        "## Data ownership", _data(design),
        "## Build or buy", _build_or_buy(analysis, design),
        "## Roadmap", _roadmap(analysis, best, design),
    ]


def _targets(analysis: Analysis) -> str:
    workload = analysis.workload
    value, source = availability(analysis)
    latency = workload.targets.latency_ms
    features = {f.id for f in analysis.features}
    default_latency = "p95 < 100 ms for live updates, p95 < 300 ms for API calls" if features & _REALTIME \
        else "p95 < 300 ms for API calls"
    if "llm_inference" in features:
        default_latency += "; model answers: first words within 1.5 s, a full answer within 10 s (streamed)"
    rows = [
        "| Target | Value | Source |", "|---|---|---|",
        f"| Availability | {value:g}% (about {(100 - value) / 100 * 43_800:,.0f} minutes of downtime a month) | {source} |",
        f"| Latency | {f'{latency.value:g} {latency.unit}' if latency else default_latency} | "
        f"{latency.provenance if latency else 'assumed'} |",
        f"| Peak load | {_rate(analysis.scale.peak_rps)} requests/s | see the scale assumptions |",
    ]
    rows += [f"| Freshness | {m.evidence.text if m.evidence else m.kind} | stated |" for m in workload.targets.freshness]
    retention = workload.data.retention_days
    if retention is not None:
        rows.append(f"| Data retention | {retention.value:g} days | {retention.provenance} |")
    return "\n".join(rows)


def _rate(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.2g}"


def _recovery(analysis: Analysis, design: Architecture) -> str:
    value, _ = availability(analysis)
    rpo, rto, how = recovery(value)
    if _keeps_money(analysis):  # a lost acknowledged payment is not a recovery point anyone accepts
        rpo = "0 for the ledger (synchronous replication across zones; no acknowledged transaction lost)"
    retention = analysis.workload.data.retention_days
    keep = (f" Keep backups and archives for the stated {retention.value:g} days, in a cheaper storage class after 90."
            if retention else " Keep 35 days of point-in-time backups and 12 monthly snapshots.")
    residency = analysis.workload.location.residency
    area = residency.code.upper() if residency else ""
    if residency and "has no region in" in design.summary:  # the design runs in the wider area
        area = f"{(broader(residency.code) or residency.code).upper()} (no region of this cloud in {area})"
    inside = (f" Every copy (replicas, snapshots, the standby) stays inside {area}: the second region "
              "is chosen within the residency." if residency else "")
    return f"RPO {rpo}, RTO {rto} for {value:g}% availability: {how}.{keep}{inside}"


_MONEY = frozenset({"accounts_ledger", "ledger", "wallet_accounts", "p2p_transfers", "loan_servicing", "card_issuing"})


def _keeps_money(analysis: Analysis) -> bool:
    """Whether the system keeps balances: a ledger, wallets, loans or cards."""
    return bool(_MONEY & ({f.id for f in analysis.features} | set(core_capabilities(analysis, load_catalog()))))


def _delivery(analysis: Analysis) -> str:
    regimes = {c.id for c in analysis.compliance}
    team = analysis.workload.team
    if analysis.scale.tier == "starter" and not regimes and (team is None or team.value <= 2):
        return ("- Two environments: a preview per pull request (or a local stack) and production; nothing else to "
                "pay for or patch.\n- One pipeline: tests, then deploy on merge, with one-click rollback.\n"
                "- Infrastructure as code from day one, so the project survives a laptop.")
    lines = [
        "- Three environments: development (shared), staging (production-like, smaller; priced as a line of the "
        "bill), production.",
        "- One pipeline: build, unit and contract tests, dependency and container scans, deploy to staging, "
        "smoke tests, then production with a manual approval and automatic rollback.",
        "- Infrastructure as code for every environment, so a region can be rebuilt from the repository.",
    ]
    if regimes & {"pci_dss", "soc2", "hipaa"}:
        lines.append("- Change management evidence for the auditors: every production change traced to a reviewed "
                     "pull request and an approval.")
    return "\n".join(lines)


def _security(analysis: Analysis, design: Architecture) -> str:
    roles = {c.id: c for c in design.components}
    platforms = {i.kind: i.name for i in analysis.workload.integrations}
    lines = []
    features = {f.id for f in analysis.features}
    if "multi_tenancy" in features and "sso" in features:
        lines.append("- Identity: each customer signs in through its own identity provider (Okta, Entra ID, Google) "
                     "over SAML or OIDC, with SCIM provisioning; "
                     + (f"{roles['identity'].service} brokers it." if "identity" in roles else "one broker for all."))
    elif "identity" in platforms:
        lines.append(f"- Identity: federate sign-in with the organisation's {platforms['identity']} (SSO); no "
                     "passwords of our own.")
    elif "workforce_identity" in roles:
        lines.append(f"- Identity: staff sign in with {roles['workforce_identity'].service} (SSO, its MFA and groups "
                     "as roles); no passwords of our own, leavers lose access when the directory says so.")
    elif "identity" in roles:
        lines.append(f"- Identity: {roles['identity'].service} for sign-up, sign-in and MFA; short-lived tokens.")
    if "secrets" in roles:
        lines.append(f"- Secrets: {roles['secrets'].service}, rotated, never in code or images.")
    lines.append("- Keys: encryption at rest with managed keys"
                 + (f" ({roles['kms'].service})" if "kms" in roles else "") + "; TLS everywhere in transit.")
    network = "- Network: services in private subnets, only the entry point public"
    network += f", behind {roles['waf'].service}." if "waf" in roles else "."
    lines.append(network)
    if "pci_dss_zone" in roles:
        lines.append("- Cardholder data: only the isolated card-vault zone sees card numbers; everything else holds "
                     "tokens and stays out of PCI DSS scope.")
    elif "pci_dss" in {c.id for c in analysis.compliance}:
        lines.append("- Cardholder data: card numbers go straight into the processor's hosted fields and vault; we hold "
                     "tokens and the last four digits only, the smallest PCI DSS scope (SAQ A).")
    if "multi_tenancy" in features:
        lines.append("- Tenants: every query scoped by tenant (row-level security), tenant id in every token and log.")
    regimes = {c.id for c in analysis.compliance}
    if "hipaa" in regimes:
        lines.append("- Health data: only services covered by the provider's BAA, every read of a record logged.")
    elif "healthcare" in {d.id for d in analysis.domains} and "gdpr" in regimes:
        lines.append("- Health data is special-category data under GDPR: a DPIA before launch, explicit consent, "
                     "processing and every copy inside the EU, every read of a record logged.")
    lines.append("- Threats to model first:")
    lines += [f"  - {t.threat}: {t.mitigation}." for t in threats(analysis)[:MAX_THREATS]]
    lines.append("  - And in every system: account takeover (MFA, breached-password checks), broken access control "
                 "between users (authorisation tested per endpoint), abuse of public endpoints (rate limits).")
    return "\n".join(lines)


def threats(analysis: Analysis) -> list[Threat]:
    """The threats worth modelling for what this system is: its domains, kind, features and regimes."""
    ids = {analysis.primary_domain} | {k.id for k in analysis.kinds} | {f.id for f in analysis.features}
    ids |= {c.id for c in analysis.compliance}
    return [t for t in load_catalog().threats if ids & set(t.when)]


def _data(design: Architecture) -> str:
    modules = [c for c in design.components if c.kind in ("module", "function", "service")]
    rows = ["| Module | Owns |", "|---|---|"]
    rows += [f"| {c.name} | {c.purpose} |" for c in modules]
    return "\n".join(rows) + "\n\nEach module owns its tables; others read them through its API or its events."


def whole_product_buy(analysis: Analysis) -> BuyOption | None:
    """A product people buy that does the whole app at this size (payroll, a helpdesk), when the words name one."""
    if _sells_software(analysis):
        return None  # a vendor of HR software builds HR software: its customers are the ones who buy
    tier = TIER_ORDER.index(analysis.scale.tier)
    text = analysis.requirement.lower()
    return next((option for option in load_catalog().buy
                 if tier <= TIER_ORDER.index(option.until)
                 and any(re.search(rf"\b{re.escape(p)}\b", text) for p in option.phrases)), None)


def _sells_software(analysis: Analysis) -> bool:
    """Whether the app is a product sold to other organisations (tenants, a B2B SaaS)."""
    tenants = [a for a in analysis.workload.actors if a.role == "tenant" and (a.count or 0) > 1]
    return (analysis.primary_domain == "b2b_saas" or bool(tenants)
            or "multi_tenancy" in {f.id for f in analysis.features})


def _build_or_buy(analysis: Analysis, design: Architecture) -> str:
    """Products that already do a module's job at this size (resources/data/buy.toml), with the trade-off."""
    serves = {feature for c in design.components for feature in c.features}
    if not any(c.id.startswith("video_streaming") for c in design.components):
        serves.discard("video_streaming")  # a call drawn for "video visits" is not a streaming product to buy
    tier = TIER_ORDER.index(analysis.scale.tier)
    text = analysis.requirement.lower()
    vendor = _sells_software(analysis)
    caveat = (" Only with a signed BAA: a vendor that touches patient data without one breaks HIPAA."
              if "hipaa" in {c.id for c in analysis.compliance} else "")
    lines = []
    for option in load_catalog().buy:
        if tier > TIER_ORDER.index(option.until):
            continue
        named = [] if vendor else [p for p in option.phrases if re.search(rf"\b{re.escape(p)}\b", text)]
        modules = sorted(set(option.for_) & serves)
        if not named and not modules:
            continue
        what = f"the whole {option.phrases[0]} product" if named else ", ".join(modules).replace("_", " ")
        line = (f"- **Buy {option.products}** for {what} (about ${option.monthly[0]:,.0f}-"
                f"${option.monthly[1]:,.0f} a month, list prices to confirm): {option.trade_off}{caveat}")
        lines.insert(0, line) if named else lines.append(line)  # a whole-product buy answers first
    return "\n".join(lines) if lines else ("Build: no product in the knowledge base does the core of this at this "
                                          "scale; survey the market for the domain before committing a team.")


def _roadmap(analysis: Analysis, best: Option, design: Architecture) -> str:
    modules = [c.name for c in design.components if c.kind in ("module", "function", "service")]
    scale = analysis.scale
    ten_x = []
    if scale.peak_rps * 10 > 500:
        ten_x.append("read replicas, then partitioning of the busiest tables")
    if analysis.workload.drivers and any(d.kind in ("events", "messages") for d in analysis.workload.drivers):
        ten_x.append("a stream processor in front of the database for device and message traffic")
    if best.style == "monolith":
        ten_x.append("split out the module with the most independent load as its own service")
    ten_x.append("a cache in front of hot reads and a CDN for everything static")
    return "\n".join([
        f"1. MVP (about {best.time_to_mvp_weeks} weeks, {best.team_size} engineers): "
        + ", ".join(modules[:8]) + (" and more" if len(modules) > 8 else "") + ".",
        "2. Hardening before launch: load test at twice the peak, a restore drill, "
        + ("the compliance assessment, " if analysis.compliance else "") + "alerts on the SLOs.",
        f"3. At 10x ({scale.peak_rps * 10:,.0f} requests/s at peak): " + "; ".join(ten_x) + ".",
    ])
