"""assign(): optimal against brute force, feasible, deterministic, explained, and fast enough."""

import random
from collections import Counter, defaultdict
from datetime import timedelta

import pytest

import matching.solvers
from matching import (
    AssignmentMethod,
    CareCategory,
    ExclusionCode,
    MatchingConfig,
    TimeWindow,
    UnassignedCode,
    assign,
    greedy_assign,
    is_eligible,
    score,
)
from matching.synthetic import BASE, example_need, example_provider, generate, small_batch

CONFIG = MatchingConfig(now=BASE)


def brute_force(needs, providers, config) -> float:
    """Best total score over every feasible assignment, by enumeration."""
    options = [[(p, score(n, p, config).total) for p in providers if is_eligible(n, p, config)] for n in needs]
    load: Counter = Counter()
    taken: dict = defaultdict(list)
    best = 0.0

    def extend(i: int, total: float) -> None:
        nonlocal best
        if i == len(needs):
            best = max(best, total)
            return
        extend(i + 1, total)
        window = needs[i].window
        for provider, value in options[i]:
            if load[provider.key] < provider.remaining_capacity and not any(
                window.overlaps(w) for w in taken[provider.key]
            ):
                load[provider.key] += 1
                taken[provider.key].append(window)
                extend(i + 1, total + value)
                load[provider.key] -= 1
                taken[provider.key].pop()

    extend(0, 0.0)
    return best


def assert_feasible(result, needs, providers, config) -> None:
    """Every assignment is eligible and scored right; capacities and windows are respected."""
    need_by_id = {n.id: n for n in needs}
    provider_by_key = {p.key: p for p in providers}
    assigned_ids = [a.need_id for a in result.assignments]
    assert len(assigned_ids) == len(set(assigned_ids))
    assert sorted(assigned_ids + [u.need_id for u in result.unassigned]) == sorted(need_by_id)
    windows = defaultdict(list)
    for a in result.assignments:
        need, provider = need_by_id[a.need_id], provider_by_key[a.provider_key]
        assert is_eligible(need, provider, config)
        assert abs(a.score - score(need, provider, config).total) <= 1e-9
        assert not any(need.window.overlaps(w) for w in windows[a.provider_key])
        windows[a.provider_key].append(need.window)
    for key, assigned in windows.items():
        assert len(assigned) <= provider_by_key[key].remaining_capacity
    assert abs(result.total_score - sum(a.score for a in result.assignments)) <= 1e-6


def check_against_brute_force(seeds) -> Counter:
    """Compare assign() with brute force on ``small_batch(seed)``; count the methods used."""
    methods: Counter = Counter()
    for seed in seeds:
        batch = small_batch(seed)
        result = assign(batch.needs, batch.providers, batch.config)
        assert_feasible(result, batch.needs, batch.providers, batch.config)
        assert result.total_score == pytest.approx(brute_force(batch.needs, batch.providers, batch.config), abs=1e-6)
        assert result.optimal
        methods[result.method] += 1
    return methods


def test_assign_matches_brute_force_on_small_instances():
    methods = check_against_brute_force(range(300))
    assert methods[AssignmentMethod.LINEAR_SUM_ASSIGNMENT] > 50 and methods[AssignmentMethod.MILP] > 10


def test_sparse_assignment_path_matches_brute_force(monkeypatch):
    monkeypatch.setattr(matching.solvers, "DENSE_CELL_LIMIT", 0)
    check_against_brute_force(range(300, 450))


def test_branch_and_bound_path_matches_brute_force(monkeypatch):
    monkeypatch.setattr(matching.solvers, "LP_FIRST", False)
    assert check_against_brute_force(range(450, 600))[AssignmentMethod.MILP] > 10


def test_greedy_is_feasible_and_never_better():
    for seed in range(600, 700):
        batch = small_batch(seed)
        greedy = greedy_assign(batch.needs, batch.providers, batch.config)
        assert_feasible(greedy, batch.needs, batch.providers, batch.config)
        assert greedy.method == "greedy" and not greedy.optimal
        assert greedy.total_score <= assign(batch.needs, batch.providers, batch.config).total_score + 1e-9


