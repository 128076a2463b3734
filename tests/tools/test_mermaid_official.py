"""Every diagram the designer renders parses with the official Mermaid parser (mermaid@11, Node).

Diagrams are collected first and parsed in one Node process per test, so the parser starts once.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archwright.resources import STYLES, load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.design import design_architecture
from archwright.tools.mermaid import render_flowchart
from archwright.tools.models import Component, Connection
from archwright.tools.validation import RequirementError
from archwright.tools.workload_models import WorkloadInput

_conftest = importlib.util.spec_from_file_location("_conftest", Path(__file__).parents[1] / "conftest.py")
assert _conftest and _conftest.loader
_shared = importlib.util.module_from_spec(_conftest)
sys.modules[_conftest.name] = _shared  # dataclasses look their module up while it is being executed
_conftest.loader.exec_module(_shared)
parse_mermaid = _shared.parse_mermaid

CLOUDS = ("aws", "gcp", "azure")


def _assert_all_parse(diagrams: list[str]) -> None:
    failures = [(d, e) for d, e in zip(diagrams, parse_mermaid(diagrams), strict=True) if e is not None]
    assert not failures, f"{len(failures)} of {len(diagrams)} diagrams failed; first:\n{failures[0][0]}\n{failures[0][1]}"


def test_every_dev_set_diagram_parses_in_every_style_and_cloud(dev_rows) -> None:
    diagrams = [
        design_architecture(analyze_requirements(row["requirement"]), style, cloud).mermaid  # type: ignore[arg-type]
        for row in dev_rows
        for style in STYLES
        for cloud in CLOUDS
    ]
    assert len(diagrams) == len(dev_rows) * 9
    _assert_all_parse(diagrams)


def test_a_design_with_every_feature_and_regime_parses_on_every_cloud() -> None:
    """Every blueprint at once: each new role (language model, vector index, game servers...) drawn."""
    catalog = load_catalog()
    given = WorkloadInput(features=list(catalog.features), compliance=list(catalog.compliance))
    analysis = analyze_requirements("An app that does everything.", given)
    designs = [design_architecture(analysis, style, cloud) for style in STYLES for cloud in CLOUDS]  # type: ignore[arg-type]
    roles = {component.id for design in designs for component in design.components}
    assert {"llm_api", "vector_store", "game_server", "document_ai", "scheduler", "kyc_provider", "drm_license"} <= roles
    _assert_all_parse([design.mermaid for design in designs])


def test_diagrams_from_arbitrary_requirements_parse() -> None:
    diagrams: list[str] = []

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.text(max_size=300), st.sampled_from(STYLES), st.sampled_from(CLOUDS))
    def collect(text: str, style: str, cloud: str) -> None:
        try:
            analysis = analyze_requirements("A marketplace app with payments, chat and search. " + text)
        except RequirementError:
            return
        diagrams.append(design_architecture(analysis, style, cloud).mermaid)  # type: ignore[arg-type]

    collect()
    assert diagrams
    _assert_all_parse(diagrams)


def test_hostile_labels_cannot_break_a_diagram() -> None:
    diagrams: list[str] = []
    layers = ["clients", "edge", "application", "data", "external", "security"]
    kinds = ["client", "database", "external", "queue", "service"]

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.text(min_size=1, max_size=20), st.text(max_size=60), st.text(max_size=60),
                              st.sampled_from(layers), st.sampled_from(kinds)), min_size=1, max_size=6),
           st.text(max_size=40))
    def collect(nodes, edge_label: str) -> None:
        components = [
            Component(id=f"{i}{raw_id}", name=name, kind=kind, layer=layer, service=service, purpose="", features=[])
            for i, (raw_id, name, service, layer, kind) in enumerate(nodes)
        ]
        connections = [Connection(source=components[0].id, target=c.id, label=edge_label) for c in components[1:]]
        diagrams.append(render_flowchart(components, connections, application_title=edge_label or "App"))

    collect()
    _assert_all_parse(diagrams)


def test_the_workflow_graph_diagrams_parse() -> None:
    from opentelemetry.trace import NoOpTracerProvider

    from archwright.server.advisor import TracedAdvisor
    from archwright.server.workflows.service import registered_workflows

    advisor = TracedAdvisor(NoOpTracerProvider().get_tracer("t"))
    _assert_all_parse([workflow.mermaid() for workflow in registered_workflows(advisor).values()])
