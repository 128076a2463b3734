"""The workload model: who and what drives load, each value stated (quoted), derived or assumed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archwright.tools.analyze import analyze_requirements
from archwright.tools.models import Analysis
from archwright.tools.workload_models import Evidence

DATASETS = Path(__file__).resolve().parents[2] / "resources" / "datasets"


def _drives(analysis: Analysis) -> tuple[str, int | None]:
    actor = next(a for a in analysis.workload.actors if a.drives_load)
    return actor.noun, actor.count


def test_seats_of_business_customers_drive_load_not_the_customers() -> None:
    analysis = analyze_requirements("Contract review SaaS for law firms: 200 law firms, each with about 25 seats.")
    assert analysis.users is not None
    assert (analysis.users.count, analysis.users.provenance) == (5_000, "derived")
    assert analysis.users.formula == "200 law firms x 25 seats each = 5,000"
    tenants = [a for a in analysis.workload.actors if a.role == "tenant"]
    assert [(a.noun, a.count) for a in tenants] == [("law firms", 200)]


def test_the_people_served_drive_load_not_the_staff_serving_them() -> None:
    analysis = analyze_requirements("Dispatch app: 8 dispatchers serve 30k riders a day across the city.")
    assert _drives(analysis) == ("riders", 30_000)
    assert {a.role for a in analysis.workload.actors} == {"staff", "end_user"}


def test_staff_drive_load_when_the_people_they_serve_never_log_in() -> None:
    analysis = analyze_requirements(
        "Home care app: 140 nurses visit about 3,200 patients every week. Patients don't log in to anything."
    )
    assert _drives(analysis) == ("nurses", 140)
    patients = next(a for a in analysis.workload.actors if a.noun == "patients")
    assert not patients.uses_system


def test_an_active_count_drives_load_before_a_registered_one() -> None:
    analysis = analyze_requirements("Trading app: 500k registered users and 50k daily active users.")
    assert analysis.users is not None
    assert (analysis.users.count, analysis.users.period) == (50_000, "daily")


def test_a_fleet_reporting_on_a_schedule_gives_events_a_second_by_formula() -> None:
    analysis = analyze_requirements(
        "Smart farming: 80,000 soil sensors send readings every 10 minutes; farmers see charts."
    )
    assert analysis.users is None  # devices are not people
    (events,) = [d for d in analysis.workload.drivers if d.kind == "events"]
    assert events.provenance == "derived"
    assert events.per_second == pytest.approx(133.333, rel=1e-3)
    assert "80,000 sensors / 600 s" in (events.formula or "")
    assert analysis.scale.peak_rps > 150  # the fleet's writes are in the peak, not 1,000 assumed users
    assert "Events drive the load" in analysis.workload.load_driver


def test_a_surge_sets_the_peak_and_brings_surge_handling() -> None:
    analysis = analyze_requirements(
        "Ticket shop for a festival: 200k people arrive in the first 10 minutes when tickets go on sale."
    )
    (burst,) = analysis.workload.bursts
    assert (burst.count, burst.minutes) == (200_000, 10)
    assert burst.per_second == pytest.approx(1_000)  # 200k x 3 requests / 600 s
    assert analysis.scale.peak_rps == pytest.approx(1_000)
    assert "traffic_bursts" in {f.id for f in analysis.features}


@pytest.mark.parametrize(
    ("text", "team"),
    [("I'm a solo developer building this.", 1), ("We're just two people.", 2), ("We have 60 engineers.", 60)],
)
def test_the_team_that_builds_it(text: str, team: int) -> None:
    analysis = analyze_requirements("A booking app for yoga studios. " + text)
    assert analysis.workload.team is not None and analysis.workload.team.value == team
    assert analysis.users is None  # the builders are not the users


def test_targets_retention_residency_budget_and_platforms() -> None:
    analysis = analyze_requirements(
        "Telehealth app for clinics in Germany. API p99 < 150 ms and 99.95% uptime. Keep records for 10 years. "
        "Data must stay in the EU. Budget is about €3,000 a month. Sign-in with Microsoft 365, payments via Stripe, "
        "product analytics in Segment."
    )
    workload = analysis.workload
    assert (workload.targets.latency_ms.value, workload.targets.latency_ms.unit) == (150, "ms p99")  # type: ignore[union-attr]
    assert workload.targets.availability_percent.value == 99.95  # type: ignore[union-attr]
    assert workload.data.retention_days.value == 3650  # type: ignore[union-attr]
    assert workload.location.residency is not None and workload.location.residency.code == "eu"
    assert workload.location.region == "de"  # in the EU, and where the clinics are
    assert workload.budget_usd_per_month is not None and workload.budget_usd_per_month.value == pytest.approx(3_240)
    assert [i.name for i in workload.integrations] == ["microsoft 365", "stripe", "segment"]


def test_everyday_words_are_not_platforms_or_places() -> None:
    analysis = analyze_requirements("Let us build a tool for one customer segment; the epic is small.")
    assert analysis.workload.integrations == []
    assert analysis.workload.location.places == []
    assert analysis.workload.location.region_provenance == "assumed"


@pytest.mark.parametrize(
    "text",
    [
        "Bakery app: customers pay at the till, we only show the menu and opening hours.",
        "Club app for fixtures and news. Cash only, nothing is paid online.",
    ],
)
def test_paying_offline_rules_payments_out(text: str) -> None:
    analysis = analyze_requirements(text)
    assert "payments" not in {f.id for f in analysis.features}
    assert "payments" in {f.id for f in analysis.ruled_out}


def test_checkout_through_a_provider_rules_payments_in() -> None:
    analysis = analyze_requirements("Shop for our ceramics: checkout through Stripe, ship within the UK.")
    assert "payments" in {f.id for f in analysis.features}


def test_a_language_model_product_has_question_and_token_drivers() -> None:
    analysis = analyze_requirements("An AI assistant that answers 2,000 questions a day from our handbook PDFs.")
    kinds = {d.kind: d for d in analysis.workload.drivers}
    assert kinds["questions"].provenance == "stated" and kinds["questions"].per_day == pytest.approx(2_000)
    assert kinds["llm_tokens"].provenance == "derived"
    assert kinds["llm_tokens"].per_day == pytest.approx(2_000 * 2_000)
    assert {"llm_inference", "vector_search"} <= {f.id for f in analysis.features}


def test_a_product_name_number_is_not_a_count() -> None:
    analysis = analyze_requirements("Frontline app: sign-in with our Microsoft 365 accounts, 18,500 shift workers.")
    assert [(a.noun, a.count) for a in analysis.workload.actors] == [("workers", 18_500)]


def _spans(analysis: Analysis) -> list[Evidence]:
    workload = analysis.workload
    figures = [workload.team, workload.budget_usd_per_month, workload.data.retention_days,
               workload.targets.latency_ms, workload.targets.availability_percent]
    found = [f.evidence for f in figures if f is not None and f.evidence is not None]
    found += [a.evidence for a in workload.actors if a.evidence is not None]
    found += [d.evidence for d in workload.drivers if d.evidence is not None]
    found += [b.evidence for b in workload.bursts if b.evidence is not None]
    found += [p.evidence for p in workload.location.places if p.evidence is not None]
    found += [i.evidence for i in workload.integrations if i.evidence is not None]
    return found


def test_every_stated_value_quotes_the_exact_words_of_the_requirement() -> None:
    rows = [json.loads(line) for name in ("dev", "tune") for line in
            (DATASETS / f"requirements.{name}.jsonl").read_text(encoding="utf-8").splitlines()]
    checked = 0
    for row in rows:
        analysis = analyze_requirements(row["requirement"])
        for evidence in _spans(analysis):
            assert analysis.requirement[evidence.start : evidence.end] == evidence.text, row["id"]
            checked += 1
        for figure in (analysis.workload.data.growth_gb_per_month,):
            assert figure.provenance == "derived" and figure.formula
    assert checked > 300


def test_page_views_size_the_readers() -> None:
    """A site stated by its page views ('30M pageviews/month') has readers: about three pages each a day."""
    from archwright.tools.analyze import analyze_requirements

    news = analyze_requirements("Digital news site: 30M pageviews/month, a paywall with metered access.")
    assert news.scale.daily_active_users == pytest.approx(30e6 / 30.4 / 3, rel=0.02)
    assert "stated page views ('30M pageviews/month')" in news.scale.assumptions[0]
    api = analyze_requirements("An internal API that serves 2 million requests a month.")
    assert "page views" not in " ".join(api.scale.assumptions)