def test_documented_example_where_greedy_is_strictly_worse():
    """Greedy serves the urgent meal need first and gives it its best carer, the only cleaner
    around; the cleaning need is then left alone. assign() sends the meal to the second carer
    (a slightly lower score) so that both needs are served."""
    cleaner = example_provider(id=1, max_concurrent=1, categories={CareCategory.MEALS, CareCategory.CLEANING})
    cook = example_provider(id=2, community_ids={2}, categories={CareCategory.MEALS})  # 0.6 km away
    meal = example_need(id=1, urgency=4)
    cleaning = example_need(id=2, category=CareCategory.CLEANING, urgency=1)
    greedy = greedy_assign([meal, cleaning], [cleaner, cook], CONFIG)
    best = assign([meal, cleaning], [cleaner, cook], CONFIG)
    assert [(a.need_id, a.provider_key[1]) for a in greedy.assignments] == [(1, 1)]
    assert [(a.need_id, a.provider_key[1]) for a in best.assignments] == [(1, 2), (2, 1)]
    assert best.total_score > greedy.total_score


def test_overlapping_needs_never_share_a_provider_even_with_spare_capacity():
    provider = example_provider(id=1, max_concurrent=3)
    early = example_need(id=1, window=TimeWindow(BASE + timedelta(hours=9), BASE + timedelta(hours=11)))
    overlapping = example_need(id=2, window=TimeWindow(BASE + timedelta(hours=10), BASE + timedelta(hours=12)))
    later = example_need(id=3, window=TimeWindow(BASE + timedelta(hours=11), BASE + timedelta(hours=12)))
    result = assign([early, overlapping, later], [provider], CONFIG)
    assert [a.need_id for a in result.assignments] == [1, 3]
    assert result.method == AssignmentMethod.MILP and result.optimal
    [left] = result.unassigned
    assert left.need_id == 2 and left.code is UnassignedCode.CAPACITY_EXHAUSTED


def test_urgent_needs_win_scarce_providers():
    provider = example_provider(id=1, max_concurrent=1)
    calm = example_need(id=1, urgency=1)
    critical = example_need(id=2, urgency=4, resident_age=88, resident_lives_alone=True)
    result = assign([calm, critical], [provider], CONFIG)
    assert [a.need_id for a in result.assignments] == [2]


def test_unassigned_needs_are_explained():
    busy = example_provider(id=1, max_concurrent=1, active_assignments=1)
    needs = [example_need(id=1, category=CareCategory.MEDICAL), example_need(id=2)]
    doctors_only = [busy, example_provider(id=2, categories={CareCategory.CLEANING})]
    result = assign(needs, doctors_only, CONFIG)
    by_id = {u.need_id: u for u in result.unassigned}
    assert by_id[1].code is UnassignedCode.NO_ELIGIBLE_PROVIDER and by_id[1].exclusion is ExclusionCode.CAPACITY
    assert "已达接单上限" in by_id[1].message_zh and "at capacity" in by_id[1].message_en
    nobody = assign(
        [example_need(id=3, category=CareCategory.BATHING)], [example_provider(categories={"MEALS"})], CONFIG
    )
    assert nobody.unassigned[0].exclusion is ExclusionCode.CATEGORY
    assert assign([], [], CONFIG).assignments == ()


def test_duplicate_ids_are_rejected():
    with pytest.raises(ValueError):
        assign([example_need(id=1), example_need(id=1)], [example_provider()], CONFIG)
    with pytest.raises(ValueError):
        assign([example_need()], [example_provider(id=4), example_provider(id=4)], CONFIG)


def test_same_batch_in_any_order_gives_the_same_result():
    batch = generate(5, 80, 150)
    first = assign(batch.needs, batch.providers, batch.config)
    assert first == assign(batch.needs, batch.providers, batch.config)
    rng = random.Random(1)
    needs, providers = list(batch.needs), list(batch.providers)
    rng.shuffle(needs)
    rng.shuffle(providers)
    assert assign(needs, providers, batch.config) == first
    assert greedy_assign(needs, providers, batch.config) == greedy_assign(batch.needs, batch.providers, batch.config)


def test_a_city_sized_batch_is_solved_optimally_and_accounts_for_every_need():
    """Timing of this size is printed by ``python -m matching.synthetic``, not asserted here."""
    batch = generate(7, 2000, 5000)
    result = assign(batch.needs, batch.providers, batch.config)
    assert result.optimal and len(result.assignments) + len(result.unassigned) == 2000
