"""The full architecture report: analysis, every design, the comparison and the summary, as one
Markdown document. Rendering only: the report workflow produces the parts, this lays them out."""

from __future__ import annotations

from dataclasses import dataclass

from archwright.resources import Style
from archwright.tools.models import Analysis, Architecture, Comparison, Summary
from archwright.tools.summary import line_item_table, mermaid_block, money, scores_table
from archwright.tools.workload_models import Evidence


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


def _source(evidence: Evidence | None, provenance: str, formula: str | None) -> str:
    """Where a value came from, for a table cell: the quoted words, the formula, or who gave it."""
    if formula:
        return formula
    if evidence is not None:
        return f'"{evidence.text}"'
    return f"({provenance} by the caller)" if provenance == "given" else f"({provenance})"


def workload_lines(analysis: Analysis) -> list[str]:
    """The workload in lines a reader scans: what drives load, surges, targets, place, team, platforms, corrections."""
    workload = analysis.workload
    lines = [workload.load_driver]
    lines += [f"Surge: {b.count:,} in {b.minutes:g} min ({b.formula})" for b in workload.bursts]
    targets = workload.targets
    if targets.latency_ms:
        lines.append(f"Latency target: {targets.latency_ms.value:g} {targets.latency_ms.unit}")
    if targets.availability_percent:
        lines.append(f"Availability target: {targets.availability_percent.value:g}%")
    if workload.data.retention_days:
        lines.append(f"Keep data: {workload.data.retention_days.value:g} days")
    location = workload.location
    if location.residency is not None:
        lines.append(f"Data must stay in: {location.residency.code}")
    lines.append(f"Region: {location.region} ({location.region_provenance})")
    if workload.team is not None:
        lines.append(f"Team: {workload.team.value:g} engineers ({workload.team.provenance})")
    if workload.integrations:
        lines.append("Existing platforms: " + ", ".join(i.name for i in workload.integrations))
    if workload.given:
        lines.append("Given by the caller: " + ", ".join(workload.given))
    lines += [f"Conflict on {c.field}: the text says {c.stated}, the caller gave {c.given} (used)"
              for c in workload.conflicts]
    return lines


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
        users = analysis.users
        lines.append(f"| Users: {users.count:,} ({users.period}) | {_source(users.evidence, users.provenance, users.formula)} |")
    if analysis.requests_per_second is not None and analysis.requests_per_second_evidence:
        lines.append(
            f"| Load: {analysis.requests_per_second:,g} requests/s | \"{analysis.requests_per_second_evidence.text}\" |"
        )
    if analysis.team:
        lines.append(f"| Team: {analysis.team.count} engineers | {_source(analysis.team.evidence, 'given', None)} |")
    scale = analysis.scale
    parts = [
        "\n".join(lines),
        "**Workload:**\n" + "\n".join(f"- {line}" for line in workload_lines(analysis)),
        f"**Scale:** {scale.tier} tier, ~{scale.daily_active_users:,} daily users, ~{scale.peak_rps:,.0f} requests/s "
        f"at peak, ~{scale.monthly_requests:,} requests a month, ~{scale.registered_users:,} registered users.",
        "**Assumptions:**\n" + "\n".join(f"- {a}" for a in scale.assumptions),
    ]
    if analysis.questions:
        parts.append("**Questions to ask:**\n" + "\n".join(f"- {q}" for q in analysis.questions))
    return "\n\n".join(parts)
