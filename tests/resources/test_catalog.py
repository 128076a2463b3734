"""The knowledge base loads, validates, and its files agree with each other."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archwright.resources import STYLES, CatalogError, load_catalog
from archwright.resources.catalog import _check_references

README = Path(__file__).resolve().parents[2] / "resources" / "datasets" / "README.md"


def _readme_ids(heading: str) -> set[str]:
    """The ids the dataset README lists under a vocabulary heading ("Domains (18):")."""
    text = README.read_text(encoding="utf-8")
    found = re.search(rf"^{heading} \((\d+)\):\s(.*?)(?:\n\n|\Z)", text, re.MULTILINE | re.DOTALL)
    assert found, f"no '{heading} (N):' section in {README}"
    ids = set(re.findall(r"`([a-z0-9_]+)` ?(?:\(|,|$|\n)", found.group(2) + "\n"))
    assert len(ids) == int(found.group(1)), (heading, sorted(ids))
    return ids


def test_vocabularies_match_the_dataset_readme() -> None:
    catalog = load_catalog()
    assert set(catalog.domains) == _readme_ids("Domains")
    assert set(catalog.features) == _readme_ids("Features")
    assert set(catalog.compliance) == _readme_ids("Compliance")
    assert set(catalog.styles) == set(STYLES)
    assert set(catalog.clouds) == {"aws", "gcp", "azure"}


def test_every_role_has_a_service_on_every_cloud_and_style() -> None:
    catalog = load_catalog()
    for cloud in catalog.clouds.values():
        for role in catalog.roles:
            for style in STYLES:
                assert cloud.service_for(role, style).strip(), (cloud.id, role, style)


def test_every_price_names_its_source_and_date() -> None:
    catalog = load_catalog()
    for cloud, prices in catalog.prices.items():
        assert prices, cloud
        for price in prices.values():
            assert price.source.startswith("https://"), (cloud, price.id)
            assert re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", price.retrieved), (cloud, price.id)


def test_reference_prices_are_marked_verified() -> None:
    aws = load_catalog().prices["aws"]
    assert aws["function_requests"].price == pytest.approx(0.20e-6) and aws["function_requests"].verified
    assert aws["nosql_writes"].price == pytest.approx(0.625e-6) and aws["nosql_writes"].verified
    assert aws["cluster_hour"].price == pytest.approx(0.10)


def test_a_dangling_reference_is_a_load_error() -> None:
    catalog = load_catalog()
    feature = catalog.features["payments"]
    broken = catalog.features | {"payments": feature.model_copy(update={"implies": ("teleportation",)})}
    with pytest.raises(CatalogError, match="teleportation"):
        _check_references(type(catalog)(**{**catalog.__dict__, "features": broken}))


def test_real_word_list_keeps_real_words_uncorrected() -> None:
    words = load_catalog().real_words
    assert "running" in words and "rewind" in words
    assert "paymnets" not in words


def test_a_tiered_price_charges_each_tier_at_its_own_rate() -> None:
    from archwright.resources.models import UnitPrice

    price = UnitPrice(id="x", price=0.1, unit="GB", source="s", retrieved="r", verified=False, free=10,
                      tiers=((100, 0.1), (1000, 0.05), (1e18, 0.01)))
    assert price.cost(5) == 0  # inside the free allowance
    assert price.cost(110) == pytest.approx(100 * 0.1)
    assert price.cost(2010) == pytest.approx(100 * 0.1 + 900 * 0.05 + 1000 * 0.01)
