"""generate_summary: an executive summary in Markdown, and the Markdown building blocks the full
report (tools/report.py) shares with it."""

from __future__ import annotations

from collections.abc import Mapping

from archwright.resources import Style, load_catalog
from archwright.tools.models import Analysis, Architecture, Comparison, MonthlyCost, Option, Summary
from archwright.tools.review import review_sections, whole_product_buy


def money(value: float) -> str:
    return f"${value:,.0f}" if value >= 100 else f"${value:,.2f}"


def mermaid_block(design: Architecture) -> str:
    return f"```mermaid\n{design.mermaid}```"


def cost_table(comparison: Comparison) -> str:
    rows = ["| Option | Low | Expected | High | Team | Weeks to MVP | Weighted score |", "|---|---:|---:|---:|---:|---:|---:|"]
    for option in comparison.options:
        cost = option.monthly_cost
        pick = " (recommended)" if option.style == comparison.recommendation.style else ""
        rows.append(
            f"| {option.name}{pick} | {money(cost.low)} | {money(cost.expected)} | {money(cost.high)} | "
            f"{option.team_size} | {option.time_to_mvp_weeks} | {option.weighted_score:.1f} |"
        )
    recommended = next(o for o in comparison.options if o.style == comparison.recommendation.style)
    if recommended.monthly_cost.dominant_driver:
        rows.append(f"\nWhat moves the recommended bill most: {recommended.monthly_cost.dominant_driver}")
    return "\n".join(rows)


def line_item_table(cost: MonthlyCost) -> str:
    rows = ["| Item | Expected | Formula | Unit | Price source (read) |", "|---|---:|---|---|---|"]
    for item in cost.line_items:
        flag = "" if item.verified else " - assumption, unverified"
        rows.append(
            f"| {item.name} | {money(item.expected)} | {_cell(item.formula)} | {_cell(item.unit)} | "
            f"{_cell(item.source)} ({item.retrieved}{flag}) |"
        )
    return "\n".join(rows)


