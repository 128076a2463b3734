"""Kinds of app refine a domain's core, and every role is billed from a driver, not a flat add-on."""

from __future__ import annotations

import pytest

from archwright.resources import load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture


def _modules(text: str) -> set[str]:
    design = design_architecture(analyze_requirements(text), "monolith", "aws")
    return {c.name.removesuffix(" module") for c in design.components if c.kind == "module"}


def test_a_ticket_drop_holds_seats_instead_of_escrowing_sellers_money() -> None:
    text = "Stadium ticket drop: 1.5M fans try to buy 60,000 seats in the first 10 minutes; no seat may be sold twice."
    analysis = analyze_requirements(text)
    assert analysis.primary_domain == "ecommerce"  # a venue's seats are not a SaaS product's seats
    assert [k.id for k in analysis.kinds] == ["ticketing"] and analysis.kinds[0].evidence
    modules = _modules(text)
    assert {"Seat holds", "Tickets", "Events and inventory"} <= modules
    assert not modules & {"Escrow and payouts", "Usage metering", "Fulfilment"}
    roles = {c.id for c in design_architecture(analysis, "serverless", "aws").components}
    assert "waiting_room" in roles


def test_kinds_need_their_own_words_not_a_neighbouring_sense() -> None:
    assert _modules("A neighbourhood app where people lend tools like drills and ladders to each other.").isdisjoint(
        {"Loan origination", "Credit decisioning"})
    assert "Seat holds" not in _modules("B2B project management SaaS with boards, tasks and comments, 40k seats.")
    assert {"Projects and tasks", "Comments and activity"} <= _modules(
        "B2B project management SaaS with boards, tasks and comments, 40k seats.")
    telehealth = _modules("Telehealth for US clinics: video visits and e-prescriptions.")
    assert {"Virtual visits", "E-prescribing"} <= telehealth
    assert "E-prescribing" not in _modules("Online therapy sessions by video with licensed counsellors.")


def test_video_on_demand_is_not_drawn_with_a_live_channel() -> None:
    vod = analyze_requirements("Video on demand service for documentaries with 200k daily viewers.")
    live = analyze_requirements("Live streaming platform for gamers, 50k concurrent viewers.")
    assert "live_video" not in {c.id for c in design_architecture(vod, "monolith", "aws").components}
    assert "live_video" in {c.id for c in design_architecture(live, "monolith", "aws").components}


def test_every_role_with_a_usage_price_is_billed_from_its_driver() -> None:
    catalog = load_catalog()
    analytics = analyze_requirements("Product analytics SaaS ingesting 5 billion events a month with dashboards.")
    small = analyze_requirements("Product analytics SaaS ingesting 5 million events a month with dashboards.")
    for cloud in ("aws", "gcp", "azure"):
        big = compare_architectures(analytics, cloud=cloud).options[0].monthly_cost
        little = compare_architectures(small, cloud=cloud).options[0].monthly_cost
        warehouse = [i for i in big.line_items if i.component == "data_warehouse"]
        assert warehouse, cloud
        assert all(i.unit != "month at the smallest production size" for i in big.line_items)
        billed = {p.bills for p in catalog.prices[cloud].values() if p.bills}
        assert "data_warehouse" in billed
        assert sum(i.expected for i in warehouse) >= sum(
            i.expected for i in little.line_items if i.component == "data_warehouse")
    bigquery = [i for i in compare_architectures(analytics, cloud="gcp").options[0].monthly_cost.line_items
                if i.component == "data_warehouse"]
    assert max(i.expected for i in bigquery) > 100  # a year of 5 billion events is terabytes to store and scan


def test_the_range_follows_how_the_load_was_known() -> None:
    stated = compare_architectures(analyze_requirements("A ride-sharing app for 100k daily users.")).options[0]
    assumed = compare_architectures(analyze_requirements("A ride-sharing app.")).options[0]
    stated_width = stated.monthly_cost.high / stated.monthly_cost.low
    assumed_width = assumed.monthly_cost.high / assumed.monthly_cost.low
    assert stated_width < assumed_width
    assert "stated" in stated.monthly_cost.range_basis and "assumed" in assumed.monthly_cost.range_basis


