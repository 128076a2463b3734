"""Generate a zlib preset dictionary for stored step outputs (run once per new dictionary, by hand).

A report's stored values are a few small JSON documents with the same keys, service names, price
sources and phrasing every time; zlib compresses each alone only 3-5x, and a shared dictionary of
typical content roughly a third better. The dictionary is the tail of three reports (one per
cloud, on dev-set requirements) because zlib favours matches near the end of its window.

A released dictionary never changes: stored values name theirs by its Adler-32 (zlib's DICTID),
so a new one is a new file beside the old, and `runs.encode` picks the newest.

    python scripts/make_snapshot_dictionary.py server/store/dictionaries/snapshot-2.bin
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archwright.resources import STYLES
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.summary import generate_summary

DATASET = Path(__file__).resolve().parents[1] / "resources" / "datasets" / "requirements.dev.jsonl"
WINDOW = 32_768


def sample(requirement: str, cloud: str) -> bytes:
    analysis = analyze_requirements(requirement)
    designs = {style: design_architecture(analysis, style, cloud) for style in STYLES}  # type: ignore[arg-type]
    comparison = compare_architectures(analysis, STYLES, cloud, designs=designs)  # type: ignore[arg-type]
    summary = generate_summary(analysis, comparison, designs)
    return b"".join(model.model_dump_json().encode() for model in (analysis, *designs.values(), comparison, summary))


def main(target: str) -> None:
    rows = [json.loads(line)["requirement"] for line in DATASET.read_text().splitlines() if line.strip()]
    data = b"".join(sample(rows[index], cloud) for index, cloud in ((10, "aws"), (30, "gcp"), (50, "azure")))
    Path(target).write_bytes(data[-WINDOW:])


if __name__ == "__main__":
    main(sys.argv[1])
