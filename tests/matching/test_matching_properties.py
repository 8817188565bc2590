"""Property tests: on random instances, rank() and the batch pre-filter obey the hard constraints.

The expected exclusions are recomputed here by independent code (own haversine, minute-grid
availability scan, own age arithmetic), not by calling the engine's predicates.
"""

import dataclasses
import math
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from matching import (
    CareCategory,
    Certification,
    CertificationKind,
    GeoPoint,
    MatchingConfig,
    NeedProfile,
    ProviderProfile,
    TimeWindow,
    WeeklySlot,
    is_eligible,
    rank,
)
from matching.batch import build_problem
from matching.constraints import check_prepared, is_eligible_prepared
from matching.context import prepare
from matching.eligibility import eligibility_test
from matching.profiles import trusted_profile, with_engagements
from matching.scoring import Scorer, provider_terms
from matching.synthetic import BASE, CENTRE

K = CertificationKind
CATEGORIES = [
    CareCategory.MEALS,
    CareCategory.BATHING,
    CareCategory.MEDICAL,
    CareCategory.INFANT_CARE,
    CareCategory.PRESCHOOL_CARE,
    CareCategory.FAMILY_READING,
]
CHILD = {"INFANT_CARE", "PRESCHOOL_CARE", "PARENTING_GUIDANCE", "PARENT_CHILD_ACTIVITY", "FAMILY_READING"}
NEEDS_ONE_OF = {
    "BATHING": {"ELDER_CARE_WORKER", "NURSE"},
    "MEDICAL": {"DOCTOR", "NURSE"},
    "INFANT_CARE": {"INFANT_CARE_WORKER", "CHILDCARE_WORKER"},
    "PRESCHOOL_CARE": {"CHILDCARE_WORKER"},
}
KINDS = [K.NURSE, K.DOCTOR, K.ELDER_CARE_WORKER, K.CHILDCARE_WORKER, K.INFANT_CARE_WORKER, K.HEALTH_CERTIFICATE]
KINDS += [K.NO_CRIMINAL_RECORD, K.SOCIAL_WORKER]
LANGUAGES = ["zh", "hangzhou-dialect", "en"]
DAY0 = BASE.date()
CONFIG = MatchingConfig(now=BASE)
STEP = timedelta(minutes=30)

certificates = st.builds(
    Certification,
    kind=st.sampled_from(KINDS),
    verified=st.booleans(),
    issued_on=st.none() | st.dates(DAY0 - timedelta(days=900), DAY0 + timedelta(days=8)),
    expires_on=st.none() | st.dates(DAY0 - timedelta(days=8), DAY0 + timedelta(days=900)),
)
points = st.none() | st.builds(
    GeoPoint, st.floats(CENTRE[0] - 0.05, CENTRE[0] + 0.05), st.floats(CENTRE[1] - 0.05, CENTRE[1] + 0.05)
)


@st.composite
def slots(draw) -> WeeklySlot:
    """A weekly slot on the hour grid, possibly ending at midnight."""
    start = draw(st.integers(0, 23))
    end = draw(st.integers(start + 1, 24))
    return WeeklySlot(draw(st.integers(0, 6)), time(start), time(0) if end == 24 else time(end))


@st.composite
def windows(draw, days: int = 7) -> TimeWindow:
    """A window on the half-hour grid in ``days`` days after BASE, up to 8 hours, maybe over midnight."""
    start = BASE + STEP * draw(st.integers(0, days * 48))
    return TimeWindow(start, start + STEP * draw(st.integers(1, 16)))


@st.composite
def windows_near(draw, anchor: TimeWindow) -> TimeWindow:
    """A window starting within four hours of ``anchor``'s start, up to 4 hours long."""
    start = anchor.start + STEP * draw(st.integers(-8, 8))
    return TimeWindow(start, start + STEP * draw(st.integers(1, 8)))


ALL_VALID = tuple(Certification(k, True, DAY0 - timedelta(days=99), DAY0 + timedelta(days=99)) for k in K)
ALL_WEEK = tuple(WeeklySlot(day, time(0), time(0)) for day in range(7))