def test_a_small_app_lets_its_database_search_and_cache() -> None:
    todo = design_architecture(analyze_requirements("A to-do list app."), "monolith", "aws")
    assert not {"search_index", "geo_store"} & {c.id for c in todo.components}


def test_usage_per_person_and_business_volumes_size_the_system() -> None:
    vod = analyze_requirements("Fitness video on demand: 100,000 paying subscribers each watching about 10 hours a "
                               "month, with DRM.")
    hours = next(d for d in vod.workload.drivers if d.kind == "media_hours")
    assert hours.per_day * 30.4 == pytest.approx(1_000_000, rel=0.01) and "100,000 subscribers x 10" in hours.formula
    assert vod.users is not None and vod.users.count == 100_000  # "each watching" is not "25 seats each"
    video = next(i for i in compare_architectures(vod).options[2].monthly_cost.line_items if i.name == "Video delivery")
    assert video.inputs["video_hours"] == pytest.approx(1_000_000, rel=0.01)
    parcels = analyze_requirements("Route optimisation for a regional parcel carrier: 120,000 parcels a day.")
    assert parcels.users is None and parcels.scale.daily_active_users >= 100_000
    assert any("parcels a day" in note for note in parcels.scale.assumptions)


def test_a_recurring_surge_adds_its_requests_to_every_month() -> None:
    once = analyze_requirements("Sneaker drop site: 500,000 users arrive in the first 60 seconds of a drop.")
    daily = analyze_requirements("Sneaker drop site: daily drops where 500,000 users arrive in the first 60 seconds.")
    assert daily.workload.bursts[0].times_a_month == pytest.approx(30.4)
    assert once.workload.bursts[0].times_a_month == 1
    assert daily.scale.monthly_requests > once.scale.monthly_requests * 5


def test_calls_and_live_video_are_sized_from_what_is_said() -> None:
    tutoring = analyze_requirements("Online tutoring: students book 1:1 video lessons with tutors, 2,000 lessons a day "
                                    "of 50 minutes.")
    minutes = next(d for d in tutoring.workload.drivers if d.kind == "call_minutes")
    assert minutes.per_day == pytest.approx(100_000) and "'50 minutes'" in minutes.formula
    calls = [i for i in compare_architectures(tutoring, cloud="azure").options[2].monthly_cost.line_items
             if i.component == "rtc_service"]
    assert calls and calls[0].inputs["call_minutes"] == pytest.approx(100_000 * 30.4, rel=0.01)
    church = analyze_requirements("Live streaming for church services: 300 churches stream about 2 hours every "
                                  "Sunday, roughly 20,000 viewers watching at the same time.")
    hours = next(d for d in church.workload.drivers if d.kind == "media_hours")
    assert hours.per_day * 7 == pytest.approx(40_000, rel=0.01)  # 20,000 viewers x 2 hours a week


def test_people_who_are_not_users_and_vendors_who_should_not_buy() -> None:
    national = analyze_requirements("National vaccination booking for a country of 60 million people; 2 million "
                                    "people try to book in the first hour.")
    assert national.users is None or national.users.count != 60_000_000
    bank = analyze_requirements("Business banking app for UK small businesses: current accounts, debit card issuing, "
                                "100,000 business customers.")
    assert bank.users is not None and bank.users.count == 100_000
    from archwright.tools.review import whole_product_buy
    assert whole_product_buy(analyze_requirements("Payroll for our 150-employee company in the US.")) is not None
    vendor = analyze_requirements("HR software for European companies: 300 customer companies, salaries and sick leave.")
    assert whole_product_buy(vendor) is None
    courier = analyze_requirements("Dispatch for a regional courier: 600 drivers, 25,000 parcels a day.")
    assert courier.scale.daily_active_users > 20_000  # the recipients tracking parcels use it too


def test_where_the_users_are_brings_gdpr_and_a_named_regulator_brings_a_question() -> None:
    german = analyze_requirements("Food delivery app for all of Germany with 8 million registered users.")
    gdpr = next(c for c in german.compliance if c.id == "gdpr")
    assert gdpr.implied and gdpr.by_place and gdpr.evidence
    assert not any(c.id == "gdpr" for c in analyze_requirements("Food delivery app for Texas.").compliance)
    bank = analyze_requirements("Business banking app for UK small businesses, FCA regulated.")
    assert any("regulator named" in q for q in bank.questions)


