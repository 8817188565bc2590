"""The soft score: breakdown adds up, reasons in both languages, and each criterion's intent."""

import math
from datetime import timedelta

import pytest

from matching import Criterion, GeoPoint, MatchingConfig, score
from matching.synthetic import BASE, CENTRE, example_need, example_provider

CONFIG = MatchingConfig(now=BASE)


def points(breakdown, criterion: Criterion) -> float:
    """Points of one criterion in a breakdown."""
    return next(c.points for c in breakdown.components if c.criterion is criterion)


@pytest.mark.parametrize(
    "provider",
    [
        example_provider(),
        example_provider(community_ids={2}, recent_assignments=7, served_resident_ratings={100: 4.8}),
        example_provider(completed=0, rating_sum=0, rating_count=0, years_experience=0, skills={"cooking"}),
    ],
)
def test_breakdown_sums_to_the_score_and_is_explained(provider):
    need = example_need(skills_wanted={"cooking", "dementia"}, urgency=4, resident_age=85, resident_lives_alone=True)
    breakdown = score(need, provider, CONFIG)
    assert [c.criterion for c in breakdown.components] == list(Criterion)
    assert abs(sum(c.points for c in breakdown.components) - breakdown.total) <= 1e-9
    assert 0 <= breakdown.total <= 100
    for component in breakdown.components:
        assert 0 <= component.points <= component.max_points + 1e-12
        assert component.reason_zh and component.reason_en
        assert any("\u4e00" <= ch <= "\u9fff" for ch in component.reason_zh)
        assert component.reason_en.isascii()
    assert math.isclose(sum(c.max_points for c in breakdown.components), 100)


def test_weights_are_rescaled_to_100_and_override_defaults():
    config = MatchingConfig(now=BASE, weights={"fairness": 0.0, "urgency": 0.0})
    assert math.isclose(sum(config.max_points.values()), 100)
    assert config.max_points[Criterion.FAIRNESS] == 0
    assert config.weights[Criterion.PROXIMITY] == 25
    with pytest.raises(ValueError):
        MatchingConfig(weights={"charm": 5})
    with pytest.raises(ValueError):
        MatchingConfig(weights={"skill": -1})


def test_newcomer_gets_a_fair_reliability_score_against_a_poor_veteran():
    newcomer = example_provider(completed=0, rating_sum=0, rating_count=0)
    veteran = example_provider(completed=30, no_shows=6, cancelled=5, rating_sum=25 * 3.1, rating_count=25)
    new_points = points(score(example_need(), newcomer, CONFIG), Criterion.RELIABILITY)
    old_points = points(score(example_need(), veteran, CONFIG), Criterion.RELIABILITY)
    assert new_points > old_points
    good = example_provider(completed=80, rating_sum=80 * 4.9, rating_count=80)
    assert points(score(example_need(), good, CONFIG), Criterion.RELIABILITY) > new_points
    reason = next(c for c in score(example_need(), newcomer, CONFIG).components if c.criterion is Criterion.RELIABILITY)
    assert "新加入" in reason.reason_zh and "New provider" in reason.reason_en


def test_no_shows_weigh_more_than_cancellations():
    no_shows = example_provider(completed=20, no_shows=4)
    cancels = example_provider(completed=20, cancelled=4)
    assert score(example_need(), no_shows, CONFIG).total < score(example_need(), cancels, CONFIG).total


def test_fairness_prefers_the_less_loaded_provider_all_else_equal():
    busy = score(example_need(), example_provider(recent_assignments=10), CONFIG)
    idle = score(example_need(), example_provider(recent_assignments=1), CONFIG)
    assert idle.total > busy.total
    assert points(idle, Criterion.FAIRNESS) > points(busy, Criterion.FAIRNESS)


def test_continuity_boosts_a_carer_the_resident_knows_and_rated_well():
    known = score(example_need(), example_provider(served_resident_ratings={100: 4.8}), CONFIG)
    stranger = score(example_need(), example_provider(served_resident_ratings={101: 5.0}), CONFIG)
    poorly_rated = score(example_need(), example_provider(served_resident_ratings={100: 2.5}), CONFIG)
    assert known.total > stranger.total == poorly_rated.total
    reason = next(c for c in known.components if c.criterion is Criterion.CONTINUITY)
    assert reason.reason_zh == "曾服务该居民，评分4.8" and reason.reason_en == "Served this resident before, rated 4.8"


def test_proximity_full_in_community_then_decays_with_distance():
    same = score(example_need(), example_provider(), CONFIG)
    near = score(
        example_need(), example_provider(community_ids={2}, location=GeoPoint(CENTRE[0] + 0.01, CENTRE[1])), CONFIG
    )
    far = score(
        example_need(), example_provider(community_ids={2}, location=GeoPoint(CENTRE[0] + 0.03, CENTRE[1])), CONFIG
    )
    assert points(same, Criterion.PROXIMITY) == CONFIG.max_points[Criterion.PROXIMITY]
    assert points(same, Criterion.PROXIMITY) > points(near, Criterion.PROXIMITY) > points(far, Criterion.PROXIMITY) > 0
    assert next(c for c in same.components if c.criterion is Criterion.PROXIMITY).reason_zh == "同一社区"


def test_skills_and_experience_count():
    need = example_need(skills_wanted={"dementia", "cooking"})
    skilled = score(need, example_provider(skills={"dementia", "cooking"}), CONFIG)
    half = score(need, example_provider(skills={"cooking"}), CONFIG)
    senior = score(need, example_provider(skills={"cooking"}, years_experience=15), CONFIG)
    assert points(skilled, Criterion.SKILL) > points(half, Criterion.SKILL)
    assert points(senior, Criterion.SKILL) > points(half, Criterion.SKILL)
    assert "1/2" in next(c for c in half.components if c.criterion is Criterion.SKILL).reason_zh


def test_urgency_waiting_and_priority_elders_raise_the_score():
    provider = example_provider()
    base = score(example_need(urgency=2, submitted_at=BASE), provider, CONFIG).total
    urgent = score(example_need(urgency=4, submitted_at=BASE), provider, CONFIG).total
    waited = score(example_need(urgency=2, submitted_at=BASE - timedelta(days=2)), provider, CONFIG).total
    alone = score(
        example_need(urgency=2, submitted_at=BASE, resident_age=86, resident_lives_alone=True), provider, CONFIG
    )
    assert urgent > base and waited > base and alone.total > base
    assert "80岁以上独居老人" in next(c for c in alone.components if c.criterion is Criterion.URGENCY).reason_zh
