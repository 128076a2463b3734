"""Input checks give a reason and say what is accepted."""

from __future__ import annotations

import pytest

from archwright.tools.validation import MAX_REQUIREMENT_CHARS, RequirementError, check_requirement


def test_strips_and_returns_good_text() -> None:
    assert check_requirement("  A booking app for a gym.  ") == "A booking app for a gym."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("a" * (MAX_REQUIREMENT_CHARS + 1), "limit is 20,000"),
        ("\x00\x01\x02\x03 abc", "binary"),
        ("\ufffd\ufffd\ufffd\ufffd broken bytes \ufffd\ufffd", "binary"),
        ("Necesitamos una aplicación para que los usuarios reserven clases en el gimnasio y paguen con tarjeta.",
         "Spanish"),
        ("Nous voulons une application pour que les utilisateurs réservent des cours avec paiement.", "French"),
        ("Wir wollen eine App für die Buchung von Kursen, die Nutzer sollen mit Karte zahlen.", "German"),
        ("我们需要一个打车应用，支持实时追踪和支付功能，每天十万用户。", "script"),
        ("Нам нужно приложение для заказа такси с оплатой картой.", "script"),
    ],
)
def test_refusals_name_the_problem(text: str, expected: str) -> None:
    with pytest.raises(RequirementError, match=expected):
        check_requirement(text)


def test_non_text_is_refused() -> None:
    with pytest.raises(RequirementError, match="must be text"):
        check_requirement(42)


def test_english_with_foreign_place_names_is_accepted() -> None:
    assert check_requirement("A ride-hailing app for São Paulo and Ciudad de México with live tracking.")


def test_a_passed_back_analysis_needs_its_primary_domain_first() -> None:
    from archwright.tools.analyze import analyze_requirements
    from archwright.tools.validation import check_analysis

    analysis = analyze_requirements("A ride-sharing app for 100k daily users with real-time tracking and payments")
    with pytest.raises(RequirementError, match="primary domain first"):
        check_analysis(analysis.model_copy(update={"domains": []}))
    with pytest.raises(RequirementError, match="above"):
        broken = analysis.model_copy(deep=True)
        broken.workload.actors[0].count = 10**15
        check_analysis(broken)