def usually(good: object, other: st.SearchStrategy) -> st.SearchStrategy:
    """Four times in five ``good`` (a value passing its constraint), else a draw from ``other``."""
    return st.integers(0, 4).flatmap(lambda roll: st.just(good) if roll else other)


@st.composite
def providers(draw, ident: int, anchor: TimeWindow) -> ProviderProfile:
    """A random provider with id ``ident``, biased so that about a quarter are eligible; its
    bookings fall near ``anchor`` so that double bookings are common."""
    return ProviderProfile(
        id=ident,
        kind=draw(st.sampled_from(["PROFESSIONAL", "ORGANIZATION"])),
        categories=draw(usually(frozenset(CATEGORIES), st.frozensets(st.sampled_from(CATEGORIES), max_size=4))),
        certifications=draw(usually(ALL_VALID, st.lists(certificates, max_size=3).map(tuple))),
        languages=draw(usually(frozenset(LANGUAGES), st.frozensets(st.sampled_from(LANGUAGES)))),
        gender=draw(st.sampled_from([None, "F", "M"])),
        birth_date=draw(st.none() | st.dates(date(1950, 1, 1), date(2015, 12, 31))),
        community_ids=draw(usually(frozenset({1, 2, 3}), st.frozensets(st.integers(1, 3), max_size=2))),
        location=draw(points),
        travel_km=draw(st.sampled_from([None, 1.0, 3.0, 6.0])),
        availability=draw(usually(ALL_WEEK, st.lists(slots(), max_size=4).map(tuple))),
        max_concurrent=draw(st.integers(1, 4)),
        active_assignments=draw(st.sampled_from([0, 0, 0, 0, 1, 2, 3])),
        booked=draw(usually((), st.lists(windows_near(anchor), min_size=1, max_size=2).map(tuple))),
        years_experience=draw(st.floats(0, 30)),
        completed=draw(st.integers(0, 50)),
        no_shows=draw(st.integers(0, 5)),
        recent_assignments=draw(st.integers(0, 10)),
    )


@st.composite
def needs(draw, ident: int) -> NeedProfile:
    """A random need with id ``ident``."""
    return NeedProfile(
        id=ident,
        category=draw(st.sampled_from(CATEGORIES)),
        resident_id=draw(st.integers(1, 3)),
        community_id=draw(st.integers(1, 3)),
        location=draw(points),
        window=draw(windows()),
        required_certifications=draw(usually(frozenset(), st.frozensets(st.sampled_from([K.SOCIAL_WORKER, K.NURSE])))),
        languages=draw(st.frozensets(st.sampled_from(LANGUAGES), max_size=2)),
        preferred_gender=draw(st.sampled_from([None, None, None, "F", "M"])),
        urgency=draw(st.integers(1, 4)),
        blocked_provider_keys=draw(st.frozensets(st.tuples(st.just("PROFESSIONAL"), st.integers(0, 5)), max_size=2)),
        declined_provider_keys=draw(st.frozensets(st.tuples(st.just("ORGANIZATION"), st.integers(0, 5)), max_size=2)),
    )


