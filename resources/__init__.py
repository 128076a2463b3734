"""The knowledge Archwright stands on: vocabularies, blueprints, cloud services and unit prices.

Data lives in `data/*.toml`; `load_catalog()` validates it once and hands out immutable models.
Nothing here imports the advisor (`tools`) or the server.
"""

from archwright.resources.catalog import Catalog, CatalogError, load_catalog
from archwright.resources.models import STYLES, Style

__all__ = ["STYLES", "Catalog", "CatalogError", "Style", "load_catalog"]
