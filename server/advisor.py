"""The advisor's steps as traced operations: one child span per step, with useful attributes.

`tools/` stays free of telemetry; this module calls it inside spans named after the step
(`analyze`, `design {style}`, `compare`, `summarize`). The MCP tools and the report workflow's
steps both call it, so a step's span carries the same attributes whichever way it was reached.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace
from opentelemetry.trace import Span, StatusCode

from archwright.resources import Style
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.models import Analysis, Architecture, Cloud, Comparison, Summary
from archwright.tools.summary import generate_summary
from archwright.tools.workload_models import WorkloadInput


class TracedAdvisor:
    """Runs advisor steps inside spans of `tracer`."""

    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    @contextmanager
    def tool_span(self, name: str) -> Iterator[Span]:
        """The span of one tool call, following the GenAI conventions for tool execution."""
        with self._tracer.start_as_current_span(
            f"execute_tool {name}",
            attributes={"gen_ai.operation.name": "execute_tool", "gen_ai.tool.name": name, "gen_ai.tool.type": "function"},
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield span
            except Exception as error:
                span.set_attribute("error.type", type(error).__name__)
                span.set_status(StatusCode.ERROR, str(error)[:500])
                raise

    @contextmanager
    def _step(self, name: str, **attributes: Any) -> Iterator[Span]:
        """A child span of the current one. Steps have no children of their own, so the span is not
        made current: skipping the context switch saves a measurable share of tracing's cost."""
        span = self._tracer.start_span(name, attributes=attributes)
        try:
            yield span
        except Exception as error:
            span.set_status(StatusCode.ERROR, str(error)[:500])
            span.set_attribute("error.type", type(error).__name__)
            raise
        finally:
            span.end()

    def analyze(self, requirement: str, given: WorkloadInput | None = None) -> Analysis:
        with self._step("analyze", **{"archwright.requirement.chars": len(requirement)}) as span:
            analysis = analyze_requirements(requirement, given)
            span.set_attributes({
                "archwright.workload.given": analysis.workload.given,
                "archwright.workload.conflicts": len(analysis.workload.conflicts),
                "archwright.domain": analysis.primary_domain,
                "archwright.features": [f.id for f in analysis.features],
                "archwright.compliance": [c.id for c in analysis.compliance],
                "archwright.scale.tier": analysis.scale.tier,
                "archwright.scale.daily_active_users": analysis.scale.daily_active_users,
            })
            return analysis

    def design(self, analysis: Analysis, style: Style, cloud: Cloud) -> Architecture:
        with self._step(f"design {style}", **{"archwright.style": style, "archwright.cloud": cloud}) as span:
            result = design_architecture(analysis, style, cloud)
            span.set_attributes({
                "archwright.components": len(result.components),
                "archwright.connections": len(result.connections),
            })
            return result

    def designs(self, analysis: Analysis, styles: Sequence[Style], cloud: Cloud) -> dict[Style, Architecture]:
        return {style: self.design(analysis, style, cloud) for style in dict.fromkeys(styles)}

    def compare(self, analysis: Analysis, designs: dict[Style, Architecture], cloud: Cloud) -> Comparison:
        """Price, staff and score designs already made (one per style)."""
        with self._step("compare", **{"archwright.cloud": cloud, "archwright.styles": list(designs)}) as span:
            result = compare_architectures(analysis, list(designs), cloud, designs=designs)
            best = next(o for o in result.options if o.style == result.recommendation.style)
            span.set_attributes({
                "archwright.recommendation": result.recommendation.style,
                "archwright.cost.expected_usd": best.monthly_cost.expected,
            })
            return result

    def summarize(self, analysis: Analysis, comparison: Comparison, designs: dict[Style, Architecture]) -> Summary:
        with self._step("summarize", **{"archwright.cloud": comparison.cloud}) as span:
            result = generate_summary(analysis, comparison, designs)
            span.set_attribute("archwright.summary.chars", len(result.markdown))
            return result
