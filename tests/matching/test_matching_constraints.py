"""Each hard constraint on its own: the example pair is eligible, one change breaks one rule."""

from datetime import date, datetime, time, timedelta

import pytest

from matching import (
    CareCategory,
    Certification,
    CertificationKind,
    ExclusionCode,
    GeoPoint,
    MatchingConfig,
    TimeWindow,
    WeeklySlot,
    check,
    is_eligible,
)
from matching.config import AgeRules
from matching.synthetic import BASE, CENTRE, EXAMPLE_CERTIFICATES, example_need, example_provider

K = CertificationKind
CONFIG = MatchingConfig(now=BASE)
C = ExclusionCode


def codes(need, provider, config=CONFIG) -> list[ExclusionCode]:
    """Codes of every broken constraint."""
    return [e.code for e in check(need, provider, config)]


def certs(*changed: Certification) -> tuple[Certification, ...]:
    """The example certificates with some kinds replaced."""
    kinds = {c.kind for c in changed}
    return tuple(c for c in EXAMPLE_CERTIFICATES if c.kind not in kinds) + changed


def test_example_pair_is_eligible_in_every_category():
    for category in CareCategory:
        assert codes(example_need(category=category), example_provider()) == []
        assert is_eligible(example_need(category=category), example_provider(), CONFIG)


def test_category():
    provider = example_provider(categories={CareCategory.CLEANING})
    [exclusion] = check(example_need(), provider, CONFIG)
    assert exclusion.code is C.CATEGORY
    assert "助餐" in exclusion.message_zh and "Meals" in exclusion.message_en


@pytest.mark.parametrize("category", [CareCategory.BATHING, CareCategory.MEDICAL, CareCategory.HEALTH_CHECK])
def test_qualified_categories_need_one_of_their_certificates(category):
    bare = example_provider(certifications=())
    assert codes(example_need(category=category), bare) == [C.QUALIFICATION]
    nurse_only = example_provider(certifications=(Certification(K.NURSE, True, date(2020, 1, 1)),))
    assert codes(example_need(category=category), nurse_only) == []


def test_bathing_accepts_an_elder_care_worker_but_medical_does_not():
    worker = example_provider(certifications=(Certification(K.ELDER_CARE_WORKER, True),))
    assert codes(example_need(category=CareCategory.BATHING), worker) == []
    [exclusion] = check(example_need(category=CareCategory.MEDICAL), worker, CONFIG)
    assert exclusion.code is C.QUALIFICATION
    assert "执业医师或护士" in exclusion.message_zh and "Licensed doctor or Nurse" in exclusion.message_en


def test_expired_certificate_does_not_count():
    expired = Certification(K.NURSE, True, date(2020, 1, 1), BASE.date() - timedelta(days=1))
    provider = example_provider(certifications=(expired,))
    assert codes(example_need(category=CareCategory.MEDICAL), provider) == [C.QUALIFICATION]
    last_day = Certification(K.NURSE, True, date(2020, 1, 1), BASE.date())
    assert codes(example_need(category=CareCategory.MEDICAL), example_provider(certifications=(last_day,))) == []


def test_certificate_not_yet_issued_or_unverified_does_not_count():
    future = Certification(K.NURSE, True, BASE.date() + timedelta(days=1))
    unverified = Certification(K.NURSE, False, date(2020, 1, 1))
    for cert in (future, unverified):
        assert codes(example_need(category=CareCategory.MEDICAL), example_provider(certifications=(cert,))) == [
            C.QUALIFICATION
        ]


def test_certificate_expiring_during_a_multi_day_window_does_not_count():
    overnight = TimeWindow(BASE + timedelta(hours=22), BASE + timedelta(hours=26))
    expiring = Certification(K.NURSE, True, date(2020, 1, 1), BASE.date())
    provider = example_provider(certifications=(expiring,), availability=(), kind="ORGANIZATION")
    assert codes(example_need(category=CareCategory.MEDICAL, window=overnight), provider) == [C.QUALIFICATION]


