"""A caller's corrections: given values win, disagreements with the text are reported, advice follows."""

from __future__ import annotations

import pytest

from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.corrections import CorrectionError
from archwright.tools.design import design_architecture
from archwright.tools.workload_models import WorkloadInput

FLEET = "Telematics for trucking companies: GPS trackers in each truck, dispatchers see live positions on a map."


def _given(**fields: object) -> WorkloadInput:
    return WorkloadInput.model_validate(fields)


def test_given_users_win_and_the_disagreement_is_reported() -> None:
    analysis = analyze_requirements("Meal planning app for 20k monthly users.", _given(users={"count": 200_000, "period": "monthly"}))
    assert analysis.users is not None
    assert (analysis.users.count, analysis.users.provenance, analysis.users.evidence) == (200_000, "given", None)
    (conflict,) = analysis.workload.conflicts
    assert (conflict.field, conflict.stated, conflict.given) == ("users", "20,000 monthly", "200,000 monthly")
    assert conflict.evidence is not None and conflict.evidence.text == "20k monthly users"
    assert analysis.workload.given == ["users"]


def test_a_given_value_the_text_does_not_state_is_not_a_conflict() -> None:
    analysis = analyze_requirements(FLEET, _given(events_per_second=2_000, residency="eu", team=4))
    assert analysis.workload.conflicts == []
    assert sorted(analysis.workload.given) == ["events_per_second", "residency", "team"]
    assert analysis.workload.location.region == "eu"
    assert analysis.team is not None and analysis.team.count == 4 and analysis.team.evidence is None


def test_given_features_are_the_complete_list_and_omissions_are_reported() -> None:
    text = "Dog walking marketplace with in-app chat, payments and reviews."
    analysis = analyze_requirements(text, _given(features=["payments", "reviews_ratings", "booking_scheduling"]))
    assert [f.id for f in analysis.features] == ["payments", "reviews_ratings", "booking_scheduling"]
    assert all(f.given for f in analysis.features)
    assert [c.stated.split(" ")[0] for c in analysis.workload.conflicts] == ["chat_messaging"]


def test_a_given_ruled_out_feature_removes_it() -> None:
    analysis = analyze_requirements("Club app with fixtures, chat and payments.", _given(ruled_out=["payments"]))
    assert "payments" not in {f.id for f in analysis.features}
    assert "payments" in {f.id for f in analysis.ruled_out}


def test_unknown_ids_are_refused_with_what_is_accepted() -> None:
    with pytest.raises(CorrectionError, match="unknown feature ids \\['teleportation'\\]"):
        analyze_requirements("A todo app.", _given(features=["teleportation"]))
    with pytest.raises(CorrectionError, match="not a domain id"):
        analyze_requirements("A todo app.", _given(primary_domain="spaceflight"))


def test_a_correction_changes_the_priced_advice() -> None:
    """The fleet's text states no rate; the caller knows it is 5,000 trucks every 5 seconds."""
    plain = analyze_requirements(FLEET)
    corrected = analyze_requirements(FLEET, _given(events_per_second=1_000, users={"count": 400, "period": "daily"}))
    assert corrected.scale.peak_rps > plain.scale.peak_rps * 10
    assert corrected.scale.monthly_requests > plain.scale.monthly_requests * 10

    def expected_cost(analysis):  # type: ignore[no-untyped-def]
        designs = {s: design_architecture(analysis, s, "aws") for s in ("serverless", "monolith")}
        return {o.style: o.monthly_cost.expected for o in compare_architectures(analysis, designs, "aws").options}

    before, after = expected_cost(plain), expected_cost(corrected)
    assert after["serverless"] > before["serverless"] * 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"burst": {"count": 10**12, "minutes": 1e-300}}, "minutes"),
        ({"integrations": ["x" * 5000]}, "integrations"),
        ({"residency": "mars"}, "not a region code"),
    ],
)
def test_absurd_corrections_are_refused(fields: dict, message: str) -> None:
    from pydantic import ValidationError

    with pytest.raises((ValidationError, CorrectionError), match=message):
        analyze_requirements("A ride-sharing app for 100k daily users.", WorkloadInput.model_validate(fields))


def test_a_given_surge_counts_people_like_a_stated_one_and_conflicts_are_reported() -> None:
    text = "Ticket shop: 200k people arrive in the first 10 minutes when tickets go on sale."
    same = analyze_requirements(text, _given(burst={"count": 200_000, "minutes": 10}))
    assert same.scale.peak_rps == pytest.approx(analyze_requirements(text).scale.peak_rps)
    assert same.workload.conflicts == []
    other = analyze_requirements(text, _given(burst={"count": 400_000, "minutes": 10}, availability_percent=99.99))
    assert [c.field for c in other.workload.conflicts] == ["burst"]
    stated = analyze_requirements("Shop with 99.9% uptime.", _given(availability_percent=99.99))
    assert [c.field for c in stated.workload.conflicts] == ["availability_percent"]
