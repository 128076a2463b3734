"""analyze_requirements: findings, evidence, negation, typos, scale and questions."""

from __future__ import annotations

import pytest

from archwright.tools.analyze import analyze_requirements
from archwright.tools.validation import RequirementError

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


def test_the_reference_requirement() -> None:
    analysis = analyze_requirements(RIDE)
    assert analysis.primary_domain == "ride_sharing"
    assert {f.id for f in analysis.features} == {"real_time_tracking", "geolocation", "payments"}
    assert analysis.users is not None and (analysis.users.count, analysis.users.period) == (100_000, "daily")
    assert analysis.scale.daily_active_users == 100_000
    assert analysis.scale.tier == "large"
    assert analysis.compliance == []


def test_every_piece_of_evidence_quotes_the_requirement_exactly() -> None:
    text = "Telemedicine for US patients: book video consultations, chat with nurses. HIPAA applies. 10k MAU."
    analysis = analyze_requirements(text)
    evidences = [e for d in analysis.domains for e in d.evidence]
    evidences += [e for f in analysis.features for e in f.evidence]
    evidences += [e for c in analysis.compliance for e in c.evidence]
    assert analysis.users is not None
    evidences.append(analysis.users.evidence)
    assert evidences
    for evidence in evidences:
        assert text[evidence.start : evidence.end] == evidence.text


def test_implied_features_say_what_implied_them() -> None:
    geolocation = next(f for f in analyze_requirements(RIDE).features if f.id == "geolocation")
    assert geolocation.implied_by == "real_time_tracking"


@pytest.mark.parametrize(
    ("text", "ruled_out"),
    [
        ("A ride-sharing app with live tracking; no payments needed, riders pay cash.", "payments"),
        ("Booking app for a gym. We don't need chat or search.", "chat_messaging"),
        ("Booking app for a gym. We don't need chat or search.", "search"),
        ("A recipe sharing community. Notifications are not required for v1.", "notifications"),
        ("Public dashboard of air quality sensors, without login.", "user_auth"),
    ],
)
def test_negated_features_are_ruled_out_not_detected(text: str, ruled_out: str) -> None:
    analysis = analyze_requirements(text)
    assert ruled_out not in {f.id for f in analysis.features}
    assert ruled_out in {f.id for f in analysis.ruled_out}


def test_a_negation_does_not_reach_past_the_clause() -> None:
    analysis = analyze_requirements("No login, users pay by card at the end of each ride.")
    assert "payments" in {f.id for f in analysis.features}


def test_typos_are_forgiven() -> None:
    analysis = analyze_requirements("We need a ride sharng app with real-time trakcing and paymnets for 10k users")
    assert analysis.primary_domain == "ride_sharing"
    assert {"real_time_tracking", "payments"} <= {f.id for f in analysis.features}


def test_real_words_are_not_treated_as_typos() -> None:
    analysis = analyze_requirements("Smart home app: automations keep running, and users can rewind the history.")
    assert "subscriptions_billing" not in {f.id for f in analysis.features}
    assert "notifications" not in {f.id for f in analysis.features}


def test_the_words_naming_the_app_decide_its_primary_domain() -> None:
    text = "Remote patient monitoring: Bluetooth cuffs send readings, and nurses get alerts."
    assert analyze_requirements(text).primary_domain == "healthcare"


def test_mixed_domains_report_a_secondary_domain() -> None:
    text = (
        "Remote patient monitoring: Bluetooth blood pressure cuffs and glucose meters send readings to our cloud, "
        "sensors stream telemetry, nurses are alerted when values go out of range, and firmware updates are pushed "
        "to devices. Launching with US hospitals."
    )
    analysis = analyze_requirements(text)
    assert {d.id for d in analysis.domains} == {"healthcare", "iot"}
    assert analysis.domains[1].confidence <= analysis.domains[0].confidence
    assert {"iot_telemetry", "device_management"} <= {f.id for f in analysis.features}
    assert {c.id for c in analysis.compliance} == {"hipaa"}
    assert analysis.compliance[0].implied


def test_storing_card_numbers_brings_pci_but_refusing_to_does_not() -> None:
    assert "pci_dss" in {c.id for c in analyze_requirements(
        "Coffee shop with subscriptions; we store customers' card numbers in our own database.").compliance}
    assert "pci_dss" not in {c.id for c in analyze_requirements(
        "Bill splitting app. We won't store any card data ourselves; a partner moves the money.").compliance}


def test_a_stated_rate_sets_the_peak_and_the_tier() -> None:
    analysis = analyze_requirements("Card fraud scoring service that must handle 12,000 requests per second.")
    assert analysis.requests_per_second == 12_000
    assert analysis.scale.peak_rps == 12_000
    assert analysis.scale.tier == "massive"
    assert analysis.users is None
    assert any("Daily users from the stated" in a for a in analysis.scale.assumptions)


def test_monthly_users_are_converted_with_the_assumption_spelled_out() -> None:
    analysis = analyze_requirements("A social network for pet owners with a photo feed. 1M monthly active users.")
    assert analysis.scale.daily_active_users == 450_000
    assert any("monthly x 0.45" in a for a in analysis.scale.assumptions)


def test_a_vague_requirement_asks_questions() -> None:
    analysis = analyze_requirements("An app.")
    assert analysis.is_vague
    assert analysis.features == []
    assert any("What kind of app" in q for q in analysis.questions)
    assert any("How many people" in q for q in analysis.questions)


def test_a_clear_requirement_is_not_vague_and_asks_fewer_questions() -> None:
    analysis = analyze_requirements(RIDE)
    assert not analysis.is_vague
    assert not any("What kind of app" in q for q in analysis.questions)
    assert any("card numbers" in q for q in analysis.questions)


@pytest.mark.parametrize("bad", ["", "   \n\t ", "x" * 20_001, "\x00\x01\x02 binary \x03\x04" * 10])
def test_unusable_input_raises_requirement_error(bad: str) -> None:
    with pytest.raises(RequirementError):
        analyze_requirements(bad)


def test_negation_typed_without_an_apostrophe_still_rules_out() -> None:
    analysis = analyze_requirements("tinder for bandmates: profiles, swipe, chat. we dont need payments at all")
    assert "payments" in {f.id for f in analysis.ruled_out}


def test_a_parenthesis_closes_a_negation() -> None:
    analysis = analyze_requirements("Podcast app (no video) with offline downloads and playlists.")
    assert "offline_sync" in {f.id for f in analysis.features}


def test_the_team_that_builds_is_not_the_users() -> None:
    analysis = analyze_requirements("We're a 5-person startup building an invoicing tool that emails invoices.")
    assert analysis.users is None
    assert analysis.team is not None and analysis.team.count == 5


def test_a_data_warehouse_is_not_inventory() -> None:
    analysis = analyze_requirements("ETL from Oracle into Snowflake hourly; 40 analysts query the warehouse.")
    assert "inventory" not in {f.id for f in analysis.features}
    assert "data_pipeline" in {f.id for f in analysis.features}


def test_rules_no_regime_models_are_named_back_not_dropped() -> None:
    lending = analyze_requirements("A lending app for US consumers: credit checks, GLBA and SOC 2, WCAG 2.1 AA accessible.")
    assert lending.questions[0].startswith("The requirement names GLBA, WCAG 2.1 AA, which this advisor does not model")
    assert "soc2" in {c.id for c in lending.compliance}
    plain = analyze_requirements("A booking app for a yoga studio with 500 members.")
    assert not any("does not model" in q for q in plain.questions)