def test_need_can_require_extra_certificates():
    need = example_need(required_certifications={K.SOCIAL_WORKER})
    [exclusion] = check(need, example_provider(), CONFIG)
    assert exclusion.code is C.QUALIFICATION and "社会工作者" in exclusion.message_zh
    worker = example_provider(certifications=certs(Certification(K.SOCIAL_WORKER, True)))
    assert codes(need, worker) == []


@pytest.mark.parametrize("category", sorted(c for c in CareCategory if c.name.startswith(("PARENT", "FAMILY"))))
def test_unverified_health_certificate_excludes_from_child_categories(category):
    provider = example_provider(certifications=certs(Certification(K.HEALTH_CERTIFICATE, False, date(2020, 1, 1))))
    [exclusion] = check(example_need(category=category), provider, CONFIG)
    assert exclusion.code is C.CHILD_SAFETY
    assert "健康证明" in exclusion.message_zh and "Health certificate" in exclusion.message_en
    assert codes(example_need(category=CareCategory.MEALS), provider) == []  # elder care does not ask


def test_child_categories_need_the_no_criminal_record_check_too():
    provider = example_provider(certifications=tuple(c for c in EXAMPLE_CERTIFICATES if c.kind != K.NO_CRIMINAL_RECORD))
    assert codes(example_need(category=CareCategory.FAMILY_READING), provider) == [C.CHILD_SAFETY]
    assert codes(example_need(category=CareCategory.INFANT_CARE), provider) == [C.CHILD_SAFETY]


def test_infant_care_needs_a_care_qualification_and_child_safety():
    bare = example_provider(certifications=())
    assert codes(example_need(category=CareCategory.INFANT_CARE), bare) == [C.QUALIFICATION, C.CHILD_SAFETY]
    safety = tuple(c for c in EXAMPLE_CERTIFICATES if c.kind in (K.HEALTH_CERTIFICATE, K.NO_CRIMINAL_RECORD))
    infant_worker = example_provider(certifications=(*safety, Certification(K.INFANT_CARE_WORKER, True)))
    assert codes(example_need(category=CareCategory.INFANT_CARE), infant_worker) == []
    assert codes(example_need(category=CareCategory.PRESCHOOL_CARE), infant_worker) == [C.QUALIFICATION]
    no_childcare = example_provider(
        certifications=tuple(c for c in EXAMPLE_CERTIFICATES if c.kind != K.CHILDCARE_WORKER)
    )
    assert codes(example_need(category=CareCategory.PRESCHOOL_CARE), no_childcare) == [C.QUALIFICATION]


def test_place_by_community_or_travel_radius():
    far = GeoPoint(CENTRE[0] + 0.1, CENTRE[1])  # about 11 km north
    outside = example_provider(community_ids={2}, location=far)
    [exclusion] = check(example_need(), outside, CONFIG)
    assert exclusion.code is C.PLACE and "公里" in exclusion.message_zh and "km" in exclusion.message_en
    assert codes(example_need(), example_provider(community_ids={2})) == []  # 0.6 km, radius 3 km
    assert codes(example_need(), example_provider(community_ids={2}, travel_km=None)) == [C.PLACE]
    assert codes(example_need(location=None), example_provider(community_ids={2})) == [C.PLACE]
    assert codes(example_need(location=None), example_provider(location=None)) == []  # same community


def test_availability_and_organizations_without_hours():
    weekend = tuple(WeeklySlot(day, time(8), time(20)) for day in (5, 6))
    assert codes(example_need(), example_provider(availability=weekend)) == [C.AVAILABILITY]
    assert codes(example_need(), example_provider(availability=())) == [C.AVAILABILITY]
    assert codes(example_need(), example_provider(availability=(), kind="ORGANIZATION")) == []


