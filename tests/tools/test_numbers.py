"""Numbers as people write them, and the counts of people, periods and rates they state."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archwright.tools._actors import ActorMention, actor_mentions
from archwright.tools._numbers import rate_mentions, team_mentions


def user_mentions(text: str) -> Iterator[ActorMention]:
    """Counts of people (end users or staff), as the analyzer reads them."""
    return (m for m in actor_mentions(text) if m.role in ("end_user", "staff"))


@pytest.mark.parametrize(
    ("text", "count", "period"),
    [
        ("100k daily users", 100_000, "daily"),
        ("1.5M users by the end of the year", 1_500_000, "total"),
        ("2 million monthly active users", 2_000_000, "monthly"),
        ("about 250 000 users", 250_000, "total"),
        ("ten thousand patients a month", 10_000, "monthly"),
        ("3m users", 3_000_000, "total"),
        ("a quarter of a million users in year one", 250_000, "total"),
        ("half a million monthly users", 500_000, "monthly"),
        ("twenty-five thousand members", 25_000, "total"),
        ("our 60-person sales team", 60, "total"),
        ("The team is 8 agents.", 8, "total"),
        ("Peak concurrency is about 50,000 viewers.", 50_000, "concurrent"),
        ("up to 15,000 users online simultaneously", 15_000, "concurrent"),
        ("About 5,000 dispatchers use the web app daily.", 5_000, "daily"),
        ("10-20k users", 20_000, "total"),
        ("MAU: 2M", 2_000_000, "monthly"),
        ("2k weekly users", 2_000, "weekly"),
        ("1M visitors a year", 1_000_000, "yearly"),
        ("It will be used by about 600 wholesale clients.", 600, "total"),
    ],
)
def test_stated_user_counts_and_periods(text: str, count: int, period: str) -> None:
    mention = next(user_mentions(text))
    assert (mention.count, mention.period) == (count, period)
    assert not mention.vague


@pytest.mark.parametrize(
    "text",
    [
        "a fleet of 1,200 licensed cabs",
        "We'll manage about 80,000 sensors",
        "Data is retained for 30 days, and EU customers' logs stay in the EU",
        "a chain of 300 coffee shops: customers load money",
        "monthly subscriptions for the first 3 months",
    ],
)
def test_numbers_that_are_not_people_are_not_user_counts(text: str) -> None:
    assert list(user_mentions(text)) == []


def test_a_period_before_the_number_needs_only_filler_words_between() -> None:
    assert next(user_mentions("monthly subscriptions for 300,000 learners")).period == "total"


def test_vague_sizes_are_marked_vague() -> None:
    mention = next(user_mentions("We expect a few hundred riders per campus at first."))
    assert mention.vague and mention.count == 300


def test_staff_counts_are_staff() -> None:
    assert next(user_mentions("About 400 staff will use it.")).role == "staff"
    assert next(user_mentions("400 customers")).role == "end_user"


@pytest.mark.parametrize(
    ("text", "per_second"),
    [
        ("Peak load is about 800 requests per second on Friday nights.", 800),
        ("bursts of up to 20,000 requests per second", 20_000),
        ("6,000 requests per minute", 100),
        ("a 50k TPS matching engine", 50_000),
        ("2 million messages per minute from smart meters", 33_333.33),
    ],
)
def test_stated_rates_are_per_second(text: str, per_second: float) -> None:
    assert next(rate_mentions(text)).per_second == pytest.approx(per_second, rel=1e-3)


def test_rates_are_not_user_counts() -> None:
    assert list(user_mentions("800 requests per second")) == []


@pytest.mark.parametrize(
    ("text", "count"),
    [("We are 2 devs.", 2), ("our engineering team of 40 engineers", 40), ("a dev team of 4", 4)],
)
def test_stated_team_sizes(text: str, count: int) -> None:
    assert next(team_mentions(text)).count == count


@pytest.mark.parametrize(
    ("text", "count", "period"),
    [
        ("45.000 daily users", 45_000, "daily"),
        ("1.234.567 registered users", 1_234_567, "total"),
        ("2,5 Mio monthly users", 2_500_000, "monthly"),
        ("3 Mrd page views from 40 Tsd members", 40_000, "total"),
        ("2 millon monthly users", 2_000_000, "monthly"),
        ("twelve thousnd students a day", 12_000, "daily"),
        ("5.000 wekly users", 5_000, "weekly"),
        ("peak CCU 80k", 80_000, "concurrent"),
        ("MAU of 2.3M", 2_300_000, "monthly"),
        ("~40k daily users", 40_000, "daily"),
        ("2,500 daily users", 2_500, "daily"),  # a comma before three digits stays a thousands separator
        ("1.5M monthly users", 1_500_000, "monthly"),  # a dot before a unit stays a decimal point
    ],
)
def test_numbers_written_the_european_way_or_in_a_hurry(text: str, count: int, period: str) -> None:
    (mention,) = list(user_mentions(text))
    assert (mention.count, mention.period) == (count, period)


@pytest.mark.parametrize("text", ["-5 daily users", "0 daily users", "a team of 0 engineers"])
def test_zero_and_negative_numbers_count_nothing(text: str) -> None:
    assert list(user_mentions(text)) == [] and list(team_mentions(text)) == []


def test_a_hyphenated_range_is_not_a_minus_sign() -> None:
    (mention,) = list(user_mentions("10-20k daily users"))
    assert mention.count == 20_000


def test_a_rate_never_reaches_back_over_another_number() -> None:
    text = "180k cardholders, 400 authorizations/s at peak"
    assert [m.per_second for m in rate_mentions(text)] == [400]
    assert [(m.count, m.noun) for m in user_mentions(text)] == [(180_000, "cardholders")]
