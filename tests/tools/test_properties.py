"""Property tests: the advisor never crashes on arbitrary text, and what it builds stays coherent."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archwright.resources import STYLES, load_catalog
from archwright.tools.analyze import analyze_requirements
from archwright.tools.compare import compare_architectures
from archwright.tools.design import design_architecture
from archwright.tools.validation import RequirementError


def _vocabulary() -> list[str]:
    catalog = load_catalog()
    words: list[str] = []
    for spec in (*catalog.features.values(), *catalog.compliance.values()):
        words += [p for p in spec.patterns if not p.startswith("re:") and "~" not in p]
    for domain in catalog.domains.values():
        words += list(domain.strong[:5])
    return [w.replace("*", "") for w in words]


_NUMBERS = st.sampled_from(["100k", "1.5M", "2 million", "250 000", "ten thousand", "3m", "12,000", "a few hundred"])
_PEOPLE = st.sampled_from(["users", "daily users", "monthly active users", "riders", "employees", "requests per second"])
_NEGATIONS = st.sampled_from(["no", "not", "without", "don't need", "is not needed", ",", ".", "and", "but"])

requirements = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(st.sampled_from(_vocabulary()), _NUMBERS, _PEOPLE, _NEGATIONS, st.text(max_size=12)),
        min_size=1,
        max_size=60,
    ).map(" ".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirements)
def test_the_analyzer_answers_or_refuses_with_a_reason(text: str) -> None:
    try:
        analysis = analyze_requirements(text)
    except RequirementError as error:
        assert str(error)
        return
    for finding in [*analysis.features, *analysis.ruled_out, *analysis.domains]:
        for evidence in finding.evidence:
            assert analysis.requirement[evidence.start : evidence.end] == evidence.text
    assert analysis.scale.daily_active_users >= 0 and analysis.scale.peak_rps >= 0
    assert {f.id for f in analysis.features}.isdisjoint({f.id for f in analysis.ruled_out})


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirements, st.sampled_from(STYLES), st.sampled_from(["aws", "gcp", "azure"]))
def test_designs_serve_every_need_and_connect_only_existing_components(text: str, style: str, cloud: str) -> None:
    try:
        analysis = analyze_requirements(text)
    except RequirementError:
        return
    design = design_architecture(analysis, style, cloud)  # type: ignore[arg-type]
    ids = {c.id for c in design.components}
    assert len(ids) == len(design.components)
    assert all(c.source in ids and c.target in ids for c in design.connections)
    served = {f for c in design.components for f in c.features}
    assert {f.id for f in analysis.features} | {c.id for c in analysis.compliance} <= served


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requirements)
def test_comparisons_add_up_and_recommend_a_compared_style(text: str) -> None:
    try:
        analysis = analyze_requirements(text)
    except RequirementError:
        return
    comparison = compare_architectures(analysis)
    assert comparison.recommendation.style in {o.style for o in comparison.options}
    for option in comparison.options:
        assert option.monthly_cost.low <= option.monthly_cost.expected <= option.monthly_cost.high
        assert all(1 <= s.score <= 10 for s in option.scores.values())
