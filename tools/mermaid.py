"""Renders a component graph as a Mermaid flowchart that always parses.

Diagrams are built, never written by hand or by a model: ids are reduced to [A-Za-z0-9_] and
prefixed so no id can be a Mermaid keyword ("end", "graph", "style"), and every label is quoted
with each character outside a small safe set written as a Mermaid entity code (#34; for a double
quote), so nothing a user types can break out of a label.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

from archwright.tools.models import Component, Connection

_SAFE_LABEL_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,:/()+-_'?!%"
)
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_]")
_LAYER_TITLES = {
    "clients": "Clients",
    "edge": "Edge",
    "application": "Application",
    "data": "Data",
    "external": "External services",
    "security": "Security and operations",
}
_SHAPES = {
    "database": ('[("', '")]'),
    "client": ('(["', '"])'),
    "external": ('{{"', '"}}'),
    "queue": ('[["', '"]]'),
}
_MAX_LABEL = 80


def node_id(component_id: str) -> str:
    """A Mermaid-safe id: never a keyword, never a character the grammar treats specially, and
    distinct ids stay distinct (a hash marks ids that had characters replaced)."""
    safe = _UNSAFE_ID.sub("_", component_id)
    if safe == component_id:
        return "n_" + safe
    return f"n_{safe}_{zlib.crc32(component_id.encode('utf-8')):08x}"


def escape_label(text: str) -> str:
    """Escape text for use inside a quoted Mermaid label."""
    if len(text) > _MAX_LABEL:
        text = text[: _MAX_LABEL - 3] + "..."
    return "".join(char if char in _SAFE_LABEL_CHARS else f"#{ord(char)};" for char in text)


def render_flowchart(
    components: Sequence[Component],
    connections: Sequence[Connection],
    *,
    application_title: str = "Application",
) -> str:
    """A left-to-right flowchart with one subgraph per layer."""
    lines = ["flowchart LR"]
    titles = dict(_LAYER_TITLES, application=application_title)
    for layer, title in titles.items():
        members = [c for c in components if c.layer == layer]
        if not members:
            continue
        lines.append(f'  subgraph g_{layer}["{escape_label(title)}"]')
        lines.append("    direction TB")
        for component in members:
            opening, closing = _SHAPES.get(component.kind, ('["', '"]'))
            label = f"{escape_label(component.name)}<br/>{escape_label(component.service)}"
            lines.append(f"    {node_id(component.id)}{opening}{label}{closing}")
        lines.append("  end")
    for connection in connections:
        label = escape_label(connection.label).strip()
        arrow = f'-->|"{label}"|' if label else "-->"  # the grammar rejects an empty |""| label
        lines.append(f"  {node_id(connection.source)} {arrow} {node_id(connection.target)}")
    return "\n".join(lines) + "\n"
