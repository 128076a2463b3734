"""compare_architectures: itemised costs that add up, reasoned scores, sensible recommendations."""

from __future__ import annotations

import pytest

from archwright.resources import load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture

RIDE = "A ride-sharing app for 100k daily users with real-time tracking and payments"


@pytest.fixture(scope="module")
def ride():
    return compare_architectures(analyze_requirements(RIDE))


def test_totals_are_the_sum_of_line_items(ride) -> None:
    for option in ride.options:
        cost = option.monthly_cost
        assert cost.expected == pytest.approx(sum(i.expected for i in cost.line_items), abs=0.05)
        assert cost.low <= cost.expected <= cost.high


def test_every_line_item_carries_formula_price_source_and_date(ride) -> None:
    prices = load_catalog().prices["aws"]
    for option in ride.options:
        for item in option.monthly_cost.line_items:
            assert item.formula and "=" in item.formula
            assert item.source and item.retrieved
            assert item.low <= item.expected <= item.high
        known = {p.unit: p for p in prices.values()}
        for item in option.monthly_cost.line_items:
            if item.unit in known:
                assert item.unit_price == known[item.unit].price
                assert item.verified == known[item.unit].verified


def test_lambda_line_item_applies_the_free_tier(ride) -> None:
    serverless = next(o for o in ride.options if o.style == "serverless")
    invocations = next(i for i in serverless.monthly_cost.line_items if i.name == "Function invocations")
    assert invocations.free_tier_applied
    requests = analyze_requirements(RIDE).scale.monthly_requests
    assert invocations.expected == pytest.approx((requests - 1_000_000) * 0.20e-6, abs=0.01)


def test_scores_are_one_to_ten_higher_is_better_with_reasons(ride) -> None:
    for option in ride.options:
        assert set(option.scores) == {
            "scalability", "cost_efficiency", "time_to_market", "operational_simplicity", "portability",
            "compliance_readiness",
        }
        for score in option.scores.values():
            assert 1 <= score.score <= 10 and score.reason


def test_the_cheapest_option_scores_best_on_cost(ride) -> None:
    cheapest = min(ride.options, key=lambda o: o.monthly_cost.expected)
    assert cheapest.scores["cost_efficiency"].score == max(o.scores["cost_efficiency"].score for o in ride.options)


def test_a_small_internal_tool_does_not_get_kubernetes() -> None:
    comparison = compare_architectures(analyze_requirements(
        "Internal HR tool for our 2,000 employees: leave requests, approvals and SSO through Google Workspace."))
    assert comparison.recommendation.style != "microservices"
    assert comparison.recommendation.rationale


def test_a_massive_app_with_a_large_team_gets_microservices() -> None:
    comparison = compare_architectures(analyze_requirements(
        "A ride-sharing app for 5M daily users with real-time tracking, payments, chat and ratings. "
        "Our engineering team of 40 engineers is ready."))
    assert comparison.recommendation.style == "microservices"
    microservices = next(o for o in comparison.options if o.style == "microservices")
    assert microservices.team_size == 40


def test_scale_moves_the_weights_toward_scalability() -> None:
    small = compare_architectures(analyze_requirements("A booking app for a gym with 300 members."))
    huge = compare_architectures(analyze_requirements("A social network with a feed for 10M daily users."))
    assert huge.recommendation.weights["scalability"] > small.recommendation.weights["scalability"]
    assert small.recommendation.weights["operational_simplicity"] > huge.recommendation.weights["operational_simplicity"]


def test_compliance_raises_its_weight_and_names_the_regime() -> None:
    comparison = compare_architectures(analyze_requirements(
        "Patient portal for a US clinic: patients sign in and message their doctor. HIPAA applies."))
    assert comparison.recommendation.weights["compliance_readiness"] > 0.5
    assert any("HIPAA" in line for line in comparison.recommendation.rationale)