def test_double_booking():
    booked = (TimeWindow(BASE + timedelta(hours=10), BASE + timedelta(hours=12)),)
    assert codes(example_need(), example_provider(booked=booked)) == [C.DOUBLE_BOOKING]
    after = (TimeWindow(BASE + timedelta(hours=11), BASE + timedelta(hours=12)),)
    assert codes(example_need(), example_provider(booked=after)) == []


def test_capacity():
    assert codes(example_need(), example_provider(max_concurrent=2, active_assignments=2)) == [C.CAPACITY]
    assert codes(example_need(), example_provider(max_concurrent=2, active_assignments=1)) == []


def test_language():
    need = example_need(languages={"hangzhou-dialect", "en"})
    assert codes(need, example_provider()) == []
    [exclusion] = check(need, example_provider(languages={"zh"}), CONFIG)
    assert exclusion.code is C.LANGUAGE and "杭州话" in exclusion.message_zh and "English" in exclusion.message_en


def test_gender_preference_applies_to_professionals():
    need = example_need(preferred_gender="F")
    assert codes(need, example_provider(gender="M")) == [C.GENDER]
    assert codes(need, example_provider(gender=None)) == [C.GENDER]
    assert codes(need, example_provider(gender=None, kind="ORGANIZATION")) == []


def test_blocked_and_declined_use_provider_keys():
    need = example_need(
        blocked_provider_keys={("PROFESSIONAL", 1)},
        declined_provider_keys={("ORGANIZATION", 2)},
    )
    assert codes(need, example_provider(id=1)) == [C.BLOCKED]
    assert codes(need, example_provider(id=1, kind="ORGANIZATION")) == []  # same id, other kind
    assert codes(need, example_provider(id=2, kind="ORGANIZATION")) == [C.DECLINED]


def test_minimum_age_on_the_day_of_service():
    monday = BASE.date()  # 2025-03-03
    turns_18_today = example_provider(birth_date=date(2007, 3, 3))
    turns_18_tomorrow = example_provider(birth_date=date(2007, 3, 4))
    assert codes(example_need(), turns_18_today) == []
    [exclusion] = check(example_need(), turns_18_tomorrow, CONFIG)
    assert exclusion.code is C.AGE and "18" in exclusion.message_zh
    assert (
        codes(example_need(), turns_18_tomorrow, MatchingConfig(now=BASE, age_rules=AgeRules(min_provider_age=16)))
        == []
    )
    assert monday.weekday() == 0


def test_check_lists_every_failure_in_code_order():
    provider = example_provider(
        categories={CareCategory.CLEANING},
        active_assignments=2,
        gender="M",
        birth_date=date(2012, 1, 1),
        community_ids={9},
        location=None,
    )
    need = example_need(preferred_gender="F", blocked_provider_keys={("PROFESSIONAL", 1)})
    assert codes(need, provider) == [C.CATEGORY, C.PLACE, C.CAPACITY, C.GENDER, C.BLOCKED, C.AGE]
    assert not is_eligible(need, provider, CONFIG)
    assert all(e.message_zh and e.message_en for e in check(need, provider, CONFIG))


def test_profiles_accept_plain_collections_and_aware_times():
    provider = example_provider(categories=["MEALS"], community_ids=[1], skills=["cooking"])
    assert provider.categories == {CareCategory.MEALS} and provider.key == ("PROFESSIONAL", 1)
    need = example_need(submitted_at=datetime.fromisoformat("2025-03-03T00:00:00+00:00"))
    assert need.submitted_at == datetime(2025, 3, 3, 8, 0)
    with pytest.raises(ValueError):
        example_need(urgency=5)


def test_requirements_can_be_overridden_per_category_without_dropping_the_others():
    config = MatchingConfig(now=BASE, required_certifications={"MEALS": {K.HEALTH_CERTIFICATE}})
    bare = example_provider(certifications=())
    assert codes(example_need(), bare, config) == [C.QUALIFICATION]
    assert codes(example_need(category=CareCategory.BATHING), bare, config) == [C.QUALIFICATION]
    assert codes(example_need(category=CareCategory.CLEANING), bare, config) == []
