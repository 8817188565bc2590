"""rank(): order, tie-breaks, paging, excluded providers and speed."""


from matching import CareCategory, ExclusionCode, MatchingConfig, rank
from matching.synthetic import BASE, example_need, example_provider

CONFIG = MatchingConfig(now=BASE)


def test_candidates_sorted_by_score_then_provider_key():
    providers = [
        example_provider(id=3, recent_assignments=0),
        example_provider(id=2, recent_assignments=0, kind="ORGANIZATION"),
        example_provider(id=1, recent_assignments=9),
        example_provider(id=2, recent_assignments=0),
    ]
    result = rank(example_need(), providers, CONFIG)
    keys = [c.provider_key for c in result.candidates]
    assert keys == [("ORGANIZATION", 2), ("PROFESSIONAL", 2), ("PROFESSIONAL", 3), ("PROFESSIONAL", 1)]
    assert result.total_eligible == 4 and result.need_id == 1
    assert keys == [c.provider_key for c in rank(example_need(), providers[::-1], CONFIG).candidates]


def test_first_limits_the_candidates_and_each_has_a_breakdown_and_reasons():
    providers = [example_provider(id=i, recent_assignments=i) for i in range(1, 8)]
    result = rank(example_need(), providers, CONFIG, first=3)
    assert [c.provider_key[1] for c in result.candidates] == [1, 2, 3]
    assert result.total_eligible == 7
    for candidate in result.candidates:
        assert abs(sum(c.points for c in candidate.breakdown) - candidate.score) <= 1e-9
        assert 1 <= len(candidate.reasons) <= 3 and all(r.zh and r.en for r in candidate.reasons)


def test_excluded_providers_come_with_every_reason_when_asked():
    providers = [
        example_provider(id=1),
        example_provider(id=2, categories={CareCategory.CLEANING}, active_assignments=2),
        example_provider(id=3, community_ids={5}, travel_km=None),
    ]
    quiet = rank(example_need(), providers, CONFIG)
    assert quiet.excluded == ()
    result = rank(example_need(), providers, CONFIG, include_excluded=True)
    assert [c.provider_key[1] for c in result.candidates] == [1]
    assert [(e.provider_key[1], [x.code for x in e.exclusions]) for e in result.excluded] == [
        (2, [ExclusionCode.CATEGORY, ExclusionCode.CAPACITY]),
        (3, [ExclusionCode.PLACE]),
    ]