def km(a: GeoPoint, b: GeoPoint) -> float:
    """Haversine distance, written independently of the engine."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lng - a.lng) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def holds_valid(provider: ProviderProfile, kind: str, days: set[date]) -> bool:
    """Some verified certificate of ``kind`` is in force on every day."""
    return any(
        c.kind == kind
        and c.verified
        and all((c.issued_on is None or c.issued_on <= d) and (c.expires_on is None or d <= c.expires_on) for d in days)
        for c in provider.certifications
    )


def open_at(provider: ProviderProfile, moment: datetime) -> bool:
    """Some weekly slot contains the half hour starting at ``moment``."""
    for slot in provider.availability:
        if slot.weekday != moment.weekday():
            continue
        begin = datetime.combine(moment.date(), slot.start)
        finish = datetime.combine(moment.date() + timedelta(days=1), time()) if slot.end == time(0) else None
        finish = finish or datetime.combine(moment.date(), slot.end)
        if begin <= moment and moment + STEP <= finish:
            return True
    return False


def age_on(birth: date, day: date) -> int:
    """Completed years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def expected_codes(need: NeedProfile, p: ProviderProfile) -> set[str]:
    """Every constraint ``p`` breaks for ``need``, by independent code."""
    window = need.window
    days = {window.start.date(), (window.end - timedelta(microseconds=1)).date()}
    out = set()
    if need.category not in p.categories:
        out.add("CATEGORY")
    one_of = NEEDS_ONE_OF.get(need.category.value, set())
    if (one_of and not any(holds_valid(p, k, days) for k in one_of)) or not all(
        holds_valid(p, k, days) for k in need.required_certifications
    ):
        out.add("QUALIFICATION")
    if need.category.value in CHILD and not (
        holds_valid(p, "HEALTH_CERTIFICATE", days) and holds_valid(p, "NO_CRIMINAL_RECORD", days)
    ):
        out.add("CHILD_SAFETY")
    near = need.location and p.location and p.travel_km is not None and km(need.location, p.location) <= p.travel_km
    if need.community_id not in p.community_ids and not near:
        out.add("PLACE")
    always = p.kind == "ORGANIZATION" and not p.availability
    steps = int((window.end - window.start) / STEP)
    if not always and not all(open_at(p, window.start + STEP * i) for i in range(steps)):
        out.add("AVAILABILITY")
    if any(b.start < window.end and window.start < b.end for b in p.booked):
        out.add("DOUBLE_BOOKING")
    if p.active_assignments >= p.max_concurrent:
        out.add("CAPACITY")
    if need.languages and not need.languages & p.languages:
        out.add("LANGUAGE")
    if need.preferred_gender and p.kind == "PROFESSIONAL" and p.gender != need.preferred_gender:
        out.add("GENDER")
    if ("PROFESSIONAL" if p.kind == "PROFESSIONAL" else "ORGANIZATION", p.id) in need.blocked_provider_keys:
        out.add("BLOCKED")
    if (str(p.kind), p.id) in need.declined_provider_keys:
        out.add("DECLINED")
    if p.birth_date is not None and age_on(p.birth_date, window.start.date()) < 18:
        out.add("AGE")
    return out


@st.composite
def instances(draw, max_needs: int = 1) -> tuple[list[NeedProfile], list[ProviderProfile]]:
    """Needs and providers with distinct ids."""
    need_list = [draw(needs(i)) for i in range(draw(st.integers(1, max_needs)))]
    anchor = need_list[0].window
    return need_list, [draw(providers(j, anchor)) for j in range(draw(st.integers(0, 6)))]


@settings(max_examples=100, deadline=None)
@given(instances())
def test_rank_never_proposes_a_provider_breaking_a_hard_constraint(instance):
    [need], provider_list = instance
    result = rank(need, provider_list, CONFIG, include_excluded=True)
    by_key = {p.key: p for p in provider_list}
    for candidate in result.candidates:
        assert expected_codes(need, by_key[candidate.provider_key]) == set()
        assert abs(sum(c.points for c in candidate.breakdown) - candidate.score) <= 1e-9
    for excluded in result.excluded:
        assert excluded.exclusions, "an excluded provider needs at least one reason"
        assert {e.code.value for e in excluded.exclusions} == expected_codes(need, by_key[excluded.provider_key])
        assert all(e.message_zh and e.message_en for e in excluded.exclusions)
    listed = [c.provider_key for c in result.candidates] + [e.provider_key for e in result.excluded]
    assert sorted(listed) == sorted(by_key)
    order = [(-c.score, c.provider_key) for c in result.candidates]
    assert order == sorted(order)