def test_styles_can_be_chosen_and_clouds_change_prices() -> None:
    analysis = analyze_requirements(RIDE)
    two = compare_architectures(analysis, ("serverless", "monolith"), "gcp")
    assert [o.style for o in two.options] == ["serverless", "monolith"]
    aws = compare_architectures(analysis, ("serverless",), "aws").options[0].monthly_cost.expected
    gcp = two.options[0].monthly_cost.expected
    assert aws != gcp


def test_more_volume_costs_more() -> None:
    small = compare_architectures(analyze_requirements("A chat app for 10k daily users."))
    large = compare_architectures(analyze_requirements("A chat app for 1M daily users."))
    for style in ("serverless", "microservices", "monolith"):
        s = next(o for o in small.options if o.style == style).monthly_cost.expected
        big = next(o for o in large.options if o.style == style).monthly_cost.expected
        assert big > s


def test_payment_fees_are_named_as_outside_the_bill_not_as_unpriced(ride) -> None:
    notes = ride.options[0].monthly_cost.not_included
    assert any(note.startswith("Payment provider (Stripe): a share of each sale") for note in notes)
    assert not any("Not priced yet" in note and "Payment provider" in note for note in notes)


def _weeks(text: str, team: int | None = None) -> dict[str, tuple[int, int, str]]:
    from archwright.tools.workload_models import WorkloadInput

    analysis = analyze_requirements(text, WorkloadInput(team=team) if team else None)
    designs = {s: design_architecture(analysis, s, "aws") for s in ("serverless", "microservices", "monolith")}
    comparison = compare_architectures(analysis, designs, "aws")
    return {o.style: (o.team_size, o.time_to_mvp_weeks, o.effort_reason) for o in comparison.options}


def test_an_audit_sets_a_floor_no_team_size_removes() -> None:
    issuer = "Card issuing platform with PCI DSS level 1: cardholders, a ledger, KYC and fraud scoring."
    for team in (3, 60):
        for _, weeks, reason in _weeks(issuer, team).values():
            assert weeks >= 16
            assert team == 3 or "sets the floor" in reason  # PCI DSS, or the regulator of a card issuer


def test_twenty_times_the_engineers_is_not_twenty_times_faster() -> None:
    ride = "A ride-sharing app for 100k daily users with real-time tracking, payments, chat and ratings."
    small, large = _weeks(ride, 3)["monolith"], _weeks(ride, 60)["monolith"]
    assert small[0] == 3 and large[0] == 60  # a stated team is the team
    assert large[1] < small[1]
    assert large[1] * 20 > small[1] * 3  # far from proportional: coordination and integration
    assert "to integrate, whatever the team" in large[2] or "wait on each other" in large[2]


def test_shipping_to_customers_costs_more_than_the_same_modules_for_staff() -> None:
    public = _weeks("A booking app where our customers reserve slots and get notified; 5,000 daily users.")
    staff = _weeks("A booking tool where our own staff reserve meeting rooms and get notified; 5,000 employees.")
    import re

    factors = [float(re.search(r"x ([0-9.]+) to deliver to (customers|staff)", w["monolith"][2]).group(1))
               for w in (public, staff)]
    assert "to deliver to customers" in public["monolith"][2] and "to deliver to staff" in staff["monolith"][2]
    assert factors[0] > factors[1] > 1


def test_calendar_time_grows_slower_than_effort() -> None:
    small = _weeks("A marketplace for renting camping gear between individuals, 2,000 daily users.")["monolith"]
    large = _weeks("A national food delivery marketplace: 3 million daily users, live courier tracking, "
                   "payments, restaurant portal, push notifications, chat and ratings.")["monolith"]
    effort = [float(w[2].split(" person-weeks")[0]) for w in (small, large)]
    assert effort[1] > 4 * effort[0]
    assert small[1] < large[1] < small[1] * effort[1] / effort[0] / 2  # more people, not all more months
    assert large[0] > small[0]


def test_a_side_project_for_me_is_one_developer() -> None:
    for text in ("A habit tracker app just for me and maybe a few friends.",
                 "Weekend side project: a reading tracker I share with friends."):
        (team, weeks, reason) = _weeks(text)["serverless"]
        assert team == 1 and "stated" in reason and weeks <= 8


