"""A validator for the Mermaid flowchart subset the designer emits, in Python, so a scorer can check
a diagram in microseconds without Node. The tests hold it to the official parser: every diagram it
accepts, mermaid@11 accepts, and the broken diagrams it rejects, mermaid@11 rejects too.

The subset: `flowchart` with a direction; `subgraph ID["label"]` ... `end`, optionally with a
`direction` line; node declarations `ID<open>"label"<close>` in the shapes we draw (rectangle,
stadium, cylinder, hexagon, subroutine); edges `A -->|"label"| B` or `A --> B`. Labels are quoted
and hold no raw double quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ID = r"[A-Za-z_][A-Za-z0-9_]*"
_LABEL = r'"[^"\n]*"'
_SHAPES = (("[(", ")]"), ("([", "])"), ("{{", "}}"), ("[[", "]]"), ("[", "]"), ("(", ")"))
_SHAPE = "|".join(rf"{re.escape(o)}{_LABEL}{re.escape(c)}" for o, c in _SHAPES)
_HEADER = re.compile(r"^(?:flowchart|graph)\s+(?:LR|RL|TB|TD|BT)$")
_SUBGRAPH = re.compile(rf"^subgraph\s+(?P<id>{_ID})(?:\s*\[{_LABEL}\])?$")
_DIRECTION = re.compile(r"^direction\s+(?:LR|RL|TB|TD|BT)$")
_NODE = re.compile(rf"^(?P<id>{_ID})(?:{_SHAPE})$")
_EDGE = re.compile(rf"^(?P<source>{_ID})\s*(?:-->|-\.->|==>)\s*(?:\|{_LABEL}\|\s*)?(?P<target>{_ID})$")
_KEYWORDS = frozenset({"end", "subgraph", "graph", "flowchart", "style", "class", "classDef", "click", "linkStyle",
                       "direction"})


@dataclass
class Diagram:
    """What a valid diagram declares: its nodes (with the subgraph each sits in), subgraphs, edges."""

    nodes: dict[str, str | None] = field(default_factory=dict)
    subgraphs: dict[str, str] = field(default_factory=dict)
    edges: list[tuple[str, str]] = field(default_factory=list)


class MermaidError(ValueError):
    """The diagram is outside the subset, or breaks it: the message names the line."""


def parse_flowchart(text: str) -> Diagram:
    """The diagram's structure, or MermaidError naming the first line that breaks the subset."""
    lines = [line.strip() for line in text.splitlines()]
    directive = next((n for n, line in enumerate(lines, start=1) if line.startswith("%%{")), None)
    if directive is not None:  # a configuration directive, not a comment: the designer never writes one
        raise MermaidError(f"line {directive}: a '%%{{...}}%%' directive is outside the subset")
    lines = [line for line in lines if line and not line.startswith("%%")]
    if not lines or not _HEADER.match(lines[0]):
        raise MermaidError("line 1: expected 'flowchart LR' (or another direction)")
    diagram = Diagram()
    open_groups: list[str] = []
    for number, line in enumerate(lines[1:], start=2):
        if line == "end":
            if not open_groups:
                raise MermaidError(f"line {number}: 'end' without an open subgraph")
            open_groups.pop()
        elif found := _SUBGRAPH.match(line):
            group = found.group("id")
            _check_id(group, number)
            title = re.search(_LABEL, line)
            diagram.subgraphs[group] = title.group()[1:-1] if title else group
            open_groups.append(group)
        elif _DIRECTION.match(line):
            if not open_groups:
                raise MermaidError(f"line {number}: 'direction' outside a subgraph")
        elif found := _NODE.match(line):
            node = found.group("id")
            _check_id(node, number)
            if node in diagram.nodes or node in diagram.subgraphs:
                raise MermaidError(f"line {number}: {node!r} is declared twice")
            diagram.nodes[node] = open_groups[-1] if open_groups else None
        elif found := _EDGE.match(line):
            diagram.edges.append((found.group("source"), found.group("target")))
        else:
            raise MermaidError(f"line {number}: not a node, edge or subgraph line: {line[:80]!r}")
    if open_groups:
        raise MermaidError(f"subgraph {open_groups[-1]!r} is never closed with 'end'")
    return diagram


def _check_id(identifier: str, number: int) -> None:
    if identifier in _KEYWORDS:
        raise MermaidError(f"line {number}: {identifier!r} is a Mermaid keyword, not an id")