@settings(max_examples=50, deadline=None)
@given(instances(max_needs=4))
def test_batch_prefilter_keeps_exactly_the_eligible_pairs(instance):
    need_list, provider_list = instance
    problem = build_problem(need_list, provider_list, CONFIG)
    found = {
        (problem.needs[i].id, problem.providers[j].key)
        for i, j in zip(problem.pair_need, problem.pair_provider, strict=True)
    }
    expected = {(n.id, p.key) for n in need_list for p in provider_list if is_eligible(n, p, CONFIG)}
    assert found == expected


@st.composite
def scored(draw, ident: int, anchor: TimeWindow) -> ProviderProfile:
    """A provider of :func:`providers` with a wider track record: odd experience and counts, ratings
    beyond 1-5 (a prior can pull them back), a resident it served before."""
    return dataclasses.replace(
        draw(providers(ident, anchor)),
        years_experience=draw(st.floats(-3, 40)),
        cancelled=draw(st.integers(0, 9)),
        rating_sum=draw(st.floats(0, 300)),
        rating_count=draw(st.integers(0, 60)),
        recent_assignments=draw(st.integers(-2, 40)),
        served_resident_ratings=draw(st.dictionaries(st.integers(1, 3), st.floats(0, 6), max_size=2)),
    )


@st.composite
def scored_instances(draw) -> tuple[NeedProfile, list[ProviderProfile]]:
    need = draw(needs(0))
    skills = draw(st.frozensets(st.sampled_from(["cooking", "massage", "reading"]), max_size=2))
    need = dataclasses.replace(need, skills_wanted=skills)
    found = []
    for j in range(draw(st.integers(1, 6))):
        provider = draw(scored(j, need.window))
        found.append(dataclasses.replace(provider, skills=draw(st.frozensets(st.sampled_from(["cooking", "reading"])))))
    return need, found


@settings(max_examples=200, deadline=None)
@given(instances(max_needs=3))
def test_ranking_eligibility_test_answers_as_the_constraints(instance):
    """``eligibility_test`` (inline rules, used by ``rank``) agrees with each predicate and ``check``."""
    need_list, provider_list = instance
    for need in need_list:
        ctx = prepare(need, CONFIG)
        eligible = eligibility_test(ctx)
        for provider in provider_list:
            expected = not check_prepared(ctx, provider)
            assert eligible(provider) is expected
            assert is_eligible_prepared(ctx, provider) is expected


@settings(max_examples=200, deadline=None)
@given(scored_instances())
def test_scorer_total_is_the_breakdowns_float(instance):
    """``Scorer.total`` (inline fractions) is exactly the sum of the breakdown, with or without the
    provider's precomputed terms (ranking and batches order by it, explanations show the breakdown)."""
    need, provider_list = instance
    scorer = Scorer(prepare(need, CONFIG))
    for provider in provider_list:
        total = scorer.total(provider)
        assert total == scorer.breakdown(provider).total
        assert total == scorer.total(provider, provider_terms(provider, CONFIG))


def _fields(profile: ProviderProfile) -> tuple:
    return tuple(getattr(profile, f.name) for f in dataclasses.fields(ProviderProfile))


@settings(max_examples=100, deadline=None)
@given(scored_instances())
def test_trusted_profiles_equal_the_dataclass_ones(instance):
    """``trusted_profile`` (the service layer's fast constructor) gives every field, derived ones too,
    as the dataclass does from the same normalised values; ``with_engagements`` as ``replace``."""
    need, provider_list = instance
    for provider in provider_list:
        values = {f.name: getattr(provider, f.name) for f in dataclasses.fields(ProviderProfile) if f.init}
        values["categories"] = frozenset(str(c) for c in provider.categories)  # stored as text
        assert _fields(trusted_profile(**values)) == _fields(ProviderProfile(**values)) == _fields(provider)
        engaged = {"active_assignments": 1, "recent_assignments": 2, "booked": (need.window,),
                   "served_resident_ratings": {need.resident_id: 4.5}}
        assert _fields(with_engagements(provider, **engaged)) == _fields(dataclasses.replace(provider, **engaged))
