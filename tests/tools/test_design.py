"""design_architecture: every need is served by a named component on the cloud's real services."""

from __future__ import annotations

import re

import pytest

from archwright.resources import STYLES, load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.design import design_architecture
from archwright.tools.mermaid import escape_label, node_id

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"
CLOUDS = ("aws", "gcp", "azure")


def _served(design) -> set[str]:
    return {f for c in design.components for f in c.features}


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("cloud", CLOUDS)
def test_every_feature_and_regime_is_served(style: str, cloud: str, dev_rows) -> None:
    for row in dev_rows:
        analysis = analyze_requirements(row["requirement"])
        design = design_architecture(analysis, style, cloud)  # type: ignore[arg-type]
        needs = {f.id for f in analysis.features} | {c.id for c in analysis.compliance}
        assert needs <= _served(design), (row["id"], needs - _served(design))


def test_payments_get_a_service_and_a_provider() -> None:
    design = design_architecture(analyze_requirements(RIDE), "microservices", "aws")
    by_id = {c.id: c for c in design.components}
    assert by_id["payments_service"].kind == "service"
    assert by_id["payment_provider"].service == "Stripe"
    assert ("payments_service", "payment_provider") in {(c.source, c.target) for c in design.connections}


def test_real_time_tracking_gets_a_websocket_path_and_a_geo_store() -> None:
    design = design_architecture(analyze_requirements(RIDE), "serverless", "aws")
    services = {c.id: c.service for c in design.components}
    assert services["realtime_gateway"] == "Amazon API Gateway WebSocket API"
    assert "geo_store" in services
    edges = {(c.source, c.target) for c in design.connections}
    assert ("clients", "realtime_gateway") in edges
    assert ("real_time_tracking_function", "geo_store") in edges


def test_hipaa_gets_encryption_keys_and_an_audit_log() -> None:
    analysis = analyze_requirements("Telemedicine app for patients with video visits. All data must be HIPAA compliant.")
    for cloud, kms in (("aws", "AWS KMS"), ("gcp", "Cloud KMS"), ("azure", "Azure Key Vault")):
        design = design_architecture(analysis, "monolith", cloud)  # type: ignore[arg-type]
        by_id = {c.id: c for c in design.components}
        assert by_id["kms"].service == kms
        assert "hipaa" in by_id["kms"].features and "hipaa" in by_id["audit_store"].features


def test_styles_package_modules_and_data_differently() -> None:
    analysis = analyze_requirements(RIDE)
    kinds = {s: {c.kind for c in design_architecture(analysis, s, "gcp").components if c.layer == "application"}
             for s in STYLES}
    assert kinds == {"serverless": {"function"}, "microservices": {"service"}, "monolith": {"module"}}
    databases = {s: next(c.service for c in design_architecture(analysis, s, "gcp").components if c.id == "primary_db")
                 for s in STYLES}
    assert databases["serverless"] == "Firestore"
    assert databases["monolith"].startswith("Cloud SQL for PostgreSQL")


def test_every_connection_joins_existing_components() -> None:
    analysis = analyze_requirements("IoT fleet: 5,000 trucks report GPS position, dispatchers see a live map, "
                                    "firmware updates over the air, alerts by SMS, reports for managers.")
    for style in STYLES:
        design = design_architecture(analysis, style, "azure")
        ids = {c.id for c in design.components}
        assert all(c.source in ids and c.target in ids for c in design.connections)
        assert "devices" in ids and ("devices", "iot_hub") in {(c.source, c.target) for c in design.connections}


def test_a_requirement_without_features_still_gets_an_application_module() -> None:
    design = design_architecture(analyze_requirements("A simple CRUD app for our office plants."), "monolith", "aws")
    assert [c.id for c in design.components if c.layer == "application"] == ["records_crud_module"]
    vague = design_architecture(analyze_requirements("I have an idea for an app."), "monolith", "aws")
    assert [c.id for c in vague.components if c.layer == "application"] == ["core_module"]


@pytest.mark.parametrize(
    ("text", "must_have"),
    [
        ("A ride-sharing app for 100k daily users with real-time tracking and payments",
         {"trips_module", "dispatch_module", "dynamic_pricing_module", "driver_onboarding_module"}),
        ("Online store for our ceramics", {"catalogue_module", "cart_module", "checkout_module"}),
        ("Video on demand service for documentaries", {"content_catalogue_module", "packaging_module"}),
        ("A transit app for the city's buses", {"timetables_gtfs_module", "journey_planner_module"}),
    ],
)
def test_a_design_has_its_domains_core_whatever_words_were_used(text: str, must_have: set[str]) -> None:
    design = design_architecture(analyze_requirements(text), "monolith", "aws")
    assert must_have <= {c.id for c in design.components}


