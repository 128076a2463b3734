"""List knowledge-base patterns of two or more words that match exactly one labelled line.

A multi-word pattern that only one requirement of the tuning sets ever uses was probably written
for that line rather than for the class of requirement it stands for. The list is a review aid:
some such patterns are sound vocabulary ("video on demand") that the sets happen to use once.

    python scripts/find_fitted_patterns.py [dataset.jsonl ...]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from archwright.resources import load_catalog
from archwright.tools._text import Document, Pattern

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = ("requirements.dev.jsonl", "requirements.tune.jsonl")


def _patterns() -> list[tuple[str, str]]:
    catalog = load_catalog()
    found: list[tuple[str, str]] = []
    for domain in catalog.domains.values():
        for strength in ("strong", "medium", "weak"):
            found.extend((f"domains.{domain.id}.{strength}", p) for p in getattr(domain, strength))
    for feature in catalog.features.values():
        found.extend((f"features.{feature.id}", p) for p in feature.patterns)
    for regime in catalog.compliance.values():
        found.extend((f"compliance.{regime.id}", p) for p in regime.patterns)
    return found


def main(paths: list[str]) -> int:
    files = [Path(p) for p in paths] or [ROOT / "resources" / "datasets" / name for name in DEFAULT_SETS]
    texts = [json.loads(line)["requirement"] for path in files if path.exists() for line in path.open()]
    documents = [Document(text) for text in texts]
    multi_word = [(where, p) for where, p in _patterns() if p.startswith("re:") or len(p.split()) > 1]
    fitted = []
    for where, pattern in multi_word:
        compiled = Pattern([pattern])
        hits = sum(1 for document in documents if next(compiled.matches(document), None) is not None)
        if hits == 1:
            fitted.append((where, pattern))
    for where, pattern in fitted:
        sys.stdout.write(f"{where}\t{pattern}\n")
    sys.stdout.write(f"{len(fitted)} of {len(multi_word)} multi-word patterns match exactly one of {len(texts)} lines\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