def scores_table(comparison: Comparison) -> str:
    dimensions = list(comparison.options[0].scores)
    header = "| Dimension (higher is better) | " + " | ".join(o.name for o in comparison.options) + " |"
    rows = [header, "|---|" + "---:|" * len(comparison.options)]
    for dimension in dimensions:
        cells = " | ".join(str(o.scores[dimension].score) for o in comparison.options)
        rows.append(f"| {dimension.replace('_', ' ')} | {cells} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def risks(analysis: Analysis, comparison: Comparison) -> list[str]:
    """Risks worth a line in front of a decision-maker, most consequential first."""
    found: list[str] = []
    best = _option(comparison, comparison.recommendation.style)
    features = {f.id for f in analysis.features}
    for regime in analysis.compliance:
        spec = load_catalog().compliance[regime.id]
        how = "implied by the context" if regime.implied else "stated"
        found.append(f"{spec.name} ({how}): {spec.description} Budget for controls and an audit before launch.")
    if analysis.users is None:
        found.append("No user count was stated, so every cost and size rests on an assumed volume; confirm it first.")
    unverified = [i.name for i in best.monthly_cost.line_items if not i.verified]
    if unverified:
        found.append(
            f"{len(unverified)} of {len(best.monthly_cost.line_items)} cost lines use unverified unit prices "
            "(marked in the report); check them against the providers' pricing pages before budgeting."
        )
    budget = analysis.workload.budget_usd_per_month
    if budget is not None and best.monthly_cost.expected > budget.value:
        found.insert(0, f"Over budget: the recommended option is about ${best.monthly_cost.expected:,.0f} a month against "
                        f"the stated ${budget.value:,.0f}; cut scope, use free tiers or buy a hosted product.")
    if best.monthly_cost.region_warning:
        found.append(best.monthly_cost.region_warning)
    if features & {"real_time_tracking", "chat_messaging"}:
        found.append("Live updates hold many open connections; load-test the realtime gateway at the peak estimate.")
    if "payments" in features:
        found.append("Payments: keep card data with the provider (hosted fields/checkout) to stay out of PCI DSS scope.")
    if best.scores["portability"].score <= 4:
        found.append(f"Lock-in: {best.scores['portability'].reason}")
    if analysis.scale.tier in ("large", "massive") and analysis.requests_per_second is None:
        found.append("The peak load is estimated, not stated; a wrong peak factor changes sizing and cost most.")
    return found


def next_steps(analysis: Analysis, comparison: Comparison) -> list[str]:
    best = _option(comparison, comparison.recommendation.style)
    steps = [f"Answer: {question}" for question in analysis.questions[:3]]
    steps.append(
        f"Build a walking skeleton of the {best.name.lower()} (sign-in, one core flow, deploy pipeline, monitoring) "
        "in the first two weeks."
    )
    steps.append(f"Load-test the skeleton at the high estimate (~{analysis.scale.peak_rps * 2:,.0f} requests/s).")
    steps.append("Replace unverified unit prices with quotes or pricing-page figures, then re-run the comparison.")
    return steps


def _option(comparison: Comparison, style: str) -> Option:
    return next(o for o in comparison.options if o.style == style)


def _buy_first(analysis: Analysis) -> list[str]:
    """Where a product people buy does the whole job at this size, that is the answer; the design is the fallback."""
    option = whole_product_buy(analysis)
    if option is None:
        return []
    return [f"**Buy, don't build: {option.products}** (about ${option.monthly[0]:,.0f}-${option.monthly[1]:,.0f} a "
            f"month, list prices to confirm). {option.trade_off} Build only if none fits; what building would take:"]


def _assumed_size(analysis: Analysis) -> str:
    """Said next to the headline figure when no volume in the text sized it: the figure is a default's."""
    if not any(note.startswith("No user count stated") for note in analysis.scale.assumptions):
        return ""
    return (f" **These figures are for an assumed {analysis.scale.daily_active_users:,} daily users: the requirement "
            "states no user count or volume, so give one and the sizing, cost and team follow it.**")


def generate_summary(
    analysis: Analysis, comparison: Comparison, designs: Mapping[Style, Architecture]
) -> Summary:
    """Executive summary: the need, the pick, both diagrams, the cost table, the review (targets,
    recovery, delivery, security, data ownership, roadmap), risks, next steps."""
    recommendation = comparison.recommendation
    best = _option(comparison, recommendation.style)
    others = sorted((o for o in comparison.options if o.style != best.style), key=lambda o: -o.weighted_score)
    catalog = load_catalog()
    domain = catalog.domains[analysis.primary_domain]
    feature_names = ", ".join(f.name.lower() for f in analysis.features) or "no specific features recognised"
    scale = analysis.scale
    parts = [
        "# Architecture summary",
        "## The need",
        f"> {analysis.requirement}",
        f"A **{domain.name.lower()}** app needing {feature_names}. Planned for the **{scale.tier}** tier: "
        f"~{scale.daily_active_users:,} daily users, ~{scale.peak_rps:,.0f} requests/s at peak, "
        f"~{scale.monthly_requests:,} requests a month."
        + (f" Compliance: {', '.join(c.name for c in analysis.compliance)}." if analysis.compliance else ""),
        "## Recommendation",
        *_buy_first(analysis),
        f"**{best.name} on {catalog.clouds[comparison.cloud].name}**: about {money(best.monthly_cost.expected)} a month "
        f"(range {money(best.monthly_cost.low)}-{money(best.monthly_cost.high)}), a team of {best.team_size}, "
        f"an MVP in about {best.time_to_mvp_weeks} weeks." + _assumed_size(analysis),
        "\n".join(f"- {line}" for line in recommendation.rationale),
        f"### {designs[best.style].title} (recommended)",
        mermaid_block(designs[best.style]),
    ]
    if others:
        runner = others[0]
        parts += [f"### {designs[runner.style].title} (runner-up)", mermaid_block(designs[runner.style])]
    parts += ["## Monthly cost (USD)", cost_table(comparison)]
    if comparison.break_even:
        parts.append(comparison.break_even)
    parts += review_sections(analysis, best, designs[best.style])
    parts += [
        "## Risks",
        "\n".join(f"- {risk}" for risk in risks(analysis, comparison)) or "- None beyond the usual delivery risk.",
        "## Next steps",
        "\n".join(f"{i}. {step}" for i, step in enumerate(next_steps(analysis, comparison), 1)),
    ]
    return Summary(markdown="\n\n".join(parts) + "\n", recommended_style=best.style)