def test_a_bank_brings_its_regulator_and_its_months() -> None:
    bank = analyze_requirements("A neobank app for 2 million customers in the EU: current accounts, cards and transfers.")
    (regime,) = [c for c in bank.compliance if c.id == "financial_licence"]
    assert regime.implied
    assert any("Who holds the licence" in q for q in bank.questions)
    design = design_architecture(bank, "monolith", "gcp")
    assert any(c.name.startswith("Operational resilience and reporting") for c in design.components)
    team, weeks, reason = _weeks("A neobank app for 2 million customers in the EU: current accounts, cards and transfers.")["monolith"]
    assert weeks >= 39 and team >= 15
    for not_a_bank in ("An app to split grocery bills with my roommates.",
                       "A payments page for a yoga studio's classes, paid through Stripe."):
        assert "financial_licence" not in {c.id for c in analyze_requirements(not_a_bank).compliance}


def test_device_messages_and_model_tokens_are_priced_from_the_workload() -> None:
    fleet = analyze_requirements("Smart farming: 80,000 soil sensors send readings every 10 minutes; farmers see charts.")
    line = next(i for i in compare_architectures(fleet, cloud="aws").options[0].monthly_cost.line_items
                if i.component == "iot_hub")
    messages = 80_000 / 600 * 86_400 * 30.4
    assert line.inputs["device_messages"] == pytest.approx(messages, rel=1e-3)
    assert line.expected == pytest.approx(messages * 1e-6, rel=1e-3)  # the free tier is for new accounts only
    assistant = analyze_requirements("An AI assistant that answers 2,000 questions a day from our handbook PDFs.")
    tokens = [i for i in compare_architectures(assistant, cloud="gcp").options[0].monthly_cost.line_items
              if i.component == "llm_api"]
    assert [i.name for i in tokens] == ["Language model input tokens", "Language model output tokens"]
    assert tokens[0].inputs["llm_tokens"] == pytest.approx(2_000 * 2_000 * 30.4, rel=1e-3)


def test_the_bill_names_its_dominant_driver_and_what_doubling_it_does() -> None:
    fleet = analyze_requirements("Smart farming: 80,000 soil sensors send readings every 10 minutes; farmers see charts.")
    comparison = compare_architectures(fleet, cloud="aws")
    monolith = next(o for o in comparison.options if o.style == "monolith").monthly_cost
    top = max(monolith.line_items, key=lambda i: i.expected)
    assert monolith.dominant_driver.startswith(f"{top.name} is ")
    assert f"adds about ${top.expected:,.0f} a month" in monolith.dominant_driver
    from archwright.tools.summary import cost_table

    assert "What moves the recommended bill most:" in cost_table(comparison)


def test_non_production_environments_are_a_line_of_their_own() -> None:
    ride = analyze_requirements("A ride-sharing app for 100k daily users with real-time tracking and payments")
    for option in compare_architectures(ride, cloud="aws").options:
        items = option.monthly_cost.line_items
        (environments,) = [i for i in items if i.component == "environments"]
        base = sum(i.expected for i in items if i.component in ("application", "platform", "primary_db", "api_entry", "cache"))
        assert environments.expected == pytest.approx(base * 0.3, abs=0.02)
        assert not environments.verified


def test_the_smallest_database_is_one_the_provider_offers_with_high_availability() -> None:
    studio = analyze_requirements("Booking app for one yoga studio with 300 members.")
    units = {cloud: next(i.unit for i in compare_architectures(studio, cloud=cloud).options[2].monthly_cost.line_items
                         if i.component == "primary_db")
             for cloud in ("gcp", "azure")}
    assert "dedicated vCPU" in units["gcp"]  # shared-core Cloud SQL is outside the SLA
    assert "General Purpose" in units["azure"]  # Burstable has no zone-redundant HA


