"""The hard constraints of one need compiled into a single test, for ranking many providers."""

from __future__ import annotations

from collections.abc import Callable

from matching.constraints import is_child_safe, is_qualified
from matching.context import NeedContext
from matching.profiles import ProviderKind, ProviderProfile


def eligibility_test(ctx: NeedContext) -> Callable[[ProviderProfile], bool]:
    """The hard constraints of a prepared need as one function of the provider, for ranking.

    Ranking tests every loaded provider; calling the predicates of :mod:`matching.constraints` one
    by one costs about ten Python calls per provider, so this function tests the same rules inline,
    in their fast order, with the need's facts read once and the tests that hold for everyone left
    out (as ``eligibility_checks``). The qualification and child-safety tests, which few needs have,
    still call their predicates. It answers as ``is_eligible_prepared`` (checked on generated
    instances in tests/matching/test_matching_properties.py).
    """
    need = ctx.need
    category, community, here, window = need.category, need.community_id, need.location, need.window
    start, end, segments, cutoff = window.start, window.end, ctx.segments, ctx.adult_cutoff
    blocked, declined = need.blocked_provider_keys, need.declined_provider_keys
    languages, gender = need.languages, need.preferred_gender
    certified = tuple(holds for holds, applies in ((is_qualified, ctx.qualification_any or ctx.required_all),
                                                   (is_child_safe, ctx.child_safety_all)) if applies)
    organization = ProviderKind.ORGANIZATION

    def eligible(provider: ProviderProfile) -> bool:
        """Tell whether ``provider`` breaks no hard constraint of the need."""
        if category not in provider.categories or provider.active_assignments >= provider.max_concurrent:
            return False
        if (blocked and provider.key in blocked) or (declined and provider.key in declined):
            return False
        if gender is not None and provider.kind is not organization and provider.gender != gender:
            return False
        if languages and languages.isdisjoint(provider.languages):
            return False
        if provider.birth_date is not None and provider.birth_date > cutoff:
            return False
        if community not in provider.community_ids:
            travel, there = provider.travel_km, provider.location
            if travel is None or here is None or there is None or not there.distance_km(here) <= travel:
                return False
        if provider.kind is not organization or provider.availability:
            weekly = provider.weekly
            for weekday, start_s, end_s in segments:
                for low, high in weekly[weekday]:
                    if low <= start_s and end_s <= high:
                        break
                else:
                    return False
        for booked in provider.booked:
            if start < booked.end and booked.start < end:
                return False
        return all(holds(ctx, provider) for holds in certified) if certified else True

    return eligible
