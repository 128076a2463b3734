"""The knowledge base as resources: domains, features, compliance regimes, styles, prices, services.

Read-only views of `archwright.resources`; an unknown id is a resource error naming the known ones.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError

from archwright.resources import load_catalog


# What the all-clouds price index shows of each price; one cloud's resource has every field.
_PRICE_INDEX = {"id", "price", "unit", "source", "retrieved", "verified", "bills"}


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def _known(kind: str, wanted: str, known: list[str]) -> None:
    if wanted not in known:
        raise ResourceNotFoundError(f"Unknown {kind} {wanted!r}. Known {kind}s: {', '.join(sorted(known))}.")


def register_knowledge(server: MCPServer) -> None:
    @server.resource("archwright://domains", name="domains", mime_type="application/json",
                     description="The application domains Archwright recognises, with descriptions.")
    def domains() -> str:
        return _json([{"id": d.id, "name": d.name, "description": d.description}
                      for d in load_catalog().domains.values()])

    @server.resource("archwright://domains/{domain_id}", name="domain", mime_type="application/json",
                     description="One domain: its vocabulary (weighted signals) and the scale defaults it starts from.")
    def domain(domain_id: str) -> str:
        catalog = load_catalog()
        _known("domain", domain_id, list(catalog.domains))
        return _json(catalog.domains[domain_id].model_dump(mode="json"))

    @server.resource("archwright://features", name="features", mime_type="application/json",
                     description="The features, each with the module that serves it and the roles it uses.")
    def features() -> str:
        catalog = load_catalog()
        return _json([
            {"id": f.id, "name": f.name, "effort_weeks": f.effort_weeks,
             "module": catalog.feature_blueprints[f.id].module,
             "uses": [role for role, _ in catalog.feature_blueprints[f.id].uses]}
            for f in catalog.features.values()
        ])

    @server.resource("archwright://compliance", name="compliance", mime_type="application/json",
                     description="The compliance regimes (PCI DSS, HIPAA, GDPR, SOC 2) and what each adds to a design.")
    def compliance() -> str:
        catalog = load_catalog()
        return _json([
            {"id": c.id, "name": c.name, "description": c.description, "effort_weeks": c.effort_weeks,
             "module": catalog.compliance_blueprints[c.id].module}
            for c in catalog.compliance.values()
        ])

    @server.resource("archwright://styles", name="styles", mime_type="application/json",
                     description="The architecture styles and the traits the comparison starts from.")
    def styles() -> str:
        return _json([s.model_dump(mode="json") for s in load_catalog().styles.values()])

    @server.resource("archwright://pricing", name="pricing", mime_type="application/json",
                     description="Every unit price per cloud, with its source URL, retrieval date and verified flag "
                                 "(archwright://pricing/{cloud} has the full entries).")
    def pricing() -> str:
        catalog = load_catalog()
        return _json({
            "clouds": {cloud: [p.model_dump(mode="json", include=_PRICE_INDEX) for p in prices.values()]
                       for cloud, prices in catalog.prices.items()},
            "details": "archwright://pricing/{cloud} adds each price's quote, note, tiers and how it is sized",
        })

    @server.resource("archwright://pricing/{cloud}", name="cloud pricing", mime_type="application/json",
                     description="Unit prices for one cloud: aws, gcp or azure.")
    def cloud_pricing(cloud: str) -> str:
        catalog = load_catalog()
        _known("cloud", cloud, list(catalog.prices))
        return _json([p.model_dump(mode="json") for p in catalog.prices[cloud].values()])

    @server.resource("archwright://clouds/{cloud}", name="cloud services", mime_type="application/json",
                     description="The service each role maps to on one cloud: aws, gcp or azure.")
    def cloud_services(cloud: str) -> str:
        catalog = load_catalog()
        _known("cloud", cloud, list(catalog.clouds))
        return _json(catalog.clouds[cloud].model_dump(mode="json"))
