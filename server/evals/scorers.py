"""The deterministic scorers: each checks one promise of the report against the knowledge base and
the report's own parts, with no model. A finding names the step that can fix it (the designer, the
costing, the writer), which is how the quality loop routes it.

A scorer's target is a `Draft`: the analysis, the designs, the comparison and the summary, plus
the Markdown the user reads (rendered once, when the draft is made).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from archwright.resources import load_catalog
from archwright.server.evals.mermaid_check import MermaidError, parse_flowchart
from archwright.server.evals.scorer import Checks, Finding, NotScorable, Scorer, ScoreResult
from archwright.tools._costs import unpriced_components
from archwright.tools._places import broader
from archwright.tools.design import core_capabilities
from archwright.tools.mermaid import node_id
from archwright.tools.models import Architecture, Option
from archwright.tools.report import Advice, render_report


@dataclass(frozen=True)
class Draft:
    """A report as the scorers see it."""

    advice: Advice
    markdown: str = field(default="")

    @classmethod
    def of(cls, advice: Advice) -> Draft:
        return cls(advice, render_report(advice))

    @cached_property
    def text(self) -> str:
        return self.markdown.lower()

    @property
    def recommended(self) -> Option | None:
        """The recommended option; None when the recommendation names a style no option has."""
        style = self.advice.comparison.recommendation.style
        return next((o for o in self.advice.comparison.options if o.style == style), None)


class _Tally:
    """Checks made, passed, and a finding for each that failed."""

    def __init__(self) -> None:
        self.passed = 0
        self.total = 0
        self.findings: list[Finding] = []

    def check(self, ok: bool, fix_by: str, message: str, subject: str = "") -> bool:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.findings.append(Finding(fix_by=fix_by, message=message, subject=subject))  # type: ignore[arg-type]
        return ok

    def result(self, **detail: object) -> Checks:
        return Checks(self.passed, self.total, self.findings, dict(detail))


def _served(design: Architecture, need: str) -> bool:
    return any(need in c.features for c in design.components)


def _mentions(draft: Draft, *names: str) -> bool:
    return any(name.lower() in draft.text for name in names if name)


# Workload drivers and the line-item inputs that price them.
DRIVER_INPUTS: dict[str, frozenset[str]] = {
    "requests": frozenset({"requests", "peak_rps", "invocations"}),
    "events": frozenset({"events", "device_messages", "writes"}),
    "messages": frozenset({"events", "device_messages", "connected_minutes", "writes"}),
    "transactions": frozenset({"requests", "writes", "call_minutes"}),
    "questions": frozenset({"llm_tokens"}),
    "llm_tokens": frozenset({"llm_tokens"}),
    "documents": frozenset({"object_gb", "writes"}),
    "media_hours": frozenset({"video_hours", "call_minutes", "connected_minutes"}),
    "call_minutes": frozenset({"call_minutes"}),
}


# The words a report uses for each driver when it prices or discusses it.
DRIVER_WORDS: dict[str, tuple[str, ...]] = {
    "requests": ("requests",), "events": ("events", "messages", "writes"), "messages": ("messages",),
    "transactions": ("transactions", "orders", "bookings", "a day"), "questions": ("questions",),
    "llm_tokens": ("tokens",), "documents": ("documents", "pages", "files"), "media_hours": ("hours",),
    "call_minutes": ("minutes",),
}


def completeness(draft: Draft) -> Checks:
    """Every feature, regime, workload driver and stated target is served by a component of every
    design and addressed in the text."""
    catalog = load_catalog()
    analysis, tally = draft.advice.analysis, _Tally()
    needs = [(f.id, catalog.features[f.id].name) for f in analysis.features]
    needs += [(c.id, catalog.compliance[c.id].name) for c in analysis.compliance]
    for need, name in needs:
        for design in draft.advice.designs.values():
            tally.check(_served(design, need), "designer", f"no component of the {design.style} design serves {name}",
                        need)
        tally.check(_mentions(draft, name, need.replace("_", " ")), "writer", f"the report never mentions {name}", need)
    for driver in analysis.workload.drivers:
        words = driver.evidence.text if driver.evidence else driver.kind.replace("_", " ")
        tally.check(_mentions(draft, words, *DRIVER_WORDS.get(driver.kind, (driver.kind.replace("_", " "),))), "writer",
                    f"the report never addresses the {driver.kind.replace('_', ' ')} driver ({words})", driver.kind)
    targets = analysis.workload.targets
    if targets.availability_percent is not None and targets.availability_percent.provenance in ("stated", "given"):
        percent = targets.availability_percent.value
        tally.check(_mentions(draft, f"{percent:g}%"), "writer",
                    f"the stated {percent:g}% availability is not addressed", "availability")
    if targets.latency_ms is not None and targets.latency_ms.provenance in ("stated", "given"):
        ms = targets.latency_ms.value
        tally.check(_mentions(draft, f"{ms:g} ms", f"{ms:g}ms"), "writer",
                    f"the stated {ms:g} ms latency target is not addressed", "latency")
    return tally.result()


_PACKAGING = {"serverless": "functions on", "microservices": "services on", "monolith": "modular monolith on"}


def diagram_quality(draft: Draft) -> Checks:
    """Every diagram parses, draws every component, has no orphan node nor an edge to an undeclared
    node, and shows the style's packaging (the application's subgraph names it and holds its parts)."""
    tally = _Tally()
    for design in draft.advice.designs.values():
        tally.check(bool(design.components), "designer", f"the {design.style} design has no components", design.style)
        try:
            diagram = parse_flowchart(design.mermaid)
        except MermaidError as error:
            tally.check(False, "designer", f"the {design.style} diagram does not parse: {error}", design.style)
            continue
        tally.check(bool(diagram.nodes), "designer", f"the {design.style} diagram draws nothing", design.style)
        missing = [c.name for c in design.components if node_id(c.id) not in diagram.nodes]
        tally.check(not missing, "designer", f"the {design.style} diagram leaves out {', '.join(missing[:3])}",
                    design.style)
        linked = {end for edge in diagram.edges for end in edge}
        orphans = [n for n in diagram.nodes if n not in linked]
        tally.check(not orphans, "designer", f"the {design.style} diagram has unconnected nodes: "
                    f"{', '.join(orphans[:3])}", design.style)
        dangling = [f"{s} -> {t}" for s, t in diagram.edges if s not in diagram.nodes or t not in diagram.nodes]
        tally.check(not dangling, "designer", f"the {design.style} diagram has edges to undeclared nodes: "
                    f"{', '.join(dangling[:3])}", design.style)
        title = diagram.subgraphs.get("g_application", "").lower()
        inside = all(diagram.nodes.get(node_id(c.id)) == "g_application"
                     for c in design.components if c.layer == "application")
        tally.check(title.startswith(_PACKAGING[design.style]) and inside, "designer",
                    f"the {design.style} diagram does not show its packaging ({_PACKAGING[design.style]}...)",
                    design.style)
    return tally.result()


_DIMENSIONS = ("scalability", "cost_efficiency", "time_to_market", "operational_simplicity", "portability",
               "compliance_readiness")
_MONEY = re.compile(r"\$([0-9][0-9,]*(?:\.[0-9]+)?)")
_VERSUS = re.compile(r"^([A-Z][a-z ]+): (\d+) vs (\d+) for ([a-z ]+)\.")


def tradeoff_analysis(draft: Draft) -> Checks:
    """Every option is priced and scored with a reason on every dimension, and the recommendation
    agrees with the scores, costs and teams it cites."""
    comparison, tally = draft.advice.comparison, _Tally()
    by_name = {o.name.lower(): o for o in comparison.options} | {o.style: o for o in comparison.options}
    for option in comparison.options:
        tally.check(bool(option.monthly_cost.line_items), "costing", f"{option.name} has no priced lines", option.style)
        unreasoned = [d for d in _DIMENSIONS if d not in option.scores or not option.scores[d].reason.strip()]
        tally.check(not unreasoned, "costing", f"{option.name} has no reasoned score for {', '.join(unreasoned)}",
                    option.style)
    recommended = draft.recommended
    if not tally.check(recommended is not None and bool(comparison.options), "writer",
                       f"the recommendation names {comparison.recommendation.style}, which no option has",
                       "recommendation"):
        return tally.result()
    assert recommended is not None
    best = max(comparison.options, key=lambda o: o.weighted_score)
    tally.check(recommended.weighted_score >= best.weighted_score - 1e-9, "writer",
                f"the recommendation ({recommended.name}) is not the best-scored option ({best.name})", "recommendation")
    costs = [o.monthly_cost.expected for o in comparison.options]
    cited = {a - b for a in costs for b in costs} | set(costs)
    budget = draft.advice.analysis.workload.budget_usd_per_month
    if budget is not None:  # the rationale may weigh the options against the stated budget
        cited.add(float(getattr(budget, "value", budget)))
    for line in comparison.recommendation.rationale:
        for amount in _MONEY.findall(line):
            value = float(amount.replace(",", ""))
            tally.check(any(abs(abs(c) - value) <= max(1.0, 0.01 * value) for c in cited), "writer",
                        f"the rationale cites ${amount}, which is no option's cost", "recommendation")
        if found := _VERSUS.match(line):
            dimension = found.group(1).lower().replace(" ", "_")
            other = by_name.get(found.group(4).strip())
            if dimension in recommended.scores and other is not None and dimension in other.scores:
                ok = (recommended.scores[dimension].score, other.scores[dimension].score) == (
                    int(found.group(2)), int(found.group(3)))
                tally.check(ok, "writer", f"the rationale's {found.group(1)} scores do not match the options'",
                            "recommendation")
    for team in re.findall(r"\b(\d+) engineers\b", " ".join(comparison.recommendation.rationale)):
        tally.check(int(team) in {o.team_size for o in comparison.options}, "writer",
                    f"the rationale cites {team} engineers, which is no option's team", "recommendation")
    return tally.result()


def domain_relevance(draft: Draft) -> Checks:
    """The domain's core capabilities (and its kind's) are present in every design. When the analyzer
    recognised no domain (a general app, no kind), there is no domain to be relevant to: not scorable,
    rather than a 1.0 that would hide the miss."""
    catalog = load_catalog()
    tally = _Tally()
    analysis = draft.advice.analysis
    if analysis.primary_domain == "general" and not analysis.kinds:
        raise NotScorable("no domain was recognised in the requirement, so the design is generic")
    capabilities = core_capabilities(analysis, catalog)
    for capability in capabilities:
        name = catalog.capability_blueprints[capability].module
        for design in draft.advice.designs.values():
            tally.check(_served(design, capability), "designer",
                        f"the {design.style} design has no {name} (a core capability of the domain)", capability)
    return tally.result(capabilities=capabilities)


def cost_sanity(draft: Draft) -> Checks:
    """Every workload driver is priced in the recommended bill, the dominant driver is named, no
    component is left unpriced; the share of verified prices is reported beside the score."""
    tally = _Tally()
    recommended = draft.recommended
    if not tally.check(recommended is not None, "costing",
                       f"no option prices the recommended style ({draft.advice.comparison.recommendation.style})",
                       "recommendation"):
        return tally.result(verified_share=None)
    assert recommended is not None
    cost = recommended.monthly_cost
    tally.check(bool(cost.line_items), "costing", f"the {recommended.name} bill has no lines", recommended.style)
    inputs = {key for item in cost.line_items for key in item.inputs}
    for driver in draft.advice.analysis.workload.drivers:
        accepted = DRIVER_INPUTS.get(driver.kind, frozenset({"requests"}))
        tally.check(bool(accepted & inputs), "costing",
                    f"the {driver.kind.replace('_', ' ')} driver is not priced by any line", driver.kind)
    if cost.line_items:
        top = max(cost.line_items, key=lambda i: i.expected)
        tally.check(bool(cost.dominant_driver) and cost.dominant_driver.startswith(top.name), "costing",
                    "the bill does not name its dominant driver", "dominant_driver")
    design = draft.advice.designs.get(recommended.style)
    if design is not None:
        unpriced = {c.id for c in unpriced_components(design, cost.line_items)}
        for component in design.components:
            if component.layer != "clients" and component.kind not in ("module", "function", "service"):
                tally.check(component.id not in unpriced, "costing",
                            f"{component.name} ({component.service}) is not priced", component.id)
    total = sum(i.expected for i in cost.line_items)
    verified = sum(i.expected for i in cost.line_items if i.verified)
    return tally.result(verified_share=round(verified / total, 4) if total else None)


def consistency(draft: Draft) -> Checks:
    """Region versus residency, team versus the stated team, compliance versus the design."""
    catalog = load_catalog()
    analysis, tally = draft.advice.analysis, _Tally()
    residency = analysis.workload.location.residency
    for design in draft.advice.designs.values():
        if residency is not None:
            regions = catalog.clouds[design.cloud].regions
            allowed = {region for code, region in regions.items() if code == residency.code
                       or broader(code) == residency.code}
            wider = broader(residency.code)
            if not allowed and wider in regions and "has no region in" in design.summary:
                allowed = {regions[wider]}  # no region in the country, and the design says so
            tally.check(design.region in allowed, "designer",
                        f"the {design.style} design runs in {design.region or 'no named region'}, outside the stated "
                        f"residency ({residency.code})", "region")
        for regime in analysis.compliance:
            tally.check(_served(design, regime.id), "designer",
                        f"the {design.style} design has nothing that implements {catalog.compliance[regime.id].name}",
                        regime.id)
    comparison = draft.advice.comparison
    for key, design in draft.advice.designs.items():
        tally.check(key == design.style, "designer", f"the design given as {key} is a {design.style} design", key)
    designed, priced = set(draft.advice.designs), {o.style for o in comparison.options}
    tally.check(designed == priced, "costing", f"the designs ({', '.join(sorted(designed))}) and the priced options "
                f"({', '.join(sorted(priced))}) are not the same styles", "options")
    tally.check(draft.advice.summary.recommended_style == comparison.recommendation.style, "writer",
                f"the summary recommends {draft.advice.summary.recommended_style}, the comparison "
                f"{comparison.recommendation.style}", "summary")
    if analysis.team is not None:
        for option in draft.advice.comparison.options:
            tally.check(option.team_size == analysis.team.count, "costing",
                        f"{option.name} staffs {option.team_size} engineers; the requirement states "
                        f"{analysis.team.count}", "team")
    return tally.result()


SCORERS: tuple[Scorer, ...] = (
    Scorer("completeness", "Every feature, regime, driver and stated target is served and addressed.", completeness),
    Scorer("diagram_quality", "Every diagram parses, is complete and connected, and shows its packaging.",
           diagram_quality),
    Scorer("tradeoff_analysis", "Options priced and scored with reasons; the recommendation agrees with them.",
           tradeoff_analysis),
    Scorer("domain_relevance", "The domain's core capabilities are in every design.", domain_relevance),
    Scorer("cost_sanity", "Every driver priced, the dominant driver named, no component unpriced.", cost_sanity,
           threshold=0.8),
    Scorer("consistency", "Region, team and compliance agree with what the requirement states.", consistency),
)


def score_draft(draft: Draft, scorers: tuple[Scorer, ...] = SCORERS) -> list[ScoreResult]:
    """Run every scorer on the draft."""
    return [scorer.run(draft) for scorer in scorers]
