"""compare_architectures: styles side by side, priced, staffed, scored with reasons, and a pick.

Every dimension is "higher is better". Style traits start from resources/data/styles.toml and
are adjusted for the analysed scale, features and compliance; the weights that turn scores into
a recommendation also follow the analysis (a small internal tool weighs simplicity and cost; a
massive consumer app weighs scalability), and are returned so the pick can be argued with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from archwright.resources import Catalog, Style, load_catalog
from archwright.resources.models import ModuleBlueprint, StyleSpec
from archwright.tools._costs import FUNCTION_SECONDS, RPS_PER_DB_VCPU, monthly_cost
from archwright.tools._scale import steady_tier
from archwright.tools.design import Audience, audience, core_capabilities, design_architecture
from archwright.tools.models import (
    Analysis,
    Architecture,
    Cloud,
    Comparison,
    Dimension,
    Option,
    Recommendation,
    Score,
)

EFFICIENCY = 0.7
LARGE_TEAM = 15
HARDENING_WEEKS = 2
COORDINATION_COST = 0.03
MIN_WEEKS = 2
MAX_TEAM = 200
SCHEDULE_COEFFICIENT = 4.0  # weeks = 4 x person-weeks^0.38: 16 weeks for 36 person-weeks, a year for ~1,000
SCHEDULE_EXPONENT = 0.38
SCHEDULE_COMPRESSION = 0.75
FUNCTION_CONCURRENCY = 1_000  # the default concurrent executions per account and region
DB_PRIMARY_VCPUS = 64  # about the largest general-purpose primary worth running before sharding
TEAM_FLOOR = {"starter": 1, "small": 2, "medium": 3, "large": 8, "massive": 15}
SCALE_EFFORT = {"starter": 0.4, "small": 0.7, "medium": 1.0, "large": 1.4, "massive": 2.0}
DELIVERY_FACTOR: dict[Audience, float] = {"public": 3.0, "staff": 2.0, "headless": 1.0}
_AUDIENCE_NAMES: dict[Audience, str] = {"public": "customers", "staff": "staff", "headless": "other systems"}
_LONG_LIVED = {"real_time_tracking", "chat_messaging", "video_streaming"}
_DIMENSION_NAMES: dict[Dimension, str] = {
    "scalability": "scalability",
    "cost_efficiency": "cost efficiency",
    "time_to_market": "time to market",
    "operational_simplicity": "operational simplicity",
    "portability": "portability",
    "compliance_readiness": "compliance readiness",
}


def compare_architectures(
    analysis: Analysis,
    styles: Sequence[Style] = ("serverless", "microservices", "monolith"),
    cloud: Cloud = "aws",
    designs: dict[Style, Architecture] | None = None,
) -> Comparison:
    """Price, staff and score each style for `analysis` on `cloud`, and recommend one."""
    catalog = load_catalog()
    unique_styles = list(dict.fromkeys(styles))
    designs = designs or {}
    built = {s: designs.get(s) or design_architecture(analysis, s, cloud) for s in unique_styles}
    costs = {s: monthly_cost(built[s], analysis, catalog) for s in unique_styles}
    efforts = {s: _effort(catalog.styles[s], built[s], analysis, catalog) for s in unique_styles}
    cheapest = min(c.expected for c in costs.values())
    fastest = min(weeks for _, weeks, _ in efforts.values())
    least_effort = min(team * weeks for team, weeks, _ in efforts.values())
    weights = _weights(analysis)
    options: list[Option] = []
    for style in unique_styles:
        team, weeks, effort_reason = efforts[style]
        scores = _scores(catalog.styles[style], analysis, costs[style].expected, cheapest, weeks, fastest, team,
                         least_effort)
        weighted = sum(weights[d] * scores[d].score for d in scores) / sum(weights.values())
        options.append(Option(
            style=style,
            name=catalog.styles[style].name,
            monthly_cost=costs[style],
            team_size=team,
            time_to_mvp_weeks=weeks,
            effort_reason=effort_reason,
            scores=scores,
            weighted_score=round(weighted, 2),
        ))
    ranked = sorted(options, key=lambda o: (-o.weighted_score, o.monthly_cost.expected))
    budget = analysis.workload.budget_usd_per_month
    if budget is not None and ranked[0].monthly_cost.expected > budget.value:
        # A stated budget is a constraint, not a weight: an option inside it goes first.
        inside = [o for o in ranked if o.monthly_cost.expected <= budget.value]
        if inside:
            ranked = [inside[0], *(o for o in ranked if o is not inside[0])]
    return Comparison(
        cloud=cloud,
        options=options,
        recommendation=Recommendation(
            style=ranked[0].style, rationale=_rationale(ranked, analysis, weights), weights=weights
        ),
        break_even=_break_even(options, analysis),
    )


def _effort(style: StyleSpec, design: Architecture, analysis: Analysis, catalog: Catalog) -> tuple[int, int, str]:
    """Team size and weeks to MVP from the modules the design has to build, for whom, and under which regimes."""
    feature_weeks = sum(catalog.features[f.id].effort_weeks for f in analysis.features)
    feature_weeks += sum(catalog.capability_blueprints[c].effort_weeks for c in core_capabilities(analysis, catalog))
    compliance_weeks = sum(catalog.compliance[c.id].effort_weeks for c in analysis.compliance)
    solo = analysis.team is not None and analysis.team.count == 1
    # A first release for a few friends is a thin slice; at scale the same features take longer:
    # performance work, resilience, load tests, runbooks.
    tier = "starter" if solo else steady_tier(analysis.scale)
    served = audience(analysis)
    # Shipping to customers is more than the modules: client apps, design, QA, release and support
    # tooling. A side project, a staff tool or a pipeline carries less of it.
    grown = (SCALE_EFFORT[tier] - SCALE_EFFORT["starter"]) / (SCALE_EFFORT["medium"] - SCALE_EFFORT["starter"])
    delivery = 1 + (DELIVERY_FACTOR[served] - 1) * min(1.0, grown)
    feature_weeks *= SCALE_EFFORT[tier]
    platform_weeks = style.platform_weeks * min(1.0, SCALE_EFFORT[tier])  # templates suffice when small
    person_weeks = (platform_weeks + feature_weeks * style.effort_factor) * delivery + compliance_weeks
    modules = sum(1 for c in design.components if c.layer == "application")
    # Calendar time grows slower than effort (COCOMO II's schedule equation): a bigger scope gets more
    # people and more months, not all of one. The team is the fewest people who fit that schedule,
    # never fewer than the scale needs to run it (on-call, reviews) nor than the style's platform needs.
    schedule = SCHEDULE_COEFFICIENT * person_weeks ** SCHEDULE_EXPONENT
    floor = max(TEAM_FLOOR[tier], style.base_team if style.base_team > 2 else 1)
    floor += min(3, len(analysis.compliance))  # each regime brings controls, evidence and someone who owns them
    from_work = next((n for n in range(1, MAX_TEAM + 1) if person_weeks / _capacity(n) <= schedule), MAX_TEAM)
    needed = max(floor, from_work)
    if analysis.team is not None:  # a stated team is the team, more or fewer than the scope would ask
        team = analysis.team.count
        staffing = f"team = the {team} engineers stated" + (f" (the scope alone would ask for {needed})"
                                                              if needed != team else "")
    else:
        team = needed
        staffing = (f"team = the fewest engineers who build it in about {schedule:.0f} weeks "
                    f"({SCHEDULE_COEFFICIENT:g} x person-weeks^{SCHEDULE_EXPONENT:g}) = {from_work}, "
                    f"at least {floor} for the {tier} tier, its regimes and the style")
    longest = max((catalog.features[f.id].effort_weeks for f in analysis.features), default=0.0)
    build_weeks = max(person_weeks / _capacity(team), longest * style.effort_factor / 2)
    calendar = max(((catalog.compliance[c.id].calendar_weeks, catalog.compliance[c.id].name) for c in analysis.compliance),
                   default=(0.0, ""))
    # However large the team, the modules have to be integrated and tested together.
    integration_floor = MIN_WEEKS + math.ceil(modules / 4)
    hardening = 1 if tier in ("starter", "small") else HARDENING_WEEKS
    # Nor does any team compress the nominal schedule much: past about three quarters of it, people
    # added wait on each other (COCOMO II's schedule-compression limit).
    shortest = math.ceil(SCHEDULE_COMPRESSION * schedule)
    weeks = max(integration_floor, math.ceil(build_weeks) + hardening, math.ceil(calendar[0]), shortest)
    reason = (
        f"{person_weeks:.0f} person-weeks (({platform_weeks:g} platform + {feature_weeks:g} feature x "
        f"{style.effort_factor:g} for {style.name.lower()}) x {delivery:g} to deliver to {_AUDIENCE_NAMES[served]} + "
        f"{compliance_weeks:g} compliance) / ({team} engineers x {EFFICIENCY} focus, less {COORDINATION_COST:.0%} "
        f"coordination per extra engineer) + {hardening} week{'s' if hardening > 1 else ''} hardening; {staffing}"
    )
    if weeks == integration_floor and integration_floor > math.ceil(build_weeks) + hardening:
        reason += f"; {modules} modules take at least {integration_floor} weeks to integrate, whatever the team"
    if weeks == shortest and shortest > max(integration_floor, math.ceil(build_weeks) + hardening, math.ceil(calendar[0])):
        reason += (f"; no team builds this scope in less than {SCHEDULE_COMPRESSION:.0%} of its nominal {schedule:.0f} "
                   "weeks: people added past that wait on each other")
    if calendar[0] and weeks == math.ceil(calendar[0]):
        reason += f"; {calendar[1]} sets the floor: about {calendar[0]:g} weeks to a compliant launch whatever the team"
    return team, weeks, reason


def _capacity(team: int) -> float:
    """Person-weeks a team delivers a week: more people are not proportionally faster, each extra
    engineer costs everyone a little in coordination."""
    return team * EFFICIENCY * max(0.6, 1 - COORDINATION_COST * (team - 1))


def _clamp(value: float) -> int:
    return max(1, min(10, round(value)))


def _scores(
    style: StyleSpec, analysis: Analysis, cost: float, cheapest: float, weeks: int, fastest: int, team: int,
    least_effort: int,
) -> dict[Dimension, Score]:
    tier = analysis.scale.tier
    features = {f.id for f in analysis.features}
    scores: dict[Dimension, Score] = {}

    scalability, reason = style.scalability.score, style.scalability.reason
    if style.id == "monolith" and tier in ("large", "massive"):
        scalability -= 1 if tier == "large" else 3
        reason += f" At the {tier} tier (~{analysis.scale.peak_rps:,.0f} requests/s) that ceiling gets close."
    elif style.id == "monolith" and tier in ("starter", "small"):
        scalability += 2
        reason += f" At the {tier} tier two instances have ample headroom."
    if style.id == "serverless" and tier == "massive":
        scalability -= 1
        reason += " At this volume function concurrency quotas and cold starts on spikes need raising and tuning."
    if style.id == "serverless" and features & _LONG_LIVED:
        scalability -= 1
        reason += " Long-lived connections (live updates, chat, video) sit outside the functions."
    bottleneck, strain = _bottleneck(style, analysis)
    scalability -= strain
    reason += f" {bottleneck}"
    scores["scalability"] = Score(score=_clamp(scalability), reason=reason)

    ratio = cheapest / cost if cost else 1.0
    scores["cost_efficiency"] = Score(
        score=_clamp(10 * ratio**0.5),
        reason=f"~${cost:,.0f}/month expected" + ("; the cheapest option." if cost <= cheapest
                                                  else f" against ~${cheapest:,.0f} for the cheapest option."),
    )
    # Calendar time counts most, but being faster only by hiring more people is not free: the
    # engineer-weeks spent count too.
    effort = team * weeks
    scores["time_to_market"] = Score(
        score=_clamp(10 * (fastest / weeks) ** 0.7 * (least_effort / effort) ** 0.3),
        reason=f"About {weeks} weeks to an MVP with {team} engineers ({effort} engineer-weeks)"
               + ("; the fastest option" if weeks <= fastest else f", against {fastest} weeks for the fastest")
               + ("" if effort <= least_effort else f"; the least effort is {least_effort} engineer-weeks") + ".",
    )

    simplicity, reason = style.operational_simplicity.score, style.operational_simplicity.reason
    if style.id == "microservices" and team <= 6:
        simplicity -= 1
        reason += f" A team of {team} would spend a large share of its time on the platform."
    elif style.id == "microservices" and team >= LARGE_TEAM:
        simplicity += 3
        reason += f" A team of {team} can staff a platform team and lets teams ship services independently."
    elif style.id == "monolith" and team >= LARGE_TEAM:
        simplicity -= 2
        reason += f" {team} engineers in one deployable queue behind each other's releases."
    if style.id == "serverless" and len(features) > 10:
        simplicity -= 1
        reason += f" {len(features)} features mean many functions and triggers to trace."
    relational = [catalog_blueprint.module for catalog_blueprint in _relational_core(analysis)]
    if style.id == "serverless" and relational:
        simplicity -= 2
        reason += (f" {', '.join(relational)} need multi-row transactions, joins and ad-hoc reporting: on a key-value "
                   "table those are capped and hand-built, so plan a serverless relational database instead.")
    scores["operational_simplicity"] = Score(score=_clamp(simplicity), reason=reason)
    scores["portability"] = Score(score=style.portability.score, reason=style.portability.reason)

    if analysis.compliance:
        names = ", ".join(c.name for c in analysis.compliance)
        scores["compliance_readiness"] = Score(
            score=style.compliance_readiness.score, reason=f"{names}: {style.compliance_readiness.reason}"
        )
    else:
        scores["compliance_readiness"] = Score(
            score=8, reason="No compliance regime stated; baseline controls fit any of the three styles."
        )
    return scores


def _relational_core(analysis: Analysis) -> list[ModuleBlueprint]:
    """The core capabilities whose data wants a relational database (ledgers, policies, claims)."""
    catalog = load_catalog()
    wanted = list(core_capabilities(analysis, catalog))
    # A requested feature that does a relational capability's job ("a ledger") counts as that capability.
    features = {f.id for f in analysis.features}
    wanted += [c for c, blueprint in catalog.capability_blueprints.items() if features & set(blueprint.covered_by)]
    return [catalog.capability_blueprints[c] for c in dict.fromkeys(wanted) if catalog.capability_blueprints[c].relational]


def _bottleneck(style: StyleSpec, analysis: Analysis) -> tuple[str, int]:
    """What saturates first at ten times the expected peak, and how much that costs the score."""
    peak = analysis.scale.peak_rps * 10
    if style.id == "serverless":
        concurrent = peak * FUNCTION_SECONDS
        over = concurrent > FUNCTION_CONCURRENCY
        return (f"At 10x the peak: ~{concurrent:,.0f} concurrent executions"
                + (f", over the {FUNCTION_CONCURRENCY:,} default quota (raise it)." if over else ", within quota."),
                1 if concurrent > FUNCTION_CONCURRENCY * 10 else 0)
    vcpus = math.ceil(peak / RPS_PER_DB_VCPU)
    if vcpus > DB_PRIMARY_VCPUS:
        return (f"At 10x the peak: ~{vcpus:,} database vCPUs, beyond one primary; replicas, then sharding.",
                0 if style.id == "microservices" else 1)
    return f"At 10x the peak: one database primary (~{max(2, vcpus)} vCPUs) still carries it.", 0


def _weights(analysis: Analysis) -> dict[Dimension, float]:
    weights: dict[Dimension, float] = {
        "scalability": 1.0, "cost_efficiency": 1.0, "time_to_market": 1.0,
        "operational_simplicity": 1.0, "portability": 0.5, "compliance_readiness": 0.5,
    }
    tier = analysis.scale.tier
    if tier in ("starter", "small"):
        weights["operational_simplicity"] += 1.0
        weights["cost_efficiency"] += 0.5
        weights["time_to_market"] += 0.5
        weights["scalability"] -= 0.5
    elif tier == "large":
        weights["scalability"] += 1.0
    elif tier == "massive":
        weights["scalability"] += 2.0
        weights["operational_simplicity"] -= 0.5
    if analysis.compliance:
        weights["compliance_readiness"] += 1.0
    if analysis.team is not None and analysis.team.count <= 3:
        weights["operational_simplicity"] += 1.0
    return weights


def _rationale(ranked: list[Option], analysis: Analysis, weights: dict[Dimension, float]) -> list[str]:
    best = ranked[0]
    lines = [
        f"{best.name} scores {best.weighted_score:.1f}/10 on the weighted dimensions"
        + "".join(f", {o.name.lower()} {o.weighted_score:.1f}" for o in ranked[1:]) + "."
    ]
    budget = analysis.workload.budget_usd_per_month
    if budget is not None:
        within = best.monthly_cost.expected <= budget.value
        lines.append(f"The stated budget is ${budget.value:,.0f} a month: {best.name.lower()} at "
                     f"~${best.monthly_cost.expected:,.0f} is " + ("within it." if within else
                     "above it, and so is every other option; see the risks."))
    heaviest = sorted(weights, key=lambda d: -weights[d])[:2]
    lines.append(
        f"At the {analysis.scale.tier} tier (~{analysis.scale.daily_active_users:,} daily users, "
        f"~{analysis.scale.peak_rps:,.0f} requests/s at peak) the weights favour "
        f"{_DIMENSION_NAMES[heaviest[0]]} and {_DIMENSION_NAMES[heaviest[1]]}."
    )
    if len(ranked) > 1:
        runner = ranked[1]
        gains = sorted(best.scores, key=lambda d: -(best.scores[d].score - runner.scores[d].score) * weights[d])
        for dimension in gains[:2]:
            if best.scores[dimension].score > runner.scores[dimension].score:
                lines.append(
                    f"{_DIMENSION_NAMES[dimension].capitalize()}: {best.scores[dimension].score} vs "
                    f"{runner.scores[dimension].score} for {runner.name.lower()}. {best.scores[dimension].reason}"
                )
        losses = [d for d in best.scores if runner.scores[d].score > best.scores[d].score]
        if losses:
            worst = max(losses, key=lambda d: (runner.scores[d].score - best.scores[d].score) * weights[d])
            lines.append(
                f"Trade-off: {runner.name.lower()} does better on {_DIMENSION_NAMES[worst]} "
                f"({runner.scores[worst].score} vs {best.scores[worst].score}). {runner.scores[worst].reason}"
            )
    if analysis.compliance:
        lines.append("Compliance in scope: " + ", ".join(c.name for c in analysis.compliance) + ".")
    return lines


def _break_even(options: list[Option], analysis: Analysis) -> str | None:
    """Compare serverless with the cheapest container option and say which wins at this scale."""
    by_style = {o.style: o for o in options}
    serverless = by_style.get("serverless")
    containers = [o for o in options if o.style != "serverless"]
    if serverless is None or not containers:
        return None
    other = min(containers, key=lambda o: o.monthly_cost.expected)
    low, high = serverless.monthly_cost, other.monthly_cost
    cheaper_now = "serverless" if low.expected < high.expected else other.name.lower()
    if (low.low < high.low) != (low.high < high.high):
        return (
            f"Serverless and {other.name.lower()} cost the same within the estimate's range "
            f"(half to twice ~{analysis.scale.daily_active_users:,} daily users): {cheaper_now} is cheaper at the "
            "expected volume, and the order flips inside the range."
        )
    return (
        f"{cheaper_now.capitalize()} stays cheaper from half to twice the expected volume "
        f"(${low.low:,.0f}-${low.high:,.0f} serverless vs ${high.low:,.0f}-${high.high:,.0f} {other.name.lower()})."
    )