def test_scores_name_each_designs_bottleneck_at_ten_times_the_peak() -> None:
    national = compare_architectures(analyze_requirements("A ride-sharing app for 5 million daily users with live "
                                                          "tracking and payments"))
    by_style = {o.style: o for o in national.options}
    assert "At 10x the peak" in by_style["serverless"].scores["scalability"].reason
    assert "beyond one primary" in by_style["monolith"].scores["scalability"].reason
    assert "quota" in by_style["serverless"].scores["scalability"].reason
    bank = compare_architectures(analyze_requirements("Consumer bank: current accounts, transfers and a ledger for "
                                                      "50,000 customers."))
    serverless = next(o for o in bank.options if o.style == "serverless")
    monolith = next(o for o in bank.options if o.style == "monolith")
    assert "multi-row transactions" in serverless.scores["operational_simplicity"].reason
    assert serverless.scores["operational_simplicity"].score < monolith.scores["operational_simplicity"].score


def test_teams_grow_with_scale_and_regimes_not_with_the_module_count() -> None:
    def pick(text: str) -> tuple[int, int]:
        comparison = compare_architectures(analyze_requirements(text))
        best = next(o for o in comparison.options if o.style == comparison.recommendation.style)
        return best.team_size, best.time_to_mvp_weeks

    staff_tool = pick("An internal tool for our 40 warehouse staff to log equipment checks.")
    telehealth = pick("Telehealth for a US clinic network: 30,000 video visits a month, e-prescribing, HIPAA.")
    national = pick("National food delivery app for 3 million daily users with live courier tracking and payments.")
    assert staff_tool[0] == 1
    assert telehealth[0] >= 4 and telehealth[1] >= 16  # HIPAA's calendar: assessments, BAAs, a pen test
    assert national[0] >= 12 and national[1] > telehealth[1] - 4


def test_uber_for_x_is_onboarded_providers_matched_to_jobs() -> None:
    modules = _modules("Uber for dog walkers.")
    assert {"Provider onboarding", "Job matching", "Marketplace payments"} <= modules
    assert not modules & {"Seller onboarding", "Trips", "Escrow and payouts"}


def test_a_comma_ends_a_counted_noun_and_sessions_are_counted() -> None:
    learning = analyze_requirements("Online learning platform, 1.5M students, video lessons.")
    assert learning.users is not None and learning.users.count == 1_500_000
    tutoring = analyze_requirements("1:1 video tutoring calls between tutors and students, ~5,000 sessions per day, "
                                    "45 min each.")
    minutes = next(d for d in tutoring.workload.drivers if d.kind == "call_minutes")
    assert minutes.per_day == pytest.approx(225_000)


def test_long_sessions_put_more_of_the_day_online_at_once() -> None:
    video = analyze_requirements("Video streaming service with 400,000 concurrent viewers at peak.")
    chat = analyze_requirements("Team chat app with 400,000 concurrent users at peak.")
    assert video.scale.daily_active_users < chat.scale.daily_active_users  # an evening of video vs a quick check-in


def test_identity_checks_are_priced_for_who_must_be_verified() -> None:
    def checks(text: str) -> float:
        cost = compare_architectures(analyze_requirements(text)).options[2].monthly_cost
        return sum(i.expected for i in cost.line_items if i.component == "kyc_provider")

    bank = checks("Consumer bank with KYC onboarding for 500,000 customers.")
    delivery = checks("Food delivery marketplace for 500,000 customers with courier background checks.")
    assert bank > 0 and bank > delivery * 10  # every bank customer is verified; only a marketplace's couriers


def test_transactions_other_systems_send_are_load_not_people() -> None:
    claims = analyze_requirements("Pharmacy benefits platform processing ~50k prescription claims/hour in real time "
                                  "(NCPDP), HIPAA.")
    shop = analyze_requirements("Online shop with 50k orders an hour at peak season.")
    assert claims.scale.daily_active_users < 10_000 < shop.scale.daily_active_users
    assert claims.scale.peak_rps > 15  # the claims still arrive: ~14 a second on average
