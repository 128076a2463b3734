"""The full architecture report: analysis, every design, the comparison and the summary, as one
Markdown document. Rendering only: the report workflow produces the parts, this lays them out."""

from __future__ import annotations

from dataclasses import dataclass

from archwright.resources import Style
from archwright.tools.models import Analysis, Architecture, Comparison, Summary
from archwright.tools.summary import line_item_table, mermaid_block, money, scores_table


@dataclass(frozen=True)
class Advice:
    """Everything the advisor produced for one requirement."""

    analysis: Analysis
    designs: dict[Style, Architecture]
    comparison: Comparison
    summary: Summary


def render_report(advice: Advice) -> str:
    """One Markdown document: summary first, then the evidence behind it."""
    analysis = advice.analysis
    sections = [
        advice.summary.markdown.replace("# Architecture summary", "# Architecture report", 1),
        "# Appendix A: analysis",
        _analysis_section(analysis),
        "# Appendix B: candidate designs",
    ]
    for design in advice.designs.values():
        sections += [
            f"## {design.title}",
            design.summary,
            "| Component | Service | Serves | Purpose |\n|---|---|---|---|\n" + "\n".join(
                f"| {c.name} | {c.service} | {', '.join(c.features) or '-'} | {c.purpose} |" for c in design.components
            ),
            mermaid_block(design),
        ]
    sections += ["# Appendix C: comparison", scores_table(advice.comparison)]
    for option in advice.comparison.options:
        sections += [
            f"## {option.name}: {money(option.monthly_cost.expected)} a month expected",
            f"Effort: {option.effort_reason}.",
            "\n".join(f"- **{d.replace('_', ' ')} {s.score}/10**: {s.reason}" for d, s in option.scores.items()),
            line_item_table(option.monthly_cost),
            "Not included: " + " ".join(option.monthly_cost.not_included),
        ]
    return "\n\n".join(sections) + "\n"


def _analysis_section(analysis: Analysis) -> str:
    def quotes(evidence: list) -> str:
        return "; ".join(f'"{e.text}"' for e in evidence) or "(no direct words)"

    lines = ["| Finding | Evidence |", "|---|---|"]
    for domain in analysis.domains:
        lines.append(f"| Domain: {domain.name} ({domain.confidence:.0%}) | {quotes(domain.evidence)} |")
    for feature in analysis.features:
        implied = f" (with {feature.implied_by})" if feature.implied_by else ""
        lines.append(f"| Feature: {feature.name}{implied} | {quotes(feature.evidence)} |")
    for feature in analysis.ruled_out:
        lines.append(f"| Not needed: {feature.name} | {quotes(feature.evidence)} |")
    for regime in analysis.compliance:
        lines.append(f"| Compliance: {regime.name}{' (implied)' if regime.implied else ''} | {quotes(regime.evidence)} |")
    if analysis.users:
        lines.append(f"| Users: {analysis.users.count:,} ({analysis.users.period}) | \"{analysis.users.evidence.text}\" |")
    if analysis.requests_per_second is not None and analysis.requests_per_second_evidence:
        lines.append(
            f"| Load: {analysis.requests_per_second:,g} requests/s | \"{analysis.requests_per_second_evidence.text}\" |"
        )
    if analysis.team:
        lines.append(f"| Team: {analysis.team.count} engineers | \"{analysis.team.evidence.text}\" |")
    scale = analysis.scale
    parts = [
        "\n".join(lines),
        f"**Scale:** {scale.tier} tier, ~{scale.daily_active_users:,} daily users, ~{scale.peak_rps:,.0f} requests/s "
        f"at peak, ~{scale.monthly_requests:,} requests a month, ~{scale.registered_users:,} registered users.",
        "**Assumptions:**\n" + "\n".join(f"- {a}" for a in scale.assumptions),
    ]
    if analysis.questions:
        parts.append("**Questions to ask:**\n" + "\n".join(f"- {q}" for q in analysis.questions))
    return "\n\n".join(parts)
