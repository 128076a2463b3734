"""The Python validator for our flowchart subset agrees with the official Mermaid parser: what it
accepts parses, and the broken diagrams it rejects fail there too."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from archwright.resources import STYLES
from archwright.server.evals.mermaid_check import MermaidError, parse_flowchart
from archwright.tools.analyze import analyze_requirements
from archwright.tools.design import design_architecture

_conftest = importlib.util.spec_from_file_location("_conftest_mermaid_check", Path(__file__).parents[1] / "conftest.py")
assert _conftest and _conftest.loader
_shared = importlib.util.module_from_spec(_conftest)
sys.modules[_conftest.name] = _shared
_conftest.loader.exec_module(_shared)

GOOD = '''flowchart LR
  subgraph g_app["Application"]
    direction TB
    n_a["A<br/>service"]
    n_b[("B")]
  end
  n_c{{"C"}}
  n_a -->|"calls"| n_b
  n_b --> n_c
'''
BROKEN = {
    "unclosed subgraph": GOOD.replace("  end\n", ""),
    "a keyword as an id": GOOD.replace("n_c{{", "end{{").replace("--> n_c", "--> end"),
    "a raw quote in a label": GOOD.replace('["A<br/>service"]', '["A "quoted" service"]'),
    "a broken arrow": GOOD.replace('n_a -->|"calls"| n_b', 'n_a -->|"calls" n_b'),
    "no header": GOOD.replace("flowchart LR\n", ""),
}


def test_every_designed_diagram_is_accepted_by_both(dev_rows) -> None:
    diagrams = [design_architecture(analyze_requirements(row["requirement"]), style, cloud).mermaid  # type: ignore[arg-type]
                for row in dev_rows[:24] for style in STYLES for cloud in ("aws", "gcp", "azure")]
    for diagram in diagrams:
        parsed = parse_flowchart(diagram)
        assert parsed.nodes and parsed.edges
    assert _shared.parse_mermaid(diagrams) == [None] * len(diagrams)


def test_broken_diagrams_are_rejected_by_both() -> None:
    parse_flowchart(GOOD)
    for name, diagram in BROKEN.items():
        with pytest.raises(MermaidError):
            parse_flowchart(diagram)
    verdicts = _shared.parse_mermaid([GOOD, *BROKEN.values()])
    assert verdicts[0] is None
    assert all(v is not None for v in verdicts[1:]), dict(zip(BROKEN, verdicts[1:], strict=True))


def test_a_configuration_directive_is_outside_the_subset() -> None:
    """Mermaid accepts `%%{init: ...}%%` (it can loosen the security level); the designer never writes
    one, so a diagram that carries one did not come from it."""
    with pytest.raises(MermaidError, match="directive"):
        parse_flowchart('%%{init: {"securityLevel": "loose"}}%%\n' + GOOD)