def test_data_beyond_one_instance_is_split_across_instances() -> None:
    from archwright.tools.workload_models import WorkloadInput

    huge = analyze_requirements("Social network for 500 million registered users.",
                                WorkloadInput.model_validate({"users": {"count": 500_000_000, "period": "total"}}))
    line = next(i for i in compare_architectures(huge, cloud="azure").options[2].monthly_cost.line_items
                if i.name == "PostgreSQL (high availability)")
    assert line.inputs["instances"] >= 2


def test_video_delivery_is_priced_from_hours_watched_by_volume_tier() -> None:
    vod = analyze_requirements("Video on demand service for documentaries with 200k daily viewers.")
    cost = compare_architectures(vod, cloud="aws").options[2].monthly_cost
    video = next(i for i in cost.line_items if i.name == "Video delivery")
    gigabytes = 200_000 * 0.5 * 30.4 * 1.5
    assert video.inputs["video_hours"] == pytest.approx(200_000 * 0.5 * 30.4)
    assert gigabytes * 0.02 < video.expected < gigabytes * 0.085  # tiered, not the first tier's rate for all
    assert cost.dominant_driver.startswith("Video delivery")


def test_a_stated_budget_is_a_constraint_on_the_pick() -> None:
    text = ("Booking app for our climbing gym with 2,000 members, reminders and payments by card; "
            "we can spend at most $150 a month on hosting.")
    comparison = compare_architectures(analyze_requirements(text), cloud="aws")
    best = next(o for o in comparison.options if o.style == comparison.recommendation.style)
    affordable = [o for o in comparison.options if o.monthly_cost.expected <= 150]
    if affordable:
        assert best.monthly_cost.expected <= 150
    assert any("The stated budget is $150 a month" in line for line in comparison.recommendation.rationale)


def test_a_surge_is_capacity_for_its_hours_not_all_month() -> None:
    drop = analyze_requirements("Concert ticket shop, quiet most days with 2k visitors a day; when tickets drop, "
                                "1.5 million fans hit the site within 10 minutes.")
    assert drop.scale.steady_peak_rps is not None and drop.scale.steady_peak_rps < drop.scale.peak_rps / 100
    monolith = next(o for o in compare_architectures(drop, cloud="aws").options if o.style == "monolith")
    items = {i.name: i for i in monolith.monthly_cost.line_items}
    assert items["Application containers (vCPU)"].inputs["tasks"] == 2  # the ordinary hour
    assert items["Surge capacity"].inputs["surge_tasks"] > 10 and "20 h a month" in items["Surge capacity"].formula


def test_the_people_of_a_surge_are_users_that_month() -> None:
    """500,000 fans at an on-sale sign in and get tickets by email, whatever the ordinary day holds."""
    quiet = analyze_requirements("We sell concert tickets online; the site is quiet most days.")
    surge = analyze_requirements("We sell concert tickets online; when a big tour goes on sale 500k people hit the "
                                 "site in the first 10 minutes.")
    assert surge.workload.bursts[0].people and surge.scale.daily_active_users == quiet.scale.daily_active_users

    def sign_ins(analysis) -> dict:
        option = compare_architectures(analysis, cloud="aws").options[0]
        return next(i for i in option.monthly_cost.line_items if i.name.startswith("Sign-ins"))

    # Those who sign in: the domain's share of the month's users, the surge's 500,000 included.
    assert sign_ins(surge).inputs["signed_in_users"] >= 50 * sign_ins(quiet).inputs["signed_in_users"]


def test_game_servers_grow_with_the_players_on_every_cloud() -> None:
    small = analyze_requirements("Backend for a mobile battle game: 2,000 daily players in real-time multiplayer matches of 10.")
    large = analyze_requirements("Backend for a mobile battle game: 1 million daily players in real-time multiplayer matches of 10.")
    for cloud in ("aws", "gcp", "azure"):
        fleets = []
        for analysis in (small, large):
            option = compare_architectures(analysis, cloud=cloud).options[0]
            fleets.append(next(i.expected for i in option.monthly_cost.line_items if i.component == "game_server"))
        assert fleets[1] > 100 * fleets[0], cloud  # two servers at least for the small game, a fleet for the large