def test_a_requested_feature_that_does_a_capabilitys_job_replaces_it() -> None:
    design = design_architecture(analyze_requirements(
        "Factory monitoring: 2,000 sensors stream telemetry every 10 seconds; alerts and a dashboard."), "monolith", "aws")
    ids = {c.id for c in design.components}
    assert "iot_telemetry_module" in ids and "telemetry_ingest_module" not in ids


def test_mermaid_ids_are_safe_and_labels_escaped() -> None:
    assert node_id("end") == "n_end"
    assert re.fullmatch(r"n_[A-Za-z0-9_]+", node_id('graph "x"; y-->z'))
    escaped = escape_label('end"] --> x |a| <b>')
    assert '"' not in escaped and "|" not in escaped and "<" not in escaped and "]" not in escaped
    assert "#34;" in escaped


def test_the_diagram_shows_every_component_once() -> None:
    design = design_architecture(analyze_requirements(RIDE), "monolith", "aws")
    for component in design.components:
        assert design.mermaid.count(f"{node_id(component.id)}[") + design.mermaid.count(f"{node_id(component.id)}(") \
            + design.mermaid.count(f"{node_id(component.id)}{{") == 1
    assert design.mermaid.startswith("flowchart LR\n")


def test_service_names_come_from_the_cloud_files() -> None:
    catalog = load_catalog()
    design = design_architecture(analyze_requirements(RIDE), "microservices", "azure")
    compute = next(c for c in design.components if c.layer == "application")
    assert compute.service == catalog.clouds["azure"].compute["microservices"] == "Azure Kubernetes Service"


def test_the_region_follows_residency_and_users_and_the_price_region_is_flagged() -> None:
    from archwright.tools.compare import compare_architectures

    eu = analyze_requirements("Telehealth app for clinics in Germany; patient data must stay in the EU.")
    assert [design_architecture(eu, "monolith", c).region for c in ("aws", "gcp", "azure")] == [
        "eu-central-1", "europe-west3", "germanywestcentral"]
    design = design_architecture(eu, "monolith", "aws")
    assert "(eu-central-1)" in design.summary
    cost = compare_architectures(eu, {"monolith": design}, "aws").options[0].monthly_cost
    assert cost.priced_region == "us-east-1" and "eu-central-1" in (cost.region_warning or "")
    unstated = analyze_requirements("A todo app for teams.")
    assert design_architecture(unstated, "monolith", "aws").region == "us-east-1"
    assert compare_architectures(unstated, {"monolith": design_architecture(unstated, "monolith", "aws")},
                                 "aws").options[0].monthly_cost.region_warning is None


@pytest.mark.parametrize("style", STYLES)
def test_the_card_vault_is_its_own_zone_in_every_style(style: str) -> None:
    from archwright.tools.compare import compare_architectures

    analysis = analyze_requirements("Card issuing platform, PCI DSS level 1: we store card numbers in our own vault.")
    design = design_architecture(analysis, style, "aws")  # type: ignore[arg-type]
    vault = next(c for c in design.components if c.id == "pci_dss_zone")
    assert vault.layer == "security" and "out of PCI DSS scope" in vault.purpose
    assert not any(c.id.startswith("pci_dss_") and c.layer == "application" for c in design.components)
    cost = compare_architectures(analysis, {style: design}, "aws").options[0].monthly_cost  # type: ignore[dict-item]
    assert any(i.component == "pci_dss_zone" and i.expected > 0 for i in cost.line_items)


def test_a_video_consultation_is_drawn_as_a_call_not_a_broadcast() -> None:
    from archwright.tools.compare import compare_architectures

    consult = analyze_requirements("Telemedicine app for US patients: book a video consultation with a licensed physician.")
    design = design_architecture(consult, "monolith", "azure")
    ids = {c.id for c in design.components}
    assert "rtc_service" in ids and "video_streaming_module" not in ids and "media_pipeline" not in ids
    assert next(c for c in design.components if c.id == "rtc_service").service.startswith("Azure Communication Services")
    cost = compare_architectures(consult, {"monolith": design}, "azure").options[0].monthly_cost
    assert not any(i.name == "Video delivery" and i.expected > 0 for i in cost.line_items)
    league = design_architecture(analyze_requirements("Live video for a sports league: stream 10 matches in HD."),
                                 "monolith", "aws")
    assert "video_streaming_module" in {c.id for c in league.components}
